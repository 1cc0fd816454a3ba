import { ConduitError } from '@conduit/errors';

/** The failed-message TTLs: one default and per-stage overrides, read the same way by every stage that seals and by ops. */
export interface DlqTtls {
  ttlFor(stage: string): number;
}

/**
 * Parses CONDUIT_DLQ_TTL_MS and CONDUIT_DLQ_TTL_BY_STAGE (`normalize=86400000,fanout=259200000`).
 * A stage's data key lives exactly its TTL, so a stage and ops that disagree would shred a payload
 * ops still lists, or keep one ops has purged: both read the variables through this function.
 */
export function parseDlqTtls(defaultMs: number, byStage: string | undefined): DlqTtls {
  const ttls: Record<string, number> = {};
  for (const pair of !byStage || byStage === 'none' ? [] : byStage.split(',')) {
    const at = pair.indexOf('=');
    const stage = pair.slice(0, at);
    const ms = Number(pair.slice(at + 1));
    if (at < 1 || !Number.isSafeInteger(ms) || ms < 1000) throw new ConduitError('CDT_CONFIG_INVALID', `CONDUIT_DLQ_TTL_BY_STAGE: "${stage || pair}" needs stage=milliseconds (at least 1000)`);
    // The DLQ topic's retention.ms is the longest TTL: a stage TTL beyond it would outlive Kafka's copy.
    if (ms > defaultMs) throw new ConduitError('CDT_CONFIG_INVALID', `CONDUIT_DLQ_TTL_BY_STAGE: ${stage} exceeds CONDUIT_DLQ_TTL_MS`);
    ttls[stage] = ms;
  }
  return Object.freeze({ ttlFor: (stage: string) => ttls[stage] ?? defaultMs });
}
