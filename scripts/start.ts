// `npm start`: brings up Redis, Kafka, topics, the four pipeline services and the ops API, sends the
// demo ADT^A01 and prints what the care-management subscriber receives and where each service
// serves its metrics. Ctrl-C stops everything it started.
import { join } from 'node:path';
import { createKafkaClient, deriveEventId, parseBrokerList, readTopicUntil, topicEnds, type ReadRecord } from '@conduit/bus';
import { subscriberTopic } from '@conduit/events';
import { parseHl7, readHeader, sendWithReferenceClient } from '@conduit/hl7v2';
import { createLogger } from '@conduit/log';
import { ensureEnvironment } from './lib/environment.ts';
import { readHl7File } from './lib/hl7-file.ts';
import { devBroker } from './lib/kafka-broker.ts';
import { devOpsAuth } from './lib/ops-token.ts';
import { localDir, repoRoot } from './lib/paths.ts';
import { serviceEnv } from './lib/service-env.ts';
import { allServiceNames, serviceNames, spawnService, type PipelineServiceName } from './lib/service-process.ts';
import { waitForPort } from './lib/wait-port.ts';

const mllpPort = Number(process.env['CONDUIT_MLLP_PORT'] ?? 2575);
const opsPort = Number(process.env['CONDUIT_OPS_PORT'] ?? 8470);
// Each pipeline service serves its Prometheus metrics on the next port up from this one.
const metricsBasePort = Number(process.env['CONDUIT_METRICS_BASE_PORT'] ?? 9461);
const metricsPorts = Object.fromEntries(serviceNames.map((name, i) => [name, metricsBasePort + i])) as Record<PipelineServiceName, number>;
const sample = join(repoRoot, 'deploy/demo/samples/adt-a01.hl7');
const subscriber = 'care-management';

const env = await ensureEnvironment();
const logDir = join(localDir, 'logs');
const auth = await devOpsAuth();
const settings = { kafkaBrokers: env.kafkaBrokers, mllpPort, redisUrl: env.redisUrl, metricsPorts, ops: { port: opsPort, jwksFile: auth.jwksFile, issuer: auth.issuer } };
const services = allServiceNames.map((name) => spawnService(name, serviceEnv(name, settings), join(logDir, `${name}.log`)));

let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log('\nconduit: stopping services…');
    await Promise.all(services.map((s) => s.stop()));
    if (env.brokerStartedHere) await devBroker.stop();
  }
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
for (const s of services) {
  s.child.once('exit', (code) => {
    if (!stopping) {
      console.error(`conduit: ${s.name} exited (${code}); see ${s.logFile}`);
      void stopAll(1);
    }
  });
}

await waitForPort('127.0.0.1', mllpPort, 30000);
await waitForPort('127.0.0.1', opsPort, 30000);
console.log(`conduit: ingest listens for MLLP on 127.0.0.1:${mllpPort}; service logs in ${logDir}`);
// A new control id each run: the same one again would be a duplicate, acknowledged but not
// published, and the demo would have nothing new to show.
const [template] = readHl7File(sample);
const message = template!.replace(/^(MSH(?:\|[^|\r]*){8}\|)[^|\r]*/, `$1DEMO${Date.now()}`);
const header = readHeader(parseHl7(message));
const kafka = createKafkaClient({ brokers: parseBrokerList(env.kafkaBrokers), clientId: 'conduit-demo', logger: createLogger({ name: 'demo', level: 'warn' }) });
// Read from where the subscriber topic ends now: what earlier runs and tests left there is not read.
const topic = subscriberTopic(subscriber);
const from = (await topicEnds(kafka, [topic])).get(topic);
const ack = parseHl7(await sendWithReferenceClient({ host: '127.0.0.1', port: mllpPort, message }));
console.log(`conduit: sent ${sample} (control id ${header.controlId}) → ${ack.segment('MSA')?.get(1)}`);

const sourceEventId = deriveEventId(header.sendingApplication, header.sendingFacility, header.controlId);
const wanted = (v: Buffer) => (JSON.parse(v.toString('utf8')) as { sourceEventId: string }).sourceEventId === sourceEventId;
let found: ReadRecord | undefined;
let checked = 0;
// Stages that start from the beginning of a broker's history catch up on it first.
const waitMs = 180000;
await readTopicUntil(kafka, topic, (seen) => {
  for (; checked < seen.length && !found; checked++) if (wanted(seen[checked]!.value)) found = seen[checked];
  return found !== undefined;
}, waitMs, from);
if (!found) {
  console.error(`conduit: the projected event did not reach ${topic} within ${waitMs / 1000} s; see ${logDir}`);
  await stopAll(1);
}
console.log(`conduit: ${topic} received:\n${JSON.stringify(JSON.parse(found!.value.toString('utf8')), null, 2)}`);
console.log(`\nconduit is running. Send more with:  npm run send -- <file.hl7>   (e.g. npm run send -- ${join('deploy/demo/samples/adt-a01.hl7')})`);
console.log('A message whose sending facility and control id (MSH-4, MSH-10) were already stored is acknowledged again but not published twice: change MSH-10 to send it as new.');
console.log(`The ops API listens on http://127.0.0.1:${opsPort}/v1 (OpenAPI at /v1/openapi.json). A 12-hour demo admin token is in ${auth.tokenFile}:`);
console.log(`  CONDUIT_OPS_URL=http://127.0.0.1:${opsPort} CONDUIT_OPS_TOKEN_FILE=${auth.tokenFile} npm run conduit -- health      (also: dlq list, replay create --help, audit verify)`);
console.log(`Prometheus metrics: ${serviceNames.map((name) => `${name} http://127.0.0.1:${metricsPorts[name]}/metrics`).join(', ')}`);
console.log(`Ctrl-C stops the services${env.brokerStartedHere ? ' and the local broker' : ''}.`);
