import { ConduitError, getCatalogEntry } from '@conduit/errors';
import type { Hl7Batch } from '@conduit/hl7v2';
import { problemFor, type ProblemDocument } from '@conduit/http';
import type { IntakeOutcome } from './intake.ts';

/** The answer for one message of an HTTP upload. Control ids and types only: never content. */
export interface MessageResult {
  /** 1-based position in the upload. */
  readonly index: number;
  readonly controlId?: string;
  readonly messageType?: string;
  readonly status: 'stored' | 'duplicate' | 'refused' | 'failed' | 'ignored';
  /** The acknowledgment code an MLLP sender would have received. */
  readonly ack: 'AA' | 'AE' | 'AR';
  readonly eventId?: string;
  /** RFC 9457 problem with the catalog code, and every issue with its location. */
  readonly problem?: ProblemDocument;
}

export interface BatchAnswer {
  readonly status: number;
  readonly contentType: 'application/json' | 'application/problem+json';
  readonly body: Record<string, unknown>;
  /** Seconds, when every refusal was a temporary failure. */
  readonly retryAfter?: number;
}

export function resultOf(outcome: IntakeOutcome, index: number, instance: string): MessageResult {
  const header = outcome.header;
  const base = {
    index,
    ...(header ? { controlId: header.controlId, messageType: [header.messageCode, header.triggerEvent].filter((s) => s !== '').join('^') } : {}),
  };
  switch (outcome.kind) {
    case 'stored':
    case 'duplicate':
      return { ...base, status: outcome.kind, ack: 'AA', eventId: outcome.eventId };
    case 'ignored':
      return { ...base, status: 'ignored', ack: 'AA' };
    case 'failed':
      return { ...base, status: 'failed', ack: 'AE', problem: problemFor(outcome.code, { instance }) };
    case 'refused': {
      const first = outcome.refusals[0]?.code ?? 'CDT_INTERNAL';
      const issues = outcome.refusals.map((r) => ({ code: r.code, ...(r.location ? { location: r.location } : {}) }));
      return { ...base, status: 'refused', ack: getCatalogEntry(first).ack, problem: problemFor(first, { instance, extensions: { issues } }) };
    }
  }
}

/**
 * 200 when every message was taken; 207 when some were and some were not (each result says
 * which); when none was taken, an RFC 9457 problem named after the first refusal, still listing
 * every result, with Retry-After when all of them were temporary failures.
 */
export function answerBatch(results: readonly MessageResult[], instance: string): BatchAnswer {
  const taken = results.filter((r) => r.status !== 'refused' && r.status !== 'failed').length;
  const summary = { messages: results.length, taken, refused: results.length - taken };
  if (taken === results.length) return { status: 200, contentType: 'application/json', body: { ...summary, results } };
  if (taken > 0) return { status: 207, contentType: 'application/json', body: { ...summary, results } };
  const first = results[0]?.problem;
  const allTemporary = results.every((r) => r.status === 'failed');
  const code = first?.code ?? 'CDT_INTERNAL';
  return {
    status: first?.status ?? 500,
    contentType: 'application/problem+json',
    body: { ...problemFor(code, { instance, detail: `none of the ${results.length} message(s) was taken; see results` }), ...summary, results },
    ...(allTemporary ? { retryAfter: 5 } : {}),
  };
}

/**
 * BTS-1 and FTS-1 count what they close (v2.5 §2.10.3.3, §2.10.3.4): a batch whose count
 * disagrees was cut short or padded on the way, and none of it is taken.
 */
export function checkBatchCounts(batch: Hl7Batch): void {
  const bts = batch.envelope.filter((s) => s.name === 'BTS');
  const bhs = batch.envelope.filter((s) => s.name === 'BHS');
  const fts = batch.envelope.find((s) => s.name === 'FTS');
  if (bts.length === 1 && bhs.length <= 1) {
    const declared = bts[0]!.get(1);
    if (declared !== '' && Number(declared) !== batch.messages.length) throw new ConduitError('CDT_INGEST_BATCH_COUNT_MISMATCH', `BTS-1 declares ${Number(declared)} messages, the batch holds ${batch.messages.length}`);
  }
  if (fts) {
    const declared = fts.get(1);
    if (declared !== '' && Number(declared) !== bhs.length) throw new ConduitError('CDT_INGEST_BATCH_COUNT_MISMATCH', `FTS-1 declares ${Number(declared)} batches, the file holds ${bhs.length}`);
  }
}
