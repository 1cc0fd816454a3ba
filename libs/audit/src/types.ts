/** What happened: the operator action succeeded, was refused, or failed part-way. */
export type AuditOutcome = 'success' | 'denied' | 'failed';

/** Who acted: the token's subject and client (an OAuth client id), or a service for disclosures. */
export interface AuditActor {
  readonly subject: string;
  readonly clientId?: string;
}

/** Values an entry may carry beside its fixed fields: ids, codes, counts and flags, never message content. */
export type AuditDetail = string | number | boolean | readonly string[];

/**
 * One audit event before it is chained: an operator action (kind "action"), a disclosure to a
 * subscriber (kind "disclosure"), or something the engine did on its own, such as a TTL purge
 * (kind "system"). It holds ids, codes and counts; PHI never goes in, and `reason` is the
 * operator's stated purpose.
 */
export interface AuditEntry {
  readonly kind: 'action' | 'disclosure' | 'system';
  /** Unique per entry (UUID); the chainer drops a second submission of the same id. */
  readonly id: string;
  readonly at: string;
  /** The service that submitted the entry. */
  readonly service: string;
  readonly actor: AuditActor;
  readonly sourceAddress?: string;
  readonly action: string;
  readonly targets: readonly string[];
  readonly reason?: string;
  readonly outcome: AuditOutcome;
  /** Catalog code of a refusal or failure. */
  readonly code?: string;
  readonly details?: Readonly<Record<string, AuditDetail>>;
}

/**
 * An entry as it sits on conduit.audit.v1: numbered, and bound to the previous record by
 * `prevHash`, so changing, removing or reordering any record breaks every link after it.
 */
export interface ChainedAuditRecord {
  readonly v: 1;
  readonly seq: number;
  readonly chainedAt: string;
  readonly prevHash: string;
  /** sha256(prevHash + "\n" + canonical JSON of { v, seq, chainedAt, inboxOffset, entry }), hex. */
  readonly hash: string;
  /** Offset of the entry in the audit inbox: where the chainer resumes, so nothing is chained twice. */
  readonly inboxOffset?: string;
  readonly entry: AuditEntry;
}

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}
