// `npm run bench`: runs every benchmark in scripts/bench/ in one process, one after another,
// so ratios compare figures measured on the same machine at the same time.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './lib/paths.ts';

const dir = join(repoRoot, 'scripts/bench');
const only = process.argv.slice(2);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort()) {
  const name = file.replace(/\.ts$/, '');
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`\n=== bench: ${name} ===`);
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
  const run = Object.entries(mod).find(([k, v]) => k.startsWith('run') && typeof v === 'function')?.[1] as (() => Promise<unknown>) | undefined;
  if (!run) throw new Error(`${file} exports no run* function`);
  await run();
}
