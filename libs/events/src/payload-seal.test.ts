import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConduitError } from '@conduit/errors';
import { createPayloadSealer, openSealedPayload, openWithKey, sealedKeyId, type DataKeyStore } from './payload-seal.ts';

function memoryKeys(): DataKeyStore & { readonly map: Map<string, { key: Buffer; ttlMs: number }> } {
  const map = new Map<string, { key: Buffer; ttlMs: number }>();
  return {
    map,
    put: (id, key, ttlMs) => { map.set(id, { key, ttlMs }); return Promise.resolve(); },
    get: (id) => Promise.resolve(map.get(id)?.key ?? null),
    destroy: (ids) => Promise.resolve(ids.filter((id) => map.delete(id)).length),
  };
}

const PHI = Buffer.from('MSH|^~\\&|EPIC|GOODHEALTH|\rPID|1||MRN78123456^^^GOODHEALTH^MR||EVERYWOMAN^EVE');

test('a sealed payload names its key, hides the plaintext and opens with the stored key', async () => {
  const keys = memoryKeys();
  const { keyId, sealed } = await createPayloadSealer({ keys, ttlMs: 5000 }).seal(PHI);
  assert.match(keyId, /^dk_[A-Za-z0-9_-]{22}$/);
  assert.equal(sealedKeyId(sealed), keyId);
  assert.equal(keys.map.get(keyId)?.ttlMs, 5000);
  assert.equal(sealed.includes('EVERYWOMAN') || sealed.includes(PHI.toString('base64')), false);
  assert.deepEqual(await openSealedPayload(sealed, keys), PHI);
});

test('once its key is destroyed a payload cannot be opened; a tampered payload is refused', async () => {
  const keys = memoryKeys();
  const sealer = createPayloadSealer({ keys, ttlMs: 5000 });
  const a = await sealer.seal(PHI);
  const b = await sealer.seal(PHI);
  assert.notEqual(a.keyId, b.keyId, 'one key per record');
  assert.equal(await keys.destroy([a.keyId]), 1);
  assert.equal(await openSealedPayload(a.sealed, keys), null);
  const key = keys.map.get(b.keyId)!.key;
  const moved = b.sealed.replace(b.keyId, a.keyId);
  assert.throws(() => openWithKey(moved, key), (e: unknown) => e instanceof ConduitError && e.code === 'CDT_DLQ_PAYLOAD_UNREADABLE');
  assert.equal(sealedKeyId('{"plain":true}'), null);
});
