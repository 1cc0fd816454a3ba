import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSourceAllowed, loadListeners, type SingleListenerEnv } from './listener-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'conduit-listeners-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const single: SingleListenerEnv = {
  CONDUIT_LISTENER_NAME: 'mllp-default',
  CONDUIT_MLLP_HOST: '0.0.0.0',
  CONDUIT_MLLP_PORT: 2575,
  CONDUIT_MLLP_MAX_FRAME_BYTES: 8388608,
  CONDUIT_MLLP_IDLE_TIMEOUT_MS: 600000,
  CONDUIT_MLLP_MAX_CONNECTIONS: 64,
};

function file(content: unknown): string {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

test('without a file, one MLLP listener comes from the CONDUIT_MLLP_* variables', () => {
  const [l, ...rest] = loadListeners(undefined, single, {});
  assert.deepEqual(rest, []);
  assert.equal(l?.name, 'mllp-default');
  assert.equal(l?.protocol, 'mllp');
  assert.equal(l?.port, 2575);
  assert.equal(l?.maxFrameBytes, 8388608);
  assert.deepEqual(l?.validationOptions, { unsupportedEvents: 'reject', unknownZSegments: 'accept' });
  assert.equal(l?.sources, undefined);
});

test('a listeners file declares several listeners, defaults applied and allowlists compiled', () => {
  const listeners = loadListeners(file({
    listeners: [
      { name: 'adt', port: 2575, allowedSources: ['10.1.0.0/16', '192.168.7.9', 'fd00::/8'], allowedFacilities: ['GOODHEALTH'], validation: { processingIds: ['P'], unknownZSegments: 'reject', knownZSegments: ['ZPI'] } },
      { name: 'files', protocol: 'http', port: 8085, maxFrameBytes: 4194304 },
    ],
  }), single, {});
  assert.deepEqual(listeners.map((l) => [l.name, l.protocol, l.host, l.port, l.idleTimeoutMs, l.maxConnections]), [['adt', 'mllp', '0.0.0.0', 2575, 600000, 64], ['files', 'http', '0.0.0.0', 8085, 600000, 64]]);
  const adt = listeners[0]!;
  assert.deepEqual(adt.validationOptions, { unsupportedEvents: 'reject', unknownZSegments: 'reject', knownZSegments: ['ZPI'], processingIds: ['P'] });
  assert.deepEqual([...adt.facilities ?? []], ['GOODHEALTH']);
  assert.deepEqual(['10.1.200.3', '10.2.0.1', '192.168.7.9', '192.168.7.10', 'fd12::1', '::1', 'not-an-ip'].map((a) => isSourceAllowed(adt, a)), [true, false, true, false, true, false, false]);
  assert.equal(isSourceAllowed(listeners[1]!, '203.0.113.5'), true, 'no list: every source');
});

test('mistakes stop start-up with the file, the JSON path or the variable named, never a value', () => {
  const refuses = (path: string, pattern: RegExp, env: Record<string, string> = {}) =>
    assert.throws(() => loadListeners(path, single, env), (e: Error & { code?: string }) => e.code === 'CDT_CONFIG_INVALID' && pattern.test(e.message));
  refuses(file({ listeners: [{ name: 'a', port: 1, colour: 'red' }] }), /must NOT have additional properties/);
  refuses(file({ listeners: [{ name: 'A B', port: 1 }] }), /\/listeners\/0\/name must match pattern/);
  refuses(file({ listeners: [{ name: 'a', port: 1 }, { name: 'a', port: 2 }] }), /listener name a is declared twice/);
  refuses(file({ listeners: [{ name: 'a', port: 7 }, { name: 'b', port: 7 }] }), /port 7 is declared twice/);
  refuses(file({ listeners: [{ name: 'a', port: 1, allowedSources: ['10.0.0.0/33'] }] }), /invalid prefix length/);
  refuses(file({ listeners: [{ name: 'a', port: 1, tls: { certFile: 'c', keyFile: 'k', clientCertificate: 'required' } }] }), /must have required property 'caFile'/);
  refuses(file({ listeners: [{ name: 'a', port: 1, tls: { certFile: join(dir, 'missing.pem'), keyFile: 'k' } }] }), /tls.keyFile k: ENOENT/);
  refuses(file('{ not json'), /not valid JSON/);
  refuses(file({ listeners: [{ name: 'a', port: 1 }] }), /CONDUIT_MLLP_PORT: not used when CONDUIT_LISTENERS_FILE is set/, { CONDUIT_MLLP_PORT: '2575' });
});
