import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Medplum from '@medplum/core';
import type { ElementDefinitionConstraint, StructureDefinition } from '@medplum/fhirtypes';

/*
 * The R4 invariants (ElementDefinition.constraint, severity error) as @medplum/core's
 * validateResource checks them: its FHIRPath engine decides, with the same variables (%context,
 * %resource, %rootResource, %ucum), and an expression that throws is a processing error.
 *
 * Most invariants hold on nearly every value Conduit emits, and the JSON alone proves it (no
 * `contained`, so dom-2 holds; an extension with a url and one value, so ext-1 holds). The proofs
 * below are those: each is tied to the exact expression it proves, answers only "holds" and never
 * "fails", and a value it cannot prove goes to FHIRPath. fhir-validator.differential.test.ts holds
 * every proof to the FHIRPath verdict.
 *
 * The FHIRPath engine (all of @medplum/core, ~20 MB of RSS) is loaded on the first value no proof
 * covers, with the validator's StructureDefinitions indexed into it so that paths resolve through
 * the same types; a process mapping well-formed messages never loads it.
 */

/** Invariants medplum does not evaluate (typeschema/validation.ts skippedConstraintKeys). */
export const SKIPPED_INVARIANTS: ReadonlySet<string> = new Set(['ele-1', 'dom-3', 'org-1', 'sdf-19']);

const UCUM = 'http://unitsofmeasure.org';

type Json = Record<string, unknown>;

/** True only when the invariant certainly holds on this value. */
type Proof = (value: unknown) => boolean;

export interface Invariant {
  readonly key: string;
  readonly expression: string;
  readonly proof: Proof | undefined;
}

/*
 * What the proofs rely on, from medplum's FHIRPath (fhirpath/atoms.ts, functions.ts, utils.ts):
 * navigating `x` merges the primitive extension `_x` into the value and throws when `_x` is not an
 * object, so every key a proof reads is read with its `_x` absent; exists() is true of a non-empty
 * collection of non-empty values; `and`, `or`, `implies` and `&` evaluate both sides and throw
 * when a side is not a single value. A proof that cannot tell answers false: FHIRPath decides.
 */

interface Key {
  readonly name: string;
  /** Its primitive extension: `_name`. */
  readonly extension: string;
}
const key = (name: string): Key => ({ name, extension: `_${name}` });

/** FHIRPath exists() on a value: set, and no part of it empty (medplum's isEmpty) once it is JSON (NaN is null there). */
function present(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v !== '';
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object') return true;
  if (Array.isArray(v)) return v.length > 0 && v.every(present);
  for (const _ in v) return true;
  return false;
}
const plain = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Navigating k gives nothing. */
const unset = (v: Json, k: Key): boolean => v[k.name] === undefined && v[k.extension] === undefined;
/** `k.exists()` is true: one non-empty value. */
const one = (v: Json, k: Key): boolean => v[k.extension] === undefined && !Array.isArray(v[k.name]) && present(v[k.name]);
/** `k.exists()` is true: non-empty objects. */
const many = (v: Json, k: Key): boolean => {
  const x = v[k.name];
  return v[k.extension] === undefined && Array.isArray(x) && x.length > 0 && x.every((i) => plain(i) && present(i));
};

const CONTAINED = key('contained');
const TYPE = key('type');
const ENTRY = key('entry');
const RESOURCE = key('resource');
const REQUEST = key('request');
const RESPONSE = key('response');
const SEARCH = key('search');
const FULL_URL = key('fullUrl');
const META = key('meta');
const VERSION_ID = key('versionId');
const TIMESTAMP = key('timestamp');
const IDENTIFIER = key('identifier');
const SYSTEM = key('system');
const VALUE = key('value');
const CODE = key('code');
const CODING = key('coding');
const COMPONENT = key('component');
const CLINICAL_STATUS = key('clinicalStatus');
const VERIFICATION_STATUS = key('verificationStatus');
const USE = key('use');
const DATA_ABSENT_REASON = key('dataAbsentReason');
const FULL_URL_AND_RESOURCE = [FULL_URL, RESOURCE];
const LOW = key('low');
const HIGH = key('high');
const TEXT = key('text');
const NAME = key('name');
const TELECOM = key('telecom');
const ADDRESS = key('address');
const ORGANIZATION = key('organization');
const EXTENSION = key('extension');
const TOTAL = key('total');
const ORDER_DETAIL = key('orderDetail');

/** type holds a value, and not one of these ('' is no value to FHIRPath). */
function typeIsNot(v: Json, ...types: string[]): boolean {
  const type = v['type'];
  return v[TYPE.extension] === undefined && typeof type === 'string' && type !== '' && !types.includes(type);
}

/** The entries, when navigating them and the given keys of each cannot throw; undefined when it could. */
function safeEntries(v: Json, keys: readonly Key[]): readonly Json[] | undefined {
  const entry = v['entry'];
  if (v[ENTRY.extension] !== undefined) return undefined;
  if (entry === undefined) return [];
  if (!Array.isArray(entry)) return undefined;
  for (const e of entry as unknown[]) {
    if (!plain(e)) return undefined;
    for (const k of keys) if (e[k.extension] !== undefined) return undefined;
  }
  return entry as Json[];
}

/** entry.first().resource is at most one value. */
function firstResourceSingle(v: Json): boolean {
  const entries = safeEntries(v, [RESOURCE]);
  return entries !== undefined && (entries.length === 0 || !Array.isArray(entries[0]!['resource']));
}

function entriesLack(v: Json, k: Key): boolean {
  return safeEntries(v, [k])?.every((e) => e[k.name] === undefined) === true;
}

/** verificationStatus.coding.where(system = … and code = …) cannot throw. */
function statusSafe(v: Json): boolean {
  const status = v['verificationStatus'];
  if (v[VERIFICATION_STATUS.extension] !== undefined) return false;
  if (status === undefined) return true;
  if (!plain(status) || status[CODING.extension] !== undefined) return false;
  const coding = status['coding'];
  return coding === undefined || (Array.isArray(coding) && coding.every((c) => plain(c) && c[SYSTEM.extension] === undefined && c[CODE.extension] === undefined));
}

/** verificationStatus (statusSafe) carries no entered-in-error coding of that system. */
function notEnteredInError(v: Json, system: string): boolean {
  const coding = (v['verificationStatus'] as Json | undefined)?.['coding'] as Json[] | undefined;
  return (coding ?? []).every((c) => !(c['system'] === system && c['code'] === 'entered-in-error'));
}

/** `A.empty() or clinicalStatus.empty()` with A about entered-in-error verification: con-5, ait-2. */
const notEnteredInErrorOrNoStatus = (system: string) => (v: Json): boolean =>
  statusSafe(v) && v[CLINICAL_STATUS.extension] === undefined && (notEnteredInError(v, system) || v['clinicalStatus'] === undefined);

/** Entries with distinct fullUrls and no meta.versionId: `fullUrl & resource.meta.versionId` is then the fullUrl. */
function distinctFullUrls(v: Json): boolean {
  const entries = safeEntries(v, FULL_URL_AND_RESOURCE);
  if (entries === undefined) return false;
  const seen = new Set<string>();
  for (const e of entries) {
    const url = e['fullUrl'];
    const resource = e['resource'];
    if (url === undefined) continue;
    if (typeof url !== 'string' || url === '' || seen.has(url)) return false;
    if (resource !== undefined && !(plain(resource) && resource[META.extension] === undefined && (resource['meta'] === undefined || (plain(resource['meta']) && unset(resource['meta'], VERSION_ID))))) return false;
    seen.add(url);
  }
  return true;
}

function firstIsMessageHeader(v: Json): boolean {
  const first = safeEntries(v, [RESOURCE])?.[0];
  return v['type'] === 'message' && first !== undefined && plain(first['resource']) && first['resource']['resourceType'] === 'MessageHeader';
}

/** No value[x] (nor its `_` extension): `value.empty()` is true. */
function noValue(v: Json): boolean {
  for (const k in v) if (k.startsWith('value') || k.startsWith('_value')) return false;
  return true;
}

/** component.code.where(coding.intersect(%resource.code.coding).exists()) cannot throw. */
function componentsSafe(v: Json): boolean {
  if (v[COMPONENT.extension] !== undefined || v[CODE.extension] !== undefined) return false;
  const code = v['code'];
  if (code !== undefined && !(plain(code) && code[CODING.extension] === undefined)) return false;
  const component = v['component'];
  if (component === undefined) return true;
  return Array.isArray(component) && component.every((c) => plain(c) && c[CODE.extension] === undefined && (c['code'] === undefined || (plain(c['code']) && c['code'][CODING.extension] === undefined)));
}

/** identifier.system.exists() and identifier.value.exists() cannot throw. */
function identifierSafe(v: Json): boolean {
  const identifier = v['identifier'];
  return v[IDENTIFIER.extension] === undefined && (identifier === undefined || (plain(identifier) && identifier[SYSTEM.extension] === undefined && identifier[VALUE.extension] === undefined));
}

function notHome(v: Json): boolean {
  const use = v['use'];
  return v[USE.extension] === undefined && (use === undefined || (typeof use === 'string' && use !== '' && use !== 'home'));
}

/** ext-1 (extension.exists() != value.exists()): nested extensions, or one non-empty value[x], not both. */
function extensionOrValue(v: Json, extensionValueKeys: ReadonlySet<string>): boolean {
  const extension = v['extension'];
  const hasExtension = extension === undefined ? false : many(v, EXTENSION) ? true : undefined;
  if (hasExtension === undefined) return false;
  let values = 0;
  let hasValue = false;
  for (const k in v) {
    // `_valueString` merges into the value it extends.
    if (k.charCodeAt(0) === 0x5f) return false;
    if (!extensionValueKeys.has(k) || v[k] === undefined) continue;
    values++;
    hasValue = present(v[k]);
  }
  return values <= 1 && hasExtension !== hasValue;
}

/**
 * Each proof with the exact expression it proves: a definition that says otherwise is left to
 * FHIRPath. ext-1's proof needs the JSON names of Extension.value[x] (valueString, valueCoding, …).
 */
const proofs = (extensionValueKeys: ReadonlySet<string>): Readonly<Record<string, readonly [string, (v: Json) => boolean]>> => ({
  // contained.* invariants hold when nothing is contained.
  'dom-2': ['contained.contained.empty()', (v) => unset(v, CONTAINED)],
  'dom-4': ['contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()', (v) => unset(v, CONTAINED)],
  'dom-5': ['contained.meta.security.empty()', (v) => unset(v, CONTAINED)],
  // An extension with a url and either one value or nested extensions.
  'ext-1': ['extension.exists() != value.exists()', (v) => extensionOrValue(v, extensionValueKeys)],
  'obs-3': ['low.exists() or high.exists() or text.exists()', (v) => noExtensions(v, LOW, HIGH, TEXT) && (one(v, LOW) || one(v, HIGH) || one(v, TEXT))],
  'obs-6': ['dataAbsentReason.empty() or value.empty()', (v) => v[DATA_ABSENT_REASON.extension] === undefined && noValueExtension(v) && (v['dataAbsentReason'] === undefined || noValue(v))],
  'obs-7': ['value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()', (v) => componentsSafe(v) && noValueExtension(v) && (noValue(v) || unset(v, COMPONENT))],
  'pat-1': [
    'name.exists() or telecom.exists() or address.exists() or organization.exists()',
    (v) => noExtensions(v, NAME, TELECOM, ADDRESS, ORGANIZATION) && (one(v, NAME) || many(v, TELECOM) || one(v, ADDRESS) || one(v, ORGANIZATION)),
  ],
  'bdl-1': ["total.empty() or (type = 'searchset') or (type = 'history')", (v) => unset(v, TOTAL) && v[TYPE.extension] === undefined],
  'bdl-2': ["entry.search.empty() or (type = 'searchset')", (v) => entriesLack(v, SEARCH) && v[TYPE.extension] === undefined],
  'bdl-3': [
    "entry.all(request.exists() = (%resource.type = 'batch' or %resource.type = 'transaction' or %resource.type = 'history'))",
    (v) => typeIsNot(v, 'batch', 'transaction', 'history') && entriesLack(v, REQUEST),
  ],
  'bdl-4': [
    "entry.all(response.exists() = (%resource.type = 'batch-response' or %resource.type = 'transaction-response' or %resource.type = 'history'))",
    (v) => typeIsNot(v, 'batch-response', 'transaction-response', 'history') && entriesLack(v, RESPONSE),
  ],
  'bdl-5': [
    'resource.exists() or request.exists() or response.exists()',
    (v) => noExtensions(v, RESOURCE, REQUEST, RESPONSE) && (one(v, RESOURCE) || one(v, REQUEST) || one(v, RESPONSE)),
  ],
  'bdl-7': ["(type = 'history') or entry.where(fullUrl.exists()).select(fullUrl&resource.meta.versionId).isDistinct()", (v) => typeIsNot(v, 'history') && distinctFullUrls(v)],
  'bdl-8': ["fullUrl.exists() implies fullUrl.contains('/_history/').not()", (v) => v[FULL_URL.extension] === undefined && typeof v['fullUrl'] === 'string' && v['fullUrl'] !== '' && !v['fullUrl'].includes('/_history/')],
  // `implies` evaluates both sides, and a side that is not a single value throws: those are proven too.
  'bdl-9': ["type = 'document' implies (identifier.system.exists() and identifier.value.exists())", (v) => typeIsNot(v, 'document') && identifierSafe(v)],
  'bdl-10': ["type = 'document' implies (timestamp.hasValue())", (v) => typeIsNot(v, 'document') && v[TIMESTAMP.extension] === undefined],
  'bdl-11': ["type = 'document' implies entry.first().resource.is(Composition)", (v) => typeIsNot(v, 'document') && firstResourceSingle(v)],
  'bdl-12': ["type = 'message' implies entry.first().resource.is(MessageHeader)", (v) => firstResourceSingle(v) && (typeIsNot(v, 'message') || firstIsMessageHeader(v))],
  // Invariants about entered-in-error, resolved or home data: absent elements prove them.
  'con-4': [
    "abatement.empty() or clinicalStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-clinical' and (code='resolved' or code='remission' or code='inactive')).exists()",
    (v) => !Object.keys(v).some((k) => k.startsWith('abatement') || k.startsWith('_abatement')) && clinicalStatusSafe(v),
  ],
  'con-5': [
    "verificationStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-ver-status' and code='entered-in-error').empty() or clinicalStatus.empty()",
    notEnteredInErrorOrNoStatus('http://terminology.hl7.org/CodeSystem/condition-ver-status'),
  ],
  'ait-1': [
    "verificationStatus.coding.where(system = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification' and code = 'entered-in-error').exists() or clinicalStatus.exists()",
    (v) => statusSafe(v) && one(v, CLINICAL_STATUS),
  ],
  'ait-2': [
    "verificationStatus.coding.where(system = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification' and code = 'entered-in-error').empty() or clinicalStatus.empty()",
    notEnteredInErrorOrNoStatus('http://terminology.hl7.org/CodeSystem/allergyintolerance-verification'),
  ],
  'prr-1': ['orderDetail.empty() or code.exists()', (v) => unset(v, ORDER_DETAIL) && v[CODE.extension] === undefined],
  'org-2': ["where(use = 'home').empty()", notHome],
  'org-3': ["where(use = 'home').empty()", notHome],
});

/** Navigating each of these cannot throw: their `_` extensions are absent. */
function noExtensions(v: Json, a: Key, b: Key, c: Key, d?: Key): boolean {
  return v[a.extension] === undefined && v[b.extension] === undefined && v[c.extension] === undefined && (d === undefined || v[d.extension] === undefined);
}

/** `value.empty()` cannot throw: no `_value…` extension. */
function noValueExtension(v: Json): boolean {
  for (const k in v) if (k.startsWith('_value')) return false;
  return true;
}

/** clinicalStatus.coding.where(system = … and (code = … or …)) cannot throw. */
function clinicalStatusSafe(v: Json): boolean {
  const status = v['clinicalStatus'];
  if (v[CLINICAL_STATUS.extension] !== undefined) return false;
  if (status === undefined) return true;
  if (!plain(status) || status[CODING.extension] !== undefined) return false;
  const coding = status['coding'];
  return coding === undefined || (Array.isArray(coding) && coding.every((c) => plain(c) && c[SYSTEM.extension] === undefined && c[CODE.extension] === undefined));
}

/** medplum's htmlChecks() is true for any input (fhirpath/functions.ts), Narrative.div a string. */
const ANY_VALUE_PROOFS: Readonly<Record<string, readonly [string, Proof]>> = {
  'txt-1': ['htmlChecks()', () => true],
  'txt-2': ['htmlChecks()', () => true],
};

/** Compiles constraints as medplum evaluates them, one Invariant per distinct key and expression. */
export function createInvariantCompiler(extensionValueKeys: ReadonlySet<string>, withProofs: boolean): (constraints: readonly ElementDefinitionConstraint[] | undefined) => readonly Invariant[] {
  const onObjects = Object.entries(proofs(extensionValueKeys)).map(([k, [expression, proof]]) => [k, [expression, (v: unknown) => plain(v) && proof(v)]] as const);
  const table: Readonly<Record<string, readonly [string, Proof]>> = { ...Object.fromEntries(onObjects), ...ANY_VALUE_PROOFS };
  const shared = new Map<string, Invariant>();
  return (constraints) => {
    const out: Invariant[] = [];
    for (const c of constraints ?? []) {
      const key = c.key ?? '';
      const expression = c.expression ?? '';
      if ((c.severity ?? 'error') !== 'error' || SKIPPED_INVARIANTS.has(key)) continue;
      const id = `${key}\u0000${expression}`;
      let inv = shared.get(id);
      if (!inv) {
        const proven = table[key];
        inv = { key, expression, proof: withProofs && proven?.[0] === expression ? proven[1] : undefined };
        shared.set(id, inv);
      }
      out.push(inv);
    }
    return out;
  };
}

const copyOf = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

export interface TypedJson {
  readonly type: string;
  readonly value: unknown;
}

/** The verdict of FHIRPath: holds, fails, or the expression threw (a processing error in medplum). */
export type Verdict = 'holds' | 'fails' | 'error';

export interface FhirPathEngine {
  evaluate(inv: Invariant, context: TypedJson, resource: TypedJson | undefined, root: TypedJson): Verdict;
  /** Whether the engine has been needed (and loaded) yet. */
  readonly loaded: boolean;
}

/**
 * medplum's FHIRPath, loaded on first use. The ESM build is required by path, so that a process
 * which also imports @medplum/core (the tests) shares one instance and one type registry.
 */
export function createFhirPathEngine(definitions: () => StructureDefinition[]): FhirPathEngine {
  let medplum: typeof Medplum | undefined;
  const atoms = new Map<Invariant, ReturnType<typeof Medplum.parseFhirPath>>();
  const load = (): typeof Medplum => {
    if (medplum) return medplum;
    const m = createRequire(import.meta.url)(fileURLToPath(import.meta.resolve('@medplum/core'))) as typeof Medplum;
    if (!m.isDataTypeLoaded('Bundle')) m.indexStructureDefinitionBundle(definitions());
    medplum = m;
    return m;
  };
  return {
    get loaded() {
      return medplum !== undefined;
    },
    evaluate(inv, context, resource, root) {
      const m = load();
      let atom = atoms.get(inv);
      if (!atom) {
        atom = m.parseFhirPath(inv.expression);
        atoms.set(inv, atom);
      }
      // FHIRPath judges a JSON copy: medplum's navigation merges `_x` into the values it reads (it
      // would change the bundle), and its intersect compares objects by identity, which in the
      // JSON that is published no two elements share.
      const value = copyOf(context.value);
      const input = { type: context.type, value };
      const variables: Record<string, Medplum.TypedValue> = { '%context': input, '%ucum': m.toTypedValue(UCUM) };
      if (resource && inv.expression.includes('%resource')) variables['%resource'] = m.toTypedValue(resource.value === context.value ? value : copyOf(resource.value));
      if (inv.expression.includes('%rootResource')) variables['%rootResource'] = { type: root.type, value: root.value === context.value ? value : copyOf(root.value) };
      try {
        const result = m.evalFhirPathTyped(atom, [input], variables);
        return result.length === 1 && result[0]!.value === true ? 'holds' : 'fails';
      } catch {
        return 'error';
      }
    },
  };
}
