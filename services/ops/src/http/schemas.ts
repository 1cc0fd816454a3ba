/** JSON Schemas (draft 2020-12) shared by routes and the OpenAPI document. */
export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
} as const;

/** The reason is checked by the route kit (body or X-Conduit-Reason), so its refusal is catalogued and audited. */
export const reasonProperty = { type: 'string', minLength: 1, maxLength: 500, description: 'Why: a ticket or purpose. Audited.' } as const;

/** RFC 3339 date-time (the HTTP layer's Ajv has no format plugin, so a pattern). */
export const dateTime = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$' } as const;

export const stageEnum = ['ingest', 'normalize', 'project', 'fanout'] as const;

export const dlqFilterProperties = {
  stage: { enum: stageEnum },
  code: { type: 'string', pattern: '^CDT_[A-Z0-9_]+$' },
  subscriber: { type: 'string', maxLength: 128 },
  status: { enum: ['failed', 'retried'] },
  since: dateTime,
  until: dateTime,
} as const;

export const dlqBulkBody = {
  type: 'object',
  additionalProperties: false,
  anyOf: [{ required: ['ids'] }, { required: ['filter'] }],
  properties: {
    ids: { type: 'array', minItems: 1, maxItems: 1000, uniqueItems: true, items: { type: 'string', pattern: '^dlq_[0-9a-f]{24}$' } },
    filter: { type: 'object', additionalProperties: false, properties: dlqFilterProperties },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 1000, description: 'Most entries a filter selects.' },
    reason: reasonProperty,
  },
} as const;

export const reasonOnlyBody = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: reasonProperty },
} as const;
