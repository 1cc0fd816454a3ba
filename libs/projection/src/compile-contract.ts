import { ConduitError } from '@conduit/errors';
import type { SubscriberContract } from './contract.ts';
import { choiceKey, loadElementIndex, type ElementDef, type ElementIndex } from './element-index.ts';
import { buildAllowTree, checkAllowPath, type AllowTree } from './allow-paths.ts';
import { tokenDomainOf } from './contract-rules.ts';
import { SAFE_HARBOR_BASIS, generalizeZip, loadRestrictedZip3, maxAgeAt, yearOf } from './safe-harbor.ts';
import type { CompiledContract, Field, IdentifierNode, ObjectNode, PlanNode, ReferenceNode, RemovedElement, ResourcePlan, ValueNode } from './plan.ts';

export interface CompileOptions {
  readonly elements?: ElementIndex;
  /** Census three-digit ZIP areas of 20,000 people or fewer; defaults to data/restricted-zip3.json. */
  readonly restrictedZip3?: ReadonlySet<string>;
}

/** Data types whose every element identifies a person: removed whole under Safe Harbor. */
const SAFE_HARBOR_REMOVED_TYPES: Readonly<Record<string, string>> = {
  HumanName: SAFE_HARBOR_BASIS.names,
  ContactPoint: SAFE_HARBOR_BASIS.telecom,
  Attachment: SAFE_HARBOR_BASIS.images,
  Signature: SAFE_HARBOR_BASIS.images,
  Narrative: SAFE_HARBOR_BASIS.freeText,
  Annotation: SAFE_HARBOR_BASIS.freeText,
};

/**
 * Under Safe Harbor every string is free text that may carry a name (Coding.display and
 * CodeableConcept.text included: HL7 v2 OBX-3.2 and local codes carry whatever the sender typed),
 * except these, whose content is a unit or a place no smaller than a state.
 */
const SAFE_HARBOR_STRINGS = new Set([
  'Quantity.unit', 'Age.unit', 'Count.unit', 'Distance.unit', 'Duration.unit',
  'Address.state', 'Address.country', 'Coding.version',
]);
/** URIs that name a code system, not a person or a host (164.514(b)(2)(i)(N),(O)). */
const SAFE_HARBOR_URIS = new Set(['Coding.system', 'Quantity.system', 'Age.system', 'Count.system', 'Distance.system', 'Duration.system']);

const keep: ValueNode['apply'] = (v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : undefined);

/**
 * Compiles a (schema- and rule-checked) contract into its plan: once per contract at start-up, never
 * per event. The FHIR element index drives it, so every element is handled by its declared type:
 * a date is a date wherever it sits, an Identifier is tokenized wherever it sits.
 */
export function compileContract(contract: SubscriberContract, options: CompileOptions = {}): CompiledContract {
  const elements = options.elements ?? loadElementIndex();
  const restrictedZip3 = options.restrictedZip3 ?? loadRestrictedZip3().set;
  const p = contract.projection;
  const safeHarbor = p.deidentification === 'safe-harbor';
  const identifiers = p.identifiers ?? (safeHarbor ? 'remove' : 'tokenize');
  const tokenDomain = tokenDomainOf(contract);
  const formatPreserving = p.tokenize?.formatPreserving === true && !safeHarbor;
  const visible = new Set(Object.keys(p.allow));
  const memo = new Map<string, ObjectNode>();

  const identifierNode = (): IdentifierNode => ({
    kind: 'identifier',
    treatment: formatPreserving ? 'format-preserving token' : 'token',
    typeNode: fullObject('CodeableConcept'),
  });

  const referenceNode = (el: ElementDef): ReferenceNode => {
    const declared = el.targets.length === 0 || el.targets.includes('Resource') ? [...visible] : el.targets.filter((t) => visible.has(t));
    return { kind: 'reference', targets: new Set(declared), identifier: identifiers === 'tokenize' ? identifierNode() : undefined };
  };

  const valueNode = (owner: string, name: string, primitive: string): ValueNode | RemovedElement => {
    if (!safeHarbor) return { kind: 'value', primitive, treatment: 'as-is', apply: keep };
    switch (primitive) {
      case 'date':
      case 'dateTime':
        if (name === 'birthDate') {
          return {
            kind: 'value', primitive, treatment: 'birth-year, or removed at 90+', basis: SAFE_HARBOR_BASIS.ages,
            apply: (v, _parent, ctx) => {
              if (typeof v !== 'string') return undefined;
              const age = maxAgeAt(v, ctx.referenceDate);
              if (age === undefined) return undefined;
              if (age >= 90) {
                ctx.ageOver89 = true;
                return undefined;
              }
              return yearOf(v);
            },
          };
        }
        return { kind: 'value', primitive, treatment: 'year-only', basis: SAFE_HARBOR_BASIS.dates, apply: (v) => (typeof v === 'string' ? yearOf(v) : undefined) };
      case 'instant':
      case 'time':
        return { key: name, reason: `${primitive} cannot be reduced to a year`, basis: SAFE_HARBOR_BASIS.dates };
      case 'string':
      case 'markdown':
        if (owner === 'Address' && name === 'postalCode') {
          return {
            kind: 'value', primitive, treatment: 'zip3', basis: SAFE_HARBOR_BASIS.geography,
            apply: (v, parent) => (typeof v === 'string' ? generalizeZip(v, parent['country'], restrictedZip3) : undefined),
          };
        }
        if (SAFE_HARBOR_STRINGS.has(`${owner}.${name}`)) return { kind: 'value', primitive, treatment: 'as-is', apply: keep };
        if (owner === 'Address') return { key: name, reason: 'smaller than a state', basis: SAFE_HARBOR_BASIS.geography };
        return { key: name, reason: 'free text', basis: SAFE_HARBOR_BASIS.freeText };
      case 'uri':
      case 'url':
      case 'oid':
      case 'uuid':
        if (SAFE_HARBOR_URIS.has(`${owner}.${name}`)) return { kind: 'value', primitive, treatment: 'as-is', apply: keep };
        return { key: name, reason: 'URL or identifying code', basis: SAFE_HARBOR_BASIS.addresses };
      case 'id':
        return { key: name, reason: 'identifying code', basis: SAFE_HARBOR_BASIS.identifiers };
      case 'base64Binary':
        return { key: name, reason: 'binary content (images, biometrics)', basis: SAFE_HARBOR_BASIS.images };
      case 'xhtml':
        return { key: name, reason: 'free text', basis: SAFE_HARBOR_BASIS.freeText };
      default:
        return { kind: 'value', primitive, treatment: 'as-is', apply: keep };
    }
  };

  /** The node for one element of `owner` with one of its types; `sub` restricts children (nested allowlist paths). */
  const nodeFor = (owner: string, el: ElementDef, type: string, key: string, sub: AllowTree | undefined): PlanNode | RemovedElement => {
    if (type === 'Identifier') {
      return identifiers === 'remove' ? { key, reason: 'identifiers are removed by this contract', ...(safeHarbor ? { basis: SAFE_HARBOR_BASIS.identifiers } : {}) } : identifierNode();
    }
    if (type === 'Reference') {
      const node = referenceNode(el);
      if (node.targets.size === 0) return { key, reason: `references only ${el.targets.join(', ')}, which this contract does not receive` };
      return node;
    }
    if (elements.isPrimitiveType(type)) return valueNode(owner, el.name, type);
    if (safeHarbor) {
      const basis = SAFE_HARBOR_REMOVED_TYPES[type];
      if (basis) return { key, reason: `${type} identifies a person or carries free text`, basis };
    }
    return sub && !sub.full ? restrictedObject(type, sub) : fullObject(type);
  };

  const addElement = (node: ObjectNode, owner: string, el: ElementDef, sub: AllowTree | undefined, onlyType?: string) => {
    const types = onlyType ? [onlyType] : el.types;
    for (const type of types) {
      const key = el.isChoice ? choiceKey(el, type) : el.name;
      const made = nodeFor(owner, el, type, key, sub);
      if ('kind' in made) node.fields.push({ key, array: el.isArray, node: made } satisfies Field);
      else node.removed.push({ ...made, key });
    }
  };

  /** Elements never delivered, whatever the allowlist: they are not listed in a plan's removed elements. */
  const skipped = (el: ElementDef) => el.name === 'id' || el.name === 'extension' || el.name === 'modifierExtension' || el.types.includes('Resource');

  function newObject(type: string): ObjectNode {
    return { kind: 'object', type, fields: [], removed: [], capAge: safeHarbor && type === 'Age' };
  }

  function fullObject(type: string): ObjectNode {
    const known = memo.get(type);
    if (known) return known;
    const node = newObject(type);
    memo.set(type, node);
    for (const el of elements.elementsOf(type) ?? []) if (!skipped(el)) addElement(node, type, el, undefined);
    return node;
  }

  function restrictedObject(type: string, tree: AllowTree): ObjectNode {
    const node = newObject(type);
    for (const [seg, sub] of tree.children) {
      if (seg === 'id' && elements.isResourceType(type)) continue; // the resource id is always delivered, as a pseudonym
      const resolved = elements.resolveSegment(type, seg);
      if (!resolved || skipped(resolved.element)) throw new ConduitError('CDT_CONTRACT_INVALID', `${contract.id}: ${type}.${seg} cannot be compiled`);
      addElement(node, type, resolved.element, sub, resolved.choiceType);
    }
    return node;
  }

  const resources = new Map<string, ResourcePlan>();
  for (const [resourceType, paths] of Object.entries(p.allow)) {
    for (const path of paths) {
      const reason = elements.isResourceType(resourceType) ? checkAllowPath(elements, resourceType, path) : 'not a resource type';
      if (reason) throw new ConduitError('CDT_CONTRACT_INVALID', `${contract.id}: /projection/allow/${resourceType} ${path}: ${reason}`);
    }
    const root = restrictedObject(resourceType, buildAllowTree(paths));
    const ageCategory = safeHarbor && resourceType === 'Patient' && root.fields.some((f) => f.key === 'birthDate');
    resources.set(resourceType, { resourceType, root, ageCategory });
  }

  return {
    contract,
    tokenDomain,
    tokenSystem: `urn:conduit:token:${tokenDomain}`,
    deidentification: safeHarbor ? 'safe-harbor' : 'none',
    identifiers,
    identifierTypes: p.identifierTypes && identifiers === 'tokenize' ? new Set(p.identifierTypes) : undefined,
    formatPreserving,
    resources,
    allowedCategories: new Set(p.sensitiveCategories ?? []),
  };
}

