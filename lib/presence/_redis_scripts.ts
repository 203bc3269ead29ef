/**
 * The Lua of the Redis presence. Each script is atomic, so a first/last connection is decided
 * once, and when several sweepers find the same dead instance only one of them reports its users.
 *
 * Layout (keys in `lib/bus/_keys.ts`): a hash per user (connection id → instance id), a set per
 * instance of `JSON.stringify([userId, connectionId])`, a liveness key per instance with a TTL,
 * and the set of instance ids. The sweeper builds per-instance and per-user keys from prefixes,
 * which standalone Redis allows (Redis Cluster would need hash tags).
 */

/** Removes one connection of instance `id` (a set member); returns its user if left offline. */
const forget = `
local function forget(member, id, userPrefix)
  local pair = cjson.decode(member)
  local user = userPrefix .. pair[1]
  if redis.call('HGET', user, pair[2]) ~= id then return nil end
  redis.call('HDEL', user, pair[2])
  if redis.call('EXISTS', user) == 0 then return pair[1] end
  return nil
end
`;

/** KEYS: user hash, own set, instances. ARGV: connection, instance, member. 1 = first connection. */
export const connectLua = `
local before = redis.call('HLEN', KEYS[1])
local added = redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[2])
if before == 0 and added == 1 then return 1 end
return 0
`;

/** KEYS: user hash, own set. ARGV: connection, member. 1 = it was the user's last connection. */
export const disconnectLua = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SREM', KEYS[2], ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
return 0
`;

/** KEYS: own liveness key, instances. ARGV: instance, TTL ms. 0 = the key had expired (or is new). */
export const heartbeatLua = `
local was = redis.call('SET', KEYS[1], '1', 'PX', ARGV[2], 'GET')
redis.call('SADD', KEYS[2], ARGV[1])
if was then return 1 end
return 0
`;

/**
 * KEYS: instances. ARGV: alive prefix, set prefix, user prefix, budget, own instance.
 * Forgets up to `budget` connections of instances whose liveness key expired; returns the users
 * left with none. An instance leaves the set once its connections are all gone.
 */
export const sweepLua = forget + `
local offline = {}
local budget = tonumber(ARGV[4])
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if budget <= 0 then break end
  if id ~= ARGV[5] and redis.call('EXISTS', ARGV[1] .. id) == 0 then
    local set = ARGV[2] .. id
    local members = redis.call('SPOP', set, budget)
    budget = budget - #members
    for _, member in ipairs(members) do
      local user = forget(member, id, ARGV[3])
      if user then table.insert(offline, user) end
    end
    if redis.call('SCARD', set) == 0 then redis.call('SREM', KEYS[1], id) end
  end
end
return offline
`;

/** KEYS: own set, own liveness key, instances. ARGV: instance, user prefix. Returns users left offline. */
export const releaseLua = forget + `
local offline = {}
for _, member in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local user = forget(member, ARGV[1], ARGV[2])
  if user then table.insert(offline, user) end
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return offline
`;

/** The scripts as ioredis commands: name → key count and Lua. */
export const presenceScripts = {
  presenceConnect: { numberOfKeys: 3, lua: connectLua },
  presenceDisconnect: { numberOfKeys: 2, lua: disconnectLua },
  presenceHeartbeat: { numberOfKeys: 2, lua: heartbeatLua },
  presenceSweep: { numberOfKeys: 1, lua: sweepLua },
  presenceRelease: { numberOfKeys: 3, lua: releaseLua },
};
