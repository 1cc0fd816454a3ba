import { createKafkaClient, parseBrokerList, provisionTopics, type ProvisionReport } from '@conduit/bus';
import { createLogger } from '@conduit/log';
import { readTopicsFile } from './topics-file.ts';

export async function provisionDeclaredTopics(brokers: string): Promise<ProvisionReport> {
  const kafka = createKafkaClient({ brokers: parseBrokerList(brokers), clientId: 'conduit-provision', logger: createLogger({ name: 'provision', level: 'warn' }) });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await provisionTopics(admin, readTopicsFile());
  } finally {
    await admin.disconnect();
  }
}
