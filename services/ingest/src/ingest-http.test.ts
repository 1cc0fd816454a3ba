import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SEEDED_PHI } from '../../../scripts/lib/phi-scan.ts';
import { adt, startIngest, type IngestUnderTest } from './ingest-harness.ts';

let ingest: IngestUnderTest;
let url: string;

before(async () => {
  ingest = await startIngest({
    listeners: [
      { name: 'files', protocol: 'http', host: '127.0.0.1', port: 0, maxFrameBytes: 65536, allowedFacilities: ['GOODHEALTH'] },
      { name: 'closed', protocol: 'http', host: '127.0.0.1', port: 0, allowedSources: ['10.9.0.0/16'] },
    ],
  });
  url = `http://127.0.0.1:${ingest.port('files')}/v1/messages`;
});

after(async () => {
  await ingest?.stop();
});

/** FHS, BHS, the messages, BTS and FTS, with the given segment terminator. */
function file(messages: readonly string[], eol: string, btsCount = messages.length): string {
  const body = messages.map((m) => m.replace(/\r$/, '').replaceAll('\r', eol)).join(eol);
  return ['FHS|^~\\&|EPIC|GOODHEALTH|CONDUIT|CONDUIT|20261122083000', 'BHS|^~\\&|EPIC|GOODHEALTH|CONDUIT|CONDUIT|20261122083000', body, `BTS|${btsCount}`, 'FTS|1'].join(eol) + eol;
}

async function post(body: string, to = url) {
  const res = await fetch(to, { method: 'POST', headers: { 'content-type': 'application/hl7-v2' }, body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', retryAfter: res.headers.get('retry-after'), json: (await res.json()) as Record<string, unknown> & { results?: Record<string, unknown>[] } };
}

test('a file with LF terminators is answered per message: stored ones, and refusals as problems with catalog codes', async () => {
  const [a, bad, c] = [adt(), adt({ name: '' }), adt()];
  const res = await post(file([a.text, bad.text, c.text], '\n'));
  assert.equal(res.status, 207);
  assert.match(res.type, /^application\/json/);
  assert.deepEqual({ messages: res.json['messages'], taken: res.json['taken'], refused: res.json['refused'] }, { messages: 3, taken: 2, refused: 1 });
  const [ra, rbad, rc] = res.json.results!;
  assert.deepEqual(ra, { index: 1, controlId: a.controlId, messageType: 'ADT^A01', status: 'stored', ack: 'AA', eventId: a.eventId });
  assert.deepEqual(rc, { index: 3, controlId: c.controlId, messageType: 'ADT^A01', status: 'stored', ack: 'AA', eventId: c.eventId });
  assert.deepEqual(rbad, {
    index: 2, controlId: bad.controlId, messageType: 'ADT^A01', status: 'refused', ack: 'AE',
    problem: {
      type: 'https://conduit.dev/errors/CDT_HL7_REQUIRED_FIELD_MISSING', title: 'A field required for this message type is empty.', status: 422,
      code: 'CDT_HL7_REQUIRED_FIELD_MISSING', remediation: 'Populate the field named in the error location.', instance: '/v1/messages',
      issues: [{ code: 'CDT_HL7_REQUIRED_FIELD_MISSING', location: { segment: 'PID', sequence: 1, field: 5 } }],
    },
  });
  const records = await ingest.records();
  const mine = records.filter((r) => [a.eventId, c.eventId].includes(r.record.headers.eventId ?? ''));
  assert.deepEqual(mine.map((r) => r.value.transport), ['http', 'http']);
  assert.deepEqual(mine.map((r) => r.value.hl7.includes('\n')), [false, false], 'stored with CR terminators');
  assert.equal(records.some((r) => r.record.headers.eventId === bad.eventId), false);
});

test('a single message with CR LF terminators gets 200; sending it again is a duplicate, not a second record', async () => {
  const m = adt();
  const first = await post(m.text.replaceAll('\r', '\r\n'));
  assert.equal(first.status, 200);
  assert.equal(first.json.results?.[0]?.['status'], 'stored');
  const again = await post(m.text.replaceAll('\r', '\r\n'));
  assert.equal(again.json.results?.[0]?.['status'], 'duplicate');
  assert.equal((await ingest.records()).filter((r) => r.record.headers.eventId === m.eventId).length, 1);
});

test('uploads nothing of which is taken are RFC 9457 problems: count mismatch, not HL7, every message refused, wrong source', async () => {
  const [a, b] = [adt(), adt()];
  const short = await post(file([a.text, b.text], '\r\n', 3));
  assert.equal(short.status, 422);
  assert.match(short.type, /^application\/problem\+json/);
  assert.equal(short.json['code'], 'CDT_INGEST_BATCH_COUNT_MISMATCH');
  assert.equal(short.json['detail'], 'BTS-1 declares 3 messages, the batch holds 2');
  assert.equal((await ingest.records()).some((r) => r.record.headers.eventId === a.eventId), false, 'nothing of a mismatched batch is stored');

  const junk = await post('hello world');
  assert.deepEqual([junk.status, junk.json['code']], [400, 'CDT_HL7_NOT_HL7']);

  const foreign = await post(adt({ facility: 'ELSEWHERE' }).text);
  assert.deepEqual([foreign.status, foreign.json['code'], foreign.json.results?.[0]?.['ack']], [403, 'CDT_INGEST_FACILITY_NOT_ALLOWED', 'AR']);

  const closed = await post(adt().text, `http://127.0.0.1:${ingest.port('closed')}/v1/messages`);
  assert.deepEqual([closed.status, closed.json['code']], [403, 'CDT_INGEST_SOURCE_NOT_ALLOWED']);
});

test('HTTP ingest logs hold none of the seeded PHI', () => {
  const text = ingest.logs.join('');
  for (const phi of SEEDED_PHI) assert.equal(text.includes(phi), false, `a seeded value of ${phi.length} characters is in the logs`);
});
