import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isConduitError } from '@conduit/errors';
import { main } from './main.ts';

const env = { CONDUIT_PATIENT_KEY: 'normalize-main-test-key', CONDUIT_LOG_LEVEL: 'silent' };

test('start-up stops on a bad identifier systems file, time zone or attachment limit, naming it, before connecting to anything', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'conduit-normalize-')), 'systems.json');
  writeFileSync(file, JSON.stringify({ authorities: { MPI: 'not a uri' } }));
  await assert.rejects(main({ ...env, CONDUIT_IDENTIFIER_SYSTEMS_FILE: file }), (err: unknown) =>
    isConduitError(err) && err.code === 'CDT_CONFIG_INVALID' && err.message.includes(file) && err.message.includes('/authorities/MPI: not an absolute URI'));
  await assert.rejects(main({ ...env, CONDUIT_HL7_TIME_ZONE: 'Nowhere/Special' }), (err: unknown) =>
    isConduitError(err) && err.code === 'CDT_CONFIG_INVALID' && err.message.includes('Nowhere/Special'));
  for (const bytes of ['8388608', 'lots']) {
    await assert.rejects(main({ ...env, CONDUIT_FHIR_ATTACHMENT_MAX_BYTES: bytes }), (err: unknown) =>
      isConduitError(err) && err.code === 'CDT_CONFIG_INVALID' && err.message.includes('CONDUIT_FHIR_ATTACHMENT_MAX_BYTES'));
  }
});
