import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { AuditEntry } from './types.ts';

/** Most ids an entry lists; writers split larger sets (a purge of 5,000 records is 5 entries). */
export const MAX_AUDIT_TARGETS = 1000;
export const MAX_REASON_LENGTH = 500;

/** The shape the chainer accepts from the inbox: anything else is refused, not chained. */
export const auditEntrySchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://conduit.dev/schemas/audit-entry.v1.json',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'id', 'at', 'service', 'actor', 'action', 'targets', 'outcome'],
  properties: {
    kind: { enum: ['action', 'disclosure', 'system'] },
    id: { type: 'string', minLength: 1, maxLength: 64 },
    at: { type: 'string', format: 'date-time' },
    service: { type: 'string', minLength: 1, maxLength: 64 },
    actor: {
      type: 'object',
      additionalProperties: false,
      required: ['subject'],
      properties: { subject: { type: 'string', minLength: 1, maxLength: 256 }, clientId: { type: 'string', maxLength: 256 } },
    },
    sourceAddress: { type: 'string', maxLength: 64 },
    action: { type: 'string', pattern: '^[a-z][a-z0-9.-]{0,63}$' },
    targets: { type: 'array', maxItems: MAX_AUDIT_TARGETS, items: { type: 'string', maxLength: 256 } },
    reason: { type: 'string', minLength: 1, maxLength: MAX_REASON_LENGTH },
    outcome: { enum: ['success', 'denied', 'failed'] },
    code: { type: 'string', pattern: '^CDT_[A-Z0-9_]+$' },
    details: {
      type: 'object',
      maxProperties: 32,
      additionalProperties: {
        oneOf: [
          { type: 'string', maxLength: 256 },
          { type: 'number' },
          { type: 'boolean' },
          { type: 'array', maxItems: 64, items: { type: 'string', maxLength: 256 } },
        ],
      },
    },
  },
} as const;

export function compileAuditEntryValidator(): ValidateFunction<AuditEntry> {
  const ajv = new Ajv2020({ allErrors: false, strict: true });
  addFormats.default(ajv);
  return ajv.compile<AuditEntry>(auditEntrySchema);
}
