/**
 * The Lua of the Redis bus. `append` runs as one script so ordering, idempotency, the recovery
 * buffer, the hand-off and the publication happen together or not at all: every read and check
 * comes before the first write, and nothing after it can fail on valid keys (Redis refuses a
 * writing script up front when it is out of memory).
 */

/**
 * KEYS: 1 seq counter, 2 recovery buffer, 3 nonce record, 4 hand-off stream.
 * ARGV: 1 draft JSON (without seq), 2 floor seq or "", 3 nonce TTL ms or "" (no nonce),
 * 4 buffer size, 5 buffer TTL ms, 6 channel, 7 group id as a JSON string, 8 hand-off backlog bound.
 * Returns {"appended", json} | {"duplicate", json} | {"need_floor"} | {"backlog_full"}.
 *
 * The hand-off stream is never trimmed: acknowledged entries are deleted (XDEL), so its length is
 * the backlog of messages not yet in the store. When that reaches the bound (the store has been
 * down long), new messages are refused rather than an unpersisted one dropped; a repeated nonce
 * is still answered, since it adds nothing.
 *
 * The message JSON is spliced (`{"seq":N,` + the draft's fields) rather than decoded and
 * re-encoded with cjson, so it is byte for byte what JavaScript serialised: cjson would escape
 * "/" and could print large numbers in exponent form.
 */
export const appendLua = `
if ARGV[3] ~= '' then
  local prior = redis.call('GET', KEYS[3])
  if prior then return {'duplicate', prior} end
end
if redis.call('XLEN', KEYS[4]) >= tonumber(ARGV[8]) then return {'backlog_full'} end
local counter = redis.call('GET', KEYS[1])
if not counter and ARGV[2] == '' then return {'need_floor'} end
local base = tonumber(counter or '0')
if ARGV[2] ~= '' then base = math.max(base, tonumber(ARGV[2])) end
if not counter then
  -- The counter is gone (evicted, lost) but the buffer may remember later seqs than the floor.
  local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  if last[2] then base = math.max(base, tonumber(last[2])) end
end
local seq = string.format('%d', base + 1)
local message = '{"seq":' .. seq .. ',' .. string.sub(ARGV[1], 2)
redis.call('SET', KEYS[1], seq)
if ARGV[3] ~= '' then redis.call('SET', KEYS[3], message, 'PX', ARGV[3]) end
redis.call('ZADD', KEYS[2], seq, message)
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[4]) + 1))
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('XADD', KEYS[4], '*', 'message', message)
redis.call('PUBLISH', ARGV[6], '{"kind":"message","group_id":' .. ARGV[7] .. ',"message":' .. message .. '}')
return {'appended', message}
`;
