import { getCatalogEntry } from '@conduit/errors';

/** RFC 9457 problem details, typed by our error catalog. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly code: string;
  readonly remediation: string;
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemFor(code: string, options: { detail?: string; instance?: string; status?: number; extensions?: Record<string, unknown> } = {}): ProblemDocument {
  const entry = getCatalogEntry(code);
  return {
    type: `https://conduit.dev/errors/${code}`,
    title: entry.message,
    status: options.status ?? entry.http,
    code,
    remediation: entry.remediation,
    ...(options.detail ? { detail: options.detail } : {}),
    ...(options.instance ? { instance: options.instance } : {}),
    ...(options.extensions ?? {}),
  };
}
