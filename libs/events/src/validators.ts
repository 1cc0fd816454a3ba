import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ConduitError } from '@conduit/errors';
import rawSchema from '../../../schemas/raw-message.schema.json' with { type: 'json' };
import canonicalSchema from '../../../schemas/canonical-event.schema.json' with { type: 'json' };
import projectedSchema from '../../../schemas/projected-event.schema.json' with { type: 'json' };
import dlqSchema from '../../../schemas/dlq-record.schema.json' with { type: 'json' };
import type { CanonicalEvent, DlqRecord, ProjectedEvent, RawMessageRecord } from './types.ts';

export interface RecordValidators {
  readonly raw: ValidateFunction<RawMessageRecord>;
  readonly canonical: ValidateFunction<CanonicalEvent>;
  readonly projected: ValidateFunction<ProjectedEvent>;
  readonly dlq: ValidateFunction<DlqRecord>;
}

/** Compiles the topic schemas once; services call this at start-up and pass the result down. */
export function createRecordValidators(): RecordValidators {
  // allErrors stays off: records can come from outside and a failing check stops at the first issue.
  const ajv = new Ajv2020({ allErrors: false, strict: false });
  addFormats.default(ajv);
  return {
    raw: ajv.compile<RawMessageRecord>(rawSchema),
    canonical: ajv.compile<CanonicalEvent>(canonicalSchema),
    projected: ajv.compile<ProjectedEvent>(projectedSchema),
    dlq: ajv.compile<DlqRecord>(dlqSchema),
  };
}

/** Parses and validates a record value; the error names the schema path, never the value. */
export function decodeRecord<T>(validate: ValidateFunction<T>, value: Buffer): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    throw new ConduitError('CDT_RECORD_INVALID', 'value is not JSON');
  }
  if (!validate(parsed)) {
    const e = validate.errors?.[0];
    throw new ConduitError('CDT_RECORD_INVALID', `${e?.instancePath || '/'} ${e?.message ?? ''}`.trim());
  }
  return parsed;
}

export function assertValid<T>(validate: ValidateFunction<T>, value: unknown): asserts value is T {
  if (!validate(value)) {
    const e = validate.errors?.[0];
    throw new ConduitError('CDT_RECORD_INVALID', `${e?.instancePath || '/'} ${e?.message ?? ''}`.trim());
  }
}
