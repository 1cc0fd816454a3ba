import { createHttpServer } from '@conduit/http';
import type { ConduitLogger } from '@conduit/log';
import type { MetricsRegistry } from '@conduit/metrics';

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** GET /metrics in the Prometheus text format, on its own port: scrapers never share the EHR-facing ones. */
export async function startMetricsServer(metrics: MetricsRegistry, host: string, port: number, logger: ConduitLogger): Promise<MetricsServer> {
  const app = createHttpServer({ logger: logger.child({ component: 'metrics' }) });
  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.render()));
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  logger.info({ port: bound }, 'metrics endpoint started');
  return { port: bound, close: () => app.close() };
}
