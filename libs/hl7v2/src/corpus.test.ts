import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Message } from 'node-hl7-client';
import { ConduitError } from '@conduit/errors';
import { parseHl7Batch } from './batch.ts';
import { decodeHl7Bytes } from './charset.ts';
import { encodeHl7Bytes } from './encode.ts';
import { parseHl7 } from './parse.ts';
import { validateMessage, type ValidationIssue } from './validate.ts';

/*
 * The public corpus (shared/corpus beside the checkout, see its README) is vendored under
 * fixtures/ so the tests run anywhere; when the shared copy is present it must still match byte
 * for byte.
 */
const FIXTURES = resolve(import.meta.dirname, '../fixtures/corpus');
const SHARED = resolve(import.meta.dirname, '../../../../shared/corpus');
const MALFORMED = 'mvita__adt-example.MALFORMED-space-separated.hl7';
const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.hl7')).sort();
const wellFormed = files.filter((f) => f !== MALFORMED);

function load(file: string) {
  const bytes = readFileSync(join(FIXTURES, file));
  const { text, charset } = decodeHl7Bytes(bytes);
  return { bytes, text, charset, batch: parseHl7Batch(text) };
}

test('the vendored corpus matches the shared one', { skip: !existsSync(SHARED) && 'no shared/corpus beside this checkout' }, () => {
  const shared = readdirSync(SHARED).filter((f) => f.endsWith('.hl7')).sort();
  assert.deepEqual(files, shared);
  for (const f of files) assert.deepEqual(readFileSync(join(FIXTURES, f)), readFileSync(join(SHARED, f)), f);
});

test('every well-formed corpus file parses and re-encodes to its original bytes', () => {
  assert.equal(wellFormed.length, 35);
  for (const f of wellFormed) {
    const { bytes, text, charset, batch } = load(f);
    assert.deepEqual(encodeHl7Bytes(batch, charset), bytes, f);
    for (const m of batch.messages) {
      assert.deepEqual(encodeHl7Bytes(m, charset), Buffer.from(m.raw, charset === 'UNICODE UTF-8' ? 'utf8' : 'latin1'), f);
      assert.equal(m.segments.map((s) => s.raw).join('\r'), m.raw.replace(/\r$/, ''), `${f}: segments cover the text`);
    }
    if (text.startsWith('MSH')) assert.equal(parseHl7(text).raw, text, f);
  }
  assert.equal(load('medplum__hl7.test.ts.OUL_R22.cobas.hl7').charset, 'UNICODE UTF-8');
  assert.equal(load('medplum__hl7.test.ts.OUL_R22.cobas.hl7').batch.messages[0]?.segmentsNamed('OBX')[2]?.get(3, 1, 5), 'Other·Supplemental');
  assert.deepEqual(load('nodehl7client__batch.hl7').batch.messages.map((m) => m.msh.get(9, 1, 2)), ['A01', 'K11']);
});

test('the space-separated ADT is refused with a catalogued error, strict or lenient', () => {
  const bytes = readFileSync(join(FIXTURES, MALFORMED));
  const { text } = decodeHl7Bytes(bytes);
  for (const lenientSegmentTerminators of [false, true]) {
    assert.throws(() => parseHl7(text, { lenientSegmentTerminators }), (e: unknown) => e instanceof ConduitError && e.code === 'CDT_HL7_BAD_SEGMENT_TERMINATOR' && e.entry.ack === 'AE' && !e.message.includes('DUCK'));
  }
});

function show(issues: readonly ValidationIssue[]): string[] {
  return issues.map(({ code, location: l }) => `${code.replace('CDT_HL7_', '')}@${l.segment}${l.sequence > 1 ? `[${l.sequence}]` : ''}${l.field ? `-${l.field}` : ''}${l.repetition ? `~${l.repetition}` : ''}${l.component ? `.${l.component}` : ''}`);
}

/**
 * What the edge says about each corpus message with default options. Each refusal was checked
 * against the message: real defects (EVN missing in an ADT, OBX-11 sent in OBX-12, an SN value
 * that is a coded entry, a 9-digit PID-7), unsupported types and versions, OBR-25 not sent.
 */
const EXPECTED_ISSUES: Readonly<Record<string, string[][]>> = {
  'fhirconv__ADT-A01-01.hl7': [[]],
  'fhirconv__ADT-A02-01.hl7': [[]],
  'fhirconv__ADT-A03-01.hl7': [[]],
  'fhirconv__ADT-A31-01.hl7': [[]],
  'fhirconv__ADT01-23.hl7': [['INVALID_TIMESTAMP@OBX-19', 'INVALID_NUMBER@OBX-5~1.1']],
  'fhirconv__ADT01-28.hl7': [[]],
  'fhirconv__ADT04-23.hl7': [[]],
  'fhirconv__ADT04-251.hl7': [['REQUIRED_SEGMENT_MISSING@EVN']],
  'fhirconv__ADT_A08.hl7': [[]],
  'fhirconv__ADT_A11.hl7': [[]],
  'fhirconv__LAB-ORU-1.hl7': [['REQUIRED_FIELD_MISSING@OBR[2]-25']],
  'fhirconv__LAB-ORU-2.hl7': [['REQUIRED_FIELD_MISSING@OBR-25', 'REQUIRED_FIELD_MISSING@OBR[2]-25']],
  'fhirconv__ORU-R01-01.hl7': [['REQUIRED_FIELD_MISSING@OBX[2]-3', 'REQUIRED_FIELD_MISSING@OBX[2]-11']],
  'fhirconv__ORU-R01-RMGEAD.hl7': [[]],
  'lfh__ADT-multiline.hl7': [[]],
  'lfh__HL7ADTMessageTest.test_adt_a01_full_plus_multiple_PROCEDURE_group.ADT_A01.hl7': [['REQUIRED_FIELD_MISSING@OBX[2]-11', 'INVALID_TIMESTAMP@OBX[2]-12']],
  'lfh__HL7ADTMessageTest.test_adt_a39_min_segments.ADT_A40.hl7': [[]],
  'lfh__HL7ADTMessageTest.test_adta03_resources_present.ADT_A03.hl7': [['REQUIRED_FIELD_MISSING@OBX[2]-11', 'INVALID_TIMESTAMP@OBX[2]-12']],
  'lfh__ORU-multiline-short-mixed.hl7': [['REQUIRED_FIELD_MISSING@OBX[2]-3', 'REQUIRED_FIELD_MISSING@OBX[3]-3', 'REQUIRED_FIELD_MISSING@OBX[4]-3']],
  'lfh__ORU-multiline-short.hl7': [['REQUIRED_FIELD_MISSING@OBX-3', 'REQUIRED_FIELD_MISSING@OBX[2]-3', 'REQUIRED_FIELD_MISSING@OBX[3]-3']],
  'lfh__sample_unix.hl7': [[]],
  'lfh__sample_win.hl7': [[]],
  'medplum__hl7.test.ts.BuildACK.text2.ADT_A01.hl7': [['UNSUPPORTED_VERSION@MSH-12', 'REQUIRED_SEGMENT_MISSING@EVN']],
  'medplum__hl7.test.ts.NonStandardEncoding.ACK.hl7': [['UNSUPPORTED_VERSION@MSH-12', 'UNSUPPORTED_MESSAGE_TYPE@MSH-9.1']],
  'medplum__hl7.test.ts.OUL_R22.cobas.hl7': [['UNSUPPORTED_MESSAGE_TYPE@MSH-9.1', 'REQUIRED_FIELD_MISSING@PID-3', 'INVALID_NAME@PID-5~1']],
  'mvita__ORU_R01_2.5.1_SampleTestCase1.hl7': [[]],
  'mvita__ORU_R01_2.5.1_SampleTestCase2.hl7': [[]],
  'mvita__ORU_R01_2.5.1_SampleTestCase3.hl7': [[]],
  'mvita__athena-oru-example.hl7': [[]],
  'mvita__cerner_en.hl7': [[]],
  'mvita__realm-campylobacter-jejuni.hl7': [[]],
  'nodehl7client__adt.hl7': [['REQUIRED_FIELD_MISSING@MSH-7']],
  'nodehl7client__batch.hl7': [
    ['REQUIRED_SEGMENT_MISSING@PV1'],
    ['UNSUPPORTED_MESSAGE_TYPE@MSH-9.1', 'REQUIRED_FIELD_MISSING@OBX-3', 'REQUIRED_FIELD_MISSING@OBX-11', 'REQUIRED_FIELD_MISSING@OBX[2]-3', 'REQUIRED_FIELD_MISSING@OBX[2]-11', 'REQUIRED_FIELD_MISSING@OBX[3]-3', 'REQUIRED_FIELD_MISSING@OBX[3]-11'],
  ],
  'pyhl7__samples.py.sample_file.hl7': [[]],
  'pyhl7__samples.py.sample_hl7.hl7': [['INVALID_TIMESTAMP@PID-7', 'REQUIRED_FIELD_MISSING@OBR-25']],
};

test('validation of every corpus message matches the reviewed expectations', () => {
  assert.deepEqual(Object.keys(EXPECTED_ISSUES).sort(), wellFormed);
  for (const f of wellFormed) {
    assert.deepEqual(load(f).batch.messages.map((m) => show(validateMessage(m))), EXPECTED_ISSUES[f], f);
  }
});

interface NhcNode {
  toString(): string;
  toArray(): NhcNode[];
  read(path: string[]): NhcNode | undefined;
}

/**
 * Every value of every field, repetition and component read with node-hl7-client and with us.
 * The only disagreements are node-hl7-client's mistakes:
 *  - trim: it trims the end of each segment, so a segment's last value loses trailing spaces
 *    that the same value keeps anywhere else in the segment;
 *  - null: it returns the HL7 explicit null `""` as two quote characters (v2.5 §2.5.3 says it
 *    means "null", which we read as empty and report through isNull);
 *  - msh2: it reads MSH-2 "^~\\&" position by position, making "\" both the escape and the
 *    subcomponent separator, and cuts values at backslashes.
 */
const NHC_DISAGREEMENTS = [
  'fhirconv__ADT-A01-01.hl7 PD1-17~1.2 trim',
  'fhirconv__ADT-A02-01.hl7 PD1-17~1.2 trim',
  'fhirconv__ADT-A03-01.hl7 PD1-17~1.2 trim',
  'fhirconv__ADT-A31-01.hl7 PD1-17~1.2 trim',
  'fhirconv__ADT01-23.hl7 PV1-11~1.1 null',
  'fhirconv__ADT01-23.hl7 PV1-12~1.1 null',
  'fhirconv__ADT01-23.hl7 PV1-15~1.1 null',
  'fhirconv__ADT01-23.hl7 PV1-16~1.1 null',
  'fhirconv__ADT01-23.hl7 DG1-7~1.1 trim',
  'fhirconv__ADT01-23.hl7 IN1-49~1.1 trim',
  'fhirconv__ADT01-23.hl7 IN2-64~1.1 trim',
  'fhirconv__ADT01-23.hl7 IN1[2]-49~1.1 trim',
  'fhirconv__ADT01-23.hl7 IN2[2]-64~1.1 trim',
  'fhirconv__ADT_A08.hl7 PD1-17~1.2 trim',
  'fhirconv__ADT_A11.hl7 PD1-17~1.2 trim',
  'fhirconv__LAB-ORU-2.hl7 PID-30~1.1 trim',
  'lfh__sample_unix.hl7 OBX-17~1.1 msh2',
  'lfh__sample_unix.hl7 AL1[2]-5~2.1 msh2',
  'lfh__sample_win.hl7 OBX-17~1.1 msh2',
  'lfh__sample_win.hl7 AL1[2]-5~2.1 msh2',
  'medplum__hl7.test.ts.OUL_R22.cobas.hl7 OBR-2~1.1 null',
];

test('field reads agree with node-hl7-client on the whole corpus, except where it is wrong', () => {
  const found: string[] = [];
  let compared = 0;
  for (const f of wellFormed) {
    for (const m of load(f).batch.messages) {
      const theirs = new Message({ text: m.raw });
      const seen = new Map<string, number>();
      for (const ours of m.segments) {
        const k = (seen.get(ours.name) ?? 0) + 1;
        seen.set(ours.name, k);
        const theirSegment = (theirs.get(ours.name) as unknown as NhcNode).toArray()[k - 1];
        for (let field = ours.name === 'MSH' ? 3 : 1; field <= ours.fieldCount; field++) {
          const reps = theirSegment?.read([String(field)])?.toArray() ?? [];
          for (let r = 1; r <= Math.max(ours.repetitionCount(field), reps.length); r++) {
            const components = Math.max(ours.components(field, r).length, reps[r - 1]?.toArray().length ?? 0);
            for (let c = 1; c <= components; c++) {
              const mine = ours.get(field, r, c);
              const their = reps[r - 1]?.read([String(c)])?.toString() ?? '';
              compared++;
              if (mine === their) continue;
              const why = their === '""' && ours.isNull(field, r, c) ? 'null'
                : mine.trimEnd() === their && field === ours.fieldCount ? 'trim'
                : m.msh.rawField(2) === '^~\\\\&' && mine.startsWith(their) && mine.includes('\\') ? 'msh2' : `ours=${JSON.stringify(mine)} theirs=${JSON.stringify(their)}`;
              found.push(`${f} ${ours.name}${k > 1 ? `[${k}]` : ''}-${field}~${r}.${c} ${why}`);
            }
          }
        }
      }
    }
  }
  assert.deepEqual(found, NHC_DISAGREEMENTS);
  assert.ok(compared > 5000, `compared ${compared} values`);
});

test('the normaliser\'s fields read the same as node-hl7-client on the corpus', () => {
  for (const f of wellFormed) {
    for (const m of load(f).batch.messages) {
      const theirs = new Message({ text: m.raw });
      const pid = m.segment('PID');
      if (pid) {
        const reps = (theirs.get('PID.3') as unknown as NhcNode).toArray();
        assert.deepEqual(reps.map((r) => [r.read(['1'])?.toString() ?? '', r.read(['4'])?.toString() ?? '', r.read(['5'])?.toString() ?? '']), Array.from({ length: pid.repetitionCount(3) }, (_, i) => [pid.get(3, i + 1, 1), pid.get(3, i + 1, 4), pid.get(3, i + 1, 5)]), `${f} PID-3`);
        assert.equal(pid.get(5, 1, 1), theirs.get('PID.5.1').toString(), `${f} PID-5.1`);
        assert.equal(pid.get(5, 1, 2), theirs.get('PID.5.2').toString(), `${f} PID-5.2`);
        assert.equal(pid.get(7), theirs.get('PID.7').toString(), `${f} PID-7`);
        assert.equal(pid.get(8), theirs.get('PID.8').toString(), `${f} PID-8`);
      }
      const theirObx = (theirs.get('OBX') as unknown as NhcNode).toArray();
      m.segmentsNamed('OBX').forEach((obx, i) => {
        for (const field of [2, 3, 5, 6, 11]) assert.equal(obx.get(field), theirObx[i]?.read([String(field)])?.toString() ?? '', `${f} OBX[${i + 1}]-${field}`);
      });
    }
  }
});
