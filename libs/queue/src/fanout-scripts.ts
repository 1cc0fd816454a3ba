/**
 * Lua scripts of the fanout store. Each runs atomically in Redis, which is what makes a sequence
 * number, a lane entry and a delivery state appear together or not at all.
 *
 * State hash fields (KEYS state):
 *   seq status(queued|delivered|failed) attempts lane eventId queuedAt body key
 *   srcTopic srcPartition srcOffset correlationId traceparent replayId
 *   lastAttemptAt firstFailureAt lastFailureAt lastError lastStatus deliveredAt failedAt
 * Times are milliseconds since the epoch.
 */

/**
 * assign: the sequence number of one delivery, idempotent per delivery id.
 *   KEYS  seq pending state lane lanes queued
 *   ARGV  deliveryId push(1|0) lane now field value [field value ...]
 *   reply {seq, created(1|0), laneHead|''}
 * Push deliveries are remembered by their state hash (which also queues them in their patient's
 * lane); pull-only ones by the pending hash until published. Either way a delivery id that was
 * assigned and not yet released gets the same number again, so a Kafka record re-processed after a
 * crash reuses its number: a number is never skipped.
 */
export const ASSIGN = `
if ARGV[2] == '1' then
  local seq = redis.call('HGET', KEYS[3], 'seq')
  if seq then
    return {seq, 0, redis.call('LINDEX', KEYS[4], 0) or ''}
  end
  seq = redis.call('INCR', KEYS[1])
  redis.call('HSET', KEYS[3], 'seq', seq, 'status', 'queued', 'attempts', '0', 'lane', ARGV[3], 'queuedAt', ARGV[4], unpack(ARGV, 5))
  redis.call('RPUSH', KEYS[4], ARGV[1])
  redis.call('SADD', KEYS[5], ARGV[3])
  redis.call('INCR', KEYS[6])
  return {seq, 1, redis.call('LINDEX', KEYS[4], 0) or ''}
end
local seq = redis.call('HGET', KEYS[2], ARGV[1])
if seq then
  return {seq, 0, ''}
end
seq = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], ARGV[1], seq)
return {seq, 1, ''}
`;

/**
 * begin: claims the next attempt of a queued delivery.
 *   KEYS  state
 *   ARGV  maxAttempts now
 *   reply {'missing'} | {'delivered'|'failed'} | {'attempt'|'exhausted', attempts, field, value, ...}
 * The attempt is counted before it is made: an attempt cut short by a crash still counts, so a
 * receiver that kills fanout mid-request cannot be retried forever.
 */
export const BEGIN = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
if status ~= 'queued' then return {status} end
local attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts')) or 0
local kind = 'exhausted'
if attempts < tonumber(ARGV[1]) then
  attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
  redis.call('HSET', KEYS[1], 'lastAttemptAt', ARGV[2])
  kind = 'attempt'
end
local reply = {kind, attempts}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all do reply[#reply + 1] = all[i] end
return reply
`;

/**
 * failure: records a failed attempt of a delivery that is still queued.
 *   KEYS  state
 *   ARGV  code status|'' now
 */
export const FAILURE = `
if redis.call('HGET', KEYS[1], 'status') ~= 'queued' then return 0 end
redis.call('HSETNX', KEYS[1], 'firstFailureAt', ARGV[3])
redis.call('HSET', KEYS[1], 'lastError', ARGV[1], 'lastFailureAt', ARGV[3])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'lastStatus', ARGV[2]) else redis.call('HDEL', KEYS[1], 'lastStatus') end
return 1
`;

/**
 * settle: ends a delivery (if an outcome is given and it is still queued), takes it off the head of
 * its lane, and names the lane's next head.
 *   KEYS  state lane lanes queued
 *   ARGV  deliveryId lane outcome(delivered|failed|'') now ttlMs code|'' status|''
 *   reply nextHead|''
 * Idempotent: settling twice, or settling a delivery that is no longer the head, changes nothing
 * but still returns the current head, which is how a crashed worker's lane is picked up again.
 */
export const SETTLE = `
if ARGV[3] ~= '' and redis.call('HGET', KEYS[1], 'status') == 'queued' then
  if ARGV[3] == 'delivered' then
    redis.call('HSET', KEYS[1], 'status', 'delivered', 'deliveredAt', ARGV[4])
  else
    redis.call('HSET', KEYS[1], 'status', 'failed', 'failedAt', ARGV[4], 'lastError', ARGV[6])
  end
  if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'lastStatus', ARGV[7]) end
  redis.call('HDEL', KEYS[1], 'body')
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  redis.call('DECR', KEYS[4])
end
if redis.call('LINDEX', KEYS[2], 0) == ARGV[1] then redis.call('LPOP', KEYS[2]) end
local head = redis.call('LINDEX', KEYS[2], 0)
if not head then
  redis.call('SREM', KEYS[3], ARGV[2])
  return ''
end
return head
`;
