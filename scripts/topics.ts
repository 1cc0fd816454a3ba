// Usage: npm run topics — creates or updates every topic in deploy/kafka/topics.json.
import { devBroker } from './lib/kafka-broker.ts';
import { provisionDeclaredTopics } from './lib/provision.ts';

const brokers = process.env['KAFKA_BROKERS'] ?? devBroker.address;
const report = await provisionDeclaredTopics(brokers);
console.log(`topics on ${brokers}: created [${report.created.join(', ')}], updated [${report.updated.join(', ')}], unchanged [${report.unchanged.join(', ')}]`);
