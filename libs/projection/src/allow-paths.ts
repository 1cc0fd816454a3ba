import type { ElementIndex } from './element-index.ts';

/**
 * An allowlist as a tree: `contact.relationship` and `contact.gender` become one `contact` node with
 * two children; a bare `contact` makes the node full (every child, subject to the projection rules).
 */
export interface AllowTree {
  full: boolean;
  readonly children: Map<string, AllowTree>;
}

export function buildAllowTree(paths: readonly string[]): AllowTree {
  const root: AllowTree = { full: false, children: new Map() };
  for (const path of paths) {
    let node = root;
    for (const seg of path.split('.')) {
      let child = node.children.get(seg);
      if (!child) node.children.set(seg, (child = { full: false, children: new Map() }));
      node = child;
    }
    node.full = true;
  }
  return root;
}

/** Elements that carry content the FHIR definition does not describe, or whole other resources. */
const NEVER = {
  extension: 'extensions are never delivered: their content is not described by the FHIR definition, so it can be neither checked nor published',
  contained: 'nested resources are never delivered: they would bypass the per-resource-type allowlist and sensitive-data segmentation',
  elementId: 'element ids are internal to the source and never delivered',
} as const;

/**
 * Why an allowlist path cannot be used for a resource type, or undefined when it can. Checked
 * against the FHIR R4 element index, so `Patient.birthdate` (lower-case d) stops the contract.
 */
export function checkAllowPath(elements: ElementIndex, resourceType: string, path: string): string | undefined {
  const segs = path.split('.');
  let type = resourceType;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const where = i === 0 ? resourceType : `${resourceType}.${segs.slice(0, i).join('.')} (${type})`;
    const resolved = elements.resolveSegment(type, seg);
    if (!resolved) return `"${seg}" is not an element of ${where} in FHIR R4`;
    const el = resolved.element;
    if (el.name === 'extension' || el.name === 'modifierExtension') return NEVER.extension;
    if (el.name === 'contained' || el.types.includes('Resource')) return NEVER.contained;
    if (el.name === 'id' && i > 0) return NEVER.elementId;
    if (i === segs.length - 1) return undefined;
    let next: string;
    if (resolved.choiceType) next = resolved.choiceType;
    else if (el.isChoice) return `"${seg}" has several types; name one (e.g. "${el.name.slice(0, -3)}${capitalize(el.types[0] ?? '')}") before a child element`;
    else next = el.types[0] ?? '';
    if (elements.isPrimitiveType(next)) return `"${seg}" is a ${next}; it has no child elements`;
    if (next === 'Identifier' || next === 'Reference') {
      return `"${seg}" is delivered whole (${next === 'Identifier' ? 'as a token' : 'as a pseudonymous reference'}); list "${segs.slice(0, i + 1).join('.')}" instead`;
    }
    type = next;
  }
  return undefined;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
