import type { DlqFilter } from '@conduit/queue';
import type { DlqOperations } from '../dlq/dlq-operations.ts';
import type { RouteKit } from './route-kit.ts';
import { dlqBulkBody, dlqFilterProperties, idParams, reasonOnlyBody } from './schemas.ts';

function filterOf(q: Readonly<Record<string, unknown>>): DlqFilter {
  const s = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
  const since = s('since');
  const until = s('until');
  return {
    ...(s('stage') ? { stage: s('stage') } : {}),
    ...(s('code') ? { errorCode: s('code') } : {}),
    ...(s('subscriber') ? { subscriber: s('subscriber') } : {}),
    ...(s('status') ? { status: s('status') as DlqFilter['status'] } : {}),
    ...(since ? { since: Date.parse(since) } : {}),
    ...(until ? { until: Date.parse(until) } : {}),
  };
}

async function idsOf(ops: DlqOperations, body: Readonly<Record<string, unknown>>): Promise<string[]> {
  if (Array.isArray(body['ids'])) return body['ids'] as string[];
  return ops.select(filterOf((body['filter'] ?? {}) as Record<string, unknown>), Number(body['limit'] ?? 1000));
}

/** The DLQ: metadata to anyone with dlq:read; payloads only with phi:read and a reason, audited. */
export function addDlqRoutes(kit: RouteKit, ops: DlqOperations): void {
  kit.add({
    method: 'GET', url: '/v1/dlq', action: 'dlq.list', scope: 'dlq:read', audit: 'always',
    summary: 'List failed messages (metadata only), newest failure first.',
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: { ...dlqFilterProperties, limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, offset: { type: 'integer', minimum: 0, default: 0 } },
    },
    handler: async ({ query }) => {
      const page = await ops.list(filterOf(query), { offset: Number(query['offset'] ?? 0), limit: Number(query['limit'] ?? 50) });
      return { body: page, targets: page.entries.map((e) => e.id), details: { listed: page.entries.length } };
    },
  });
  kit.add({
    method: 'GET', url: '/v1/dlq/:id', action: 'dlq.read', scope: 'dlq:read', audit: 'always',
    summary: 'One failed message: stage, error code, attempts, failure times, source event id (no payload).',
    params: idParams,
    handler: async ({ params }) => ({ body: await ops.get(params['id']!), targets: [params['id']!] }),
  });
  kit.add({
    method: 'POST', url: '/v1/dlq/:id/inspect', action: 'dlq.payload.read', scope: 'phi:read', reason: 'required', audit: 'always',
    summary: 'Disclose one failed message\'s payload (PHI): requires phi:read and a reason; audited before the payload is sent.',
    params: idParams,
    body: reasonOnlyBody,
    handler: async ({ params }) => {
      const { entry, payload } = await ops.readPayload(params['id']!);
      return { body: { id: entry.id, stage: entry.stage, errorCode: entry.errorCode, payload: payload.toString('utf8') }, targets: [entry.id] };
    },
  });
  kit.add({
    method: 'POST', url: '/v1/dlq/retry', action: 'dlq.retry', scope: 'dlq:write', reason: 'required', audit: 'always',
    summary: 'Write failed messages back to their stage\'s input topic (by ids or by filter).',
    body: dlqBulkBody,
    handler: async ({ body }) => {
      const report = await ops.retry(await idsOf(ops, body));
      return { body: report, targets: report.retried, details: { retried: report.retried.length, gone: report.gone.length, missing: report.missing.length } };
    },
  });
  kit.add({
    method: 'POST', url: '/v1/dlq/purge', action: 'dlq.purge', scope: 'dlq:write', reason: 'required', audit: 'always',
    summary: 'Purge failed messages now: index entries, payload copies and data keys (the Kafka copies become unreadable).',
    body: dlqBulkBody,
    handler: async ({ body }) => {
      const ids = await idsOf(ops, body);
      const removal = await ops.purge(ids);
      const purged = ids.filter((id) => !removal.missing.includes(id));
      return { body: { purged, missing: removal.missing, keysDestroyed: removal.keys }, targets: purged, details: { purged: purged.length, keys: removal.keys } };
    },
  });
}
