import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MllpDecoder, encodeMllpFrame, MLLP_CR, MLLP_END, MLLP_START, type MllpEvent } from './mllp-frame.ts';

const SB = Buffer.of(MLLP_START);
const EB = Buffer.of(MLLP_END);
const CR = Buffer.of(MLLP_CR);

function feed(decoder: MllpDecoder, chunks: readonly Buffer[]): MllpEvent[] {
  return chunks.flatMap((c) => decoder.push(c));
}

function payloads(events: readonly MllpEvent[]): string[] {
  return events.map((e) => (e.kind === 'frame' ? e.payload.toString('latin1') : `oversized:${e.bytes}`));
}

function splitAt(buf: Buffer, cuts: readonly number[]): Buffer[] {
  const sorted = [...new Set(cuts)].filter((c) => c > 0 && c < buf.length).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of sorted) {
    out.push(buf.subarray(prev, c));
    prev = c;
  }
  out.push(buf.subarray(prev));
  return out;
}

const MSG_A = 'MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1||123^^^H^MR\r';
const MSG_B = 'MSH|^~\\&|A|B|C|D|20240101||ORU^R01|2|P|2.5\rOBX|1|NM|2345-7^Glucose^LN||5.4\r';
const STREAM = Buffer.concat([Buffer.from('\n\n'), encodeMllpFrame(MSG_A), Buffer.from('noise'), encodeMllpFrame(MSG_B), Buffer.from('\r\n')]);

test('one chunk with noise and two frames gives both frames and counts the noise', () => {
  const d = new MllpDecoder({ maxFrameBytes: 1024 });
  assert.deepEqual(payloads(d.push(STREAM)), [MSG_A, MSG_B]);
  assert.deepEqual(d.stats, { skippedBytes: 2 + 5 + 2, frames: 2, oversized: 0, bufferedBytes: 0 });
  assert.equal(d.midFrame, false);
});

test('a split at every byte position gives the same frames and counts', () => {
  for (let cut = 1; cut < STREAM.length; cut++) {
    const d = new MllpDecoder({ maxFrameBytes: 1024 });
    assert.deepEqual(payloads(feed(d, splitAt(STREAM, [cut]))), [MSG_A, MSG_B], `cut at ${cut}`);
    assert.equal(d.stats.skippedBytes, 9, `cut at ${cut}`);
  }
});

test('every pair of split positions, and one byte at a time, give the same frames', () => {
  for (let a = 1; a < STREAM.length; a += 3) {
    for (let b = a + 1; b < STREAM.length; b += 5) {
      const d = new MllpDecoder({ maxFrameBytes: 1024 });
      assert.deepEqual(payloads(feed(d, splitAt(STREAM, [a, b]))), [MSG_A, MSG_B], `cuts at ${a}, ${b}`);
    }
  }
  const d = new MllpDecoder({ maxFrameBytes: 1024 });
  assert.deepEqual(payloads(feed(d, [...STREAM].map((byte) => Buffer.of(byte)))), [MSG_A, MSG_B]);
  assert.equal(d.stats.skippedBytes, 9);
});

test('EB at the end of a chunk and CR at the start of the next end the frame once', () => {
  const d = new MllpDecoder({ maxFrameBytes: 64 });
  assert.deepEqual(payloads(d.push(Buffer.concat([SB, Buffer.from('abc'), EB]))), ['abc']);
  assert.equal(d.midFrame, false);
  assert.deepEqual(payloads(d.push(CR)), []);
  assert.equal(d.stats.skippedBytes, 0);
});

test('an EB without its CR still ends the frame, so the next frame is not lost', () => {
  const d = new MllpDecoder({ maxFrameBytes: 64 });
  const stream = Buffer.concat([SB, Buffer.from('one'), EB, SB, Buffer.from('two'), EB, Buffer.from('x')]);
  assert.deepEqual(payloads(d.push(stream)), ['one', 'two']);
  assert.equal(d.stats.skippedBytes, 1);
});

test('an SB inside a frame drops the partial frame, counts it and reads the new one', () => {
  const d = new MllpDecoder({ maxFrameBytes: 64 });
  assert.deepEqual(payloads(d.push(Buffer.concat([SB, Buffer.from('partial')]))), []);
  assert.equal(d.midFrame, true);
  assert.equal(d.stats.bufferedBytes, 7);
  assert.deepEqual(payloads(d.push(Buffer.concat([Buffer.from('xx'), SB, Buffer.from('whole'), EB, CR]))), ['whole']);
  assert.deepEqual(d.stats, { skippedBytes: 9, frames: 1, oversized: 0, bufferedBytes: 0 });
});

test('an oversized frame is discarded without buffering and reported once with its size', () => {
  const d = new MllpDecoder({ maxFrameBytes: 10 });
  const events = [
    ...d.push(Buffer.concat([SB, Buffer.alloc(8, 0x41)])),
    ...d.push(Buffer.alloc(8, 0x42)),
  ];
  assert.equal(d.stats.bufferedBytes, 0);
  events.push(...d.push(Buffer.alloc(1000, 0x43)));
  assert.equal(d.stats.bufferedBytes, 0);
  events.push(...d.push(Buffer.concat([EB, CR, encodeMllpFrame('ok')])));
  assert.deepEqual(payloads(events), ['oversized:1016', 'ok']);
  assert.deepEqual(d.stats, { skippedBytes: 0, frames: 1, oversized: 1, bufferedBytes: 0 });
});

test('a frame of exactly maxFrameBytes passes; one byte more is oversized', () => {
  const d = new MllpDecoder({ maxFrameBytes: 4 });
  assert.deepEqual(payloads(d.push(Buffer.concat([encodeMllpFrame('abcd'), encodeMllpFrame('abcde')]))), ['abcd', 'oversized:5']);
});

test('frames do not alias the pushed chunk', () => {
  const d = new MllpDecoder({ maxFrameBytes: 64 });
  const chunk = encodeMllpFrame('abc');
  const [event] = d.push(chunk);
  chunk.fill(0);
  assert.equal(event?.kind === 'frame' ? event.payload.toString() : '', 'abc');
});

test('maxFrameBytes must be a positive integer', () => {
  assert.throws(() => new MllpDecoder({ maxFrameBytes: 0 }), RangeError);
  assert.throws(() => new MllpDecoder({ maxFrameBytes: Number.NaN }), RangeError);
});

const payloadBytes = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a.filter((b) => b !== MLLP_START && b !== MLLP_END)));
const noiseBytes = fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a.filter((b) => b !== MLLP_START)));

test('property: well-formed streams split anywhere give back exactly the frames sent', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(noiseBytes, payloadBytes), { maxLength: 8 }), noiseBytes, fc.array(fc.nat(4000), { maxLength: 12 }), (frames, tail, cuts) => {
      const parts = frames.map(([noise, payload]) => Buffer.concat([noise, encodeMllpFrame(payload)]));
      const stream = Buffer.concat([...parts, tail]);
      const d = new MllpDecoder({ maxFrameBytes: 300 });
      const events = feed(d, splitAt(stream, cuts));
      assert.deepEqual(events.map((e) => (e.kind === 'frame' ? e.payload.toString('hex') : 'oversized')), frames.map(([, p]) => p.toString('hex')));
      const noiseTotal = frames.reduce((n, [noise]) => n + noise.length, 0) + tail.length;
      assert.equal(d.stats.skippedBytes, noiseTotal);
      assert.equal(d.midFrame, false);
    }),
    { numRuns: 400 },
  );
});

test('property: any byte stream never throws and never holds more than maxFrameBytes', () => {
  const byte = fc.oneof(fc.constantFrom(MLLP_START, MLLP_END, MLLP_CR), fc.integer({ min: 0, max: 255 }));
  fc.assert(
    fc.property(fc.array(fc.array(byte, { maxLength: 200 }), { maxLength: 20 }), fc.integer({ min: 1, max: 64 }), (chunks, max) => {
      const d = new MllpDecoder({ maxFrameBytes: max });
      for (const c of chunks) {
        for (const e of d.push(Buffer.from(c))) {
          if (e.kind === 'frame') {
            assert.ok(e.payload.length <= max);
            assert.equal(e.payload.includes(MLLP_START) || e.payload.includes(MLLP_END), false);
          } else {
            assert.ok(e.bytes > max);
          }
        }
        assert.ok(d.stats.bufferedBytes <= max);
      }
      const total = chunks.reduce((n, c) => n + c.length, 0);
      assert.ok(d.stats.skippedBytes <= total);
    }),
    { numRuns: 500 },
  );
});

test('property: mutating a well-formed stream never throws and keeps frames well-formed', () => {
  fc.assert(
    fc.property(
      fc.array(payloadBytes, { minLength: 1, maxLength: 5 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'insert', 'delete')), { maxLength: 6 }),
      fc.array(fc.nat(2000), { maxLength: 6 }),
      (frames, mutations, cuts) => {
        const bytes = [...Buffer.concat(frames.map((p) => encodeMllpFrame(p)))];
        for (const [at, value, kind] of mutations) {
          const i = bytes.length === 0 ? 0 : at % bytes.length;
          if (kind === 'flip') bytes[i] = value;
          else if (kind === 'insert') bytes.splice(i, 0, value);
          else bytes.splice(i, 1);
        }
        const d = new MllpDecoder({ maxFrameBytes: 300 });
        const events = feed(d, splitAt(Buffer.from(bytes), cuts));
        assert.ok(events.length <= frames.length + mutations.length);
        for (const e of events) if (e.kind === 'frame') assert.equal(e.payload.includes(MLLP_START) || e.payload.includes(MLLP_END), false);
      },
    ),
    { numRuns: 500 },
  );
});

test('a 50 MB stream of one oversized frame is read in bounded memory and time', () => {
  const d = new MllpDecoder({ maxFrameBytes: 1024 * 1024 });
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  const started = performance.now();
  d.push(SB);
  for (let i = 0; i < 800; i++) {
    d.push(chunk);
    assert.ok(d.stats.bufferedBytes <= 1024 * 1024);
  }
  assert.deepEqual(payloads(d.push(Buffer.concat([EB, CR]))), [`oversized:${800 * 64 * 1024}`]);
  assert.ok(performance.now() - started < 5000);
});
