export { canonicalJson } from './canonical-json.ts';
export { GENESIS_HASH, computeLinkHash, linkEntry, headOf } from './chain.ts';
export { createChainVerifier, verifyChain, type ChainVerifier, type ChainReport, type ChainBreak, type ChainBreakReason } from './verify.ts';
export { auditEntrySchema, compileAuditEntryValidator, MAX_AUDIT_TARGETS, MAX_REASON_LENGTH } from './entry-schema.ts';
export { createAuditWriter, auditInboxRecord, AUDIT_INBOX_TOPIC, AUDIT_SCHEMA, type AuditWriter, type AuditWriterOptions, type AuditEntryInput } from './audit-writer.ts';
export type { AuditEntry, AuditActor, AuditOutcome, AuditDetail, ChainedAuditRecord, ChainHead } from './types.ts';
export { disclosureAuditEntry, type DisclosureFacts } from './disclosure-entry.ts';
