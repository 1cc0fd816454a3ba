import { capAge } from './safe-harbor.ts';
import type { IdentifierNode, ObjectNode, PlanNode, ReferenceNode, WalkContext } from './plan.ts';

/**
 * Executes a plan on one element. Fail closed: whatever does not have the shape the FHIR definition
 * declares (an object where a string belongs, a single value where an array belongs) is dropped,
 * because a value the plan cannot see into is a value the plan cannot vouch for.
 */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * FHIR R4 §2.4.1.2: modifier extensions change the meaning of the element that carries them and
 * "SHALL NOT be ignored". Extensions never leave, so an element carrying one is dropped whole rather
 * than delivered with a meaning its source did not give it.
 */
export function hasModifierExtension(v: Json): boolean {
  const m = v['modifierExtension'];
  return Array.isArray(m) && m.length > 0;
}

/** `into` receives the delivered elements (a resource's resourceType and id come first). */
export function applyObject(node: ObjectNode, src: unknown, ctx: WalkContext, into?: Json): Json | undefined {
  if (!isObject(src) || hasModifierExtension(src)) return undefined;
  let out: Json | undefined = into;
  const fields = node.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const v = src[f.key];
    if (v === undefined) continue;
    let r: unknown;
    if (f.array) {
      if (!Array.isArray(v)) continue;
      let items: unknown[] | undefined;
      for (const item of v) {
        const x = applyNode(f.node, item, src, ctx);
        if (x !== undefined) (items ??= []).push(x);
      }
      r = items;
    } else {
      r = Array.isArray(v) ? undefined : applyNode(f.node, v, src, ctx);
    }
    if (r !== undefined) (out ??= {})[f.key] = r;
  }
  if (out && node.capAge) return capAge(out);
  return out;
}

function applyNode(node: PlanNode, v: unknown, parent: Json, ctx: WalkContext): unknown {
  switch (node.kind) {
    case 'value':
      return node.apply(v, parent, ctx);
    case 'object':
      return applyObject(node, v, ctx, undefined);
    case 'identifier':
      return applyIdentifier(node, v, ctx);
    case 'reference':
      return applyReference(node, v, ctx);
  }
}

function identifierTypeCodes(type: unknown): string[] {
  if (!isObject(type) || !Array.isArray(type['coding'])) return [];
  return type['coding'].flatMap((c: unknown) => (isObject(c) && typeof c['code'] === 'string' ? [c['code']] : []));
}

/**
 * An Identifier leaves as a token of the subscriber's domain and nothing else of it: no assigner
 * (it names the organization), no period. The token input is the identifier's system, or its
 * assigning authority when the v2 mapping has no system (PID-3.4), so an MRN and an SSN with the
 * same digits get different tokens.
 */
function applyIdentifier(node: IdentifierNode, src: unknown, ctx: WalkContext): Json | undefined {
  if (!isObject(src)) return undefined;
  const value = src['value'];
  if (typeof value !== 'string' || value === '') return undefined;
  const only = ctx.plan.identifierTypes;
  if (only && !identifierTypeCodes(src['type']).some((c) => only.has(c))) return undefined;
  const assigner = src['assigner'];
  const system = typeof src['system'] === 'string' ? src['system'] : isObject(assigner) && typeof assigner['display'] === 'string' ? assigner['display'] : '';
  const out: Json = {};
  if (typeof src['use'] === 'string') out['use'] = src['use'];
  const type = src['type'] === undefined ? undefined : applyObject(node.typeNode, src['type'], ctx, undefined);
  if (type) out['type'] = type;
  out['system'] = ctx.plan.tokenSystem;
  out['value'] = ctx.identifierToken(system, value);
  return out;
}

/**
 * A Reference leaves only if the subscriber may see its target: a resource of a type its contract
 * allows, and, when the target is in the event, one that was not withheld. The id is rewritten to the
 * subscriber's pseudonym; `display` never leaves (it repeats the target's name or text, which the
 * target's own allowlist governs).
 */
function applyReference(node: ReferenceNode, src: unknown, ctx: WalkContext): Json | undefined {
  if (!isObject(src)) return undefined;
  const out: Json = {};
  const ref = src['reference'];
  const type = src['type'];
  if (typeof ref === 'string') {
    const rewritten = ctx.resolveReference(ref, node);
    if (rewritten === undefined) return undefined;
    out['reference'] = rewritten;
    if (typeof type === 'string' && node.targets.has(type)) out['type'] = type;
  } else {
    // A logical reference (identifier only, FHIR R4 §2.3.0.3) needs its type to be checked against the contract.
    if (typeof type !== 'string' || !node.targets.has(type)) return undefined;
    out['type'] = type;
  }
  if (node.identifier && src['identifier'] !== undefined) {
    const id = applyIdentifier(node.identifier, src['identifier'], ctx);
    if (id) out['identifier'] = id;
  }
  return out['reference'] !== undefined || out['identifier'] !== undefined ? out : undefined;
}
