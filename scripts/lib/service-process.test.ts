import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileCacheDir } from './compile-cache.ts';
import { repoRoot } from './paths.ts';
import { allServiceNames, serviceV8Flags } from './service-process.ts';

// A service started with `npm start` in its package must run under the V8 flags and from the
// compile cache the benches and `npm start` at the root measured it with (its RSS budget depends on both).
test("each service's start script passes the V8 flags and compile cache spawnService uses", () => {
  for (const name of allServiceNames) {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'services', name, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
    const cache = relative(join(repoRoot, 'services', name), compileCacheDir);
    assert.equal(pkg.scripts?.start, [`NODE_COMPILE_CACHE=${cache}`, 'node', ...serviceV8Flags[name], 'src/start.ts'].join(' '), name);
  }
});
