import type { DeidentificationMode, SubscriberContract } from './contract.ts';

/**
 * A compiled contract: per resource type, a tree of plan nodes that says for every element that can
 * leave what happens to it. Compiled once per contract (compile-contract.ts), executed per event
 * (apply-plan.ts) and described to the privacy officer (describe-contract.ts) from the same tree, so
 * the published contract is exactly what the code does.
 */

/** How one delivered element is treated. */
export type Treatment =
  | 'as-is'
  | 'year-only'
  | 'birth-year, or removed at 90+'
  | 'zip3'
  | 'token'
  | 'format-preserving token'
  | 'pseudonymous reference'
  | 'pseudonymous id'
  | 'age capped at 90';

export interface WalkContext {
  readonly plan: CompiledContract;
  /** The event time ages are computed at (45 CFR 164.514(b)(2)(i)(C)). */
  readonly referenceDate: string;
  /** Set by a Safe Harbor birth date of someone 90 or older; read and reset per resource. */
  ageOver89: boolean;
  identifierToken(system: string, value: string): string;
  /** The rewritten reference, or undefined when the subscriber may not see the target. */
  resolveReference(reference: string, node: ReferenceNode): string | undefined;
}

export type ValueFn = (value: unknown, parent: Readonly<Record<string, unknown>>, ctx: WalkContext) => unknown;

export interface ValueNode {
  readonly kind: 'value';
  readonly primitive: string;
  readonly treatment: Treatment;
  readonly basis?: string;
  readonly apply: ValueFn;
}

export interface ObjectNode {
  readonly kind: 'object';
  readonly type: string;
  /** Filled after creation so that recursive types (QuestionnaireItem.item) can point at themselves. */
  readonly fields: Field[];
  readonly removed: RemovedElement[];
  /** Safe Harbor Age: values of 90 years or more become ">= 90". */
  readonly capAge: boolean;
}

export interface IdentifierNode {
  readonly kind: 'identifier';
  readonly treatment: Treatment;
  /** Identifier.type (a CodeableConcept) goes along so the receiver knows an MR token from a VN token. */
  readonly typeNode: ObjectNode;
}

export interface ReferenceNode {
  readonly kind: 'reference';
  /** Target types the element may reference AND the contract allows; others are removed. */
  readonly targets: ReadonlySet<string>;
  readonly identifier: IdentifierNode | undefined;
}

export type PlanNode = ValueNode | ObjectNode | IdentifierNode | ReferenceNode;

export interface Field {
  /** The JSON property: `birthDate`, `valueQuantity`. */
  readonly key: string;
  readonly array: boolean;
  readonly node: PlanNode;
}

export interface RemovedElement {
  readonly key: string;
  readonly reason: string;
  readonly basis?: string;
}

export interface ResourcePlan {
  readonly resourceType: string;
  readonly root: ObjectNode;
  /** Safe Harbor Patient with birthDate allowed: a suppressed birth date is replaced by the "90+" category. */
  readonly ageCategory: boolean;
}

export interface CompiledContract {
  readonly contract: SubscriberContract;
  readonly tokenDomain: string;
  readonly tokenSystem: string;
  readonly deidentification: DeidentificationMode;
  readonly identifiers: 'tokenize' | 'remove';
  readonly identifierTypes: ReadonlySet<string> | undefined;
  readonly formatPreserving: boolean;
  readonly resources: ReadonlyMap<string, ResourcePlan>;
  readonly allowedCategories: ReadonlySet<string>;
}
