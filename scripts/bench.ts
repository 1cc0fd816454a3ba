// `npm run bench [name …]`: runs every benchmark in scripts/bench/, one after another, each in a
// process of its own so its RSS is its own; each prints its figures beside the references it
// measures in the same run, so ratios compare figures from the same machine at the same time.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureEnvironment } from './lib/environment.ts';
import { repoRoot } from './lib/paths.ts';

const dir = join(repoRoot, 'scripts/bench');
const only = process.argv.slice(2);
const names = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => f.replace(/\.ts$/, '')).sort();
const unknown = only.filter((n) => !names.includes(n));
if (unknown.length > 0) {
  console.error(`bench: no benchmark named ${unknown.join(', ')} (there are: ${names.join(', ')})`);
  process.exit(2);
}
// The ingest, fanout and replay benchmarks write to a real broker and Redis: bring them up (the
// local broker stays running afterwards, as with `npm run kafka -- start`).
const env = await ensureEnvironment();
const childEnv = { ...process.env, KAFKA_BROKERS: env.kafkaBrokers, REDIS_URL: env.redisUrl };
const failed: string[] = [];
for (const name of names.filter((n) => only.length === 0 || only.includes(n))) {
  console.log(`\n=== bench: ${name} ===`);
  const r = spawnSync(process.execPath, ['--disable-warning=TimeoutNegativeWarning', join(dir, `${name}.ts`)], { cwd: repoRoot, stdio: 'inherit', env: childEnv });
  if (r.status !== 0) failed.push(`${name} (exit ${String(r.status ?? r.signal)})`);
}
if (failed.length > 0) {
  console.error(`\nbench: failed: ${failed.join(', ')}`);
  process.exit(1);
}
