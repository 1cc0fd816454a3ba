import catalogJson from '../../../schemas/error-catalog.json' with { type: 'json' };

export type Hl7ErrorCode = '0' | '100' | '101' | '102' | '103' | '104' | '200' | '201' | '202' | '203' | '204' | '205' | '206' | '207';

export interface CatalogEntry {
  readonly code: string;
  readonly hl7: Hl7ErrorCode;
  readonly severity: 'E' | 'W' | 'I';
  readonly ack: 'AE' | 'AR';
  readonly http: number;
  readonly retriable: boolean;
  readonly message: string;
  readonly remediation: string;
}

const entries = new Map<string, CatalogEntry>(
  (catalogJson.errors as CatalogEntry[]).map((e) => [e.code, Object.freeze(e)]),
);

/** Every catalogued code; tests compare this list with the codes the source uses. */
export function listCatalogCodes(): string[] {
  return [...entries.keys()];
}

export function getCatalogEntry(code: string): CatalogEntry {
  const entry = entries.get(code);
  if (!entry) throw new Error(`error code ${code} is not in schemas/error-catalog.json`);
  return entry;
}
