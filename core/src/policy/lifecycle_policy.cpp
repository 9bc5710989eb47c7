#include "policy/lifecycle_policy.h"

#include <cmath>
#include <limits>
#include <vector>

#include "policy/lua_value.h"

namespace cairn::policy {
namespace {

// Lifecycle passes run on one gateway at a time and evaluate keys one by one: two sandboxes
// are plenty (one for the pass, one for a concurrent `lifecycle run`).
constexpr size_t kSandboxes = 2;

LuaValue Seconds(int64_t ms) { return LuaValue::Number(static_cast<double>(ms) / 1000.0); }

LuaValue Count(int64_t value) { return LuaValue::Integer(value); }

LuaValue TagTable(const Pairs& tags) {
  LuaValue t = LuaValue::Table();
  for (const auto& [k, v] : tags) t.Set(k, LuaValue::String(v));
  return t;
}

// A rule as the script sees it: absent XML elements are absent fields (nil).
LuaValue RuleTable(const LifecycleRule& rule) {
  LuaValue r = LuaValue::Table();
  r.Set("id", LuaValue::String(rule.id)).Set("enabled", LuaValue::Boolean(rule.enabled));
  LuaValue filter = LuaValue::Table();
  filter.Set("prefix", LuaValue::String(rule.prefix)).Set("tags", TagTable(rule.tags));
  if (rule.size_greater_than >= 0) filter.Set("size_greater_than", Count(rule.size_greater_than));
  if (rule.size_less_than >= 0) filter.Set("size_less_than", Count(rule.size_less_than));
  r.Set("filter", std::move(filter));
  if (rule.expiration_days >= 0 || rule.expiration_date_ms > 0 ||
      rule.expired_object_delete_marker) {
    LuaValue e = LuaValue::Table();
    if (rule.expiration_days >= 0) e.Set("days", Count(rule.expiration_days));
    if (rule.expiration_date_ms > 0) e.Set("date", Seconds(rule.expiration_date_ms));
    if (rule.expired_object_delete_marker) {
      e.Set("expired_object_delete_marker", LuaValue::Boolean(true));
    }
    r.Set("expiration", std::move(e));
  }
  if (rule.noncurrent_days >= 0) {
    LuaValue e = LuaValue::Table();
    e.Set("noncurrent_days", Count(rule.noncurrent_days));
    if (rule.newer_noncurrent_versions >= 0) {
      e.Set("newer_noncurrent_versions", Count(rule.newer_noncurrent_versions));
    }
    r.Set("noncurrent_expiration", std::move(e));
  }
  if (rule.abort_upload_days >= 0) {
    LuaValue a = LuaValue::Table();
    a.Set("days_after_initiation", Count(rule.abort_upload_days));
    r.Set("abort_incomplete_upload", std::move(a));
  }
  LuaValue transitions = LuaValue::Table();
  for (const LifecycleTransition& t : rule.transitions) {
    LuaValue x = LuaValue::Table();
    if (t.days >= 0) x.Set("days", Count(t.days));
    if (t.date_ms > 0) x.Set("date", Seconds(t.date_ms));
    x.Set("storage_class", LuaValue::String(t.storage_class));
    transitions.Append(std::move(x));
  }
  r.Set("transitions", std::move(transitions));
  LuaValue noncurrent = LuaValue::Table();
  for (const LifecycleTransition& t : rule.noncurrent_transitions) {
    LuaValue x = LuaValue::Table();
    x.Set("noncurrent_days", Count(t.noncurrent_days));
    if (t.newer_noncurrent_versions >= 0) {
      x.Set("newer_noncurrent_versions", Count(t.newer_noncurrent_versions));
    }
    x.Set("storage_class", LuaValue::String(t.storage_class));
    noncurrent.Append(std::move(x));
  }
  r.Set("noncurrent_transitions", std::move(noncurrent));
  return r;
}

LuaValue FactsTable(const LifecycleFacts& o) {
  LuaValue t = LuaValue::Table();
  t.Set("bucket", LuaValue::String(o.bucket))
      .Set("key", LuaValue::String(o.key))
      .Set("kind", LuaValue::String(o.kind))
      .Set("version_id", LuaValue::String(o.version_id))
      .Set("current", LuaValue::Boolean(o.current))
      .Set("size", Count(static_cast<int64_t>(
                       std::min<uint64_t>(o.size, std::numeric_limits<int64_t>::max()))))
      .Set("tags", TagTable(o.tags))
      .Set("storage_class", LuaValue::String(o.storage_class))
      .Set("created", Seconds(o.created_ms))
      .Set("newer_noncurrent", Count(o.newer_noncurrent))
      .Set("only_version", LuaValue::Boolean(o.only_version))
      .Set("locked", LuaValue::Boolean(o.locked));
  if (o.noncurrent_since_ms > 0) t.Set("noncurrent_since", Seconds(o.noncurrent_since_ms));
  return t;
}

bool IsNumber(const LuaValue& v) {
  return v.type() == LuaValue::Type::kInteger || v.type() == LuaValue::Type::kNumber;
}

}  // namespace

Result<std::unique_ptr<LifecyclePolicy>> LifecyclePolicy::Load(const std::string& script_path,
                                                               const SandboxLimits& limits,
                                                               SandboxLogFn log) {
  SandboxOptions options{limits, std::move(log)};
  auto pool = SandboxPool::Create(script_path, options, kSandboxes, {"evaluate"});
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<LifecyclePolicy>(new LifecyclePolicy(std::move(pool.value())));
}

Result<LifecycleDecision> LifecyclePolicy::Evaluate(const LifecycleRules& rules,
                                                    const LifecycleFacts& object,
                                                    int64_t now_ms, int64_t seconds_per_day,
                                                    const std::set<std::string>& storage_classes) {
  LuaValue rule_list = LuaValue::Table();
  for (const LifecycleRule& rule : rules) rule_list.Append(RuleTable(rule));
  LuaValue now = LuaValue::Table();
  now.Set("time", Seconds(now_ms)).Set("day", Count(seconds_per_day));
  std::vector<LuaValue> args;
  args.push_back(std::move(rule_list));
  args.push_back(FactsTable(object));
  args.push_back(std::move(now));

  auto lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  Result<LuaValue> result = lease->sandbox().Call("evaluate", args);
  if (!result.ok()) {
    lease->Discard();
    return result.status();
  }
  const std::string where = script_path() + ": evaluate() for " + object.kind + " '" +
                            object.key + "' (" + object.version_id + ")";
  const LuaValue& r = result.value();
  LifecycleDecision d;
  if (r.is_nil()) return d;
  if (!r.is_table()) {
    return Status::Internal(where + " returned a " + r.TypeName() + ", expected nil or a table");
  }
  auto text = [&](const char* field, std::string* out) -> Status {
    const LuaValue* v = r.Find(field);
    if (v == nullptr || v->is_nil()) return Status::Ok();
    if (!v->is_string()) {
      return Status::Internal(where + ": '" + field + "' is a " + v->TypeName() +
                              ", expected a string");
    }
    *out = v->string();
    return Status::Ok();
  };
  CAIRN_RETURN_IF_ERROR(text("action", &d.action));
  CAIRN_RETURN_IF_ERROR(text("storage_class", &d.storage_class));
  CAIRN_RETURN_IF_ERROR(text("rule", &d.rule));
  if (const LuaValue* next = r.Find("next"); next != nullptr && !next->is_nil()) {
    if (!IsNumber(*next) || !std::isfinite(next->number())) {
      return Status::Internal(where + ": 'next' is a " + next->TypeName() +
                              ", expected a time in seconds");
    }
    const double ms = std::ceil(next->number() * 1000.0);
    d.next_ms = ms < 0 ? 0 : (ms > 9.0e15 ? static_cast<int64_t>(9.0e15) : static_cast<int64_t>(ms));
  }
  const bool upload = object.kind == "upload";
  const std::string& a = d.action;
  if (!(a.empty() || a == "expire" || a == "delete" || a == "transition" || a == "abort")) {
    return Status::Internal(where + ": unknown action '" + a + "'");
  }
  if (upload != (a == "abort") && !a.empty()) {
    return Status::Internal(where + ": '" + a + "' does not apply to " +
                            (upload ? "an upload" : "an object version"));
  }
  if (a == "expire" && !(object.current && object.kind == "version")) {
    return Status::Internal(where + ": 'expire' applies to the current version only");
  }
  if (a == "transition") {
    if (object.kind != "version") {
      return Status::Internal(where + ": a delete marker has no data to transition");
    }
    if (storage_classes.count(d.storage_class) == 0) {
      return Status::Internal(where + ": unknown storage class '" + d.storage_class + "'");
    }
    if (d.storage_class == object.storage_class) {
      return Status::Internal(where + ": the version is already in " + d.storage_class);
    }
  }
  return d;
}

}  // namespace cairn::policy
