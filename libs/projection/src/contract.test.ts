import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConduitError } from '@conduit/errors';
import { loadContracts } from './contract.ts';

const demoDir = resolve(import.meta.dirname, '../../../deploy/demo/contracts');

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'conduit-contracts-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function detailOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConduitError);
    assert.equal(err.code, 'CDT_CONTRACT_INVALID');
    return err.detail ?? '';
  }
  assert.fail('expected CDT_CONTRACT_INVALID');
}

const valid = {
  id: 'lab-feed',
  version: '1',
  owner: 'Lab',
  purposeOfUse: 'TREAT',
  events: { eventTypes: ['result-reported'] },
  projection: { allow: { Patient: ['gender'], Observation: ['code', 'value[x]'] } },
  channels: { kafka: { retentionMs: 86_400_000 } },
};

test('the demo contracts load: care-management (treatment) and population-research (Safe Harbor)', () => {
  const loaded = loadContracts(demoDir);
  assert.deepEqual(loaded.map((l) => [l.contract.id, l.contract.purposeOfUse, l.contract.projection.deidentification]), [
    ['care-management', 'TREAT', 'none'],
    ['population-research', 'HRESCH', 'safe-harbor'],
  ]);
  assert.equal(loaded[0]?.file, join(demoDir, 'care-management.json'));
});

test('a schema failure names the file, the path in the file and the reason', () => {
  const noPurpose: Partial<typeof valid> = { ...valid };
  delete noPurpose.purposeOfUse;
  const dir = dirWith({ 'a.json': JSON.stringify({ ...noPurpose, projection: { ...valid.projection, deidentification: 'k-anonymity' } }) });
  const file = join(dir, 'a.json');
  assert.equal(detailOf(() => loadContracts(dir)), `${file}: / (line 1) must have purposeOfUse; ${file}: /projection/deidentification (line 1) must be one of none, safe-harbor`);
});

test('an element FHIR R4 does not define stops loading, with file, JSON pointer, line and reason', () => {
  const text = JSON.stringify({ ...valid, projection: { allow: { Patient: ['gender', 'birthdate'] } } }, null, 2);
  const dir = dirWith({ 'lab-feed.json': text });
  const line = text.split('\n').findIndex((l) => l.includes('"birthdate"')) + 1;
  assert.equal(detailOf(() => loadContracts(dir)), `${join(dir, 'lab-feed.json')}: /projection/allow/Patient/1 (line ${line}) "birthdate" is not an element of Patient in FHIR R4`);
});

test('YAML contracts are checked the same way, nested paths included', () => {
  const yaml = [
    'id: lab-feed',
    'version: "1"',
    'owner: Lab',
    'purposeOfUse: TREAT',
    'events: {}',
    'projection:',
    '  allow:',
    '    Observation:',
    '      - valueQuantity.valu',
    '      - value[x].value',
    '      - extension',
    '      - contained',
    '      - subject.reference',
    '    Patients: [gender]',
    'channels: {}',
  ].join('\n');
  const dir = dirWith({ 'lab.yaml': yaml });
  const f = join(dir, 'lab.yaml');
  assert.equal(detailOf(() => loadContracts(dir)), [
    `${f}: /projection/allow/Observation/0 (line 9) "valu" is not an element of Observation.valueQuantity (Quantity) in FHIR R4`,
    `${f}: /projection/allow/Observation/1 (line 10) "value[x]" has several types; name one (e.g. "valueQuantity") before a child element`,
    `${f}: /projection/allow/Observation/2 (line 11) extensions are never delivered: their content is not described by the FHIR definition, so it can be neither checked nor published`,
    `${f}: /projection/allow/Observation/3 (line 12) nested resources are never delivered: they would bypass the per-resource-type allowlist and sensitive-data segmentation`,
    `${f}: /projection/allow/Observation/4 (line 13) "subject" is delivered whole (as a pseudonymous reference); list "subject" instead`,
    `${f}: /projection/allow/Patients (line 14) "Patients" is not a FHIR R4 resource type`,
  ].join('; '));
});

test('a nested allowlist path of a backbone element loads', () => {
  const dir = dirWith({ 'ok.json': JSON.stringify({ ...valid, projection: { allow: { Patient: ['contact.relationship', 'contact.gender'], Encounter: ['hospitalization.dischargeDisposition'] } } }) });
  assert.equal(loadContracts(dir).length, 1);
});

test('webhooks name their secret and carry no credentials in the URL', () => {
  const dir = dirWith({
    'a.json': JSON.stringify({ ...valid, channels: { webhook: { url: 'http://user:pw@receiver.example.org/hook?token=abc', secretRef: 'LAB_FEED_WEBHOOK_KEY' } } }),
    'b.json': JSON.stringify({ ...valid, id: 'lab-feed-b', channels: { webhook: { url: 'https://receiver.example.org/hook', secretRef: 's3cr3t-value' } } }),
    'c.json': JSON.stringify({ ...valid, id: 'lab-feed-c', channels: { webhook: { url: 'https://receiver.example.org/hook', secretRef: 'LAB_FEED_WEBHOOK_KEY', rateLimit: { perSecond: 20, burst: 40 } } } }),
  });
  const a = join(dir, 'a.json');
  assert.equal(detailOf(() => loadContracts(dir)), [
    `${a}: /channels/webhook/url (line 1) must use https (plain http only to a loopback address, for local development)`,
    `${a}: /channels/webhook/url (line 1) carries credentials; name the secret in secretRef instead`,
    `${a}: /channels/webhook/url (line 1) query parameter "token" looks like a credential; name the secret in secretRef instead`,
    `${join(dir, 'b.json')}: /channels/webhook/secretRef (line 1) must match pattern "^[A-Z][A-Z0-9_]{2,63}$"`,
  ].join('; '));
});

test('a Safe Harbor contract may not share its token domain with an identified subscriber', () => {
  const dir = dirWith({
    'care.json': JSON.stringify({ ...valid, id: 'care', projection: { ...valid.projection, tokenize: { domain: 'shared' } } }),
    'research.json': JSON.stringify({ ...valid, id: 'research', purposeOfUse: 'HRESCH', projection: { ...valid.projection, deidentification: 'safe-harbor', tokenize: { domain: 'shared' } } }),
  });
  assert.equal(detailOf(() => loadContracts(dir)), `${join(dir, 'research.json')}: /projection/tokenize/domain (line 1) token domain "shared" is shared with care, which receive identified data; a Safe Harbor subscriber needs a domain of its own`);
});

test('projection rules: format-preserving tokens under Safe Harbor, unknown categories and event types', () => {
  const dir = dirWith({
    'x.json': JSON.stringify({
      ...valid,
      events: { eventTypes: ['patient-admited'] },
      projection: { ...valid.projection, deidentification: 'safe-harbor', tokenize: { formatPreserving: true }, sensitiveCategories: ['substance-use', 'astrology'] },
    }),
  });
  const f = join(dir, 'x.json');
  assert.equal(detailOf(() => loadContracts(dir)), [
    `${f}: /projection/tokenize/formatPreserving (line 1) not allowed with safe-harbor: a token shaped like the SSN or MRN it replaces reads as that identifier (45 CFR 164.514(b)(2)(i)(R), (c))`,
    `${f}: /projection/sensitiveCategories/1 (line 1) "astrology" is not a configured sensitive category (substance-use, behavioral-health, psychotherapy-notes, hiv-sti, reproductive-health, genetics, sexual-violence, very-restricted)`,
    `${f}: /events/eventTypes/0 (line 1) "patient-admited" is not a canonical event type, so it would never match`,
  ].join('; '));
});

test('every bad file is reported at once; duplicate keys and duplicate ids are refused', () => {
  const dir = dirWith({
    '1.json': '{\n  "id": "dup",\n  "id": "dup2"\n}\n',
    '2.json': JSON.stringify({ ...valid, id: 'same' }),
    '3.json': JSON.stringify({ ...valid, id: 'same' }),
  });
  const detail = detailOf(() => loadContracts(dir));
  assert.equal(detail, [
    `${join(dir, '1.json')}: / (line 3) cannot be parsed: Map keys must be unique`,
    `${join(dir, '3.json')}: /id (line 1) "same" is also declared in ${join(dir, '2.json')}`,
  ].join('; '));
});
