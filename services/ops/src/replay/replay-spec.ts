import { ConduitError } from '@conduit/errors';

/**
 * Which stage a replay feeds again:
 * - raw: re-normalize from conduit.hl7v2.raw.v1 (current mapping, then current policy);
 * - canonical: re-project from conduit.canonical.v1 (current contracts);
 * - subscriber: re-deliver one subscriber's projected events from conduit.projected.v1.
 */
export type ReplayStage = 'raw' | 'canonical' | 'subscriber';
export const REPLAY_STAGES: readonly ReplayStage[] = ['raw', 'canonical', 'subscriber'];

/** The pipeline stage whose input a replay stage re-feeds: its DLQ entries answer errorCodes. */
export const FAILING_STAGE: Readonly<Record<ReplayStage, string>> = { raw: 'normalize', canonical: 'project', subscriber: 'fanout' };

export interface ReplaySelectors {
  /** MSH-9 message type and trigger, e.g. ADT^A01 (raw, canonical). */
  readonly messageTypes?: readonly string[];
  /** Sending facility, MSH-4 (raw, canonical). */
  readonly facilities?: readonly string[];
  /**
   * Patient tokens: the engine's keyed patient hash (raw record key, canonical patientKey) or, on
   * the subscriber stage, the subscriber's own patient token.
   */
  readonly patientTokens?: readonly string[];
  /** Only records that failed in the re-fed stage with one of these codes (DLQ index, within TTL). */
  readonly errorCodes?: readonly string[];
  /** Deliver to this subscriber only (required on the subscriber stage). */
  readonly subscriber?: string;
}

export interface ReplaySpec {
  readonly stage: ReplayStage;
  /** Window [from, to) of record timestamps, ISO 8601. */
  readonly from: string;
  readonly to: string;
  readonly selectors: ReplaySelectors;
  readonly dryRun: boolean;
  /** Records re-published per second; null: unlimited. */
  readonly ratePerSecond: number | null;
  readonly reason: string;
}

export interface ReplayLimits {
  readonly defaultRate: number;
  /** 0: any rate, unlimited included. */
  readonly maxRate: number;
  readonly now: number;
}

const invalid = (detail: string) => new ConduitError('CDT_REPLAY_INVALID', detail);

function strings(v: unknown, name: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string' && s.length > 0)) throw invalid(`${name} must be a non-empty list of strings`);
  return v as string[];
}

/** Checks a replay request against what its stage can select; returns the spec to store. */
export function parseReplayRequest(body: Readonly<Record<string, unknown>>, reason: string, limits: ReplayLimits): ReplaySpec {
  const stage = body['stage'];
  if (!REPLAY_STAGES.includes(stage as ReplayStage)) throw invalid(`stage must be one of ${REPLAY_STAGES.join(', ')}`);
  const from = Date.parse(String(body['from']));
  const to = Date.parse(String(body['to']));
  if (Number.isNaN(from) || Number.isNaN(to)) throw invalid('from and to must be ISO 8601 date-times');
  if (from >= to) throw invalid('from must be before to');
  if (from > limits.now) throw invalid('the window starts in the future');
  const raw = (body['selectors'] ?? {}) as Record<string, unknown>;
  const selectors: ReplaySelectors = {
    ...(raw['messageTypes'] !== undefined ? { messageTypes: strings(raw['messageTypes'], 'messageTypes') } : {}),
    ...(raw['facilities'] !== undefined ? { facilities: strings(raw['facilities'], 'facilities') } : {}),
    ...(raw['patientTokens'] !== undefined ? { patientTokens: strings(raw['patientTokens'], 'patientTokens') } : {}),
    ...(raw['errorCodes'] !== undefined ? { errorCodes: strings(raw['errorCodes'], 'errorCodes') } : {}),
    ...(typeof raw['subscriber'] === 'string' ? { subscriber: raw['subscriber'] } : {}),
  };
  if (selectors.messageTypes?.some((m) => !/^[A-Z0-9]{3}\^[A-Z0-9]{3}$/.test(m))) throw invalid('messageTypes are written like ADT^A01');
  if (stage === 'subscriber') {
    if (!selectors.subscriber) throw invalid('the subscriber stage needs selectors.subscriber');
    // A projected event no longer says which message type or facility it came from.
    if (selectors.messageTypes || selectors.facilities) throw invalid('the subscriber stage selects by patientTokens, errorCodes and subscriber only');
  }
  const requested = body['ratePerSecond'];
  let ratePerSecond: number | null;
  if (requested === undefined) ratePerSecond = limits.defaultRate;
  else if (requested === 'unlimited' || requested === 0) ratePerSecond = null;
  else if (typeof requested === 'number' && Number.isInteger(requested) && requested > 0) ratePerSecond = requested;
  else throw invalid('ratePerSecond must be a positive integer or "unlimited"');
  if (limits.maxRate > 0 && (ratePerSecond === null || ratePerSecond > limits.maxRate)) throw invalid(`ratePerSecond may not exceed ${limits.maxRate}`);
  return {
    stage: stage as ReplayStage,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    selectors,
    dryRun: body['dryRun'] === true,
    ratePerSecond,
    reason,
  };
}
