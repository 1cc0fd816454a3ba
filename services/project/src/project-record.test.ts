import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntry } from '@conduit/audit';
import type { InboundRecord } from '@conduit/bus';
import { Topics, createRecordValidators, type CanonicalEvent, type ProjectedEvent } from '@conduit/events';
import { createMetricsRegistry, metricValue } from '@conduit/metrics';
import { createProjector } from '@conduit/projection';
import { PHI, researchContract, seededEvent, testKeys, treatmentContract } from '@conduit/projection/test-fixtures';
import { createProjectMetrics } from './project-metrics.ts';
import { projectRecord } from './project-record.ts';

const validators = createRecordValidators();
const projector = createProjector({ contracts: [treatmentContract(), researchContract()], keys: testKeys });
const now = () => new Date('2026-12-01T14:00:00.000Z');

function inbound(event: CanonicalEvent, headers: InboundRecord['headers'] = {}): InboundRecord {
  return { topic: Topics.canonical, partition: 0, offset: '9', timestamp: 0, key: event.patientKey ?? null, value: Buffer.from(JSON.stringify(event)), headers: { eventId: event.eventId, ...headers } };
}

test('each projection goes out with its disclosure entry, which names subscriber, purpose and event and holds no PHI', () => {
  const event = seededEvent();
  const out = projectRecord(inbound(event), { validators, projector, now });
  const projected = out.filter((r) => r.topic === Topics.projected).map((r) => r.value as ProjectedEvent);
  const audit = out.filter((r) => r.topic === 'conduit.audit.inbox.v1').map((r) => r.value as AuditEntry);
  assert.deepEqual(projected.map((p) => p.subscriber), ['care-team', 'research']);
  assert.equal(audit.length, 2);
  audit.forEach((entry, i) => {
    const p = projected[i]!;
    assert.deepEqual(
      { kind: entry.kind, action: entry.action, service: entry.service, at: entry.at, targets: entry.targets, subscriber: entry.details?.['subscriber'], purpose: entry.details?.['purposeOfUse'], token: entry.details?.['patientToken'] },
      { kind: 'disclosure', action: 'disclose', service: 'project', at: '2026-12-01T14:00:00.000Z', targets: [p.eventId, event.eventId], subscriber: p.subscriber, purpose: p.purposeOfUse, token: p.patientToken },
    );
    assert.ok((entry.details?.['resourceTypes'] as string[]).includes('Patient'));
  });
  assert.equal(audit[1]!.details?.['deidentified'], true);
  const trail = JSON.stringify(audit);
  for (const phi of Object.values(PHI)) assert.equal(trail.includes(phi), false, `the disclosure entries hold no ${phi.length}-character seeded value`);
});

test('a replay aimed at one subscriber projects and discloses to that subscriber only', () => {
  const event = seededEvent({ replayId: 'rp-1' });
  const out = projectRecord(inbound(event, { replayId: 'rp-1', replaySubscribers: 'research' }), { validators, projector, now });
  assert.deepEqual(out.map((r) => [r.topic, (r.value as { subscriber?: string; details?: Record<string, unknown> }).subscriber ?? (r.value as AuditEntry).details?.['subscriber']]), [
    [Topics.projected, 'research'],
    ['conduit.audit.inbox.v1', 'research'],
  ]);
  assert.equal((out[1]!.value as AuditEntry).details?.['replay'], true);
});

test('metrics count events by type, projections by subscriber, withheld categories, Safe Harbor, events no one took and dead letters, and hold no PHI', async () => {
  const registry = createMetricsRegistry('project', { defaultMetrics: false });
  const metrics = createProjectMetrics(registry);
  const event = seededEvent();
  projectRecord(inbound(event), { validators, projector, now, metrics });
  // A replay aimed at a subscriber no contract names: read, projected for no one.
  const replay = seededEvent({ replayId: 'rp-2' });
  assert.equal(projectRecord(inbound(replay, { replayId: 'rp-2', replaySubscribers: 'nobody' }), { validators, projector, now, metrics }).length, 0);
  metrics.deadLettered('CDT_RECORD_INVALID');
  const text = await registry.render();
  const type = event.eventType;
  assert.equal(metricValue(text, 'conduit_project_events_total', { event_type: type }), 2);
  assert.equal(metricValue(text, 'conduit_project_unmatched_events_total', { event_type: type }), 1);
  assert.equal(metricValue(text, 'conduit_project_projections_total', { subscriber: 'care-team', event_type: type }), 1);
  assert.equal(metricValue(text, 'conduit_project_projections_total', { subscriber: 'research', event_type: type }), 1);
  assert.equal(metricValue(text, 'conduit_project_withheld_total', { subscriber: 'care-team', category: 'substance-use' }), 1);
  assert.equal(metricValue(text, 'conduit_project_deidentified_total', { subscriber: 'research' }), 1);
  assert.equal(metricValue(text, 'conduit_project_deidentified_total', { subscriber: 'care-team' }), undefined);
  assert.equal(metricValue(text, 'conduit_project_dead_lettered_total', { code: 'CDT_RECORD_INVALID' }), 1);
  assert.equal(metricValue(text, 'conduit_project_duration_seconds_count', {}), 2);
  for (const phi of Object.values(PHI)) assert.equal(text.includes(phi), false, `the metrics hold no ${phi.length}-character seeded value`);
});
