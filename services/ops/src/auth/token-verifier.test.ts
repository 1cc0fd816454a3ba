import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { ConduitError } from '@conduit/errors';
import { grantedScopes, parseRoleMap } from './scopes.ts';
import { createTokenVerifier } from './token-verifier.ts';

const roles = parseRoleMap('{"viewer":["ops:read","dlq:read"],"officer":["phi:read"]}');

test('scopes come from scope, scp and mapped roles; unknown ones are ignored', () => {
  const granted = grantedScopes({ scope: 'dlq:write openid', scp: ['audit:read'], roles: ['viewer', 'nobody'] }, roles, 'roles');
  assert.deepEqual([...granted].sort(), ['audit:read', 'dlq:read', 'dlq:write', 'ops:read']);
  assert.throws(() => parseRoleMap('{"x":["root"]}'), (e: unknown) => e instanceof ConduitError && e.code === 'CDT_CONFIG_INVALID' && /unknown scopes root/.test(e.message));
});

test('a token is verified against the JWKS, issuer and audience; each refusal has its code', async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwksFile = join(mkdtempSync(join(tmpdir(), 'conduit-jwks-')), 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] }));
  const verifier = createTokenVerifier({ jwksFile, issuer: 'https://idp', audience: 'conduit-ops', algorithms: ['ES256'], clockToleranceS: 0, roles, rolesClaim: 'roles' });
  const sign = (claims: Record<string, unknown>, o: { iss?: string; aud?: string; exp?: number } = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(o.iss ?? 'https://idp').setAudience(o.aud ?? 'conduit-ops')
      .setSubject('alice').setExpirationTime(o.exp ?? Math.floor(Date.now() / 1000) + 60).sign(privateKey);
  const principal = await verifier.verify(`Bearer ${await sign({ roles: ['officer'], azp: 'cli' })}`);
  assert.deepEqual({ ...principal, scopes: [...principal.scopes] }, { subject: 'alice', clientId: 'cli', scopes: ['phi:read'] });
  const code = async (header: string | undefined) => {
    try {
      await verifier.verify(header);
      return 'accepted';
    } catch (e) {
      return (e as ConduitError).code;
    }
  };
  assert.equal(await code(undefined), 'CDT_AUTH_TOKEN_MISSING');
  assert.equal(await code('Basic abc'), 'CDT_AUTH_TOKEN_MISSING');
  assert.equal(await code('Bearer not.a.jwt'), 'CDT_AUTH_TOKEN_INVALID');
  assert.equal(await code(`Bearer ${await sign({}, { aud: 'other' })}`), 'CDT_AUTH_TOKEN_INVALID');
  assert.equal(await code(`Bearer ${await sign({}, { iss: 'https://evil' })}`), 'CDT_AUTH_TOKEN_INVALID');
  assert.equal(await code(`Bearer ${await sign({}, { exp: Math.floor(Date.now() / 1000) - 10 })}`), 'CDT_AUTH_TOKEN_EXPIRED');
});
