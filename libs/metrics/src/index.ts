export { createMetricsRegistry, type MetricsRegistry } from './registry.ts';
export { metricValue } from './exposition.ts';
export { boundedLabel } from './bounded-label.ts';
