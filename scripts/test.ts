// `npm test`: starts what the tests need (Redis, the local Kafka broker, topics), then runs every
// unit, integration and end-to-end test with node's test runner, and scans the run's logs for PHI.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { compileCacheEnv } from './lib/compile-cache.ts';
import { ensureEnvironment } from './lib/environment.ts';
import { localDir, repoRoot } from './lib/paths.ts';
import { scanForPhi } from './lib/phi-scan.ts';

// Static checks first: a type error or a boundary violation fails the run like a failing test.
for (const [label, bin, args] of [
  ['typecheck', 'tsc', ['-p', 'tsconfig.json', '--noEmit']],
  ['lint', 'eslint', ['.']],
] as const) {
  const r = spawnSync(join(repoRoot, 'node_modules/.bin', bin), [...args], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${label} failed`);
    process.exit(1);
  }
  console.log(`${label}: ok`);
}

const env = await ensureEnvironment();
const logDir = join(localDir, 'test-logs');
rmSync(logDir, { recursive: true, force: true });
mkdirSync(logDir, { recursive: true });

const patterns = ['libs/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'scripts/**/*.test.ts'];
const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--test', '--test-concurrency=2', '--test-timeout=180000', ...patterns, ...process.argv.slice(2)], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: { ...process.env, ...compileCacheEnv, KAFKA_BROKERS: env.kafkaBrokers, REDIS_URL: env.redisUrl, CONDUIT_TEST_LOG_DIR: logDir },
});
const code = await new Promise<number>((r) => child.once('exit', (c, signal) => r(c ?? (signal ? 1 : 0))));

// Services started by the tests log to CONDUIT_TEST_LOG_DIR: none of the PHI seeded into test
// messages may appear there.
const leaks = scanForPhi(logDir);
if (leaks.length > 0) {
  console.error(`PHI found in test logs:\n${leaks.map((l) => `  ${l.file}: "${l.value}"`).join('\n')}`);
  process.exit(1);
}
console.log(`PHI scan: no seeded PHI value in ${logDir}`);
process.exit(code);
