import type { PublishedContract } from './describe-contract.ts';

function table(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

function list(v: readonly string[] | 'all'): string {
  return v === 'all' ? 'all' : v.join(', ');
}

function duration(ms: number): string {
  const days = ms / 86_400_000;
  return Number.isInteger(days) ? `${days} d` : `${Math.round(ms / 3_600_000)} h`;
}

/** The published contract as the text a privacy officer reads and signs. */
export function formatPublishedContract(pc: PublishedContract): string {
  const lines: string[] = [];
  const header: string[][] = [
    ['Subscriber', `${pc.subscriber} (version ${pc.version})`],
    ['Owner', pc.owner],
    ...(pc.description ? [['Description', pc.description]] : []),
    ['Purpose of use', `${pc.purposeOfUse.code} (${pc.purposeOfUse.system})`],
    ['Fingerprint', pc.fingerprint],
    ['Events', `types: ${list(pc.events.eventTypes)}; message types: ${list(pc.events.messageTypes)}; facilities: ${list(pc.events.facilities)}; replays: ${pc.events.replays ? 'yes' : 'no'}`],
    ['De-identification', pc.deidentification.mode === 'safe-harbor' ? `HIPAA Safe Harbor (${pc.deidentification.basis}); ZIP3 table: ${pc.deidentification.zip3Source}` : 'none (identified data for the stated purpose)'],
    ['Identifiers', pc.identifiers.handling === 'remove'
      ? 'removed'
      : `tokenized in domain "${pc.identifiers.tokenDomain}" (system ${pc.identifiers.tokenSystem}); format-preserving: ${pc.identifiers.formatPreserving ? 'yes' : 'no'}; types: ${list(pc.identifiers.identifierTypes)}`],
    ['Sensitive data', `delivered: ${pc.sensitiveCategories.delivered.map((c) => c.id).join(', ') || 'none'}; withheld: ${pc.sensitiveCategories.withheld.map((c) => c.id).join(', ') || 'none'}`],
    ['Kafka', `${pc.channels.kafka.topic}${pc.channels.kafka.retentionMs ? `, retention ${duration(pc.channels.kafka.retentionMs)}` : ''}`],
    ...(pc.channels.webhook
      ? [['Webhook', `${pc.channels.webhook.url} (signing secret: ${pc.channels.webhook.secretRef}${pc.channels.webhook.rateLimit ? `; ${pc.channels.webhook.rateLimit.perSecond}/s, burst ${pc.channels.webhook.rateLimit.burst ?? 1}` : ''})`]]
      : []),
    ['FHIR', `${pc.fhir.version} (${pc.fhir.definitions})`],
  ];
  lines.push(...table(header, ''));
  for (const r of pc.resources) {
    lines.push('', `${r.resourceType} — delivered elements`);
    lines.push(...table([['ELEMENT', 'TYPE', 'TREATMENT', 'BASIS'], ...r.elements.map((e) => [
      e.path,
      e.type,
      e.targets ? `${e.treatment} → ${e.targets.join(' | ')}` : e.treatment,
      e.basis ?? e.note ?? '',
    ])]));
    if (r.generated.length > 0) {
      lines.push(`${r.resourceType} — added by Conduit`);
      lines.push(...table(r.generated.map((g) => [g.path, `"${g.value}"`, `when ${g.when}`])));
    }
    if (r.removed.length > 0) {
      lines.push(`${r.resourceType} — listed but removed`);
      lines.push(...table(r.removed.map((x) => [x.path, x.reason, x.basis ?? ''])));
    }
  }
  lines.push('', 'Never delivered', ...pc.neverDelivered.map((s) => `  - ${s}`));
  lines.push('', 'Linkage', ...pc.linkage.map((s) => `  - ${s}`));
  lines.push('', 'Stamped on every event', ...pc.stamping.map((s) => `  - ${s}`));
  return `${lines.join('\n')}\n`;
}
