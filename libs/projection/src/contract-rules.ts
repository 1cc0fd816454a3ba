import canonicalSchema from '../../../schemas/canonical-event.schema.json' with { type: 'json' };
import type { SubscriberContract } from './contract.ts';
import type { ElementIndex } from './element-index.ts';
import type { SensitivityRules } from './sensitivity.ts';
import { checkAllowPath } from './allow-paths.ts';

/** One problem in a contract: a JSON pointer into the file and a reason. Never a value from a message. */
export interface ContractIssue {
  readonly path: string;
  readonly reason: string;
}

const EVENT_TYPES: ReadonlySet<string> = new Set(canonicalSchema.properties.eventType.enum);
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Query parameters that usually carry a credential; the secret belongs in the secret named by secretRef. */
const CREDENTIAL_PARAMS = /^(token|access_token|api[-_]?key|key|secret|sig|signature|password|pwd|auth)$/i;

/**
 * The rules a contract must meet beyond its JSON Schema. Runs on a schema-valid document.
 */
export function checkContract(contract: SubscriberContract, deps: { readonly elements: ElementIndex; readonly sensitivity: SensitivityRules }): ContractIssue[] {
  const issues: ContractIssue[] = [];
  const p = contract.projection;
  for (const [resourceType, paths] of Object.entries(p.allow)) {
    const base = `/projection/allow/${resourceType}`;
    if (!deps.elements.isResourceType(resourceType)) {
      issues.push({ path: base, reason: `"${resourceType}" is not a FHIR R4 resource type` });
      continue;
    }
    paths.forEach((path, i) => {
      const reason = checkAllowPath(deps.elements, resourceType, path);
      if (reason) issues.push({ path: `${base}/${i}`, reason });
    });
  }
  const safeHarbor = p.deidentification === 'safe-harbor';
  if (safeHarbor && p.tokenize?.formatPreserving) {
    issues.push({
      path: '/projection/tokenize/formatPreserving',
      reason: 'not allowed with safe-harbor: a token shaped like the SSN or MRN it replaces reads as that identifier (45 CFR 164.514(b)(2)(i)(R), (c))',
    });
  }
  if ((p.identifiers ?? (safeHarbor ? 'remove' : 'tokenize')) === 'remove' && p.identifierTypes) {
    issues.push({ path: '/projection/identifierTypes', reason: 'has no effect when identifiers are removed; drop it or set identifiers to tokenize' });
  }
  (p.sensitiveCategories ?? []).forEach((c, i) => {
    if (!deps.sensitivity.has(c)) {
      issues.push({ path: `/projection/sensitiveCategories/${i}`, reason: `"${c}" is not a configured sensitive category (${deps.sensitivity.categories.map((x) => x.id).join(', ')})` });
    }
  });
  (contract.events.eventTypes ?? []).forEach((t, i) => {
    if (!EVENT_TYPES.has(t)) issues.push({ path: `/events/eventTypes/${i}`, reason: `"${t}" is not a canonical event type, so it would never match` });
  });
  const webhook = contract.channels.webhook;
  if (webhook) issues.push(...checkWebhookUrl(webhook.url));
  return issues;
}

function checkWebhookUrl(raw: string): ContractIssue[] {
  const path = '/channels/webhook/url';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [{ path, reason: 'is not an absolute URL' }];
  }
  const issues: ContractIssue[] = [];
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    issues.push({ path, reason: 'must use https (plain http only to a loopback address, for local development)' });
  }
  if (url.username || url.password) issues.push({ path, reason: 'carries credentials; name the secret in secretRef instead' });
  for (const name of url.searchParams.keys()) {
    if (CREDENTIAL_PARAMS.test(name)) issues.push({ path, reason: `query parameter "${name}" looks like a credential; name the secret in secretRef instead` });
  }
  return issues;
}

/** The token domain a contract's tokens are derived in: its own id unless it names a shared one. */
export function tokenDomainOf(contract: SubscriberContract): string {
  return contract.projection.tokenize?.domain ?? contract.id;
}

/**
 * Contracts sharing a token domain can join their data sets on tokens. That is the point of a shared
 * domain, except between a Safe Harbor subscriber and one receiving identified data: the join would
 * re-identify the de-identified set (45 CFR 164.514(c)(2): the re-identification mechanism must
 * not be disclosed).
 */
export function checkTokenDomains(contracts: readonly SubscriberContract[]): { index: number; issue: ContractIssue }[] {
  const byDomain = new Map<string, number[]>();
  contracts.forEach((c, i) => {
    const d = tokenDomainOf(c);
    byDomain.set(d, [...(byDomain.get(d) ?? []), i]);
  });
  const out: { index: number; issue: ContractIssue }[] = [];
  for (const [domain, members] of byDomain) {
    const identified = members.filter((i) => contracts[i]?.projection.deidentification !== 'safe-harbor');
    if (identified.length === 0) continue;
    for (const i of members) {
      if (contracts[i]?.projection.deidentification !== 'safe-harbor') continue;
      const others = identified.map((j) => contracts[j]?.id).join(', ');
      out.push({ index: i, issue: { path: '/projection/tokenize/domain', reason: `token domain "${domain}" is shared with ${others}, which receive identified data; a Safe Harbor subscriber needs a domain of its own` } });
    }
  }
  return out;
}
