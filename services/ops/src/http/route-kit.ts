import type { AuditDetail, AuditWriter } from '@conduit/audit';
import { MAX_REASON_LENGTH } from '@conduit/audit';
import { ConduitError, isConduitError } from '@conduit/errors';
import { PROBLEM_CONTENT_TYPE, problemFor, type createHttpServer } from '@conduit/http';
import type { ConduitLogger } from '@conduit/log';
import type { Principal, TokenVerifier } from '../auth/token-verifier.ts';
import type { Scope } from '../auth/scopes.ts';

export type HttpApp = ReturnType<typeof createHttpServer>;
type JsonSchema = Readonly<Record<string, unknown>>;

export interface HandlerContext {
  readonly principal: Principal;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly body: Readonly<Record<string, unknown>>;
  /** The stated reason (required on routes that say so). */
  readonly reason?: string;
  readonly sourceAddress: string;
}

export interface HandlerResult {
  readonly status?: number;
  readonly body: unknown;
  /** Ids the action touched (audited); never values. */
  readonly targets?: readonly string[];
  readonly details?: Readonly<Record<string, AuditDetail>>;
}

export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  /** Fastify path, e.g. /v1/dlq/:id */
  readonly url: string;
  /** Audit action name, e.g. dlq.payload.read */
  readonly action: string;
  /** Scope the route requires; null: any valid token. */
  readonly scope: Scope | null;
  readonly reason?: 'required' | 'optional';
  /**
   * 'always' audits every call; 'denials' only refusals, for frequent reads that disclose nothing
   * (replay progress polling, health, the OpenAPI document).
   */
  readonly audit: 'always' | 'denials';
  readonly summary: string;
  readonly params?: JsonSchema;
  readonly querystring?: JsonSchema;
  readonly body?: JsonSchema;
  readonly response?: JsonSchema;
  readonly handler: (ctx: HandlerContext) => Promise<HandlerResult>;
}

export interface RouteKitOptions {
  readonly app: HttpApp;
  readonly verifier: TokenVerifier;
  readonly audit: AuditWriter;
  readonly logger: ConduitLogger;
}

interface AuditFacts {
  readonly principal: Principal | null;
  readonly sourceAddress: string;
  readonly action: string;
  readonly outcome: 'success' | 'denied' | 'failed';
  readonly targets?: readonly string[];
  readonly reason?: string;
  readonly code?: string;
  readonly details?: Readonly<Record<string, AuditDetail>>;
}

/** RFC 6750 §3: the challenge a refused bearer request carries. */
function challenge(code: string, scope: Scope | null): string {
  if (code === 'CDT_AUTH_TOKEN_MISSING') return 'Bearer realm="conduit-ops"';
  if (code === 'CDT_AUTH_SCOPE_MISSING') return `Bearer realm="conduit-ops", error="insufficient_scope", scope="${scope ?? ''}"`;
  return 'Bearer realm="conduit-ops", error="invalid_token"';
}

function readReason(body: Readonly<Record<string, unknown>>, header: unknown): string | undefined {
  const raw = typeof body['reason'] === 'string' ? body['reason'] : typeof header === 'string' ? header : undefined;
  const reason = raw?.trim();
  return reason ? reason : undefined;
}

/**
 * Registers routes so that each one authenticates (bearer JWT), authorizes (one scope), checks the
 * stated reason where required, and audits what happened, the same way. A successful call is
 * audited before its response leaves: a payload is never disclosed without its entry on record.
 */
export function createRouteKit(o: RouteKitOptions) {
  const principals = new WeakMap<object, Principal>();
  const specs: RouteSpec[] = [];

  const record = async (f: AuditFacts) => {
    await o.audit.submit({
      kind: 'action',
      actor: f.principal ? { subject: f.principal.subject, ...(f.principal.clientId ? { clientId: f.principal.clientId } : {}) } : { subject: 'anonymous' },
      sourceAddress: f.sourceAddress,
      action: f.action,
      targets: f.targets ?? [],
      ...(f.reason ? { reason: f.reason } : {}),
      outcome: f.outcome,
      ...(f.code ? { code: f.code } : {}),
      ...(f.details ? { details: f.details } : {}),
    });
  };
  // A refusal or failure that cannot be recorded still gets its answer: log the lost entry.
  const recordOrLog = (f: AuditFacts) =>
    record(f).catch((err: unknown) => o.logger.error({ err, action: f.action, code: f.code }, 'audit entry not written'));

  function add(spec: RouteSpec): void {
    specs.push(spec);
    o.app.route({
      method: spec.method,
      url: spec.url,
      schema: {
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.querystring ? { querystring: spec.querystring } : {}),
        ...(spec.body ? { body: spec.body } : {}),
      },
      // Authentication runs before body parsing and validation: nothing about a request is
      // examined until its caller is known.
      onRequest: async (request, reply) => {
        let principal: Principal | null = null;
        try {
          principal = await o.verifier.verify(request.headers.authorization);
          if (spec.scope && !principal.scopes.has(spec.scope)) throw new ConduitError('CDT_AUTH_SCOPE_MISSING', spec.scope);
          principals.set(request, principal);
        } catch (err) {
          const code = isConduitError(err) ? err.code : 'CDT_AUTH_TOKEN_INVALID';
          await recordOrLog({ principal, sourceAddress: request.ip, action: spec.action, outcome: 'denied', code });
          const detail = isConduitError(err) ? err.detail : undefined;
          return reply
            .code(code === 'CDT_AUTH_SCOPE_MISSING' ? 403 : 401)
            .header('www-authenticate', challenge(code, spec.scope))
            .type(PROBLEM_CONTENT_TYPE)
            .send(problemFor(code, { ...(detail ? { detail } : {}), instance: request.url }));
        }
      },
      handler: async (request, reply) => {
        const principal = principals.get(request)!;
        const body = (request.body ?? {}) as Record<string, unknown>;
        const reason = readReason(body, request.headers['x-conduit-reason']);
        if (reason && reason.length > MAX_REASON_LENGTH) throw new ConduitError('CDT_HTTP_BAD_REQUEST', `reason longer than ${MAX_REASON_LENGTH} characters`);
        const base = { principal, sourceAddress: request.ip, action: spec.action, ...(reason ? { reason } : {}) };
        if (spec.reason === 'required' && !reason) {
          await recordOrLog({ ...base, outcome: 'denied', code: 'CDT_OPS_REASON_REQUIRED' });
          throw new ConduitError('CDT_OPS_REASON_REQUIRED');
        }
        const params = (request.params ?? {}) as Record<string, string>;
        let result: HandlerResult;
        try {
          result = await spec.handler({
            principal,
            params,
            query: (request.query ?? {}) as Record<string, unknown>,
            body,
            ...(reason ? { reason } : {}),
            sourceAddress: request.ip,
          });
        } catch (err) {
          const code = isConduitError(err) ? err.code : 'CDT_INTERNAL';
          if (spec.audit === 'always') await recordOrLog({ ...base, outcome: 'failed', code, ...(params['id'] ? { targets: [params['id']] } : {}) });
          throw err;
        }
        if (spec.audit === 'always') {
          try {
            await record({ ...base, outcome: 'success', ...(result.targets ? { targets: result.targets } : {}), ...(result.details ? { details: result.details } : {}) });
          } catch (err) {
            o.logger.error({ err, action: spec.action }, 'audit entry not written; response withheld');
            throw new ConduitError('CDT_AUDIT_UNAVAILABLE');
          }
        }
        return reply.code(result.status ?? 200).send(result.body);
      },
    });
  }

  return { add, specs: () => specs as readonly RouteSpec[] };
}

export type RouteKit = ReturnType<typeof createRouteKit>;
