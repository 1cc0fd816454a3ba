import type { ReplayService } from '../replay/replay-service.ts';
import type { RouteKit } from './route-kit.ts';
import { dateTime, idParams, reasonOnlyBody, reasonProperty } from './schemas.ts';

const tokens = { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 256 } } as const;

export function addReplayRoutes(kit: RouteKit, replays: ReplayService): void {
  kit.add({
    method: 'POST', url: '/v1/replays', action: 'replay.create', scope: 'replay:write', reason: 'required', audit: 'always',
    summary: 'Create a replay job (or a dry run that only counts what it would touch). Progress: GET /v1/replays/{id}.',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['stage', 'from', 'to'],
      properties: {
        stage: { enum: ['raw', 'canonical', 'subscriber'], description: 'raw: re-normalize; canonical: re-project; subscriber: re-deliver one subscriber\'s events.' },
        from: dateTime,
        to: dateTime,
        selectors: {
          type: 'object',
          additionalProperties: false,
          properties: {
            messageTypes: tokens, facilities: tokens, patientTokens: tokens,
            errorCodes: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', pattern: '^CDT_[A-Z0-9_]+$' } },
            subscriber: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
          },
        },
        dryRun: { type: 'boolean', default: false },
        ratePerSecond: { anyOf: [{ type: 'integer', minimum: 1 }, { const: 'unlimited' }] },
        reason: reasonProperty,
      },
    },
    handler: async ({ body, reason, principal }) => {
      const view = await replays.create(body, reason!, principal.subject);
      return {
        status: 202,
        body: view,
        targets: [view.id],
        details: { stage: view.stage, dryRun: view.dryRun, from: view.from, to: view.to, ...(view.selectors.subscriber ? { subscriber: view.selectors.subscriber } : {}) },
      };
    },
  });
  kit.add({
    method: 'GET', url: '/v1/replays', action: 'replay.list', scope: 'ops:read', audit: 'always',
    summary: 'Recent replays, newest first.',
    querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 } } },
    handler: async ({ query }) => ({ body: { replays: await replays.list(Number(query['limit'] ?? 20)) } }),
  });
  kit.add({
    method: 'GET', url: '/v1/replays/:id', action: 'replay.read', scope: 'ops:read', audit: 'denials',
    summary: 'One replay: status, counts (scanned, matched, published) and progress.',
    params: idParams,
    handler: async ({ params }) => ({ body: await replays.get(params['id']!), targets: [params['id']!] }),
  });
  kit.add({
    method: 'POST', url: '/v1/replays/:id/cancel', action: 'replay.cancel', scope: 'replay:write', reason: 'optional', audit: 'always',
    summary: 'Cancel a queued or running replay; it stops after the chunk in hand.',
    params: idParams,
    body: reasonOnlyBody,
    handler: async ({ params }) => ({ body: await replays.cancel(params['id']!), targets: [params['id']!] }),
  });
}
