/**
 * Redis keys of fanout, per subscriber. The `{subscriber}` hash tag keeps one subscriber's keys in
 * one Redis Cluster slot, so each Lua script touches a single slot. Keys hold subscriber ids,
 * delivery ids (event-id hashes) and patient tokens only, never an identifier from a message.
 */
export interface FanoutKeys {
  /** INCR counter: the subscriber's events since its subscription started. */
  readonly sequence: string;
  /** HASH deliveryId → sequence, for pull-only deliveries assigned but not yet published. */
  readonly pending: string;
  /** SET of lanes (patient tokens) that hold queued webhook deliveries. */
  readonly lanes: string;
  /** Counter of webhook deliveries queued and not yet delivered or failed (queue depth). */
  readonly queued: string;
  /** HASH: one delivery's state, and its body while queued. */
  state(deliveryId: string): string;
  /** LIST of delivery ids of one patient, head first: only the head is ever in flight. */
  lane(lane: string): string;
}

export function fanoutKeys(prefix: string, subscriber: string): FanoutKeys {
  const base = `${prefix}:fanout:{${subscriber}}`;
  return {
    sequence: `${base}:seq`,
    pending: `${base}:pending`,
    lanes: `${base}:lanes`,
    queued: `${base}:queued`,
    state: (deliveryId) => `${base}:d:${deliveryId}`,
    lane: (lane) => `${base}:lane:${lane}`,
  };
}
