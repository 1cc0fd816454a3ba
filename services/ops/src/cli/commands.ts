import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, type OpsClient } from './ops-client.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { formatFields, formatProgressBar, formatTable } from './format.ts';

export type Flags = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal: the progress bar redraws in place. */
  readonly interactive: boolean;
}

export interface CommandContext {
  readonly client: OpsClient;
  readonly args: readonly string[];
  readonly flags: Flags;
  readonly io: CliIo;
  readonly json: boolean;
  readonly pollMs: number;
}

export interface Command {
  readonly usage: string;
  run(ctx: CommandContext): Promise<ExitCode>;
}

interface DlqEntryView {
  id: string; stage: string; errorCode: string; attempts: number; firstFailureAt: string; lastFailureAt: string;
  sourceEventId?: string; subscriber?: string; status: string; retries: number; expiresAt: string;
  source: { topic: string; partition: number; offset: string };
}
interface ReplayView {
  id: string; stage: string; status: string; from: string; to: string; dryRun: boolean; ratePerSecond: number | null;
  createdBy: string; createdAt: string; finishedAt?: string; error?: string; planned: number; progress: number;
  counts: { scanned: number; matched: number; published: number }; selectors: Record<string, unknown>;
}
interface AuditRecordView {
  seq: number; offset: string; hash: string;
  entry: { kind: string; at: string; actor: { subject: string; clientId?: string }; sourceAddress?: string; action: string; targets: string[]; reason?: string; outcome: string; code?: string };
}

const str = (f: Flags, k: string): string | undefined => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
const list = (f: Flags, k: string): string[] | undefined => (Array.isArray(f[k]) && (f[k] as string[]).length > 0 ? [...(f[k] as string[])] : undefined);
const print = (ctx: CommandContext, value: unknown, human: () => string): ExitCode => {
  ctx.io.out(ctx.json ? JSON.stringify(value, null, 2) : human());
  return EXIT.ok;
};
const need = (ctx: CommandContext, i: number, what: string): string => {
  const v = ctx.args[i];
  if (!v) throw new CliError(`missing ${what}`, EXIT.usage);
  return v;
};
const query = (pairs: Record<string, string | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(pairs)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
};
const reason = (f: Flags) => str(f, 'reason');
const dlqFilter = (f: Flags) => ({ stage: str(f, 'stage'), code: str(f, 'code'), subscriber: str(f, 'subscriber'), status: str(f, 'status'), since: str(f, 'since'), until: str(f, 'until') });
const compact = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function bulkBody(ctx: CommandContext): Record<string, unknown> {
  const ids = ctx.args.slice(2);
  const filter = compact(dlqFilter(ctx.flags));
  if (ids.length === 0 && Object.keys(filter).length === 0) throw new CliError('name ids, or select with --stage/--code/--subscriber/--status/--since/--until', EXIT.usage);
  return compact({ ...(ids.length > 0 ? { ids } : { filter }), ...(str(ctx.flags, 'limit') ? { limit: Number(str(ctx.flags, 'limit')) } : {}), reason: reason(ctx.flags) });
}

function replayFields(r: ReplayView): string {
  return formatFields([
    ['id', r.id], ['status', r.status], ['stage', r.stage], ['window', `${r.from} → ${r.to}`], ['selectors', JSON.stringify(r.selectors)],
    ['dry run', r.dryRun], ['rate', r.ratePerSecond === null ? 'unlimited' : `${r.ratePerSecond}/s`], ['progress', formatProgressBar(r.progress)],
    ['planned', r.planned], ['scanned', r.counts.scanned], ['matched', r.counts.matched], ['published', r.counts.published],
    ['created', `${r.createdAt} by ${r.createdBy}`], ['finished', r.finishedAt], ['error', r.error],
  ]);
}

const FINAL = ['completed', 'cancelled', 'failed'];

/** Polls a replay until it ends, drawing a progress bar on stderr. */
async function waitForReplay(ctx: CommandContext, id: string): Promise<ExitCode> {
  let shown = -1;
  for (;;) {
    const r = await ctx.client.get<ReplayView>(`/v1/replays/${encodeURIComponent(id)}`);
    const pct = Math.floor(r.progress * 100);
    const line = `${formatProgressBar(r.progress)}  ${r.counts.scanned}/${r.planned} read, ${r.dryRun ? `${r.counts.matched} would be replayed` : `${r.counts.published} replayed`}  ${r.status}`;
    if (ctx.io.interactive) ctx.io.err(`\r${line}`);
    else if (Math.floor(pct / 10) !== Math.floor(shown / 10) || FINAL.includes(r.status)) ctx.io.err(`${line}\n`);
    shown = pct;
    if (FINAL.includes(r.status)) {
      if (ctx.io.interactive) ctx.io.err('\n');
      print(ctx, r, () => (r.dryRun && r.status === 'completed' ? `dry run: ${r.counts.matched} of ${r.counts.scanned} records in the window would be replayed; nothing was written.` : replayFields(r)));
      return r.status === 'completed' ? EXIT.ok : EXIT.replayNotCompleted;
    }
    await sleep(ctx.pollMs);
  }
}

export const COMMANDS: Readonly<Record<string, Command>> = {
  'health': {
    usage: 'health                                   route liveness and consumer lag',
    async run(ctx) {
      const h = await ctx.client.get<{
        ok: boolean;
        consumers: { service: string; groupId: string; alive: boolean; state: string; members: number; lag: number }[];
        listeners: { service: string; address: string; alive: boolean; latencyMs: number | null }[];
        dlqRetention: { topic: string; ttlMs: number; retentionMs: number | null; segmentMs: number | null; deletedWithinMs: number | null; ok: boolean };
      }>('/v1/health');
      const d = h.dlqRetention;
      print(ctx, h, () => [
        `routes: ${h.ok ? 'all up' : 'DEGRADED'}`,
        formatTable(['SERVICE', 'GROUP', 'ALIVE', 'STATE', 'MEMBERS', 'LAG'], h.consumers.map((c) => [c.service, c.groupId, c.alive ? 'yes' : 'NO', c.state, c.members, c.lag])),
        ...(h.listeners.length > 0 ? [formatTable(['SERVICE', 'ADDRESS', 'ALIVE', 'MS'], h.listeners.map((l) => [l.service, l.address, l.alive ? 'yes' : 'NO', l.latencyMs]))] : []),
        `DLQ ${d.topic}: TTL ${d.ttlMs} ms, retention.ms ${d.retentionMs ?? '?'}, segment.ms ${d.segmentMs ?? '?'} → Kafka deletes within ${d.deletedWithinMs ?? '?'} ms ${d.ok ? '(ok)' : '(MISCONFIGURED: retention.ms must equal the TTL, segment.ms ≤ TTL/10)'}`,
      ].join('\n\n'));
      return h.ok ? EXIT.ok : EXIT.unavailable;
    },
  },
  'subscribers list': {
    usage: 'subscribers list                         subscribers and their contracts',
    async run(ctx) {
      const r = await ctx.client.get<{ subscribers: { id: string; version: string; owner: string; purposeOfUse: string; replays: boolean; channels: string[] }[] }>('/v1/subscribers');
      return print(ctx, r, () => formatTable(['ID', 'VERSION', 'PURPOSE', 'REPLAYS', 'CHANNELS', 'OWNER'], r.subscribers.map((s) => [s.id, s.version, s.purposeOfUse, s.replays ? 'yes' : 'no', s.channels.join(','), s.owner])));
    },
  },
  'subscribers show': {
    usage: 'subscribers show <id>                    a subscriber\'s published contract',
    async run(ctx) {
      const r = await ctx.client.get<Record<string, unknown>>(`/v1/subscribers/${encodeURIComponent(need(ctx, 2, 'subscriber id'))}`);
      return print(ctx, r, () => JSON.stringify(r, null, 2));
    },
  },
  'dlq list': {
    usage: 'dlq list [--stage S] [--code C] [--subscriber S] [--status failed|retried] [--since T] [--until T] [--limit N] [--offset N]',
    async run(ctx) {
      const r = await ctx.client.get<{ entries: DlqEntryView[]; nextOffset: number | null }>(`/v1/dlq${query({ ...dlqFilter(ctx.flags), limit: str(ctx.flags, 'limit'), offset: str(ctx.flags, 'offset') })}`);
      return print(ctx, r, () => [
        formatTable(['ID', 'STAGE', 'CODE', 'ATTEMPTS', 'LAST FAILURE', 'STATUS', 'EXPIRES', 'SOURCE EVENT'], r.entries.map((e) => [e.id, e.stage, e.errorCode, e.attempts, e.lastFailureAt, e.status, e.expiresAt, e.sourceEventId])),
        `${r.entries.length} shown${r.nextOffset !== null ? `; more with --offset ${r.nextOffset}` : ''}`,
      ].join('\n'));
    },
  },
  'dlq show': {
    usage: 'dlq show <id>                            one entry\'s metadata (no payload)',
    async run(ctx) {
      const e = await ctx.client.get<DlqEntryView>(`/v1/dlq/${encodeURIComponent(need(ctx, 2, 'DLQ id'))}`);
      return print(ctx, e, () => formatFields([
        ['id', e.id], ['stage', e.stage], ['code', e.errorCode], ['attempts', e.attempts], ['first failure', e.firstFailureAt], ['last failure', e.lastFailureAt],
        ['source event', e.sourceEventId], ['subscriber', e.subscriber], ['source', `${e.source.topic}[${e.source.partition}]@${e.source.offset}`],
        ['status', e.status], ['retries', e.retries], ['expires', e.expiresAt],
      ]));
    },
  },
  'dlq inspect': {
    usage: 'dlq inspect <id> --reason R              disclose the payload (phi:read; audited)',
    async run(ctx) {
      const r = await ctx.client.post<{ id: string; payload: string }>(`/v1/dlq/${encodeURIComponent(need(ctx, 2, 'DLQ id'))}/inspect`, compact({ reason: reason(ctx.flags) }));
      return print(ctx, r, () => r.payload);
    },
  },
  'dlq retry': {
    usage: 'dlq retry <id…> | <filters> --reason R  write back to the failed stage\'s input',
    async run(ctx) {
      const r = await ctx.client.post<{ retried: string[]; gone: string[]; missing: string[] }>('/v1/dlq/retry', bulkBody(ctx));
      print(ctx, r, () => `retried ${r.retried.length}; payload gone ${r.gone.length}; not found ${r.missing.length}`);
      return r.retried.length > 0 || (r.gone.length === 0 && r.missing.length === 0) ? EXIT.ok : EXIT.notFound;
    },
  },
  'dlq purge': {
    usage: 'dlq purge <id…> | <filters> --reason R  purge now (entries, copies, data keys)',
    async run(ctx) {
      const r = await ctx.client.post<{ purged: string[]; missing: string[]; keysDestroyed: number }>('/v1/dlq/purge', bulkBody(ctx));
      print(ctx, r, () => `purged ${r.purged.length} (data keys destroyed: ${r.keysDestroyed}); not found ${r.missing.length}`);
      return r.purged.length > 0 || r.missing.length === 0 ? EXIT.ok : EXIT.notFound;
    },
  },
  'replay create': {
    usage: 'replay create --stage raw|canonical|subscriber --from T --to T [--message-type M]… [--facility F]… [--patient-token P]… [--error-code C]… [--subscriber S] [--rate N|unlimited] [--dry-run] --reason R [--wait]',
    async run(ctx) {
      const f = ctx.flags;
      const rate = str(f, 'rate');
      const body = compact({
        stage: str(f, 'stage'), from: str(f, 'from'), to: str(f, 'to'), reason: reason(f), dryRun: f['dry-run'] === true ? true : undefined,
        ...(rate ? { ratePerSecond: rate === 'unlimited' ? 'unlimited' : Number(rate) } : {}),
        selectors: compact({ messageTypes: list(f, 'message-type'), facilities: list(f, 'facility'), patientTokens: list(f, 'patient-token'), errorCodes: list(f, 'error-code'), subscriber: str(f, 'subscriber') }),
      });
      const r = await ctx.client.post<ReplayView>('/v1/replays', body);
      if (f['wait'] === true || f['dry-run'] === true) {
        if (!ctx.json) ctx.io.err(`replay ${r.id} ${r.dryRun ? '(dry run) ' : ''}queued\n`);
        return waitForReplay(ctx, r.id);
      }
      return print(ctx, r, () => `replay ${r.id} queued; follow it with: conduit replay watch ${r.id}`);
    },
  },
  'replay list': {
    usage: 'replay list [--limit N]',
    async run(ctx) {
      const r = await ctx.client.get<{ replays: ReplayView[] }>(`/v1/replays${query({ limit: str(ctx.flags, 'limit') })}`);
      return print(ctx, r, () => formatTable(['ID', 'STAGE', 'STATUS', 'PROGRESS', 'PUBLISHED', 'DRY', 'CREATED', 'BY'],
        r.replays.map((x) => [x.id, x.stage, x.status, `${Math.floor(x.progress * 100)}%`, x.counts.published, x.dryRun ? 'yes' : '', x.createdAt, x.createdBy])));
    },
  },
  'replay show': {
    usage: 'replay show <id>',
    async run(ctx) {
      const r = await ctx.client.get<ReplayView>(`/v1/replays/${encodeURIComponent(need(ctx, 2, 'replay id'))}`);
      return print(ctx, r, () => replayFields(r));
    },
  },
  'replay watch': {
    usage: 'replay watch <id>                        progress bar until the replay ends',
    run: (ctx) => waitForReplay(ctx, need(ctx, 2, 'replay id')),
  },
  'replay cancel': {
    usage: 'replay cancel <id> [--reason R]',
    async run(ctx) {
      const r = await ctx.client.post<ReplayView>(`/v1/replays/${encodeURIComponent(need(ctx, 2, 'replay id'))}/cancel`, compact({ reason: reason(ctx.flags) }));
      return print(ctx, r, () => `replay ${r.id}: ${r.status}`);
    },
  },
  'purge list': {
    usage: 'purge list [--limit N]                  recent TTL purge runs',
    async run(ctx) {
      const r = await ctx.client.get<{ runs: { at: string; entries: number; keys: number; auditIds: string[] }[] }>(`/v1/purges${query({ limit: str(ctx.flags, 'limit') })}`);
      return print(ctx, r, () => formatTable(['AT', 'ENTRIES', 'KEYS', 'AUDIT ENTRIES'], r.runs.map((x) => [x.at, x.entries, x.keys, x.auditIds.join(',')])));
    },
  },
  'purge run': {
    usage: 'purge run --reason R                     run the TTL purge now',
    async run(ctx) {
      const r = await ctx.client.post<{ entries: number; keys: number }>('/v1/purges', compact({ reason: reason(ctx.flags) }));
      return print(ctx, r, () => `purged ${r.entries} expired entries (data keys destroyed: ${r.keys})`);
    },
  },
  'audit list': {
    usage: 'audit list [--limit N] [--action A] [--target ID] [--subject S] [--kind action|disclosure|system]',
    async run(ctx) {
      const f = ctx.flags;
      const r = await ctx.client.get<{ records: AuditRecordView[] }>(`/v1/audit${query({ limit: str(f, 'limit'), action: str(f, 'action'), target: str(f, 'target'), subject: str(f, 'subject'), kind: str(f, 'kind') })}`);
      return print(ctx, r, () => formatTable(['SEQ', 'AT', 'ACTOR', 'FROM', 'ACTION', 'OUTCOME', 'CODE', 'TARGETS', 'REASON'],
        r.records.map((x) => [x.seq, x.entry.at, x.entry.actor.subject, x.entry.sourceAddress, x.entry.action, x.entry.outcome, x.entry.code, x.entry.targets.slice(0, 3).join(',') + (x.entry.targets.length > 3 ? ` +${x.entry.targets.length - 3}` : ''), x.entry.reason])));
    },
  },
  'audit verify': {
    usage: 'audit verify                             walk the hash chain; exit 8 at a broken link',
    async run(ctx) {
      const r = await ctx.client.get<{ ok: boolean; records: number; head: { seq: number; hash: string } | null; firstBreak: { position: string; seq: number | null; reason: string; expectedSeq: number } | null }>('/v1/audit/verify');
      print(ctx, r, () => (r.ok
        ? `audit chain intact: ${r.records} records${r.head ? `, head seq ${r.head.seq} ${r.head.hash}` : ''}`
        : `audit chain BROKEN at offset ${r.firstBreak!.position} (seq ${r.firstBreak!.seq ?? '?'}, expected ${r.firstBreak!.expectedSeq}): ${r.firstBreak!.reason}; ${r.records} records read`));
      return r.ok ? EXIT.ok : EXIT.chainBroken;
    },
  },
  'openapi': {
    usage: 'openapi                                  the API\'s OpenAPI document',
    async run(ctx) {
      const r = await ctx.client.get<unknown>('/v1/openapi.json');
      ctx.io.out(JSON.stringify(r, null, 2));
      return EXIT.ok;
    },
  },
};
