import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';
import { serviceEnv } from './service-env.ts';
import { serviceNames } from './service-process.ts';

const declared = (name: string) => Object.keys((JSON.parse(readFileSync(join(repoRoot, `schemas/config/${name}.schema.json`), 'utf8')) as { properties: object }).properties);

test("each pipeline service's metrics port reaches it through variables its config schema declares, on loopback", () => {
  const metricsPorts = { ingest: 9561, normalize: 9562, project: 9563, fanout: 9564 };
  for (const name of serviceNames) {
    const env = serviceEnv(name, { kafkaBrokers: '127.0.0.1:9092', mllpPort: 2575, metricsPorts });
    assert.equal(env['CONDUIT_METRICS_PORT'], String(metricsPorts[name]), name);
    assert.equal(env['CONDUIT_METRICS_HOST'], '127.0.0.1', name);
    for (const key of ['CONDUIT_METRICS_PORT', 'CONDUIT_METRICS_HOST']) assert.ok(declared(name).includes(key), `${name} declares ${key}`);
    assert.equal(serviceEnv(name, { kafkaBrokers: '127.0.0.1:9092', mllpPort: 2575 })['CONDUIT_METRICS_PORT'], undefined, `${name} serves none unless asked`);
  }
});
