import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { localDir } from './paths.ts';

export const OPS_AUDIENCE = 'conduit-ops';
/** The issuer of the development tokens `npm start` mints; real deployments trust their IdP. */
export const DEV_OPS_ISSUER = 'urn:conduit:dev-idp';

export interface OpsTokenClaims {
  readonly issuer: string;
  readonly sub: string;
  readonly scopes?: readonly string[];
  readonly roles?: readonly string[];
  readonly clientId: string;
  /** Seconds from now; negative for an expired token. */
  readonly expiresInS: number;
}

/** A bearer token the ops API accepts when its JWKS holds the public half of `key` under `kid`. */
export function signOpsToken(key: CryptoKey, kid: string, c: OpsTokenClaims): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...(c.scopes ? { scope: c.scopes.join(' ') } : {}), ...(c.roles ? { roles: c.roles } : {}), client_id: c.clientId })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setIssuer(c.issuer)
    .setAudience(OPS_AUDIENCE)
    .setSubject(c.sub)
    .setIssuedAt(now - 120)
    .setExpirationTime(now + c.expiresInS)
    .sign(key);
}

export interface DevOpsAuth {
  readonly jwksFile: string;
  readonly issuer: string;
  /** A fresh admin token for the demo operator, for `npm run conduit` (CONDUIT_OPS_TOKEN_FILE). */
  readonly tokenFile: string;
}

/**
 * The demo's token keys: an ES256 key pair generated once per checkout into the git-ignored
 * .local/secrets (the API gets only the public JWKS), and a 12-hour admin token minted each start.
 */
export async function devOpsAuth(): Promise<DevOpsAuth> {
  const dir = join(localDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, 'ops-signing-key.json');
  const jwksFile = join(dir, 'ops-jwks.json');
  const kid = 'conduit-dev';
  if (!existsSync(keyFile) || !existsSync(jwksFile)) {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    writeFileSync(keyFile, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600 });
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }));
  }
  const key = (await importJWK(JSON.parse(readFileSync(keyFile, 'utf8')) as JWK, 'ES256')) as CryptoKey;
  const tokenFile = join(dir, 'ops-token');
  writeFileSync(tokenFile, await signOpsToken(key, kid, { issuer: DEV_OPS_ISSUER, sub: 'demo-operator', roles: ['admin'], clientId: 'conduit-demo', expiresInS: 12 * 3600 }), { mode: 0o600 });
  return { jwksFile, issuer: DEV_OPS_ISSUER, tokenFile };
}
