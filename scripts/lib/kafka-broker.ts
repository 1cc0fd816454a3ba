import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createKafkaClient, waitForCluster } from '@conduit/bus';
import { createLogger } from '@conduit/log';
import { localDir, repoRoot } from './paths.ts';

const kafkaDir = join(localDir, 'kafka');
const jarsDir = join(kafkaDir, 'libs');
const dataDir = join(kafkaDir, 'data');
const pidFile = join(kafkaDir, 'broker.pid');
export const brokerLog = join(kafkaDir, 'broker.log');
const propsFile = join(kafkaDir, 'server.properties');
const pom = join(repoRoot, 'deploy/kafka/pom.xml');

export const localBroker = { host: '127.0.0.1', port: Number(process.env['CONDUIT_LOCAL_KAFKA_PORT'] ?? 9092) };
const controllerPort = localBroker.port + 1;

export function localBrokerAddress(): string {
  return `${localBroker.host}:${localBroker.port}`;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = connect({ host: localBroker.host, port });
    socket.setTimeout(500);
    socket.once('connect', () => { socket.destroy(); resolveOpen(true); });
    socket.once('error', () => resolveOpen(false));
    socket.once('timeout', () => { socket.destroy(); resolveOpen(false); });
  });
}

function runningPid(): number | null {
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** Resolves the broker jars from Maven Central once; ~/.m2 caches them across clones. */
function ensureJars(): void {
  if (existsSync(jarsDir) && readdirSync(jarsDir).some((f) => f.startsWith('kafka_2.13-'))) return;
  mkdirSync(jarsDir, { recursive: true });
  console.log('kafka: resolving broker jars with Maven (first run only)…');
  const args = ['-B', '-q', '-f', pom, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${jarsDir}`];
  const r = spawnSync('mvn', args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`kafka: mvn exited with ${r.status ?? r.signal}; is Maven installed and Maven Central reachable?`);
}

function ensureFormatted(): void {
  mkdirSync(dataDir, { recursive: true });
  const template = readFileSync(join(repoRoot, 'deploy/kafka/server.properties'), 'utf8');
  writeFileSync(
    propsFile,
    template.replaceAll('${DATA_DIR}', dataDir).replaceAll('${PORT}', String(localBroker.port)).replaceAll('${CONTROLLER_PORT}', String(controllerPort)),
  );
  if (existsSync(join(dataDir, 'meta.properties'))) return;
  const clusterId = randomBytes(16).toString('base64url');
  const r = spawnSync('java', ['-cp', `${jarsDir}/*`, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', propsFile, '--ignore-formatted'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`kafka: storage format failed: ${r.stderr}`);
}

async function waitReady(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await portOpen(localBroker.port))) {
    if (Date.now() > deadline) throw new Error(`kafka: broker did not open port ${localBroker.port} in time; see ${brokerLog}`);
    if (runningPid() === null) throw new Error(`kafka: broker exited during start; see ${brokerLog}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const kafka = createKafkaClient({ brokers: [localBrokerAddress()], clientId: 'conduit-dev', logger: createLogger({ name: 'kafka-dev', level: 'silent' }) });
  await waitForCluster(kafka, Math.max(1000, deadline - Date.now()));
}

export type BrokerState = 'started' | 'already-running' | 'external';

/** Starts the local broker unless one answers already. No-op when running. */
export async function startBroker(): Promise<BrokerState> {
  if (runningPid() !== null) {
    await waitReady(60000);
    return 'already-running';
  }
  if (await portOpen(localBroker.port)) return 'external';
  ensureJars();
  ensureFormatted();
  const out = openSync(brokerLog, 'a');
  const heap = process.env['CONDUIT_KAFKA_HEAP'] ?? '512m';
  const child = spawn(
    'java',
    [`-Xms${heap}`, `-Xmx${heap}`, '-XX:+UseG1GC', `-Dlog4j.configuration=file:${join(repoRoot, 'deploy/kafka/log4j.properties')}`, `-Dkafka.logs.dir=${kafkaDir}`, '-cp', `${jarsDir}/*`, 'kafka.Kafka', propsFile],
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  await waitReady(90000);
  return 'started';
}

export async function stopBroker(): Promise<boolean> {
  const pid = runningPid();
  if (pid === null) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      rmSync(pidFile, { force: true });
      return true;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  process.kill(pid, 'SIGKILL');
  rmSync(pidFile, { force: true });
  return true;
}

export async function brokerStatus(): Promise<{ pid: number | null; listening: boolean }> {
  return { pid: runningPid(), listening: await portOpen(localBroker.port) };
}

export async function resetBroker(): Promise<void> {
  await stopBroker();
  rmSync(dataDir, { recursive: true, force: true });
}
