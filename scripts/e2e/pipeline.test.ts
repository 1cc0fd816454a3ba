import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { subscriberTopic, type ProjectedEvent } from '@conduit/events';
import { parseHl7, sendWithReferenceClient } from '@conduit/hl7v2';
import { SEEDED_PHI } from '../lib/phi-scan.ts';
import { demoAdtA01 } from './fixtures.ts';
import { startPipeline, type Pipeline } from './pipeline-harness.ts';

let pipeline: Pipeline;
before(async () => {
  pipeline = await startPipeline();
});
after(async () => {
  await pipeline?.stop();
});

function projectedFor(topic: string, eventId: string) {
  return pipeline.read(topic, (seen) => seen.some((r) => (JSON.parse(r.value.toString()) as ProjectedEvent).sourceEventId === eventId)).then((records) =>
    records.map((r) => JSON.parse(r.value.toString()) as ProjectedEvent).find((e) => e.sourceEventId === eventId),
  );
}

test('an ADT^A01 over MLLP is acknowledged AA after storage and reaches each subscriber projected', async () => {
  const { message, controlId, eventId } = demoAdtA01();
  const ack = parseHl7(await sendWithReferenceClient({ host: '127.0.0.1', port: pipeline.mllpPort, message }));
  assert.equal(ack.segment('MSA')?.get(1), 'AA');
  assert.equal(ack.segment('MSA')?.get(2), controlId);
  assert.equal(ack.msh.get(9, 1, 1), 'ACK');

  const care = await projectedFor(subscriberTopic('care-management'), eventId);
  assert.ok(care, 'care-management received the event');
  assert.equal(care.subscriber, 'care-management');
  assert.equal(care.purposeOfUse, 'TREAT');
  assert.equal(care.eventType, 'patient-admitted');
  const patients = (care.bundle.entry ?? []).map((e) => e.resource).filter((r) => r?.resourceType === 'Patient');
  assert.equal(patients.length, 1);
  const patient = patients[0] as unknown as Record<string, unknown>;
  const allowed = new Set(['resourceType', 'id', 'identifier', 'name', 'gender', 'birthDate']);
  assert.deepEqual(Object.keys(patient).filter((k) => !allowed.has(k)), []);
  const identifiers = patient['identifier'] as { value: string; system: string }[];
  assert.equal(identifiers.length, 2);
  for (const id of identifiers) {
    assert.notEqual(id.value, 'MRN78123456');
    assert.equal(id.system, 'urn:conduit:token:care-management');
  }
  const json = JSON.stringify(care);
  assert.equal(json.includes('MRN78123456'), false, 'no raw MRN');
  assert.equal(json.includes('999-12-3456'), false, 'no raw SSN');
  assert.equal(patient['birthDate'], '1962-03-20');

  const research = await projectedFor(subscriberTopic('population-research'), eventId);
  assert.ok(research, 'population-research received the event');
  const researchJson = JSON.stringify(research);
  for (const phi of SEEDED_PHI) assert.equal(researchJson.includes(phi), false, `research output holds no ${phi.length}-character seeded value`);
  assert.notEqual(research.patientToken, care.patientToken, 'tokens differ across subscribers');
});

test('service logs of the run hold none of the sample patient name, MRN or birth date', () => {
  for (const s of pipeline.services) {
    const text = readFileSync(s.logFile, 'utf8');
    assert.ok(text.length > 0, `${s.name} wrote logs`);
    for (const phi of ['EVERYWOMAN', 'MRN78123456', '19620320', '1962-03-20']) {
      assert.equal(text.includes(phi), false, `${s.name} log leaks a seeded value`);
    }
  }
});
