import type { ElementDefinition, ElementDefinitionType, StructureDefinition } from '@medplum/fhirtypes';
import { createInvariantCompiler, type Invariant } from './fhir-invariants.ts';
import { PRIMITIVE_TYPES, type PrimitiveType } from './fhir-primitives.ts';

/*
 * The R4 StructureDefinitions compiled once into tables a validator walks: per type (and per
 * BackboneElement, which FHIR treats as a type of its own), every JSON property name it allows
 * with what that property holds. Read from the snapshots as @medplum/core's parseStructureDefinition
 * reads them:
 *
 * - a choice `value[x]` is one JSON property per type (valueQuantity, valueString, …);
 * - an element repeats in JSON (is an array) when its base definition repeats (R4 json.html: "the
 *   cardinality is that of the base definition"), and `min`/`max` are checked on the array;
 * - a primitive `name` may carry its id and extensions in `_name` (R4 json.html#primitive);
 * - a type code `http://hl7.org/fhirpath/System.String` stands for the FHIR type its
 *   structuredefinition-fhir-type extension names; BackboneElement and Element children are
 *   types named after their path (PatientContact), as medplum names them for FHIRPath;
 * - contentReference (Observation.component.referenceRange) reuses the referenced element's table.
 *
 * One place is stricter than the definitions: Resource.id is typed `id` (R4 resource.html#id) where
 * the R4 snapshots say System.String with fhir-type `string`.
 */

export interface ElementSpec {
  /** The element's name in its type: `name`, `value[x]`. */
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly isArray: boolean;
  readonly choice: boolean;
  /** Every JSON property name of the element: `value[x]` → valueQuantity, _valueQuantity, … */
  readonly keys: readonly string[];
  readonly invariants: readonly Invariant[];
  /** Resource types a RESTful Reference here may name; undefined when any may be named. */
  readonly targets: ReadonlySet<string> | undefined;
}

export interface PropertySpec {
  readonly element: ElementSpec;
  /** The FHIR type of the value: Quantity for valueQuantity, PatientContact for Patient.contact. */
  readonly type: string;
  /** Set for a primitive type. */
  readonly primitive: PrimitiveType | undefined;
  /** Set for a datatype or BackboneElement; for a resource (neither this nor primitive) the value's resourceType decides. */
  readonly table: TypeTable | undefined;
  /** `_name`: the id and extensions of the primitive `name`. */
  readonly extensionOf: string | undefined;
}

export interface TypeTable {
  /** Type name, as FHIRPath knows it: Patient, PatientContact, Quantity. */
  readonly name: string;
  readonly isResource: boolean;
  readonly properties: ReadonlyMap<string, PropertySpec>;
  readonly required: readonly ElementSpec[];
  /** The type's own invariants; the validator evaluates them on resources only, as medplum does. */
  readonly invariants: readonly Invariant[];
}

export interface FhirSchema {
  /** The table of a resource type the definitions hold. */
  resource(type: string): TypeTable | undefined;
  readonly resourceTypes: readonly string[];
  /** Element: what `_name` holds. */
  readonly element: TypeTable;
}

const FHIR_TYPE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';
const HL7_PROFILE = 'http://hl7.org/fhir/StructureDefinition/';

interface MutableTable {
  name: string;
  isResource: boolean;
  properties: Map<string, PropertySpec>;
  required: ElementSpec[];
  invariants: readonly Invariant[];
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** medplum's buildTypeName: Patient.contact → PatientContact. */
const typeNameOf = (path: string) => path.split('.').map(capitalize).join('');
const cardinality = (max: string | undefined) => (max === undefined ? 1 : max === '*' ? Number.POSITIVE_INFINITY : Number(max));

function typeCode(ed: ElementDefinition, type: ElementDefinitionType): string {
  const code = type.code ?? '';
  if (ed.base?.path === 'Resource.id') return 'id';
  if (!code.startsWith('http://hl7.org/fhirpath/System.')) return code;
  return type.extension?.find((e) => e.url === FHIR_TYPE_EXTENSION)?.valueUrl ?? code;
}

/** RESTful references (Type/id) here may name these types; undefined when Resource (any) is a target. */
function referenceTargets(ed: ElementDefinition): ReadonlySet<string> | undefined {
  const profiles = ed.type?.find((t) => t.code === 'Reference')?.targetProfile;
  if (!profiles || profiles.includes(`${HL7_PROFILE}Resource`)) return undefined;
  return new Set(profiles.filter((p) => p.startsWith(HL7_PROFILE)).map((p) => p.slice(HL7_PROFILE.length)));
}

/**
 * Compiles the datatypes and resources given (their snapshots); throws on what this validator
 * does not implement (slices, fixed values, patterns: profiles, which base R4 definitions are not).
 */
export function compileFhirSchema(datatypes: readonly StructureDefinition[], resources: readonly StructureDefinition[], options: { readonly proofs?: boolean } = {}): FhirSchema {
  const tables = new Map<string, MutableTable>();
  const byPath = new Map<string, MutableTable>();
  const pending: (() => void)[] = [];
  const extensionSd = datatypes.find((sd) => sd.type === 'Extension');
  const valueKeys = new Set(
    (extensionSd?.snapshot?.element.find((e) => e.path === 'Extension.value[x]')?.type ?? []).map((t) => `value${capitalize(t.code ?? '')}`),
  );
  const compileInvariants = createInvariantCompiler(valueKeys, options.proofs ?? true);

  const tableFor = (name: string, isResource: boolean, path: string, invariants: readonly Invariant[]): MutableTable => {
    const table: MutableTable = { name, isResource, properties: new Map(), required: [], invariants };
    byPath.set(path, table);
    return table;
  };

  for (const sd of [...datatypes, ...resources]) {
    const elements = sd.snapshot?.element ?? [];
    const root = elements[0];
    if (sd.kind === 'primitive-type') {
      if (!PRIMITIVE_TYPES.has(sd.type ?? '')) throw new Error(`primitive type ${sd.type} is not implemented`);
      continue;
    }
    if (!root || !sd.type) throw new Error(`StructureDefinition ${sd.url} has no snapshot`);
    const table = tableFor(sd.type, sd.kind === 'resource', root.path ?? sd.type, compileInvariants(root.constraint));
    tables.set(sd.type, table);
    for (let i = 1; i < elements.length; i++) {
      const ed = elements[i]!;
      const path = ed.path ?? '';
      if (ed.sliceName || ed.id?.includes(':') || ed.slicing?.discriminator?.some((d) => d.path !== 'url')) throw new Error(`${path}: slices are not supported`);
      if (Object.keys(ed).some((k) => k.startsWith('fixed') || k.startsWith('pattern'))) throw new Error(`${path}: fixed values and patterns are not supported`);
      const dot = path.lastIndexOf('.');
      const owner = byPath.get(path.slice(0, dot));
      if (!owner) throw new Error(`${path}: no parent element`);
      const name = path.slice(dot + 1);
      const choice = name.endsWith('[x]');
      const base = choice ? name.slice(0, -3) : name;
      const max = cardinality(ed.max);
      const types = ed.type ?? [];
      const keyOf = (t: ElementDefinitionType) => (choice ? base + capitalize(t.code ?? '') : base);
      const keys = ed.contentReference ? [base] : types.flatMap((t) => (PRIMITIVE_TYPES.has(typeCode(ed, t)) ? [keyOf(t), `_${keyOf(t)}`] : [keyOf(t)]));
      const element: ElementSpec = {
        name,
        min: ed.min ?? 0,
        max,
        isArray: cardinality(ed.base?.max ?? ed.max) > 1,
        choice,
        keys,
        invariants: compileInvariants(ed.constraint),
        targets: referenceTargets(ed),
      };
      if (element.min > 0) owner.required.push(element);
      const hasChildren = elements[i + 1]?.path?.startsWith(`${path}.`) === true;
      if (ed.contentReference) {
        const target = ed.contentReference.slice(ed.contentReference.indexOf('#') + 1);
        pending.push(() => {
          const table = byPath.get(target);
          if (!table) throw new Error(`${path}: contentReference ${target} not found`);
          owner.properties.set(base, { element, type: table.name, primitive: undefined, table, extensionOf: undefined });
        });
        continue;
      }
      for (const t of types) {
        const code = typeCode(ed, t);
        const key = keyOf(t);
        if (code === 'BackboneElement' || code === 'Element') {
          if (!hasChildren) throw new Error(`${path}: ${code} without children`);
          const inner = tableFor(typeNameOf(ed.base?.path ?? path), false, path, compileInvariants(undefined));
          owner.properties.set(key, { element, type: inner.name, primitive: undefined, table: inner, extensionOf: undefined });
          continue;
        }
        const primitive = PRIMITIVE_TYPES.get(code);
        if (primitive) {
          owner.properties.set(key, { element, type: code, primitive, table: undefined, extensionOf: undefined });
          owner.properties.set(`_${key}`, { element, type: code, primitive, table: undefined, extensionOf: key });
          continue;
        }
        // Resource, or a resource type (Bundle.entry.response.outcome): the value's resourceType decides.
        pending.push(() => {
          const table = tables.get(code);
          owner.properties.set(key, { element, type: code, primitive: undefined, table: table?.isResource ? undefined : table, extensionOf: undefined });
        });
      }
    }
  }
  for (const resolve of pending) resolve();
  const element = tables.get('Element');
  if (!element) throw new Error('the R4 datatypes lack Element');
  const resourceTypes = resources.map((sd) => sd.type ?? '');
  return {
    resource: (type) => {
      const table = tables.get(type);
      return table?.isResource ? table : undefined;
    },
    resourceTypes,
    element,
  };
}
