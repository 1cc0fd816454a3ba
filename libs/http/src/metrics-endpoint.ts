import type { ConduitLogger } from '@conduit/log';
import { createHttpServer } from './http-server.ts';

/** What a scrape answers: a metrics registry, or one that refreshes some figures first (fanout's queue depths). */
export interface MetricsExposition {
  /** The Prometheus text exposition, rendered on each scrape. */
  render(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsEndpointOptions {
  readonly metrics: MetricsExposition;
  readonly host: string;
  /** 0 takes a free port (tests); the bound one is returned. */
  readonly port: number;
  readonly logger: ConduitLogger;
}

export interface MetricsEndpoint {
  readonly port: number;
  close(): Promise<void>;
}

/** GET /metrics on a port of its own: scrapers never share a service's EHR- or operator-facing ones. */
export async function serveMetrics(o: MetricsEndpointOptions): Promise<MetricsEndpoint> {
  const logger = o.logger.child({ component: 'metrics' });
  const app = createHttpServer({ logger });
  app.get('/metrics', async (_request, reply) => reply.type(o.metrics.contentType).send(await o.metrics.render()));
  await app.listen({ host: o.host, port: o.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  logger.info({ port }, 'metrics endpoint started');
  return { port, close: () => app.close() };
}
