import { extendConfigSchema, parseConfig, type Env } from '@conduit/config';
import { ConduitError } from '@conduit/errors';
import { parseDlqTtls } from '@conduit/events';
import type { DlqSealingConfig } from '@conduit/queue/dlq-sealer';
import dlqSealingSchema from '../../../schemas/config/dlq-sealing.schema.json' with { type: 'json' };
import configSchema from '../../../schemas/config/ops.schema.json' with { type: 'json' };
import { parseRoleMap, type RoleMap } from './auth/scopes.ts';

interface OpsEnv extends DlqSealingConfig {
  readonly KAFKA_BROKERS: string;
  readonly CONDUIT_LOG_LEVEL: 'info';
  readonly CONDUIT_KAFKA_CLIENT_ID?: string;
  readonly CONDUIT_OPS_HOST: string;
  readonly CONDUIT_OPS_PORT: number;
  readonly CONDUIT_OPS_TLS_CERT_FILE?: string;
  readonly CONDUIT_OPS_TLS_KEY_FILE?: string;
  readonly CONDUIT_OPS_JWKS_FILE?: string;
  readonly CONDUIT_OPS_JWKS_URL?: string;
  readonly CONDUIT_OPS_ISSUER: string;
  readonly CONDUIT_OPS_AUDIENCE: string;
  readonly CONDUIT_OPS_ALGORITHMS: string;
  readonly CONDUIT_OPS_CLOCK_TOLERANCE_S: number;
  readonly CONDUIT_OPS_ROLES_CLAIM: string;
  readonly CONDUIT_OPS_ROLES: string;
  readonly CONDUIT_CONTRACTS_DIR?: string;
  readonly CONDUIT_DLQ_TOPIC: string;
  readonly CONDUIT_DLQ_INDEX_GROUP: string;
  readonly CONDUIT_PURGE_INTERVAL_MS: number;
  readonly CONDUIT_AUDIT_TOPIC: string;
  readonly CONDUIT_AUDIT_INBOX_TOPIC: string;
  readonly CONDUIT_AUDIT_CHAINER_GROUP: string;
  readonly CONDUIT_OPS_GROUPS: string;
  readonly CONDUIT_OPS_PROBES: string;
  readonly CONDUIT_REPLAY_RATE_PER_SECOND: number;
  readonly CONDUIT_REPLAY_MAX_RATE_PER_SECOND: number;
  readonly CONDUIT_REPLAY_CONCURRENCY: number;
}

/** The ops configuration, parsed once at start-up and passed down read-only. */
export interface OpsConfig {
  readonly env: OpsEnv;
  readonly roles: RoleMap;
  readonly algorithms: readonly string[];
  /** The failed-message TTL of one stage. */
  ttlFor(stage: string): number;
  readonly groups: readonly { readonly service: string; readonly groupId: string }[];
  readonly probes: readonly { readonly service: string; readonly host: string; readonly port: number }[];
}

function pairs(text: string | undefined): [string, string][] {
  if (!text || text === 'none') return [];
  return text.split(',').map((p) => {
    const at = p.indexOf('=');
    return [p.slice(0, at), p.slice(at + 1)];
  });
}

export function parseOpsConfig(env: Env): OpsConfig {
  const e = parseConfig<OpsEnv>(extendConfigSchema(configSchema, dlqSealingSchema), env);
  if (!e.CONDUIT_OPS_JWKS_FILE === !e.CONDUIT_OPS_JWKS_URL) {
    throw new ConduitError('CDT_CONFIG_INVALID', 'set exactly one of CONDUIT_OPS_JWKS_FILE and CONDUIT_OPS_JWKS_URL');
  }
  if (!e.CONDUIT_OPS_TLS_CERT_FILE !== !e.CONDUIT_OPS_TLS_KEY_FILE) {
    throw new ConduitError('CDT_CONFIG_INVALID', 'CONDUIT_OPS_TLS_CERT_FILE and CONDUIT_OPS_TLS_KEY_FILE go together');
  }
  const ttls = parseDlqTtls(e.CONDUIT_DLQ_TTL_MS, e.CONDUIT_DLQ_TTL_BY_STAGE);
  const algorithms = e.CONDUIT_OPS_ALGORITHMS.split(',').map((a) => a.trim()).filter(Boolean);
  if (algorithms.some((a) => a.startsWith('HS') || a === 'none')) {
    throw new ConduitError('CDT_CONFIG_INVALID', 'CONDUIT_OPS_ALGORITHMS: only asymmetric algorithms are accepted');
  }
  return Object.freeze({
    env: e,
    roles: parseRoleMap(e.CONDUIT_OPS_ROLES),
    algorithms,
    ttlFor: ttls.ttlFor,
    groups: pairs(e.CONDUIT_OPS_GROUPS).map(([service, groupId]) => ({ service, groupId })),
    probes: pairs(e.CONDUIT_OPS_PROBES).map(([service, address]) => {
      const colon = address.lastIndexOf(':');
      return { service, host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
    }),
  });
}
