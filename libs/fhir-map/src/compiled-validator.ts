import {
  evalFhirPathTyped,
  fhirTypeToJsType,
  getDataType,
  isPrimitiveType,
  parseFhirPath,
  toTypedValue,
  tryGetDataType,
  validationRegexes,
  type InternalSchemaElement,
  type InternalTypeSchema,
  type TypedValue,
} from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';

/*
 * The checks of @medplum/core's validateResource (typeschema/validation.ts), compiled once per
 * type from the same InternalTypeSchema instead of interpreted per value: no TypedValue per
 * property, no FHIRPath for an invariant whose outcome a plain look at the JSON already proves
 * true (a failing or undecided one is still evaluated by medplum's FHIRPath engine, so its verdict
 * and its issue are medplum's), and the expressions parsed once.
 *
 * Shapes this walk does not reproduce exactly (primitive extensions `_x`, contained resources,
 * values of the wrong JSON kind, profiles with fixed values, patterns or slices) answer
 * `undefined`: the caller validates that resource with medplum itself. The differential tests
 * (compiled-validator.test.ts) hold both to the same issues.
 */

/** Invariants medplum skips (validation.ts skippedConstraintKeys). */
const SKIPPED = new Set(['ele-1', 'dom-3', 'org-1', 'sdf-19']);
const UCUM = toTypedValue('http://unitsofmeasure.org');
const INTEGER_MIN = -2_147_483_648;
const INTEGER_MAX = 2_147_483_647;

type Json = Record<string, unknown>;

/** A proof that an invariant holds, from the JSON alone; undefined when it cannot tell (FHIRPath decides). */
type Shortcut = (value: unknown) => true | undefined;

const present = (v: unknown): boolean =>
  v !== undefined && v !== null && (typeof v === 'string' ? v !== '' : typeof v === 'object' ? (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0) : true);
/** A single value of the element's own kind: a proof of `x.exists()` only when the shape is right. */
const one = (v: unknown, key: string): boolean => {
  const x = (v as Json)[key];
  return !Array.isArray(x) && present(x) && (typeof x !== 'object' || (x as object).constructor === Object);
};
const many = (v: unknown, key: string): boolean => {
  const x = (v as Json)[key];
  return Array.isArray(x) && x.length > 0 && x.every((i) => i && typeof i === 'object' && i.constructor === Object && present(i));
};
const absent = (key: string): Shortcut => (v) => ((v as Json)[key] === undefined ? true : undefined);

/**
 * The invariants met on nearly every resource or element of a canonical bundle, with a proof of
 * the common case. Everything else, and every case these do not prove, goes to FHIRPath.
 */
const SHORTCUTS: Readonly<Record<string, Shortcut>> = {
  // contained.* invariants hold when nothing is contained.
  'dom-2': absent('contained'),
  'dom-4': absent('contained'),
  'dom-5': absent('contained'),
  'obs-3': (v) => (one(v, 'low') || one(v, 'high') || one(v, 'text') ? true : undefined),
  'obs-6': absent('dataAbsentReason'),
  'obs-7': absent('component'),
  'pat-1': (v) => (one(v, 'name') || many(v, 'telecom') || one(v, 'address') || one(v, 'organization') ? true : undefined),
  'bdl-5': (v) => (one(v, 'resource') || one(v, 'request') || one(v, 'response') ? true : undefined),
  'bdl-8': (v) => {
    const url = (v as Json)['fullUrl'];
    return typeof url === 'string' && url !== '' && !url.includes('/_history/') ? true : undefined;
  },
  'ext-1': (v) => {
    const o = v as Json;
    const extension = o['extension'];
    const hasExtension = extension === undefined ? false : many(v, 'extension') ? true : undefined;
    let values = 0;
    let hasValue = false;
    for (const key in o) {
      if (key.charCodeAt(0) === 0x5f) return undefined;
      if (o[key] !== undefined && extensionValueProps().has(key)) {
        values++;
        // FHIRPath exists(): some value, every item of it non-empty.
        const x = o[key];
        hasValue = Array.isArray(x) ? x.length > 0 && x.every(present) : present(x);
      }
    }
    return hasExtension !== undefined && values <= 1 && hasExtension !== hasValue ? true : undefined;
  },
  // Bundle invariants about other bundle types, or about more than one entry.
  'bdl-1': absent('total'),
  'bdl-2': (v) => (entriesLack(v, 'search') ? true : undefined),
  'bdl-3': (v) => (typeIsNot(v, 'batch', 'transaction', 'history') && entriesLack(v, 'request') ? true : undefined),
  'bdl-4': (v) => (typeIsNot(v, 'batch-response', 'transaction-response', 'history') && entriesLack(v, 'response') ? true : undefined),
  'bdl-7': (v) => {
    const entry = (v as Json)['entry'];
    const first = Array.isArray(entry) && entry.length === 1 ? (entry[0] as Json) : undefined;
    return first && first.constructor === Object && (first['fullUrl'] === undefined || typeof first['fullUrl'] === 'string') ? true : undefined;
  },
  // `implies` evaluates both sides, and a side that is not a singleton throws: prove those too.
  'bdl-9': (v) => (typeIsNot(v, 'document') ? true : undefined),
  'bdl-10': (v) => (typeIsNot(v, 'document') && !Array.isArray((v as Json)['timestamp']) ? true : undefined),
  'bdl-11': (v) => (typeIsNot(v, 'document') && firstResourceSingle(v) ? true : undefined),
  'bdl-12': (v) => {
    if (!firstResourceSingle(v)) return undefined;
    if (typeIsNot(v, 'message')) return true;
    const entry = (v as Json)['entry'];
    const resource = Array.isArray(entry) ? (entry[0] as Json | undefined)?.['resource'] : undefined;
    return (v as Json)['type'] === 'message' && (resource as Json | undefined)?.['resourceType'] === 'MessageHeader' ? true : undefined;
  },
  // Invariants about entered-in-error, resolved or home data: absent elements prove them.
  'con-4': (v) => (Object.keys(v as Json).some((k) => k.startsWith('abatement') || k.startsWith('_abatement')) ? undefined : true),
  'con-5': (v) => (notEnteredInError(v, 'http://terminology.hl7.org/CodeSystem/condition-ver-status') || (v as Json)['clinicalStatus'] === undefined ? true : undefined),
  'ait-1': (v) => (one(v, 'clinicalStatus') ? true : undefined),
  'ait-2': (v) => (notEnteredInError(v, 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification') || (v as Json)['clinicalStatus'] === undefined ? true : undefined),
  'prr-1': absent('orderDetail'),
  'org-2': (v) => (notHome(v) ? true : undefined),
  'org-3': (v) => (notHome(v) ? true : undefined),
};

let extensionValues: ReadonlySet<string> | undefined;
/** The JSON names of Extension.value[x] (valueString, valueCoding, …). */
function extensionValueProps(): ReadonlySet<string> {
  return (extensionValues ??= new Set(planOf(getDataType('Extension')).properties.find((p) => p.key === 'value[x]')!.variants.map((v) => v.prop)));
}

/** type holds a value, and not one of these ('' is no value to FHIRPath). */
function typeIsNot(v: unknown, ...types: string[]): boolean {
  const type = (v as Json)['type'];
  return typeof type === 'string' && type !== '' && !types.includes(type);
}

/** entry.first().resource is at most one value. */
function firstResourceSingle(v: unknown): boolean {
  const entry = (v as Json)['entry'];
  if (entry === undefined) return true;
  if (!Array.isArray(entry)) return false;
  const first = entry[0] as Json | undefined;
  if (first === undefined) return true;
  return first !== null && typeof first === 'object' && !Array.isArray(first) && !Array.isArray(first['resource']);
}

function entriesLack(v: unknown, key: string): boolean {
  const entry = (v as Json)['entry'];
  return entry === undefined || (Array.isArray(entry) && entry.every((e) => e && typeof e === 'object' && (e as Json)[key] === undefined));
}

/** verificationStatus carries no entered-in-error coding of that system (or is absent). */
function notEnteredInError(v: unknown, system: string): boolean {
  const status = (v as Json)['verificationStatus'];
  if (status === undefined) return true;
  const coding = (status as Json | null)?.['coding'];
  return (
    status !== null && typeof status === 'object' && !Array.isArray(status) && Array.isArray(coding) &&
    coding.every((c) => c && typeof c === 'object' && typeof (c as Json)['system'] === 'string' && typeof (c as Json)['code'] === 'string' && !((c as Json)['system'] === system && (c as Json)['code'] === 'entered-in-error'))
  );
}

function notHome(v: unknown): boolean {
  const use = (v as Json)['use'];
  return use === undefined || (typeof use === 'string' && use !== '' && use !== 'home');
}

interface Invariant {
  readonly key: string;
  readonly expression: string;
  readonly description: string;
  readonly atom: ReturnType<typeof parseFhirPath>;
  readonly shortcut: Shortcut | undefined;
}

interface Variant {
  /** The JSON property: `name`, or `valueQuantity` for one type of `value[x]`. */
  readonly prop: string;
  /** Its primitive extension property: `_name`. */
  readonly ext: string;
  readonly type: string;
  readonly primitive: boolean;
}

interface Property {
  readonly key: string;
  readonly element: InternalSchemaElement;
  readonly choice: boolean;
  readonly variants: readonly Variant[];
  readonly invariants: readonly Invariant[];
  /**
   * For medplum's reference-type warning: the resource types a Reference here may name ('any' when
   * a target is Resource or a profile medplum cannot check), and the targets as the warning lists them.
   */
  readonly references: { readonly types: ReadonlySet<string> | 'any'; readonly expected: string } | undefined;
}

interface TypePlan {
  readonly schema: InternalTypeSchema;
  readonly properties: readonly Property[];
  /** The element names that are not choices: always accepted as properties. */
  readonly simple: ReadonlySet<string>;
  /** Each choice variant's property name (valueQuantity) → the choice element medplum's prefix rule finds for it. */
  readonly choiceOf: ReadonlyMap<string, Property>;
  /** Each JSON property name (and its `_` primitive extension) → its element and its place in the type order. */
  readonly variantAt: ReadonlyMap<string, { readonly property: Property; readonly index: number }>;
  /** The elements that must be present (min > 0). */
  readonly required: readonly Property[];
  readonly rootInvariants: readonly Invariant[];
}

class Unsupported extends Error {}

const plans = new Map<InternalTypeSchema, TypePlan>();
const invariantsByElement = new WeakMap<object, readonly Invariant[]>();

function compileInvariants(owner: object, constraints: InternalTypeSchema['constraints']): readonly Invariant[] {
  let out = invariantsByElement.get(owner);
  if (!out) {
    out = (constraints ?? [])
      .filter((c) => c.severity === 'error' && !SKIPPED.has(c.key))
      .map((c) => ({ key: c.key, expression: c.expression, description: c.description, atom: parseFhirPath(c.expression), shortcut: SHORTCUTS[c.key] }));
    invariantsByElement.set(owner, out);
  }
  return out;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const HL7_PROFILE = 'http://hl7.org/fhir/StructureDefinition/';
const MEDPLUM_PROFILE = 'https://medplum.com/fhir/StructureDefinition/';

/** medplum's referenceTypeCheck, decided once per element instead of per reference. */
function referenceTargets(element: InternalSchemaElement): Property['references'] {
  const targets = element.type.find((t) => t.code === 'Reference')?.targetProfile;
  if (!targets) return undefined;
  const types = new Set<string>();
  let any = false;
  for (const target of targets) {
    const prefix = target.startsWith(HL7_PROFILE) ? HL7_PROFILE : target.startsWith(MEDPLUM_PROFILE) ? MEDPLUM_PROFILE : undefined;
    if (prefix === undefined || target === `${HL7_PROFILE}Resource`) any = true;
    else types.add(target.slice(prefix.length));
  }
  return { types: any ? 'any' : types, expected: targets.join('", "') };
}

function planOf(schema: InternalTypeSchema): TypePlan {
  let plan = plans.get(schema);
  if (plan) return plan;
  const properties: Property[] = [];
  const simple = new Set<string>();
  for (const [key, element] of Object.entries(schema.elements)) {
    if (element.fixed || element.pattern || element.slicing) throw new Unsupported(`${schema.name}.${key}: fixed, pattern or slicing`);
    const choice = element.path.endsWith('[x]');
    const base = choice ? key.slice(0, -3) : key;
    const variants = element.type.map((t) => {
      const prop = choice ? base + capitalize(t.code) : base;
      return { prop, ext: `_${prop}`, type: t.code, primitive: isPrimitiveType(t.code) };
    });
    if (!choice) simple.add(key);
    properties.push({ key, element, choice, variants, invariants: compileInvariants(element, element.constraints), references: referenceTargets(element) });
  }
  const partial = {
    schema, properties, simple, rootInvariants: compileInvariants(schema, schema.constraints), required: properties.filter((p) => p.element.min > 0),
    choiceOf: new Map<string, Property>(), variantAt: new Map<string, { property: Property; index: number }>(),
  };
  for (const p of properties) {
    p.variants.forEach((v, index) => {
      partial.variantAt.set(v.prop, { property: p, index });
      partial.variantAt.set(v.ext, { property: p, index });
      if (!p.choice) return;
      const owner = choiceByPrefix(v.prop, partial);
      if (owner) partial.choiceOf.set(v.prop, owner);
    });
  }
  plan = partial;
  plans.set(schema, plan);
  return plan;
}

function planFor(schema: InternalTypeSchema, type: string): TypePlan {
  return planOf(schema.innerTypes.find((t) => t.name === type) ?? getDataType(type));
}

/**
 * Where a value sits: medplum's two paths, the value's (with indexes) and the crawl's (without),
 * spelled out only when an issue or a nested value needs them.
 */
class Site {
  private valuePath: string | undefined;
  private crawlPath: string | undefined;
  private readonly parent: Site | undefined;
  private readonly key: string;
  private readonly index: number;

  constructor(parent: Site | undefined, key: string, index = -1) {
    this.parent = parent;
    this.key = key;
    this.index = index;
  }

  static root(path: string): Site {
    const site = new Site(undefined, path);
    site.valuePath = path;
    site.crawlPath = path;
    return site;
  }

  get value(): string {
    return (this.valuePath ??= `${this.parent!.value}.${this.key}${this.index >= 0 ? `[${this.index}]` : ''}`);
  }

  get crawl(): string {
    return (this.crawlPath ??= `${this.parent!.crawl}.${this.key}`);
  }
}

/**
 * medplum's getTypedPropertyValueWithSchema: the first variant whose property (or primitive
 * extension `_prop`) is set decides; a primitive extension is merged into its value the way
 * medplum does (a String or Number object carrying `extension`); an empty value counts as absent.
 */
function resolve(obj: Json, p: Property, from = 0): [unknown, Variant] | undefined {
  for (let i = from; i < p.variants.length; i++) {
    const v = p.variants[i]!;
    let raw = obj[v.prop];
    const ext = obj[v.ext];
    if (raw === undefined && ext === undefined) continue;
    if (ext !== undefined) {
      if (!ext || typeof ext !== 'object' || Array.isArray(ext) || Array.isArray(raw) || (raw !== null && typeof raw === 'object')) throw new Unsupported('primitive extension shape');
      raw = Object.assign(raw ?? {}, ext);
    }
    return present(raw) ? [raw, v] : undefined;
  }
  return undefined;
}

/** medplum's isChoiceOfType: the first capitalised prefix of the key that names a choice element. */
function choiceByPrefix(key: string, plan: TypePlan): Property | undefined {
  let prefix = '';
  for (const part of key.split(/(?=[A-Z])/g)) {
    prefix += part;
    const p = plan.properties.find((x) => x.key === `${prefix}[x]`);
    if (p) return p;
  }
  return undefined;
}

class Walk {
  readonly issues: OperationOutcomeIssue[] = [];
  private readonly resources: Json[] = [];
  private readonly root: TypedValue;

  constructor(root: Json, type: string) {
    this.root = { type, value: root };
  }

  run(plan: TypePlan): void {
    const root = this.root.value as Json;
    checkNulls(root, plan.schema.path, this.issues);
    this.resources.push(root);
    this.invariants(plan.rootInvariants, root, plan.schema.type, Site.root(plan.schema.path));
    this.resources.pop();
    this.object(root, plan, Site.root(plan.schema.path));
  }

  /**
   * medplum visits every element of the type; visiting the object's own keys instead (a Coding has
   * 3 of its 7, a Patient 10 of its 25) finds the same values, and the required elements that no
   * key names are the missing ones.
   */
  private object(obj: Json, plan: TypePlan, site: Site): void {
    const isResource = 'resourceType' in obj;
    if (isResource) this.resources.push(obj);
    const keys = Object.keys(obj);
    let visited: Property[] | undefined;
    for (let k = 0; k < keys.length; k++) {
      const at = plan.variantAt.get(keys[k]!);
      if (at === undefined) continue;
      const p = at.property;
      if (visited?.includes(p)) continue;
      (visited ??= []).push(p);
      // Several keys may name one element (name and _name; valueString and valueQuantity): the
      // earliest variant in the element's type order that any of them names is where medplum starts.
      let from = at.index;
      for (let j = k + 1; j < keys.length; j++) {
        const other = plan.variantAt.get(keys[j]!);
        if (other?.property === p && other.index < from) from = other.index;
      }
      this.property(obj, p, plan, site, resolve(obj, p, from));
    }
    for (const p of plan.required) if (!visited?.includes(p)) this.issue(`${site.value}.${p.key}`, 'Missing required property');
    this.additional(obj, keys, plan, site);
    if (isResource) this.resources.pop();
  }

  private property(obj: Json, p: Property, plan: TypePlan, site: Site, found: [unknown, Variant] | undefined): void {
    const e = p.element;
    if (found === undefined) {
      if (e.min > 0) this.issue(`${site.value}.${p.key}`, 'Missing required property');
      return;
    }
    const [raw, variant] = found;
    let type = variant.type;
    if (type === 'Element' || type === 'BackboneElement') type = e.type[0]!.code;
    const many = Array.isArray(raw);
    const values = many ? (raw as unknown[]) : [raw];
    // medplum's visitProperty stops at a shape error, but its crawl still enters every object value.
    let checked = true;
    const child = new Site(site, p.key);
    if (e.isArray !== many) {
      this.issue(child.crawl, e.isArray ? 'Expected array of values for property' : 'Expected single value for property');
      checked = false;
    } else if (values.length < e.min || values.length > e.max) {
      this.issue(e.path, `Invalid number of values: expected ${e.min}..${Number.isFinite(e.max) ? e.max : '*'}, but found ${values.length}`);
    }
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const at = many ? new Site(site, p.key, i) : child;
      let vType = type;
      if (vType === 'Resource') {
        if (!v || typeof v !== 'object' || !('resourceType' in v)) throw new Unsupported('resource without resourceType');
        vType = String((v as Json)['resourceType']);
        if (!tryGetDataType(vType)) throw new Unsupported('unknown resource type');
      }
      if (variant.primitive) {
        if (checked) {
          if (p.invariants.length > 0) this.invariants(p.invariants, v, vType, at);
          this.primitive(v, vType, at);
        }
        continue;
      }
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Unsupported('non-object value for a complex type');
      if (checked) {
        if (p.invariants.length > 0) this.invariants(p.invariants, v, vType, at);
        if (p.references && p.references.types !== 'any' && vType === 'Reference') this.referenceType(v as Json, p.references, at);
        if (!present(v)) this.issue(at.value, 'Invalid empty non-primitive value');
      }
      this.object(v as Json, planFor(plan.schema, vType), at);
    }
  }

  private additional(obj: Json, keys: readonly string[], plan: TypePlan, site: Site): void {
    for (const key of keys) {
      if (key === 'resourceType' || plan.simple.has(key)) continue;
      const extension = key.startsWith('_');
      const name = extension ? key.slice(1) : key;
      const choice = plan.choiceOf.get(name) ?? choiceByPrefix(name, plan);
      if (choice && resolve(obj, choice) !== undefined) continue;
      if (extension && plan.simple.has(name)) continue;
      if (obj[key] !== undefined) this.issue(`${site.value}.${key}`, `Invalid additional property "${key}"`);
    }
  }

  private invariants(list: readonly Invariant[], value: unknown, type: string, site: Site): void {
    for (const inv of list) {
      if (inv.shortcut?.(value) === true) continue;
      if (!this.holds(inv, value, type, site)) {
        this.issues.push({ severity: 'error', code: 'invariant', details: { text: `Constraint ${inv.key} not met: ${inv.description}` }, expression: [site.value], diagnostics: JSON.stringify({ fhirpath: inv.expression }) });
        return;
      }
    }
  }

  private holds(inv: Invariant, value: unknown, type: string, site: Site): boolean {
    const context: TypedValue = { type, value };
    const variables: Record<string, TypedValue> = { '%context': context, '%ucum': UCUM, '%rootResource': this.root };
    const current = this.resources.at(-1);
    if (current) variables['%resource'] = toTypedValue(current);
    try {
      const result = evalFhirPathTyped(inv.atom, [context], variables);
      return result.length === 1 && result[0]!.value === true;
    } catch (err) {
      this.issues.push({ severity: 'error', code: 'processing', details: { text: 'Error evaluating invariant expression' }, expression: [site.value], diagnostics: JSON.stringify({ fhirpath: inv.expression, error: (err as Error).message }) });
      return false;
    }
  }

  private referenceType(ref: Json, references: NonNullable<Property['references']>, site: Site): void {
    const reference = ref['reference'];
    if (typeof reference !== 'string' || reference.charCodeAt(0) === 0x23) return;
    const query = reference.indexOf('?');
    const slash = reference.indexOf('/');
    const end = query !== -1 ? query : slash !== -1 ? slash : reference.length;
    const type = reference.slice(0, end);
    if (!type || (references.types as ReadonlySet<string>).has(type)) return;
    this.issues.push({ severity: 'warning', code: 'structure', details: { text: `Invalid reference: got "${type}", expected "${references.expected}"` }, expression: [site.value] });
  }

  private primitive(value: unknown, type: string, site: Site): void {
    if (value !== null && typeof value === 'object') {
      // medplum's unpackPrimitiveElement: the primitive inside, then its extensions as an Element.
      const inner: unknown = (value as { valueOf(): unknown }).valueOf();
      const own = inner === value ? new Set<string>() : new Set(Object.keys(inner as object));
      const element = Object.fromEntries(Object.entries(value).filter(([k]) => !own.has(k)));
      if (inner !== value) this.primitive(inner, type, site);
      if (Object.keys(element).length > 0) this.object(element, planOf(getDataType('Element')), Site.root(site.value));
      return;
    }
    if (!(type in fhirTypeToJsType)) return this.issue(site.value, `Invalid JSON type: ${type} is not a valid FHIR type`);
    const expected = fhirTypeToJsType[type as keyof typeof fhirTypeToJsType];
    if (typeof value !== expected) {
      if (value !== null) this.issue(site.value, `Invalid JSON type: expected ${expected}, but got ${typeof value}`);
      return;
    }
    if (type === 'base64Binary') throw new Unsupported('base64Binary');
    if (expected === 'string') this.string(value as string, type, site);
    else if (expected === 'number') this.number(value as number, type, site);
  }

  private string(str: string, type: string, site: Site): void {
    if (!str.trim()) return this.issue(site.value, 'String must contain non-whitespace content');
    if (str.length > 1024 * 1024) return this.issue(site.value, 'String cannot be larger than 1 MB');
    const regex = validationRegexes[type];
    if (regex && !regex.exec(str)) this.issue(site.value, `Invalid ${type} format`);
    else if ((type === 'date' || type === 'dateTime' || type === 'instant') && !isCalendarDate(str)) this.issue(site.value, `Invalid ${type} value`);
  }

  private number(n: number, type: string, site: Site): void {
    const integer = type === 'integer' || type === 'positiveInt' || type === 'unsignedInt';
    if (Number.isNaN(n) || !Number.isFinite(n)) this.issue(site.value, 'Invalid numeric value');
    else if (integer && !Number.isInteger(n)) this.issue(site.value, 'Expected number to be an integer');
    else if (type === 'integer' && (n < INTEGER_MIN || n > INTEGER_MAX)) this.issue(site.value, `Expected number to be in the range ${INTEGER_MIN}..${INTEGER_MAX}`);
    else if (type === 'positiveInt' && (n < 1 || n > INTEGER_MAX)) this.issue(site.value, `Expected number to be in the range 1..${INTEGER_MAX}`);
    else if (type === 'unsignedInt' && (n < 0 || n > INTEGER_MAX)) this.issue(site.value, `Expected number to be in the range 0..${INTEGER_MAX}`);
  }

  private issue(path: string, text: string): void {
    this.issues.push({ severity: 'error', code: 'structure', details: { text }, expression: [path] });
  }
}

/** medplum's isValidCalendarDate: the day exists in its month. */
function isCalendarDate(str: string): boolean {
  if (str.length < 10) return true;
  const year = Number.parseInt(str.substring(0, 4), 10);
  const month = Number.parseInt(str.substring(5, 7), 10);
  const day = Number.parseInt(str.substring(8, 10), 10);
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** medplum's checkObjectForNull: nulls anywhere (but beside a primitive extension) and holes in arrays. */
function checkNulls(obj: Json, path: string, issues: OperationOutcomeIssue[]): void {
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    const at = `${path}.${key}`;
    if (value === null) {
      issues.push({ severity: 'error', code: 'structure', details: { text: 'Invalid null value' }, expression: [at] });
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item === undefined) issues.push({ severity: 'error', code: 'structure', details: { text: 'Invalid undefined value' }, expression: [`${at}[${i}]`] });
        else if (item === null) throw new Unsupported('null in an array');
        else if (typeof item === 'object') checkNulls(item as Json, `${at}[${i}]`, issues);
      }
    } else if (typeof value === 'object') {
      checkNulls(value as Json, at, issues);
    }
  }
}

/**
 * medplum's validateResource issues for one resource, or undefined when its shape is one this walk
 * leaves to medplum (see the top of this file). Unlike validateResource it returns errors instead
 * of throwing them.
 */
export function compiledValidate(resource: Resource): OperationOutcomeIssue[] | undefined {
  const schema = tryGetDataType(resource.resourceType);
  if (!schema) return undefined;
  try {
    const walk = new Walk(resource as unknown as Json, resource.resourceType);
    walk.run(planOf(schema));
    return walk.issues;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}
