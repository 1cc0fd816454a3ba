import type { AuditWriter } from '@conduit/audit';
import { createHttpServer } from '@conduit/http';
import type { ConduitLogger } from '@conduit/log';
import type { PurgeLog } from '@conduit/queue';
import type { TokenVerifier } from '../auth/token-verifier.ts';
import type { DlqOperations } from '../dlq/dlq-operations.ts';
import type { PurgeSummary } from '../dlq/ttl-purge.ts';
import type { RouteHealth } from '../health/route-health.ts';
import type { KafkaClient } from '../kafka-client.ts';
import type { ReplayService } from '../replay/replay-service.ts';
import { addAuditRoutes } from './audit-routes.ts';
import { addDlqRoutes } from './dlq-routes.ts';
import { buildOpenApi } from './openapi.ts';
import { addOpsRoutes } from './ops-routes.ts';
import { addReplayRoutes } from './replay-routes.ts';
import { createRouteKit, type HttpApp } from './route-kit.ts';

export interface OpsApiDeps {
  readonly logger: ConduitLogger;
  readonly verifier: TokenVerifier;
  readonly audit: AuditWriter;
  readonly kafka: KafkaClient;
  readonly auditTopic: string;
  readonly dlq: DlqOperations;
  readonly replays: ReplayService;
  readonly health: () => Promise<RouteHealth>;
  readonly contractsDir?: string;
  readonly purgeLog: PurgeLog<PurgeSummary>;
  readonly runPurge: () => Promise<PurgeSummary | null>;
  readonly https?: { readonly key: Buffer; readonly cert: Buffer };
}

export const API_VERSION = '1.0.0';

/** The ops HTTP API: every route authenticated, scoped and audited through one route kit. */
export function createOpsApi(d: OpsApiDeps): HttpApp {
  const app = createHttpServer({ logger: d.logger, bodyLimitBytes: 1024 * 1024, ...(d.https ? { https: d.https } : {}) });
  const kit = createRouteKit({ app, verifier: d.verifier, audit: d.audit, logger: d.logger });
  addOpsRoutes(kit, { health: d.health, ...(d.contractsDir ? { contractsDir: d.contractsDir } : {}), purgeLog: d.purgeLog, runPurge: d.runPurge });
  addDlqRoutes(kit, d.dlq);
  addReplayRoutes(kit, d.replays);
  addAuditRoutes(kit, { kafka: d.kafka, topic: d.auditTopic });
  kit.add({
    method: 'GET', url: '/v1/openapi.json', action: 'openapi.read', scope: null, audit: 'denials',
    summary: 'This API\'s OpenAPI 3.1 document.',
    handler: async () => ({ body: buildOpenApi(kit.specs(), API_VERSION) }),
  });
  return app;
}
