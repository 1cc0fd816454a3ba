import { getCatalogEntry, type CatalogEntry } from './catalog.ts';

/**
 * The one error class Conduit throws across module boundaries. Its message is the catalog
 * sentence plus a caller detail that must never carry message content (no PHI).
 */
export class ConduitError extends Error {
  readonly code: string;
  readonly entry: CatalogEntry;
  readonly detail: string | undefined;

  constructor(code: string, detail?: string, options?: { cause?: unknown }) {
    const entry = getCatalogEntry(code);
    super(detail ? `${entry.message} (${detail})` : entry.message, options);
    this.name = 'ConduitError';
    this.code = code;
    this.entry = entry;
    this.detail = detail;
  }

  get retriable(): boolean {
    return this.entry.retriable;
  }
}

export function isConduitError(err: unknown): err is ConduitError {
  return err instanceof ConduitError;
}
