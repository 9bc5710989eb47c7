-- lifecycle.lua: Cairn's default lifecycle policy: the S3 lifecycle rules, as AWS applies them.
--
-- For every version and every multipart upload of a key that is due, the lifecycle worker calls
--
--   evaluate(rules, object, now) -> nil | { action = ..., storage_class = ..., rule = ..., next = ... }
--
--   rules   the bucket's rules as PutBucketLifecycleConfiguration gave them (docs/lua-policy.md)
--   object  one version or upload: kind ("version", "delete_marker", "upload"), key, version_id,
--           current, size, tags, storage_class, created, noncurrent_since, newer_noncurrent,
--           only_version, locked
--   now     { time = seconds since the epoch, day = seconds in a lifecycle day }
--
-- and answers at most one action for now ("expire", "delete", "transition", "abort") and/or
-- `next`, when to look at the key again. nil means: nothing to do under these rules until the
-- key or the rules change (every write, delete and tag change makes the worker look again).
-- Copy this file to write your own policy ([lifecycle] script, or [lifecycle.buckets] per bucket).

-- A day counts from `t`: AWS rounds the result up to the next midnight UTC; a shortened test
-- day (now.day < 86400) is not rounded.
local function after(t, days, day)
  local due = t + days * day
  if day == 86400 then due = math.ceil(due / 86400) * 86400 end
  return due
end

local function matches(rule, o)
  if not rule.enabled then return false end
  local f = rule.filter
  if o.key:sub(1, #f.prefix) ~= f.prefix then return false end
  if o.kind == "upload" then return true end  -- uploads have neither tags nor a size yet
  for k, v in pairs(f.tags) do
    if o.tags[k] ~= v then return false end
  end
  if f.size_greater_than and not (o.size > f.size_greater_than) then return false end
  if f.size_less_than and not (o.size < f.size_less_than) then return false end
  return true
end

-- The answer so far: the action due now (expiry beats transition), and the earliest later time.
local Answer = {}
Answer.__index = Answer

local function answer() return setmetatable({ next = nil }, Answer) end

function Answer:due(when, now, action, rule, storage_class)
  if when <= now.time then
    local rank = { expire = 3, delete = 3, abort = 3, transition = 1 }
    if not self.action or rank[action] > rank[self.action]
       or (action == "transition" and self.action == "transition" and when > self.when) then
      self.action, self.rule, self.storage_class, self.when = action, rule.id, storage_class, when
    end
  elseif not self.next or when < self.next then
    self.next = when
  end
end

local function current_version(r, o, now, a)
  if o.kind == "delete_marker" then
    -- A delete marker with no versions behind it is "expired": ExpiredObjectDeleteMarker
    -- removes it at once.
    if o.only_version and r.expiration then
      if r.expiration.expired_object_delete_marker then a:due(now.time, now, "delete", r) end
      -- An Expiration in Days also removes such a marker once it is that old, as AWS does.
      if r.expiration.days then
        a:due(after(o.created, r.expiration.days, now.day), now, "delete", r)
      end
    end
    return
  end
  if r.expiration then
    if r.expiration.days then a:due(after(o.created, r.expiration.days, now.day), now, "expire", r) end
    if r.expiration.date then a:due(r.expiration.date, now, "expire", r) end
  end
  for _, t in ipairs(r.transitions) do
    if t.storage_class ~= o.storage_class then
      local when = t.date or after(o.created, t.days, now.day)
      a:due(when, now, "transition", r, t.storage_class)
    end
  end
end

local function noncurrent_version(r, o, now, a)
  -- NewerNoncurrentVersions: keep that many newer noncurrent versions; a version with fewer
  -- newer ones is not eligible (a later write makes the worker look again).
  local function eligible(spec) return o.newer_noncurrent >= (spec.newer_noncurrent_versions or 0) end
  local e = r.noncurrent_expiration
  if e and eligible(e) then
    a:due(after(o.noncurrent_since, e.noncurrent_days, now.day), now, "delete", r)
  end
  if o.kind == "version" then
    for _, t in ipairs(r.noncurrent_transitions) do
      if t.storage_class ~= o.storage_class and eligible(t) then
        a:due(after(o.noncurrent_since, t.noncurrent_days, now.day), now, "transition", r,
              t.storage_class)
      end
    end
  end
end

function evaluate(rules, object, now)
  local a = answer()
  for _, r in ipairs(rules) do
    if matches(r, object) then
      if object.kind == "upload" then
        if r.abort_incomplete_upload then
          a:due(after(object.created, r.abort_incomplete_upload.days_after_initiation, now.day),
                now, "abort", r)
        end
      elseif object.current then
        current_version(r, object, now, a)
      else
        noncurrent_version(r, object, now, a)
      end
    end
  end
  if not a.action and not a.next then return nil end
  return { action = a.action, rule = a.rule, storage_class = a.storage_class, next = a.next }
end
