import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createKafkaClient, waitForCluster } from '@conduit/bus';
import { createLogger } from '@conduit/log';
import { localDir, repoRoot } from './paths.ts';

const pom = join(repoRoot, 'deploy/kafka/pom.xml');
/** Jars are shared by every local broker of this checkout. */
const jarsDir = join(localDir, 'kafka', 'libs');

export interface LocalBrokerOptions {
  /** Folder for this broker's data, pid, properties and log. */
  readonly dir: string;
  readonly port: number;
  readonly controllerPort: number;
}

export type BrokerState = 'started' | 'already-running' | 'external';

export interface LocalBroker {
  readonly address: string;
  readonly logFile: string;
  start(): Promise<BrokerState>;
  stop(): Promise<boolean>;
  status(): Promise<{ pid: number | null; listening: boolean }>;
  reset(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => { socket.destroy(); resolveOpen(true); });
    socket.once('error', () => resolveOpen(false));
    socket.once('timeout', () => { socket.destroy(); resolveOpen(false); });
  });
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

export function createLocalBroker(o: LocalBrokerOptions): LocalBroker {
  const dataDir = join(o.dir, 'data');
  const pidFile = join(o.dir, 'broker.pid');
  const logFile = join(o.dir, 'broker.log');
  const propsFile = join(o.dir, 'server.properties');
  const address = `127.0.0.1:${o.port}`;

  const runningPid = (): number | null => {
    if (!existsSync(pidFile)) return null;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return null;
    }
  };

  const ensureFormatted = (): void => {
    mkdirSync(dataDir, { recursive: true });
    const template = readFileSync(join(repoRoot, 'deploy/kafka/server.properties'), 'utf8');
    writeFileSync(propsFile, template.replaceAll('${DATA_DIR}', dataDir).replaceAll('${PORT}', String(o.port)).replaceAll('${CONTROLLER_PORT}', String(o.controllerPort)));
    if (existsSync(join(dataDir, 'meta.properties'))) return;
    const clusterId = randomBytes(16).toString('base64url');
    const r = spawnSync('java', ['-cp', `${jarsDir}/*`, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', propsFile, '--ignore-formatted'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`kafka: storage format failed: ${r.stderr}`);
  };

  const waitReady = async (timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await portOpen(o.port))) {
      if (Date.now() > deadline) throw new Error(`kafka: broker did not open port ${o.port} in time; see ${logFile}`);
      if (runningPid() === null) throw new Error(`kafka: broker exited during start; see ${logFile}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const kafka = createKafkaClient({ brokers: [address], clientId: 'conduit-dev', logger: createLogger({ name: 'kafka-dev', level: 'silent' }) });
    await waitForCluster(kafka, Math.max(1000, deadline - Date.now()));
  };

  const stop = async (): Promise<boolean> => {
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
  };

  return {
    address,
    logFile,
    /** Starts the broker unless one answers already: a no-op when running. */
    async start() {
      if (runningPid() !== null) {
        await waitReady(60000);
        return 'already-running';
      }
      if (await portOpen(o.port)) return 'external';
      ensureJars();
      ensureFormatted();
      const out = openSync(logFile, 'a');
      const heap = process.env['CONDUIT_KAFKA_HEAP'] ?? '512m';
      const child = spawn(
        'java',
        [`-Xms${heap}`, `-Xmx${heap}`, '-XX:+UseG1GC', `-Dlog4j.configuration=file:${join(repoRoot, 'deploy/kafka/log4j.properties')}`, `-Dkafka.logs.dir=${o.dir}`, '-cp', `${jarsDir}/*`, 'kafka.Kafka', propsFile],
        { detached: true, stdio: ['ignore', out, out] },
      );
      child.unref();
      writeFileSync(pidFile, String(child.pid));
      await waitReady(90000);
      return 'started';
    },
    stop,
    async status() {
      return { pid: runningPid(), listening: await portOpen(o.port) };
    },
    async reset() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The project's development and test broker. */
export const devBroker = createLocalBroker({
  dir: join(localDir, 'kafka'),
  port: Number(process.env['CONDUIT_LOCAL_KAFKA_PORT'] ?? 9092),
  controllerPort: Number(process.env['CONDUIT_LOCAL_KAFKA_PORT'] ?? 9092) + 1,
});
