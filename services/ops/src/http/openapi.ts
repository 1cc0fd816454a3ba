import { SCOPES } from '../auth/scopes.ts';
import type { RouteSpec } from './route-kit.ts';

const problem = { $ref: '#/components/schemas/Problem' };
const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: problem } } });

/** OpenAPI 3.1 document built from the same route table the server runs. */
export function buildOpenApi(specs: readonly RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const s of specs) {
    const path = s.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters = [
      ...Object.keys((s.params?.['properties'] ?? {}) as object).map((name) => ({ name, in: 'path', required: true, schema: (s.params!['properties'] as Record<string, unknown>)[name] })),
      ...Object.entries((s.querystring?.['properties'] ?? {}) as Record<string, unknown>).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
      ...(s.reason ? [{ name: 'X-Conduit-Reason', in: 'header', required: false, schema: { type: 'string', maxLength: 500 }, description: 'The reason, when the body carries none.' }] : []),
    ];
    (paths[path] ??= {})[s.method.toLowerCase()] = {
      operationId: s.action,
      summary: s.summary,
      security: [{ bearer: s.scope ? [s.scope] : [] }],
      'x-conduit-audit': s.audit,
      ...(s.reason ? { 'x-conduit-reason': s.reason } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(s.body ? { requestBody: { required: true, content: { 'application/json': { schema: s.body } } } } : {}),
      responses: {
        [s.method === 'POST' && s.action === 'replay.create' ? '202' : '200']: { description: 'OK', content: { 'application/json': { schema: s.response ?? { type: 'object' } } } },
        400: problemResponse('Malformed request, or a required reason missing (CDT_HTTP_BAD_REQUEST, CDT_OPS_REASON_REQUIRED).'),
        401: problemResponse('No token, or a token that is malformed, badly signed, for another audience or expired (CDT_AUTH_TOKEN_*).'),
        403: problemResponse('The token lacks the scope (CDT_AUTH_SCOPE_MISSING).'),
        404: problemResponse('Not found.'),
        503: problemResponse('The audit entry could not be written, so nothing was done or disclosed (CDT_AUDIT_UNAVAILABLE).'),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Conduit ops API', version, description: 'Route health, subscribers, the DLQ, replays, TTL purges and the audit trail. Every call needs a bearer JWT; errors are RFC 9457 problem documents with Conduit error codes.' },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: `OAuth 2.0 access token (RFC 9068). Scopes: ${SCOPES.join(', ')}; roles in the ops configuration map to scopes.` },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code'],
          properties: {
            type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
            instance: { type: 'string' }, code: { type: 'string', pattern: '^CDT_' }, remediation: { type: 'string' },
          },
        },
      },
    },
  };
}
