import { randomBytes } from 'node:crypto';
import { ConduitError } from '@conduit/errors';
import type { JobRunner, ReplayStore, StoredReplay } from '@conduit/queue';
import { parseReplayRequest, type ReplayLimits, type ReplaySpec } from './replay-spec.ts';
import { plannedRecords, replayProgress, type ReplayPlan } from './replay-plan.ts';

/** A replay as the API shows it: spec, status, counters and progress (0…1 of the planned offsets). */
export interface ReplayView extends ReplaySpec {
  readonly id: string;
  readonly status: StoredReplay<ReplaySpec, ReplayPlan>['status'];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly error?: string;
  readonly counts: StoredReplay<ReplaySpec, ReplayPlan>['counts'];
  readonly planned: number;
  readonly progress: number;
}

export interface ReplayService {
  create(body: Readonly<Record<string, unknown>>, reason: string, createdBy: string): Promise<ReplayView>;
  get(id: string): Promise<ReplayView>;
  list(limit: number): Promise<ReplayView[]>;
  cancel(id: string): Promise<ReplayView>;
}

export function viewOf(r: StoredReplay<ReplaySpec, ReplayPlan>): ReplayView {
  return {
    id: r.id,
    ...r.spec,
    status: r.status,
    createdAt: r.createdAt,
    createdBy: r.createdBy,
    ...(r.startedAt ? { startedAt: r.startedAt } : {}),
    ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
    ...(r.error ? { error: r.error } : {}),
    counts: r.counts,
    planned: plannedRecords(r.plan),
    progress: r.status === 'completed' ? 1 : replayProgress(r.plan, r.checkpoint),
  };
}

export function createReplayService(o: {
  readonly store: ReplayStore<ReplaySpec, ReplayPlan>;
  readonly jobs: JobRunner<{ readonly replayId: string }>;
  readonly limits: () => ReplayLimits;
}): ReplayService {
  const get = async (id: string) => {
    const r = await o.store.get(id);
    if (!r) throw new ConduitError('CDT_REPLAY_NOT_FOUND');
    return viewOf(r);
  };
  return {
    async create(body, reason, createdBy) {
      const spec = parseReplayRequest(body, reason, o.limits());
      const id = `rp_${randomBytes(12).toString('base64url')}`;
      await o.store.create({ id, spec, createdAt: new Date().toISOString(), createdBy });
      await o.jobs.enqueue(id, { replayId: id });
      return get(id);
    },
    get,
    async list(limit) {
      return (await o.store.list(limit)).map(viewOf);
    },
    async cancel(id) {
      await get(id);
      if (!(await o.store.requestCancel(id))) throw new ConduitError('CDT_REPLAY_NOT_CANCELLABLE');
      return get(id);
    },
  };
}
