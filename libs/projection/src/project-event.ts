import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import type { CanonicalEvent, ProjectedEvent } from '@conduit/events';
import type { SubscriberContract } from './contract.ts';
import type { CompiledContract, ReferenceNode, WalkContext } from './plan.ts';
import { applyObject } from './apply-plan.ts';
import { prepareEvent, type PreparedEvent } from './prepare-event.ts';
import { compileContract } from './compile-contract.ts';
import { createDomainTokens, type DomainTokens, type ProjectionKeys } from './domain-tokens.ts';
import { loadSensitivityRules } from './sensitivity.ts';
import { deriveProjectedEventId } from './projected-event-id.ts';
import { AGE_90_OR_OLDER, AGE_CATEGORY_EXTENSION_URL, yearOf } from './safe-harbor.ts';

/** HL7 v3 ActReason holds the PurposeOfUse codes in FHIR R4. */
export const PURPOSE_OF_USE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
export const CONTRACT_TAG_SYSTEM = 'https://conduit.dev/fhir/CodeSystem/subscriber-contract';
/** Category reported in `withheld` for resources dropped because of a modifier extension. */
export const MODIFIER_EXTENSION_CATEGORY = 'modifier-extension';

/** `Patient/123`, `Patient/123/_history/2`, `https://ehr.example/fhir/Patient/123`. */
const REFERENCE = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

export function matchesContract(event: CanonicalEvent, contract: SubscriberContract): boolean {
  const f = contract.events;
  if (f.eventTypes?.length && !f.eventTypes.includes(event.eventType)) return false;
  if (f.messageTypes?.length && !f.messageTypes.includes(event.messageType)) return false;
  if (f.facilities?.length && !f.facilities.includes(event.source.facility)) return false;
  if (event.replayId && f.replays === false) return false;
  return true;
}

/**
 * What one subscriber may see of one (prepared) event, or null when its filter does not match or the
 * event's Patient is in a sensitive category the contract does not allow:
 * allowlisted elements of allowlisted resource types, sensitive resources withheld unless the
 * contract allows their category, identifiers tokenized in the contract's domain, ids and references
 * pseudonymous, Safe Harbor applied when the contract asks for it.
 */
export function projectPrepared(prepared: PreparedEvent, plan: CompiledContract, tokens: DomainTokens): ProjectedEvent | null {
  const { event, entries, byReference } = prepared;
  const contract = plan.contract;
  if (!matchesContract(event, contract)) return null;

  const n = entries.length;
  const delivered = new Uint8Array(n);
  let withheld: Set<string> | undefined;
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    // A sensitive label or code on the Patient (a VIP marked very restricted, a patient of a Part 2
    // program) covers everything about them in the event: nothing is sent, not even an empty event
    // whose type and patient token would tell that something happened to them.
    if (e.resourceType === 'Patient' && e.categories.some((c) => !plan.allowedCategories.has(c))) return null;
    if (!plan.resources.has(e.resourceType)) continue;
    if (e.modifierExtension) {
      (withheld ??= new Set()).add(MODIFIER_EXTENSION_CATEGORY);
      continue;
    }
    let blocked = false;
    for (const c of e.categories) {
      if (!plan.allowedCategories.has(c)) {
        (withheld ??= new Set()).add(c);
        blocked = true;
      }
    }
    if (!blocked) delivered[i] = 1;
  }

  let ids: string[] | undefined;
  const idOf = (i: number): string => (ids ??= tokens.resourceIds(prepared.idDigests))[i]!;
  const ctx: WalkContext = {
    plan,
    referenceDate: event.occurredAt,
    ageOver89: false,
    identifierToken: plan.formatPreserving ? tokens.identifierFormatPreserving : tokens.identifier,
    resolveReference(reference: string, node: ReferenceNode): string | undefined {
      if (reference.startsWith('#')) return undefined; // contained resources never leave
      let index = byReference.get(reference);
      const m = index === undefined ? REFERENCE.exec(reference) : null;
      if (m) index = byReference.get(`${m[1]}/${m[2]}`);
      if (index !== undefined) {
        const target = entries[index]!;
        if (!delivered[index] || !node.targets.has(target.resourceType)) return undefined;
        return reference.startsWith('urn:') ? `urn:uuid:${idOf(index)}` : `${target.resourceType}/${idOf(index)}`;
      }
      if (!m || !node.targets.has(m[1]!)) return undefined;
      return `${m[1]}/${tokens.resourceId(m[1]!, m[2]!)}`;
    },
  };

  const out: BundleEntry[] = [];
  for (let i = 0; i < n; i++) {
    if (!delivered[i]) continue;
    const e = entries[i]!;
    const rp = plan.resources.get(e.resourceType)!;
    ctx.ageOver89 = false;
    const resource: Record<string, unknown> = { resourceType: e.resourceType, id: idOf(i) };
    applyObject(rp.root, e.resource, ctx, resource);
    if (rp.ageCategory && ctx.ageOver89) {
      // 45 CFR 164.514(b)(2)(i)(C): ages over 89 are aggregated into one category of 90 or older.
      resource['extension'] = [{ url: AGE_CATEGORY_EXTENSION_URL, valueString: AGE_90_OR_OLDER }];
    }
    out.push({ fullUrl: `urn:uuid:${idOf(i)}`, resource: resource as unknown as Resource });
  }

  const safeHarbor = plan.deidentification === 'safe-harbor';
  const eventId = deriveProjectedEventId(event.eventId, contract.id);
  const bundle: Bundle = {
    resourceType: 'Bundle',
    id: eventId,
    meta: {
      security: [{ system: PURPOSE_OF_USE_SYSTEM, code: contract.purposeOfUse }],
      tag: [{ system: CONTRACT_TAG_SYSTEM, code: `${contract.id}@${contract.version}` }],
    },
    type: 'collection',
    entry: out,
  };
  return {
    eventId,
    sourceEventId: event.eventId,
    eventType: event.eventType,
    subscriber: contract.id,
    purposeOfUse: contract.purposeOfUse,
    contractVersion: contract.version,
    // The event time is a date of the patient's care: only its year under Safe Harbor (164.514(b)(2)(i)(C)).
    occurredAt: safeHarbor ? (yearOf(event.occurredAt) ?? '') : event.occurredAt,
    ...(event.patientKey ? { patientToken: tokens.patient(event.patientKey) } : {}),
    ...(event.replayId ? { replay: true } : {}),
    ...(withheld ? { withheld: [...withheld].sort() } : {}),
    ...(safeHarbor ? { deidentification: 'safe-harbor' as const } : {}),
    bundle,
  };
}

interface Compiled {
  readonly plan: CompiledContract;
  readonly tokens: WeakMap<ProjectionKeys, DomainTokens>;
}
const compiledByContract = new WeakMap<SubscriberContract, Compiled>();

/**
 * One event for one subscriber. Kept for callers that hold a contract object: the compiled plan and
 * the token keys are cached per contract object and keys object, so repeated calls do not
 * recompile. A service projecting for many subscribers should use createProjector, which prepares
 * each event once for all of them.
 */
export function projectEvent(event: CanonicalEvent, contract: SubscriberContract, keys: ProjectionKeys): ProjectedEvent | null {
  if (!matchesContract(event, contract)) return null;
  let compiled = compiledByContract.get(contract);
  if (!compiled) compiledByContract.set(contract, (compiled = { plan: compileContract(contract), tokens: new WeakMap() }));
  let tokens = compiled.tokens.get(keys);
  if (!tokens) compiled.tokens.set(keys, (tokens = createDomainTokens(keys, compiled.plan.tokenDomain)));
  return projectPrepared(prepareEvent(event, loadSensitivityRules()), compiled.plan, tokens);
}
