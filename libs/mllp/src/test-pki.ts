import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM material for TLS tests; the files sit in `dir` for listeners configured by path. */
export interface TestPki {
  readonly dir: string;
  readonly ca: { readonly cert: Buffer; readonly certFile: string };
  readonly server: { readonly key: Buffer; readonly cert: Buffer; readonly keyFile: string; readonly certFile: string };
  /** Signed by the test CA; subject CN=ehr-feed,O=Good Health. */
  readonly client: { readonly key: Buffer; readonly cert: Buffer };
  /** Signed by a CA the listener does not trust. */
  readonly rogueClient: { readonly key: Buffer; readonly cert: Buffer };
  remove(): void;
}

/**
 * A throwaway CA, a server certificate for 127.0.0.1/localhost and two client certificates,
 * made with the openssl CLI into a temp folder, so no private key is ever committed.
 */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'conduit-pki-'));
  const p = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const key = (name: string) => openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', p(name));
  const ca = (name: string, subject: string) => {
    key(`${name}.key`);
    openssl('req', '-x509', '-new', '-key', p(`${name}.key`), '-subj', subject, '-days', '2', '-out', p(`${name}.crt`));
  };
  const leaf = (name: string, subject: string, issuer: string, extensions: string) => {
    key(`${name}.key`);
    openssl('req', '-new', '-key', p(`${name}.key`), '-subj', subject, '-out', p(`${name}.csr`));
    writeFileSync(p(`${name}.ext`), extensions);
    openssl('x509', '-req', '-in', p(`${name}.csr`), '-CA', p(`${issuer}.crt`), '-CAkey', p(`${issuer}.key`), '-CAcreateserial', '-days', '2', '-extfile', p(`${name}.ext`), '-out', p(`${name}.crt`));
  };
  ca('ca', '/CN=Conduit Test CA');
  ca('rogue-ca', '/CN=Someone Else CA');
  leaf('server', '/CN=localhost', 'ca', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  leaf('client', '/O=Good Health/CN=ehr-feed', 'ca', 'extendedKeyUsage=clientAuth\n');
  leaf('rogue', '/CN=ehr-feed', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
  const read = (name: string) => readFileSync(p(name));
  return {
    dir,
    ca: { cert: read('ca.crt'), certFile: p('ca.crt') },
    server: { key: read('server.key'), cert: read('server.crt'), keyFile: p('server.key'), certFile: p('server.crt') },
    client: { key: read('client.key'), cert: read('client.crt') },
    rogueClient: { key: read('rogue.key'), cert: read('rogue.crt') },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
