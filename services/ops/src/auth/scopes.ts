import { ConduitError } from '@conduit/errors';

/** The scopes of the ops API (issue: ops:read dlq:read dlq:write phi:read replay:write audit:read). */
export const SCOPES = ['ops:read', 'dlq:read', 'dlq:write', 'phi:read', 'replay:write', 'audit:read'] as const;
export type Scope = (typeof SCOPES)[number];

export type RoleMap = Readonly<Record<string, readonly Scope[]>>;

const isScope = (s: string): s is Scope => (SCOPES as readonly string[]).includes(s);

export function parseRoleMap(json: string): RoleMap {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ConduitError('CDT_CONFIG_INVALID', 'CONDUIT_OPS_ROLES: not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConduitError('CDT_CONFIG_INVALID', 'CONDUIT_OPS_ROLES: must be an object of role → scopes');
  const out: Record<string, Scope[]> = {};
  for (const [role, scopes] of Object.entries(parsed as Record<string, unknown>)) {
    if (!Array.isArray(scopes) || !scopes.every((s): s is string => typeof s === 'string')) {
      throw new ConduitError('CDT_CONFIG_INVALID', `CONDUIT_OPS_ROLES: ${role} must list scopes`);
    }
    const unknown = scopes.filter((s) => !isScope(s));
    if (unknown.length > 0) throw new ConduitError('CDT_CONFIG_INVALID', `CONDUIT_OPS_ROLES: ${role} names unknown scopes ${unknown.join(' ')}`);
    out[role] = scopes as Scope[];
  }
  return Object.freeze(out);
}

/**
 * The scopes a verified token grants: its `scope` claim (space-separated, RFC 8693 §4.2 / RFC 9068),
 * or `scp` (an array, as some issuers write it), plus what its roles map to. Unknown scopes are
 * ignored rather than refused: an issuer may serve other APIs with the same token.
 */
export function grantedScopes(claims: Readonly<Record<string, unknown>>, roles: RoleMap, rolesClaim: string): Set<Scope> {
  const granted = new Set<Scope>();
  const add = (s: unknown) => {
    if (typeof s === 'string' && isScope(s)) granted.add(s);
  };
  const scope = claims['scope'];
  if (typeof scope === 'string') scope.split(' ').forEach(add);
  const scp = claims['scp'];
  if (Array.isArray(scp)) scp.forEach(add);
  const claimed = claims[rolesClaim];
  if (Array.isArray(claimed)) {
    for (const role of claimed) if (typeof role === 'string') (roles[role] ?? []).forEach(add);
  }
  return granted;
}
