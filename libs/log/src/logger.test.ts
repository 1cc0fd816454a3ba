import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from './index.ts';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

test('redacts PHI-bearing keys at top level and one level down', () => {
  const out = capture();
  const log = createLogger({ name: 't', destination: out.stream });
  log.info({ mrn: '555-44-3333', patient: { name: 'EVERYWOMAN^EVE' }, ctx: { birthDate: '19620320' }, eventId: 'e1' }, 'x');
  const text = out.text();
  assert.doesNotMatch(text, /555-44-3333|EVERYWOMAN|19620320/);
  assert.match(text, /"eventId":"e1"/);
});

test('error serializer drops the message, which may quote input', () => {
  const out = capture();
  const log = createLogger({ name: 't', destination: out.stream });
  const err = Object.assign(new Error('bad value EVERYWOMAN in PID-5'), { code: 'X1' });
  log.error({ err }, 'failed');
  const text = out.text();
  assert.doesNotMatch(text, /EVERYWOMAN/);
  assert.match(text, /"code":"X1"/);
});
