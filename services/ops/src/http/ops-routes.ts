import { describeContract, loadContracts } from '@conduit/projection';
import { ConduitError } from '@conduit/errors';
import type { PurgeLog } from '@conduit/queue';
import type { RouteHealth } from '../health/route-health.ts';
import type { PurgeSummary } from '../dlq/ttl-purge.ts';
import type { RouteKit } from './route-kit.ts';
import { idParams, reasonOnlyBody } from './schemas.ts';

export interface OpsRouteDeps {
  readonly health: () => Promise<RouteHealth>;
  readonly contractsDir?: string;
  readonly purgeLog: PurgeLog<PurgeSummary>;
  readonly runPurge: () => Promise<PurgeSummary | null>;
}

/** Route health, subscribers and their published contracts, and the TTL purge. */
export function addOpsRoutes(kit: RouteKit, deps: OpsRouteDeps): void {
  // Contracts are read per request: the list shows what is deployed now, as project reads it at start.
  const contracts = () => (deps.contractsDir ? loadContracts(deps.contractsDir) : []);
  kit.add({
    method: 'GET', url: '/v1/health', action: 'health.read', scope: 'ops:read', audit: 'denials',
    summary: 'Each route\'s liveness: consumer groups (members, lag per topic) and listeners (TCP answer).',
    handler: async () => ({ body: await deps.health() }),
  });
  kit.add({
    method: 'GET', url: '/v1/subscribers', action: 'subscribers.list', scope: 'ops:read', audit: 'always',
    summary: 'Subscribers with their contract version, purpose of use and replay preference.',
    handler: async () => {
      const list = contracts().map(({ contract }) => ({
        id: contract.id,
        version: contract.version,
        owner: contract.owner,
        purposeOfUse: contract.purposeOfUse,
        replays: contract.events.replays !== false,
        channels: Object.keys(contract.channels),
      }));
      return { body: { subscribers: list } };
    },
  });
  kit.add({
    method: 'GET', url: '/v1/subscribers/:id', action: 'subscribers.read', scope: 'ops:read', audit: 'always',
    summary: 'A subscriber\'s published contract: exactly which elements it receives and how.',
    params: idParams,
    handler: async ({ params }) => {
      const found = contracts().find((c) => c.contract.id === params['id']);
      if (!found) throw new ConduitError('CDT_HTTP_NOT_FOUND', 'no such subscriber');
      return { body: describeContract(found.contract), targets: [found.contract.id] };
    },
  });
  kit.add({
    method: 'GET', url: '/v1/purges', action: 'purge.list', scope: 'ops:read', audit: 'always',
    summary: 'Recent TTL purge runs: counts and the ids of the audit entries that list what went.',
    querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 } } },
    handler: async ({ query }) => ({ body: { runs: await deps.purgeLog.recent(Number(query['limit'] ?? 20)) } }),
  });
  kit.add({
    method: 'POST', url: '/v1/purges', action: 'purge.run', scope: 'dlq:write', reason: 'required', audit: 'always',
    summary: 'Run the TTL purge now (it also runs on its schedule).',
    body: reasonOnlyBody,
    handler: async () => {
      const summary = await deps.runPurge();
      return { body: summary ?? { entries: 0, keys: 0, auditIds: [] }, details: { purged: summary?.entries ?? 0 } };
    },
  });
}
