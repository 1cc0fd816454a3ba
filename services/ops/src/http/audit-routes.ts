import type { KafkaClient } from '../kafka-client.ts';
import { listAuditRecords, verifyAuditChain } from '../audit/audit-reader.ts';
import type { RouteKit } from './route-kit.ts';

export function addAuditRoutes(kit: RouteKit, deps: { readonly kafka: KafkaClient; readonly topic: string }): void {
  kit.add({
    method: 'GET', url: '/v1/audit', action: 'audit.list', scope: 'audit:read', audit: 'always',
    summary: 'The newest audit records matching the query (chained records with seq, hashes and the entry).',
    querystring: {
      type: 'object',
      additionalProperties: false,
      properties: {
        limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
        action: { type: 'string', maxLength: 64, description: 'An action or an action prefix (dlq matches dlq.purge).' },
        target: { type: 'string', maxLength: 256 },
        subject: { type: 'string', maxLength: 256 },
        kind: { enum: ['action', 'disclosure', 'system'] },
      },
    },
    handler: async ({ query }) => {
      const records = await listAuditRecords(deps.kafka, deps.topic, {
        limit: Number(query['limit'] ?? 50),
        ...(typeof query['action'] === 'string' ? { action: query['action'] } : {}),
        ...(typeof query['target'] === 'string' ? { target: query['target'] } : {}),
        ...(typeof query['subject'] === 'string' ? { subject: query['subject'] } : {}),
        ...(typeof query['kind'] === 'string' ? { kind: query['kind'] } : {}),
      });
      return { body: { records }, details: { listed: records.length } };
    },
  });
  kit.add({
    method: 'GET', url: '/v1/audit/verify', action: 'audit.verify', scope: 'audit:read', audit: 'always',
    summary: 'Walk the hash chain from its first record and report the first broken link.',
    handler: async () => {
      const report = await verifyAuditChain(deps.kafka, deps.topic);
      return {
        body: report,
        details: { ok: report.ok, records: report.records, ...(report.firstBreak ? { brokenAt: report.firstBreak.position, breakReason: report.firstBreak.reason } : {}) },
      };
    },
  });
}
