export { createHttpServer, type HttpServerOptions } from './http-server.ts';
export { problemFor, PROBLEM_CONTENT_TYPE, type ProblemDocument } from './problem.ts';
export { serveMetrics, type MetricsEndpoint, type MetricsEndpointOptions, type MetricsExposition } from './metrics-endpoint.ts';
