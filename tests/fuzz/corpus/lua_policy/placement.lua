-- placement.lua: Cairn's default placement policy.
--
-- For every stripe of every object, Cairn calls
--
--   place(object, chunk, cluster) -> { drive_id, drive_id, ... }
--
-- and stores shard i of the stripe on the i-th drive returned. The answer must be exactly
-- object.k + object.m distinct ids of healthy drives. The full API is in docs/lua-policy.md;
-- this file is meant to be copied and changed, so it explains itself as it goes.
--
-- What this policy does:
--
-- 1. Weighted rendezvous (highest-random-weight) hashing. Every (stripe, shard, drive) triple
--    gets a pseudo-random score from cairn.hash; a shard goes to the drive with the highest
--    score. Scores depend only on names, not on the list's order or length, so adding a drive
--    moves mostly the shards the new drive now wins (about 1/n of them) and removing one moves
--    mostly the shards it held (see fill_zone for the small extra). No ring, no virtual nodes,
--    nothing to keep in sync between gateways.
--    Drives are weighted by capacity: a drive twice as large wins a draw twice as often.
--
-- 2. Zones, round-robin. Shards are dealt to zones in turn (in an order drawn per stripe, so no
--    zone is always first), so no zone holds more than ceil((k+m)/zones) shards of a stripe and
--    losing a whole zone loses as few shards as possible. A zone that runs out of healthy drives
--    drops out of the rotation and the others take its turns: the stripe is then as spread as
--    the cluster allows.
--
-- 3. Nodes. Within a zone a shard prefers a node that holds none of the stripe yet; a node is
--    reused only when every node of the zone already has a shard, and then the least-used one.
--
-- Everything here is deterministic: the same object, chunk and cluster map give the same
-- answer on every gateway, which is what lets any gateway find any shard again.

-- 2^53: cairn.hash returns an integer in [0, 2^53), exactly representable as a double.
local HASH_RANGE = 9007199254740992.0

-- A drive's weight: its capacity in GiB, times its node's weight from the cluster map
-- (`cairn admin cluster add-node --weight`, 1 by default). Capacity rather than free space,
-- because free space changes with every write and a weight that moves would move placements
-- with it. Drives that report no capacity count as 1 GiB.
local GIB = 1024 * 1024 * 1024
local function weight(drive)
  local w = (drive.total_bytes or 0) / GIB
  if w < 1 then
    w = 1
  end
  return w * (drive.weight or 1)
end

-- The rendezvous score of a drive for one shard. u is uniform in (0, 1); w / -ln(u) is the
-- standard weighted form: with equal weights it ranks like u, and it makes the chance of
-- winning proportional to the weight.
local function score(shard_key, drive)
  local h = cairn.hash(shard_key .. drive.id)
  local u = (h + 0.5) / HASH_RANGE
  return weight(drive) / -math.log(u)
end

-- Groups healthy drives by zone. Returns the zones (each {name=, drives={...}}) and the number
-- of healthy drives. Unhealthy drives are invisible from here on.
local function healthy_zones(cluster)
  local zones, by_name, healthy = {}, {}, 0
  for _, drive in ipairs(cluster.drives) do
    if drive.healthy then
      local zone_name = drive.zone or ""
      local zone = by_name[zone_name]
      if zone == nil then
        zone = { name = zone_name, drives = {} }
        by_name[zone_name] = zone
        zones[#zones + 1] = zone
      end
      zone.drives[#zone.drives + 1] = drive
      healthy = healthy + 1
    end
  end
  return zones, healthy
end

-- Orders zones for one stripe by a hash of the stripe and the zone name. This decides which
-- zones take the extra shards when k+m is not a multiple of the zone count; hashing spreads
-- that duty evenly, and using only zone names keeps the order stable when drives come and go.
local function order_zones(zones, stripe_key)
  local rank = {}
  for _, zone in ipairs(zones) do
    rank[zone] = cairn.hash(stripe_key .. "zone\0" .. zone.name)
  end
  table.sort(zones, function(a, b)
    if rank[a] ~= rank[b] then
      return rank[a] > rank[b]
    end
    return a.name < b.name
  end)
end

-- Deals shard numbers 0..need-1 to the zones in turn, in the stripe's zone order. A zone takes
-- at most one shard per healthy drive; a full zone is skipped and the others take its turns.
-- The deal depends only on the zone order and the zones' sizes, never on drive names, so a
-- drive joining or leaving a big enough zone changes no zone's share.
local function deal_shards(zones, need)
  for _, zone in ipairs(zones) do
    zone.shards = {}
  end
  local turn = 1
  for shard = 0, need - 1 do
    while #zones[turn].shards >= #zones[turn].drives do
      turn = turn % #zones + 1  -- terminates: need <= healthy drives, so some zone has room
    end
    local zone = zones[turn]
    zone.shards[#zone.shards + 1] = shard
    turn = turn % #zones + 1
  end
end

-- Gives each shard dealt to the zone its own drive, writing result[shard + 1].
--
-- Shards are filled in order. Each shard has its own rendezvous (the shard number is in the
-- hash key) and takes the highest-scoring drive that does not yet hold a shard of this stripe,
-- preferring drives on the zone's least-used nodes: a node gets a second shard only when every
-- node of the zone with a free drive already has one.
--
-- How much moves when the cluster changes: a shard keeps its drive unless that drive left, a
-- new drive outscored it, or an earlier shard of the same stripe took it. The last effect
-- (a cascade) matters only when a stripe uses most of a zone's drives: with 6+3 over 12 drives
-- about 1.6/n of the shards move rather than the ideal 1/n, over 30 drives 1.2/n, over 100
-- drives 1.1/n.
local function fill_zone(zone, stripe_key, result)
  local used, node_uses = {}, {}
  for _, shard in ipairs(zone.shards) do
    local shard_key = stripe_key .. shard .. "\0"
    local best, best_uses, best_score = nil, math.huge, -math.huge
    for _, drive in ipairs(zone.drives) do
      if not used[drive.id] then
        local uses = node_uses[drive.node] or 0
        local s = score(shard_key, drive)
        -- Fewer shards on the node first, then the higher score. Exact ties (practically
        -- never) go to the smaller id, so the answer does not depend on the list's order.
        if uses < best_uses
            or (uses == best_uses and (s > best_score or (s == best_score and drive.id < best.id))) then
          best, best_uses, best_score = drive, uses, s
        end
      end
    end
    used[best.id] = true
    node_uses[best.node] = (node_uses[best.node] or 0) + 1
    result[shard + 1] = best.id
  end
end

function place(object, chunk, cluster)
  local need = object.k + object.m
  local zones, healthy = healthy_zones(cluster)
  if healthy < need then
    -- The core reports this to clients as Unavailable; the message is for the log.
    error(string.format("not enough healthy drives: need %d, have %d", need, healthy))
  end

  -- Everything about this stripe hashes from this key. "\0" cannot occur in a bucket name and
  -- keeps bucket "a" + key "bc" apart from bucket "ab" + key "c".
  local stripe_key = object.bucket .. "\0" .. object.key .. "\0" .. chunk .. "\0"
  order_zones(zones, stripe_key)
  deal_shards(zones, need)

  local result = {}
  for _, zone in ipairs(zones) do
    fill_zone(zone, stripe_key, result)
  end
  return result  -- result[i] holds shard i - 1
end
