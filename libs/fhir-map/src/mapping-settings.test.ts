import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConduitError } from '@conduit/errors';
import { loadMappingSettings } from './mapping-settings.ts';

const dir = mkdtempSync(join(tmpdir(), 'conduit-mapping-settings-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function refuses(settings: Parameters<typeof loadMappingSettings>[0], message: RegExp): void {
  assert.throws(() => loadMappingSettings(settings), (err: unknown) => isConduitError(err) && err.code === 'CDT_CONFIG_INVALID' && message.test(err.detail ?? ''));
}

test('a valid file and zone are the settings; without a file the built-in table stays alone', () => {
  const table = { $comment: 'site systems', authorities: { MPI: 'https://mpi.example.org/id' }, facilities: { NORTHSIDE: 'urn:oid:1.2.3' } };
  assert.deepEqual(loadMappingSettings({ timeZone: 'America/Chicago', identifierSystemsFile: file('ok.json', JSON.stringify(table)) }), { timeZone: 'America/Chicago', identifierSystems: table });
  assert.deepEqual(loadMappingSettings({ timeZone: 'UTC' }), { timeZone: 'UTC' });
});

test('an unknown zone, or a file that is missing, not JSON or not a table, stops start-up naming the file and the reason', () => {
  refuses({ timeZone: 'Mars/Olympus_Mons' }, /^time zone Mars\/Olympus_Mons: not an IANA time zone$/);
  const missing = join(dir, 'missing.json');
  refuses({ timeZone: 'UTC', identifierSystemsFile: missing }, new RegExp(`^identifier systems file ${missing}: ENOENT$`));
  const broken = file('broken.json', '{ "authorities": ');
  refuses({ timeZone: 'UTC', identifierSystemsFile: broken }, new RegExp(`^identifier systems file ${broken}: not valid JSON$`));
  const wrong = file('wrong.json', JSON.stringify({ authorities: { MPI: 'mpi.example.org', SSA: 7 }, facility: {}, identifierTypes: [] }));
  refuses({ timeZone: 'UTC', identifierSystemsFile: wrong }, new RegExp(
    `^identifier systems file ${wrong}: /authorities/MPI: not an absolute URI \\(http://, https:// or urn:\\); /authorities/SSA: not an absolute URI \\(http://, https:// or urn:\\); ` +
    '/facility: unknown table \\(expected authorities, facilities, identifierTypes\\); /identifierTypes: not a JSON object$',
  ));
  refuses({ timeZone: 'UTC', identifierSystemsFile: file('array.json', '[]') }, /: \/: not a JSON object$/);
});
