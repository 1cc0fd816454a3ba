import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { ConduitError } from '@conduit/errors';
import { grantedScopes, type RoleMap, type Scope } from './scopes.ts';

/** Who is calling, from a verified token. */
export interface Principal {
  readonly subject: string;
  /** client_id (RFC 9068 §2.2) or azp: the application the operator uses. */
  readonly clientId?: string;
  readonly scopes: ReadonlySet<Scope>;
}

export interface TokenVerifier {
  /** Verifies an Authorization header value; throws a catalogued 401 error when it does not hold. */
  verify(authorization: string | undefined): Promise<Principal>;
}

export interface TokenVerifierOptions {
  readonly jwksFile?: string;
  readonly jwksUrl?: string;
  readonly issuer: string;
  readonly audience: string;
  readonly algorithms: readonly string[];
  readonly clockToleranceS: number;
  readonly roles: RoleMap;
  readonly rolesClaim: string;
}

/**
 * OAuth 2.0 bearer tokens (RFC 6750) that are JWTs signed by the configured issuer's keys. The
 * JWKS file is read once at start-up (rotate keys by restarting); a JWKS URL is fetched and
 * cached by jose, which refetches when a token names a key id it has not seen.
 */
export function createTokenVerifier(o: TokenVerifierOptions): TokenVerifier {
  const keys: JWTVerifyGetKey = o.jwksFile
    ? createLocalJWKSet(JSON.parse(readFileSync(o.jwksFile, 'utf8')) as JSONWebKeySet)
    : createRemoteJWKSet(new URL(o.jwksUrl ?? ''));
  return {
    async verify(authorization) {
      const match = /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/.exec(authorization?.trim() ?? '');
      if (!match) throw new ConduitError('CDT_AUTH_TOKEN_MISSING');
      try {
        const { payload } = await jwtVerify(match[1]!, keys, {
          issuer: o.issuer,
          audience: o.audience,
          algorithms: [...o.algorithms],
          clockTolerance: o.clockToleranceS,
          requiredClaims: ['sub', 'exp'],
        });
        const clientId = typeof payload['client_id'] === 'string' ? payload['client_id'] : typeof payload['azp'] === 'string' ? payload['azp'] : undefined;
        return { subject: payload.sub!, ...(clientId ? { clientId } : {}), scopes: grantedScopes(payload, o.roles, o.rolesClaim) };
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw new ConduitError('CDT_AUTH_TOKEN_EXPIRED');
        // jose's code names the failed check (ERR_JWS_SIGNATURE_VERIFICATION_FAILED, ERR_JWT_CLAIM_VALIDATION_FAILED…), never token content.
        const code = err instanceof errors.JOSEError ? err.code : 'ERR_TOKEN';
        throw new ConduitError('CDT_AUTH_TOKEN_INVALID', code, { cause: err });
      }
    },
  };
}
