import { createHash } from 'node:crypto';
import { subscriberTopic } from '@conduit/events';
import type { DeidentificationMode, SubscriberContract } from './contract.ts';
import type { ObjectNode, Treatment } from './plan.ts';
import { compileContract, type CompileOptions } from './compile-contract.ts';
import { loadElementIndex } from './element-index.ts';
import { loadSensitivityRules, type SensitiveCategoryInfo, type SensitivityRules } from './sensitivity.ts';
import { AGE_90_OR_OLDER, AGE_CATEGORY_EXTENSION_URL, SAFE_HARBOR_BASIS, loadRestrictedZip3 } from './safe-harbor.ts';
import { CONTRACT_TAG_SYSTEM, PURPOSE_OF_USE_SYSTEM } from './project-event.ts';

export interface PublishedElement {
  /** `Observation.valueQuantity.value`; choice elements appear once per type. */
  readonly path: string;
  /** FHIR type code of the element. */
  readonly type: string;
  readonly treatment: Treatment;
  readonly basis?: string;
  /** For references: the resource types a reference may point to and still be delivered. */
  readonly targets?: readonly string[];
  readonly note?: string;
}

export interface PublishedRemoval {
  readonly path: string;
  readonly reason: string;
  readonly basis?: string;
}

export interface PublishedResource {
  readonly resourceType: string;
  readonly elements: readonly PublishedElement[];
  /** Listed in the contract (or part of a listed element) but removed by a projection rule. */
  readonly removed: readonly PublishedRemoval[];
  /** Elements Conduit adds, and when. */
  readonly generated: readonly { readonly path: string; readonly value: string; readonly when: string; readonly basis: string }[];
}

/**
 * What a privacy officer signs off: exactly which elements a subscriber receives and how, derived
 * from the same compiled plan the projection executes.
 */
export interface PublishedContract {
  readonly subscriber: string;
  readonly version: string;
  readonly owner: string;
  readonly description?: string;
  /** SHA-256 of the contract's canonical JSON: the signature covers this exact contract. */
  readonly fingerprint: string;
  readonly purposeOfUse: { readonly system: string; readonly code: string };
  readonly events: {
    readonly eventTypes: readonly string[] | 'all';
    readonly messageTypes: readonly string[] | 'all';
    readonly facilities: readonly string[] | 'all';
    readonly replays: boolean;
  };
  readonly deidentification: { readonly mode: DeidentificationMode; readonly basis?: string; readonly zip3Source?: string };
  readonly identifiers: {
    readonly handling: 'tokenize' | 'remove';
    readonly tokenDomain: string;
    readonly tokenSystem: string;
    readonly formatPreserving: boolean;
    readonly identifierTypes: readonly string[] | 'all';
  };
  readonly linkage: readonly string[];
  readonly sensitiveCategories: { readonly delivered: readonly SensitiveCategoryInfo[]; readonly withheld: readonly SensitiveCategoryInfo[] };
  readonly resources: readonly PublishedResource[];
  readonly neverDelivered: readonly string[];
  readonly stamping: readonly string[];
  readonly channels: {
    readonly kafka: { readonly topic: string; readonly retentionMs?: number };
    readonly webhook?: { readonly url: string; readonly secretRef: string; readonly rateLimit?: { readonly perSecond: number; readonly burst?: number } };
  };
  readonly fhir: { readonly version: string; readonly definitions: string };
}

export interface DescribeOptions extends CompileOptions {
  readonly sensitivity?: SensitivityRules;
}

const NEVER_DELIVERED = [
  'Every element not listed under resources, and every resource type not listed.',
  'Extensions and modifier extensions. An element or resource that carries a modifier extension is dropped whole, since its meaning depends on it (FHIR R4 §2.4.1.2).',
  'Contained and other nested resources, element ids, Reference.display, Identifier.assigner and Identifier.period.',
  'References to resources of types this contract does not receive, to contained resources, and to resources withheld from this event.',
  'Resources in a sensitive category this contract does not allow (the event lists the category in `withheld`, never the values).',
  'Source resource ids: every id and reference is replaced by a pseudonym of the token domain.',
];

export function describeContract(contract: SubscriberContract, options: DescribeOptions = {}): PublishedContract {
  const plan = compileContract(contract, options);
  const sensitivity = options.sensitivity ?? loadSensitivityRules();
  const elements = options.elements ?? loadElementIndex();
  const safeHarbor = plan.deidentification === 'safe-harbor';
  const webhook = contract.channels.webhook;
  return {
    subscriber: contract.id,
    version: contract.version,
    owner: contract.owner,
    ...(contract.description ? { description: contract.description } : {}),
    fingerprint: fingerprintContract(contract),
    purposeOfUse: { system: PURPOSE_OF_USE_SYSTEM, code: contract.purposeOfUse },
    events: {
      eventTypes: contract.events.eventTypes?.length ? contract.events.eventTypes : 'all',
      messageTypes: contract.events.messageTypes?.length ? contract.events.messageTypes : 'all',
      facilities: contract.events.facilities?.length ? contract.events.facilities : 'all',
      replays: contract.events.replays !== false,
    },
    deidentification: safeHarbor
      ? { mode: 'safe-harbor', basis: '45 CFR 164.514(b)(2)', zip3Source: options.restrictedZip3 ? 'configured' : loadRestrictedZip3().source }
      : { mode: 'none' },
    identifiers: {
      handling: plan.identifiers,
      tokenDomain: plan.tokenDomain,
      tokenSystem: plan.tokenSystem,
      formatPreserving: plan.formatPreserving,
      identifierTypes: plan.identifierTypes ? [...plan.identifierTypes] : 'all',
    },
    linkage: [
      `patientToken: keyed HMAC of the patient key in token domain "${plan.tokenDomain}"; joinable only with contracts of the same domain${safeHarbor ? ` (${SAFE_HARBOR_BASIS.reidentificationCode})` : ''}`,
      `resource ids and references: keyed pseudonyms in token domain "${plan.tokenDomain}", stable across events`,
    ],
    sensitiveCategories: {
      delivered: sensitivity.categories.filter((c) => plan.allowedCategories.has(c.id)),
      withheld: sensitivity.categories.filter((c) => !plan.allowedCategories.has(c.id)),
    },
    resources: [...plan.resources.values()].map((rp) => describeResource(rp.resourceType, rp.root, rp.ageCategory)),
    neverDelivered: NEVER_DELIVERED,
    stamping: [
      'ProjectedEvent: subscriber, purposeOfUse, contractVersion, sourceEventId, eventId (derived from source event and subscriber)',
      `Bundle.meta.security: ${PURPOSE_OF_USE_SYSTEM}|${contract.purposeOfUse}`,
      `Bundle.meta.tag: ${CONTRACT_TAG_SYSTEM}|${contract.id}@${contract.version}`,
      ...(safeHarbor ? ['ProjectedEvent.occurredAt: year only; ProjectedEvent.deidentification: safe-harbor'] : []),
    ],
    channels: {
      kafka: { topic: subscriberTopic(contract.id), ...(contract.channels.kafka?.retentionMs ? { retentionMs: contract.channels.kafka.retentionMs } : {}) },
      ...(webhook ? { webhook: { url: webhook.url, secretRef: webhook.secretRef, ...(webhook.rateLimit ? { rateLimit: webhook.rateLimit } : {}) } } : {}),
    },
    fhir: { version: elements.fhirVersion, definitions: elements.source },
  };
}

function describeResource(resourceType: string, root: ObjectNode, ageCategory: boolean): PublishedResource {
  const elements: PublishedElement[] = [{ path: `${resourceType}.id`, type: 'id', treatment: 'pseudonymous id' }];
  const removed: PublishedRemoval[] = [];
  const walk = (node: ObjectNode, prefix: string, stack: ObjectNode[]) => {
    for (const r of node.removed) removed.push({ path: `${prefix}.${r.key}`, reason: r.reason, ...(r.basis ? { basis: r.basis } : {}) });
    for (const f of node.fields) {
      const path = `${prefix}.${f.key}`;
      const n = f.node;
      switch (n.kind) {
        case 'value':
          elements.push({ path, type: n.primitive, treatment: n.treatment, ...(n.basis ? { basis: n.basis } : {}) });
          break;
        case 'identifier':
          elements.push({ path, type: 'Identifier', treatment: n.treatment, note: 'use, type (codes) and the token as value; the token system names the domain' });
          break;
        case 'reference':
          elements.push({ path, type: 'Reference', treatment: 'pseudonymous reference', targets: [...n.targets].sort(), ...(n.identifier ? { note: 'a reference identifier is tokenized' } : {}) });
          break;
        case 'object':
          if (stack.includes(n)) {
            elements.push({ path, type: n.type, treatment: 'as-is', note: `repeats the elements of ${n.type} above` });
          } else {
            if (n.capAge) elements.push({ path, type: n.type, treatment: 'age capped at 90', basis: SAFE_HARBOR_BASIS.ages });
            walk(n, path, [...stack, n]);
          }
          break;
      }
    }
  };
  walk(root, resourceType, [root]);
  return {
    resourceType,
    elements,
    removed,
    generated: ageCategory
      ? [{ path: `${resourceType}.extension(${AGE_CATEGORY_EXTENSION_URL})`, value: AGE_90_OR_OLDER, when: 'the birth date is suppressed because the patient is 90 or older at the event time', basis: SAFE_HARBOR_BASIS.ages }]
      : [],
  };
}

/** SHA-256 over the contract as canonical JSON (keys sorted), so key order and formatting do not matter. */
export function fingerprintContract(contract: SubscriberContract): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.keys(v).filter((k) => k !== '$schema').sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical(contract))).digest('hex')}`;
}

