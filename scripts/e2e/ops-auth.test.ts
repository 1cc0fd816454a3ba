import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { linkEntry, type ChainedAuditRecord } from '@conduit/audit';
import { createPublisher } from '@conduit/bus';
import { startOps, type OpsHarness } from './ops-harness.ts';

let ops: OpsHarness;
before(async () => {
  ops = await startOps();
});
after(async () => {
  await ops?.stop();
});

const ALL = ['ops:read', 'dlq:read', 'dlq:write', 'phi:read', 'replay:write', 'audit:read'];

function chained(records: readonly { value: Buffer }[]): ChainedAuditRecord[] {
  return records.map((r) => JSON.parse(r.value.toString('utf8')) as ChainedAuditRecord);
}

test('calls without a token, with a bad signature, expired or without the scope are refused (401/403) and audited', async () => {
  const missing = await ops.api('GET', '/v1/dlq');
  assert.equal(missing.status, 401);
  assert.equal(missing.body['code'], 'CDT_AUTH_TOKEN_MISSING');
  assert.equal(missing.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="conduit-ops"');

  const forged = await ops.api('GET', '/v1/dlq', { token: await ops.token({ scopes: ALL, forged: true }) });
  assert.equal(forged.status, 401);
  assert.equal(forged.body['code'], 'CDT_AUTH_TOKEN_INVALID');
  assert.equal(forged.body['detail'], 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');

  const expired = await ops.api('GET', '/v1/dlq', { token: await ops.token({ scopes: ALL, expiresInS: -60 }) });
  assert.equal(expired.status, 401);
  assert.equal(expired.body['code'], 'CDT_AUTH_TOKEN_EXPIRED');
  assert.match(expired.headers.get('www-authenticate') ?? '', /error="invalid_token"/);

  const scoped = await ops.api('GET', '/v1/dlq', { token: await ops.token({ sub: 'bob', scopes: ['ops:read'] }) });
  assert.equal(scoped.status, 403);
  assert.equal(scoped.body['code'], 'CDT_AUTH_SCOPE_MISSING');
  assert.equal(scoped.headers.get('www-authenticate'), 'Bearer realm="conduit-ops", error="insufficient_scope", scope="dlq:read"');

  // A role grants scopes through the configured role map; phi:read alone is not enough without a reason.
  const officer = await ops.token({ sub: 'carol', roles: ['privacy-officer'] });
  assert.equal((await ops.api('GET', '/v1/audit?limit=1', { token: officer })).status, 200);
  const noReason = await ops.api('POST', '/v1/dlq/dlq_000000000000000000000000/inspect', { token: officer, body: {} });
  assert.equal(noReason.status, 400);
  assert.equal(noReason.body['code'], 'CDT_OPS_REASON_REQUIRED');

  const wanted = (r: ChainedAuditRecord) => r.entry.outcome === 'denied';
  const records = chained(await ops.readTopic(ops.topics.audit, (seen) => chained(seen).filter(wanted).length >= 5));
  const denied = records.filter(wanted).map((r) => ({ action: r.entry.action, code: r.entry.code, subject: r.entry.actor.subject, from: r.entry.sourceAddress }));
  assert.deepEqual(denied, [
    { action: 'dlq.list', code: 'CDT_AUTH_TOKEN_MISSING', subject: 'anonymous', from: '127.0.0.1' },
    { action: 'dlq.list', code: 'CDT_AUTH_TOKEN_INVALID', subject: 'anonymous', from: '127.0.0.1' },
    { action: 'dlq.list', code: 'CDT_AUTH_TOKEN_EXPIRED', subject: 'anonymous', from: '127.0.0.1' },
    { action: 'dlq.list', code: 'CDT_AUTH_SCOPE_MISSING', subject: 'bob', from: '127.0.0.1' },
    { action: 'dlq.payload.read', code: 'CDT_OPS_REASON_REQUIRED', subject: 'carol', from: '127.0.0.1' },
  ]);
});

test('the same operations work through the CLI with a valid token, with exit codes scripts rely on', async () => {
  const admin = await ops.token({ roles: ['admin'] });
  const list = await ops.cli(['dlq', 'list', '--json'], { token: admin });
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(JSON.parse(list.stdout), { entries: [], nextOffset: null });

  const table = await ops.cli(['dlq', 'list'], { token: admin });
  assert.equal(table.code, 0);
  assert.match(table.stdout, /^ID\s+STAGE\s+CODE\s+ATTEMPTS/);

  assert.equal((await ops.cli(['dlq', 'list'])).code, 3, 'no token: unauthenticated');
  const viewer = await ops.token({ roles: ['viewer'] });
  const forbidden = await ops.cli(['audit', 'verify'], { token: viewer });
  assert.equal(forbidden.code, 4);
  assert.match(forbidden.stderr, /CDT_AUTH_SCOPE_MISSING/);
  assert.equal((await ops.cli(['dlq', 'show', 'dlq_000000000000000000000000'], { token: admin })).code, 5);
  assert.equal((await ops.cli(['dlq', 'purge', 'dlq_000000000000000000000000'], { token: admin })).code, 6, 'a purge without a reason is refused');
  assert.equal((await ops.cli(['dlq', 'frobnicate'], { token: admin })).code, 2);

  const openapi = await ops.api('GET', '/v1/openapi.json', { token: viewer });
  assert.equal(openapi.status, 200);
  assert.equal(openapi.body['openapi'], '3.1.0');
  const paths = openapi.body['paths'] as Record<string, Record<string, { security: unknown }>>;
  assert.deepEqual(paths['/v1/dlq/{id}/inspect']?.['post']?.security, [{ bearer: ['phi:read'] }]);

  // The token may come from a file instead of the environment.
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const file = join(mkdtempSync(join(tmpdir(), 'conduit-token-')), 'token');
  writeFileSync(file, `${admin}\n`, { mode: 0o600 });
  const fromFile = await ops.cli(['replay', 'list', '--json'], { env: { CONDUIT_OPS_TOKEN_FILE: file } });
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.deepEqual(JSON.parse(fromFile.stdout), { replays: [] });
});

test('conduit audit verify passes on an untouched trail and pinpoints a record altered afterwards', async () => {
  const auditor = await ops.token({ sub: 'dana', roles: ['auditor'] });
  const intact = await ops.cli(['audit', 'verify', '--json'], { token: auditor });
  assert.equal(intact.code, 0, intact.stderr);
  const report = JSON.parse(intact.stdout) as { ok: boolean; records: number; head: { seq: number } };
  assert.equal(report.ok, true);
  assert.ok(report.records >= 10, `the trail holds the previous tests' entries (${report.records})`);
  assert.equal(report.head.seq, report.records - 1);

  // Tamper: append a record that was linked properly and then edited (its reason changed), as an
  // edit of the stored record would leave it.
  // The verify call is itself audited: wait for its entry, the chain's head, before appending.
  const isMyVerify = (r: ChainedAuditRecord) => r.entry.action === 'audit.verify' && r.entry.actor.subject === 'dana';
  const records = chained(await ops.readTopic(ops.topics.audit, (seen) => chained(seen).some(isMyVerify)));
  const last = records[records.length - 1]!;
  assert.equal(isMyVerify(last), true);
  const honest = linkEntry({ seq: last.seq, hash: last.hash }, { ...last.entry, id: 'forged-1', reason: 'routine check' }, new Date().toISOString(), last.inboxOffset);
  const altered = { ...honest, entry: { ...honest.entry, reason: 'something else entirely' } };
  const publisher = await createPublisher(ops.kafka);
  await publisher.publish([{ topic: ops.topics.audit, key: null, value: altered, headers: { eventId: 'forged-1', correlationId: 'forged-1', schema: 'audit-record', schemaVersion: '1' } }]);
  await publisher.disconnect();

  const broken = await ops.cli(['audit', 'verify'], { token: auditor });
  assert.equal(broken.code, 8, broken.stderr);
  const at = last.seq + 1;
  assert.match(broken.stdout, new RegExp(`audit chain BROKEN at offset ${at} \\(seq ${at}, expected ${at}\\): hash`));
});
