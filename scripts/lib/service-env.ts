import { join } from 'node:path';
import { devSecretEnv } from './dev-secrets.ts';
import { repoRoot } from './paths.ts';
import type { PipelineServiceName, ServiceName } from './service-process.ts';

export interface PipelineSettings {
  readonly kafkaBrokers: string;
  readonly mllpPort: number;
  readonly mllpHost?: string;
  readonly contractsDir?: string;
  /** Distinct consumer groups let several pipelines (tests) share one broker. */
  readonly groupPrefix?: string;
  readonly logLevel?: string;
  readonly redisUrl?: string;
  /** Prefix of every Redis key (fanout's lanes, the stages' DLQ data keys, ops's index), unique per test. */
  readonly redisPrefix?: string;
  /** Serve each named pipeline service's Prometheus /metrics on 127.0.0.1 at this port. */
  readonly metricsPorts?: Partial<Record<PipelineServiceName, number>>;
  /** Required to run the ops service. */
  readonly ops?: {
    readonly port: number;
    /** JWKS file the API verifies bearer tokens against (tests generate one). */
    readonly jwksFile: string;
    readonly issuer: string;
  };
}

/** Each service is given exactly the variables its config schema declares (unknown ones are refused). */
export function serviceEnv(name: ServiceName, s: PipelineSettings): Record<string, string> {
  const secrets = devSecretEnv();
  const metricsPort = name === 'ops' ? undefined : s.metricsPorts?.[name];
  const common = {
    KAFKA_BROKERS: s.kafkaBrokers,
    CONDUIT_LOG_LEVEL: s.logLevel ?? 'info',
    ...(metricsPort === undefined ? {} : { CONDUIT_METRICS_PORT: String(metricsPort), CONDUIT_METRICS_HOST: '127.0.0.1' }),
  };
  const contracts = s.contractsDir ?? join(repoRoot, 'deploy/demo/contracts');
  const group = (g: string) => ({ CONDUIT_GROUP_ID: `${s.groupPrefix ?? 'conduit'}-${g}` });
  // Stages seal dead-lettered payloads with data keys in this Redis; ops must share it and the prefix.
  const redis = { REDIS_URL: s.redisUrl ?? process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', CONDUIT_REDIS_PREFIX: s.redisPrefix ?? 'conduit' };
  switch (name) {
    case 'ingest':
      return { ...common, CONDUIT_MLLP_PORT: String(s.mllpPort), CONDUIT_MLLP_HOST: s.mllpHost ?? '127.0.0.1', CONDUIT_PATIENT_KEY_FILE: secrets['CONDUIT_PATIENT_KEY_FILE']! };
    case 'normalize':
      return { ...common, ...group('normalize'), ...redis, CONDUIT_PATIENT_KEY_FILE: secrets['CONDUIT_PATIENT_KEY_FILE']! };
    case 'project':
      return { ...common, ...group('project'), ...redis, CONDUIT_CONTRACTS_DIR: contracts, CONDUIT_TOKEN_KEY_FILE: secrets['CONDUIT_TOKEN_KEY_FILE']! };
    case 'fanout':
      // The development Redis may run without AOF; production Redis must not (see the README).
      return {
        ...common, ...group('fanout'), ...redis, CONDUIT_CONTRACTS_DIR: contracts, CONDUIT_REDIS_ALLOW_NO_PERSISTENCE: 'true',
      };
    case 'ops': {
      if (!s.ops) throw new Error('serviceEnv: the ops service needs PipelineSettings.ops (port, JWKS file, issuer)');
      const prefix = s.groupPrefix ?? 'conduit';
      return {
        ...common,
        ...redis,
        CONDUIT_OPS_PORT: String(s.ops.port),
        CONDUIT_OPS_JWKS_FILE: s.ops.jwksFile,
        CONDUIT_OPS_ISSUER: s.ops.issuer,
        CONDUIT_CONTRACTS_DIR: contracts,
        CONDUIT_OPS_GROUPS: `normalize=${prefix}-normalize,project=${prefix}-project,fanout=${prefix}-fanout`,
        CONDUIT_OPS_PROBES: `ingest=${s.mllpHost ?? '127.0.0.1'}:${s.mllpPort}`,
        CONDUIT_DLQ_INDEX_GROUP: `${prefix}-ops-dlq-index`,
        CONDUIT_AUDIT_CHAINER_GROUP: `${prefix}-ops-audit-chainer`,
      };
    }
  }
}
