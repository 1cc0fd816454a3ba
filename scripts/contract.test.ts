import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './lib/paths.ts';
import { runContractCli } from './contract.ts';

const demo = join(repoRoot, 'deploy/demo/contracts');

test('prints one subscriber as a table and as JSON', () => {
  const text = runContractCli([demo, 'population-research']);
  assert.equal(text.status, 0);
  assert.match(text.output, /^Subscriber +population-research \(version 2\)$/m);
  assert.match(text.output, /^ {2}Patient\.birthDate +date +birth-year, or removed at 90\+/m);
  const json = runContractCli([demo, 'care-management', '--json']);
  assert.equal(json.status, 0);
  const parsed = JSON.parse(json.output) as { subscriber: string; identifiers: { tokenDomain: string } };
  assert.equal(parsed.subscriber, 'care-management');
  assert.equal(parsed.identifiers.tokenDomain, 'care-management');
});

test('prints every subscriber when no id is given; unknown ids and invalid folders fail with status 1', () => {
  const all = runContractCli([demo, '--json']);
  assert.deepEqual((JSON.parse(all.output) as { subscriber: string }[]).map((p) => p.subscriber), ['care-management', 'population-research']);
  assert.deepEqual(runContractCli([demo, 'nobody']), { status: 1, output: `no contract with id "nobody" in ${demo}\n` });
  const bad = mkdtempSync(join(tmpdir(), 'conduit-cli-'));
  writeFileSync(join(bad, 'x.json'), '{"id":"x"}');
  const out = runContractCli([bad]);
  assert.equal(out.status, 1);
  assert.match(out.output, /^CDT_CONTRACT_INVALID: /);
  assert.match(out.output, /x\.json: \/ \(line 1\) must have version/);
  assert.equal(runContractCli([]).status, 2);
});
