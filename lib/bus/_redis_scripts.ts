/**
 * The Lua of the Redis bus. Each append runs as one script so ordering, idempotency, the pending
 * state, the recovery buffer, the hand-off and the publication happen together or not at all:
 * every read and check comes before the first write, and nothing after it can fail on valid keys
 * (Redis refuses a writing script up front when it is out of memory).
 *
 * States and events are JSON spliced from strings rather than decoded and re-encoded with cjson,
 * so they are byte for byte what JavaScript serialised (cjson would escape "/" and could print
 * large numbers in exponent form). Every state starts `{"rev":R,"seq":S,` and every event
 * `{"rev":R,"seq":S,"kind":"K",`, so Lua reads those numbers with a pattern.
 */

/**
 * Shared by both appends. KEYS: 1 seq counter, 2 rev counter, 3 recovery buffer, 4 nonce record,
 * 5 hand-off stream, 6 pending states. `floors(argSeq, argRev)` answers the bases of the next seq
 * and rev, or nil when a counter is missing and no floor is given.
 *
 * The hand-off stream is never trimmed: acknowledged entries are deleted (XDEL), so its length is
 * the backlog of events not yet in the store. When that reaches the bound (the store has been
 * down long), new events are refused rather than an unpersisted one dropped; a repeated nonce
 * is still answered, since it adds nothing.
 */
const common = `
local function revOf(json) return string.match(json, '^{"rev":(%d+),') end

local function floors(argSeq, argRev)
  local seqc = redis.call('GET', KEYS[1])
  local revc = redis.call('GET', KEYS[2])
  if (not seqc or not revc) and argSeq == '' and argRev == '' then return nil end
  local seqb = tonumber(seqc or '0')
  local revb = tonumber(revc or '0')
  if argSeq ~= '' then seqb = math.max(seqb, tonumber(argSeq)) end
  if argRev ~= '' then revb = math.max(revb, tonumber(argRev)) end
  if not seqc or not revc then
    -- A counter is gone (evicted, lost) but the buffer and pending states may know later ones.
    for _, m in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
      local r, s = string.match(m, '^{"rev":(%d+),"seq":(%d+),')
      if r then
        revb = math.max(revb, tonumber(r))
        seqb = math.max(seqb, tonumber(s))
      end
    end
    for _, s in ipairs(redis.call('HKEYS', KEYS[6])) do
      seqb = math.max(seqb, tonumber(s))
    end
  end
  return seqb, revb
end

-- ARGV (shared tail, from index t): buffer size, buffer TTL ms, channel, group id as JSON,
-- hand-off backlog bound.
local function backlogFull(t)
  return redis.call('XLEN', KEYS[5]) >= tonumber(ARGV[t + 4])
end

local function commit(t, kind, seq, rev, message)
  local gid = ARGV[t + 3]
  local head = '{"rev":' .. rev .. ',"seq":' .. seq .. ',"kind":"' .. kind .. '"'
  local event = head .. ',"group_id":' .. gid .. ',"message":' .. message .. '}'
  redis.call('SET', KEYS[2], rev)
  redis.call('HSET', KEYS[6], seq, message)
  redis.call('HDEL', KEYS[7], seq)
  redis.call('ZADD', KEYS[3], rev, event)
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[t]) + 1))
  redis.call('PEXPIRE', KEYS[3], ARGV[t + 1])
  redis.call('XADD', KEYS[5], '*', 'event',
    '{"group_id":' .. gid .. ',"seq":' .. seq .. ',"rev":' .. rev .. ',"kind":"' .. kind .. '"}')
  redis.call('PUBLISH', ARGV[t + 2], event)
end
`;

/**
 * A new message. KEYS: the six above, 7 persisted marks. ARGV: 1 draft JSON (without seq and rev),
 * 2 floor seq or "", 3 floor rev or "", 4 nonce TTL ms or "" (no nonce), 5… the commit tail.
 * Returns {"appended", json} | {"duplicate", json} | {"need_floor"} | {"backlog_full"}.
 */
export const appendLua = common + `
if ARGV[4] ~= '' then
  local prior = redis.call('GET', KEYS[4])
  if prior then return {'duplicate', prior} end
end
if backlogFull(5) then return {'backlog_full'} end
local seqb, revb = floors(ARGV[2], ARGV[3])
if not seqb then return {'need_floor'} end
local seq = string.format('%d', seqb + 1)
local rev = string.format('%d', revb + 1)
local message = '{"rev":' .. rev .. ',"seq":' .. seq .. ',' .. string.sub(ARGV[1], 2)
redis.call('SET', KEYS[1], seq)
if ARGV[4] ~= '' then redis.call('SET', KEYS[4], message, 'PX', ARGV[4]) end
commit(5, 'message', seq, rev, message)
return {'appended', message}
`;

/**
 * A change to a message, if its basis holds. KEYS: the six above, 7 persisted marks, 8 pruned rev.
 * ARGV: 1 state JSON without rev (starting {"seq":S,), 2 seq, 3 basis "pending" | "pruned",
 * 4 basis rev, 5 "1" to erase copies, 6 floor seq or "", 7 floor rev or "", 8… the commit tail.
 * Returns {"appended", json} | {"conflict"} | {"need_floor"} | {"backlog_full"}.
 */
export const updateLua = common + `
if backlogFull(8) then return {'backlog_full'} end
local seqb, revb = floors(ARGV[6], ARGV[7])
if not seqb then return {'need_floor'} end
local entry = redis.call('HGET', KEYS[6], ARGV[2])
if ARGV[3] == 'pending' then
  if not entry or revOf(entry) ~= ARGV[4] then return {'conflict'} end
else
  if entry or (redis.call('GET', KEYS[8]) or '0') ~= ARGV[4] then return {'conflict'} end
end
local rev = string.format('%d', revb + 1)
local message = '{"rev":' .. rev .. ',' .. string.sub(ARGV[1], 2)
if not redis.call('GET', KEYS[1]) then redis.call('SET', KEYS[1], string.format('%d', seqb)) end
if ARGV[5] == '1' then
  -- Every buffered copy of the message takes the erased state (its rev and kind stay).
  local all = redis.call('ZRANGE', KEYS[3], 0, -1)
  for _, m in ipairs(all) do
    local r, s, k = string.match(m, '^{"rev":(%d+),"seq":(%d+),"kind":"([%a_]+)"')
    if s == ARGV[2] then
      redis.call('ZREM', KEYS[3], m)
      redis.call('ZADD', KEYS[3], r, '{"rev":' .. r .. ',"seq":' .. s .. ',"kind":"' .. k ..
        '","group_id":' .. ARGV[11] .. ',"message":' .. message .. '}')
    end
  end
  if redis.call('EXISTS', KEYS[4]) == 1 then redis.call('SET', KEYS[4], message, 'KEEPTTL') end
end
commit(8, 'message_update', ARGV[2], rev, message)
return {'appended', message}
`;

/**
 * Marks persisted states and drops them in batches. KEYS: 1 pending states, 2 persisted marks,
 * 3 pruned rev, 4 the sorted set of groups with marks (scored by the first mark's time).
 * ARGV: 1 batch size (0: drop now, for the sweep), 2 group id, then pairs of seq and rev.
 * Returns how many states were dropped.
 */
export const persistedLua = `
local function revOf(json) return string.match(json, '^{"rev":(%d+),') end
for i = 3, #ARGV - 1, 2 do
  local entry = redis.call('HGET', KEYS[1], ARGV[i])
  if entry and revOf(entry) == ARGV[i + 1] then redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
local marked = redis.call('HLEN', KEYS[2])
if marked == 0 then
  redis.call('ZREM', KEYS[4], ARGV[2])
  return 0
end
if marked < tonumber(ARGV[1]) then
  local now = redis.call('TIME')
  redis.call('ZADD', KEYS[4], 'NX', now[1] * 1000 + math.floor(now[2] / 1000), ARGV[2])
  return 0
end
local marks = redis.call('HGETALL', KEYS[2])
local pruned = tonumber(redis.call('GET', KEYS[3]) or '0')
local dropped = 0
for i = 1, #marks, 2 do
  local entry = redis.call('HGET', KEYS[1], marks[i])
  if entry and revOf(entry) == marks[i + 1] then
    redis.call('HDEL', KEYS[1], marks[i])
    pruned = math.max(pruned, tonumber(marks[i + 1]))
    dropped = dropped + 1
  end
end
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[4], ARGV[2])
redis.call('SET', KEYS[3], string.format('%d', pruned))
return dropped
`;
