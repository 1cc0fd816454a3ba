import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { localDir } from './paths.ts';

export const defaultRedisUrl = 'redis://127.0.0.1:6379';

function ping(host: string, port: number): Promise<boolean> {
  return new Promise((resolvePing) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => { socket.destroy(); resolvePing(d.toString().startsWith('+PONG') || d.toString().startsWith('-NOAUTH')); });
    socket.once('error', () => resolvePing(false));
    socket.once('timeout', () => { socket.destroy(); resolvePing(false); });
  });
}

/**
 * Uses the Redis at REDIS_URL (default 127.0.0.1:6379) when it answers; otherwise starts a local
 * redis-server, installing Debian's package first if the binary is missing.
 */
export async function ensureRedis(url = process.env['REDIS_URL'] ?? defaultRedisUrl): Promise<'running' | 'started'> {
  const { hostname, port } = new URL(url);
  const p = Number(port || 6379);
  if (await ping(hostname, p)) return 'running';
  if (url !== defaultRedisUrl && process.env['REDIS_URL']) throw new Error(`redis: ${hostname}:${p} from REDIS_URL does not answer`);
  if (spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status !== 0) {
    console.log('redis: redis-server missing, installing the Debian package…');
    const apt = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server'], { stdio: 'inherit' });
    if (apt.status !== 0) throw new Error('redis: could not install redis-server with apt-get');
  }
  const dir = join(localDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(p), '--dir', dir, '--logfile', join(dir, 'redis.log'), '--appendonly', 'yes'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('redis: redis-server failed to start');
  for (let i = 0; i < 50; i++) {
    if (await ping(hostname, p)) return 'started';
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`redis: started but ${hostname}:${p} does not answer; see ${join(dir, 'redis.log')}`);
}
