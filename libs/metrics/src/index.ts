export { createMetricsRegistry, type MetricsRegistry } from './registry.ts';
