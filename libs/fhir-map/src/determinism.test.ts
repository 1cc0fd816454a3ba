import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { Encounter, Patient } from '@medplum/fhirtypes';
import { parseHl7, parseHl7Batch } from '@conduit/hl7v2';
import { isConduitError } from '@conduit/errors';
import { mapToCanonical } from './map-message.ts';
import { deriveResourceId } from './resource-id.ts';
import { CORPUS_DIR, hl7, mapText, MSH_ADT, one, readCorpus, TEST_CONTEXT } from './test-fixtures.ts';

test('re-normalizing gives a byte-identical event for every corpus message', () => {
  let compared = 0;
  for (const file of readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.hl7'))) {
    let texts: string[];
    try {
      texts = parseHl7Batch(readCorpus(file)).messages.map((m) => m.raw);
    } catch {
      continue;
    }
    for (const text of texts) {
      let first: string;
      try {
        first = JSON.stringify(mapToCanonical(parseHl7(text), TEST_CONTEXT));
      } catch (err) {
        assert.ok(isConduitError(err));
        continue;
      }
      // A fresh parse, a later clock: nothing in the event may depend on either.
      const second = JSON.stringify(mapToCanonical(parseHl7(text), { ...TEST_CONTEXT }));
      assert.equal(second, first, file);
      compared++;
    }
  }
  assert.equal(compared, 27);
});

test('ids derive from identity, not from the message: the same patient and visit keep their ids across events', () => {
  const pid = 'PID|1||MRN1^^^GOODHEALTH^MR||DOE^JANE';
  const pv1 = 'PV1|1|I|4W^401^B||||||||||||||||V9^^^GOODHEALTH^VN';
  const admit = mapText(hl7(MSH_ADT('A01', 'ADT_A01', 'C1'), pid, pv1), { eventId: 'e1' });
  const update = mapText(hl7(MSH_ADT('A08', 'ADT_A01', 'C2'), pid, pv1), { eventId: 'e2' });
  assert.equal(one<Patient>(admit.bundle, 'Patient').id, one<Patient>(update.bundle, 'Patient').id);
  assert.equal(one<Patient>(admit.bundle, 'Patient').id, deriveResourceId('Patient', 'GOODHEALTH', 'MRN1'));
  assert.equal(one<Encounter>(admit.bundle, 'Encounter').id, one<Encounter>(update.bundle, 'Encounter').id);
  assert.notEqual(admit.bundle.entry?.[0]?.resource?.id, update.bundle.entry?.[0]?.resource?.id, 'each message has its own MessageHeader');
  assert.match(one<Patient>(admit.bundle, 'Patient').id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
