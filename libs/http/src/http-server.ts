import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { isConduitError } from '@conduit/errors';
import type { ConduitLogger } from '@conduit/log';
import { PROBLEM_CONTENT_TYPE, problemFor } from './problem.ts';

export interface HttpServerOptions {
  readonly logger: ConduitLogger;
  readonly bodyLimitBytes?: number;
  /** TLS material (node:https options); TLS 1.2+ is enforced when given. */
  readonly https?: { key: Buffer | string; cert: Buffer | string; ca?: Buffer | string; requestCert?: boolean; rejectUnauthorized?: boolean };
}

/**
 * A Fastify instance with our logger, draft 2020-12 route schemas and every error answered as an
 * RFC 9457 problem with a catalog code. Request logs carry method, route and status, never bodies.
 */
export function createHttpServer(o: HttpServerOptions): FastifyInstance {
  const options: FastifyServerOptions & { https?: object } = {
    loggerInstance: o.logger.child({ component: 'http' }),
    bodyLimit: o.bodyLimitBytes ?? 16 * 1024 * 1024,
    ...(o.https ? { https: { minVersion: 'TLSv1.2', ...o.https } } : {}),
  };
  const app = Fastify(options) as unknown as FastifyInstance;
  const ajv = new Ajv2020({ allErrors: false, coerceTypes: 'array', useDefaults: true, removeAdditional: false, strict: false });
  app.setValidatorCompiler(({ schema }) => ajv.compile(schema));
  app.setErrorHandler((err, request, reply) => {
    if (isConduitError(err)) {
      void reply.code(err.entry.http).type(PROBLEM_CONTENT_TYPE).send(problemFor(err.code, { ...(err.detail ? { detail: err.detail } : {}), instance: request.url }));
      return;
    }
    const status = typeof (err as { statusCode?: unknown }).statusCode === 'number' ? (err as { statusCode: number }).statusCode : 500;
    if (status >= 500) request.log.error({ err }, 'request failed');
    const code = status === 400 ? 'CDT_HTTP_BAD_REQUEST' : status === 413 ? 'CDT_HTTP_BAD_REQUEST' : 'CDT_INTERNAL';
    // Fastify's validation messages name schema paths, not values.
    const detail = status < 500 ? (err as Error).message : undefined;
    void reply.code(status).type(PROBLEM_CONTENT_TYPE).send(problemFor(code, { status, ...(detail ? { detail } : {}), instance: request.url }));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).type(PROBLEM_CONTENT_TYPE).send(problemFor('CDT_HTTP_NOT_FOUND', { instance: request.url }));
  });
  return app;
}
