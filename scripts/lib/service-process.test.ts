import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';
import { allServiceNames, serviceV8Flags } from './service-process.ts';

// A service started with `npm start` in its package must run under the V8 flags the benches and
// `npm start` at the root measured it with (ingest's RSS budget depends on them).
test("each service's start script passes the V8 flags spawnService uses", () => {
  for (const name of allServiceNames) {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'services', name, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
    assert.equal(pkg.scripts?.start, ['node', ...serviceV8Flags[name], 'src/start.ts'].join(' '), name);
  }
});
