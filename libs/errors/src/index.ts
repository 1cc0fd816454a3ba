export { getCatalogEntry, listCatalogCodes, type CatalogEntry, type Hl7ErrorCode } from './catalog.ts';
export { ConduitError, isConduitError } from './conduit-error.ts';
