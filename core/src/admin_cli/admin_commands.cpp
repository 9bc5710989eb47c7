#include "admin_cli/admin_commands.h"

#include <initializer_list>
#include <optional>
#include <string>

#include "admin_cli/admin_format.h"
#include "admin_cli/admin_json.h"
#include "util/encoding.h"

namespace cairn::admin_cli {

namespace {

constexpr char kScrubPath[] = "/_cairn/admin/scrub";
constexpr int kBarWidth = 30;
// Without a terminal, one progress line per this many polls (5 s): enough for a log.
constexpr int kPollsPerLine = 10;
// After starting a pass, how long to wait for the server to show it rather than the last one.
constexpr int kMaxStalePolls = 20;

int Fail(Console& c, const Status& status) {
  if (!status.s3_code().empty()) {
    c.err << "cairn admin: " << status.s3_code() << ": " << status.message() << "\n";
  } else {
    c.err << "cairn admin: " << status.message() << "\n";
  }
  return kExitError;
}

// Sends and requires a 2xx reply; anything else becomes its ReplyError.
Result<AdminReply> Call(AdminClient& api, std::string_view method, const std::string& target) {
  auto reply = api.Send(method, target);
  if (!reply.ok()) return reply.status();
  if (reply->http_status / 100 != 2) return ReplyError(reply.value());
  return reply;
}

Result<ScrubStatus> GetScrub(AdminClient& api) {
  auto reply = Call(api, "GET", kScrubPath);
  if (!reply.ok()) return reply.status();
  return ParseScrubStatus(reply->body);
}

// Polls until the pass ends, showing progress, then prints the summary. With
// `previous_started_ms`, a finished pass that started then is the last pass, not ours: the
// server may not show the new one at once.
int Follow(AdminClient& api, Console& c, std::optional<int64_t> previous_started_ms) {
  bool bar_drawn = false;
  int polls = 0;
  int stale_polls = 0;
  for (;;) {
    auto status = GetScrub(api);
    if (!status.ok()) {
      if (bar_drawn) c.out << "\n";
      return Fail(c, status.status());
    }
    const ScrubStatus& s = status.value();
    bool stale = previous_started_ms && !s.running && s.started_ms == *previous_started_ms;
    if (stale && stale_polls < kMaxStalePolls) {
      ++stale_polls;
      c.sleep(kPollMillis);
      continue;
    }
    if (stale) c.err << "cairn admin: the server does not show the new pass; last pass:\n";
    if (!s.running) {
      if (bar_drawn) c.out << "\n";
      c.out << ScrubSummary(s);
      c.out.flush();
      return ScrubSucceeded(s) ? kExitOk : kExitFailed;
    }
    if (c.tty) {
      // "\x1b[K" clears what a longer previous line left behind.
      c.out << "\r" << ProgressBar(s, kBarWidth) << "\x1b[K" << std::flush;
      bar_drawn = true;
    } else if (polls % kPollsPerLine == 0) {
      c.out << ProgressLine(s) << "\n" << std::flush;
    }
    ++polls;
    c.sleep(kPollMillis);
  }
}

// Starts a pass with POST `target`. `follow_running`: with --now, a pass already running (409)
// is followed instead; otherwise a 409 means this pass did not start.
int StartPass(AdminClient& api, const AdminOptions& o, Console& c, const std::string& target,
              const std::string& what, bool follow_running) {
  std::optional<int64_t> previous;
  if (o.now) {
    auto before = GetScrub(api);
    if (!before.ok()) return Fail(c, before.status());
    previous = before->started_ms;
  }
  auto reply = api.Send("POST", target);
  if (!reply.ok()) return Fail(c, reply.status());
  if (reply->http_status == 409) {
    if (!(o.now && follow_running)) {
      c.out << "a scrub pass is already running: " << what << " did not start.\n"
            << (follow_running ? "Follow the running pass with `cairn admin scrub --now`.\n"
                               : "Wait for it (`cairn admin scrub --now`), then run this again.\n");
      return kExitFailed;
    }
    c.out << "a scrub pass is already running; following it\n";
    previous.reset();
  } else if (reply->http_status / 100 != 2) {
    return Fail(c, ReplyError(reply.value()));
  } else {
    c.out << what << " started\n";
  }
  c.out.flush();
  if (!o.now) {
    c.out << "follow it with `cairn admin scrub --now`\n";
    return kExitOk;
  }
  return Follow(api, c, previous);
}

int Scrub(AdminClient& api, const AdminOptions& o, Console& c) {
  std::string target = kScrubPath;
  std::string what = "scrub pass of every bucket";
  if (!o.bucket.empty()) {
    target += "?bucket=" + UrlEncode(o.bucket, false);
    what = "scrub pass of bucket " + o.bucket;
  }
  return StartPass(api, o, c, target, what, /*follow_running=*/true);
}

int DriveReplace(AdminClient& api, const AdminOptions& o, Console& c) {
  // Following someone else's pass would report success without rebuilding this drive.
  return StartPass(api, o, c, "/_cairn/admin/drives/replace?drive=" + UrlEncode(o.drive_id, false),
                   "rebuild of drive " + o.drive_id, /*follow_running=*/false);
}

int Drives(AdminClient& api, Console& c) {
  auto reply = Call(api, "GET", "/_cairn/admin/drives");
  if (!reply.ok()) return Fail(c, reply.status());
  auto drives = ParseDrives(reply->body);
  if (!drives.ok()) return Fail(c, drives.status());
  c.out << DrivesTable(drives.value());
  return kExitOk;
}

int Repair(AdminClient& api, Console& c) {
  auto reply = Call(api, "GET", "/_cairn/admin/repair");
  if (!reply.ok()) return Fail(c, reply.status());
  auto queued = ParseRepairQueued(reply->body);
  if (!queued.ok()) return Fail(c, queued.status());
  c.out << "repair queue: " << queued.value()
        << (queued.value() == 1 ? " object waiting\n" : " objects waiting\n");
  return kExitOk;
}

int ClusterStatusCommand(AdminClient& api, Console& c) {
  auto reply = Call(api, "GET", "/_cairn/admin/cluster");
  if (!reply.ok()) return Fail(c, reply.status());
  auto status = ParseClusterStatus(reply->body);
  if (!status.ok()) return Fail(c, status.status());
  c.out << ClusterTable(status.value());
  return kExitOk;
}

// lifecycle status / run: the pass's counters, one per line, and its last error.
int Lifecycle(AdminClient& api, const AdminOptions& o, Console& c) {
  const bool run = o.command == AdminCommand::kLifecycleRun;
  std::string target = run ? "/_cairn/admin/lifecycle/run" : "/_cairn/admin/lifecycle";
  if (run && o.at_ms >= 0) target += "?at=" + std::to_string(o.at_ms);
  auto reply = api.Send(run ? "POST" : "GET", target);
  if (!reply.ok()) return Fail(c, reply.status());
  if (run && reply->http_status == 409) {
    c.out << "a lifecycle pass is running on another gateway; try again when it has finished\n";
    return kExitError;
  }
  if (reply->http_status / 100 != 2) return Fail(c, ReplyError(reply.value()));
  auto status = ParseLifecycleStatus(reply->body);
  if (!status.ok()) return Fail(c, status.status());
  c.out << LifecycleReport(status.value(), run);
  return status->errors > 0 ? kExitError : kExitOk;
}

// The cluster changes: one POST, then the cluster as it is now.
int ClusterChange(AdminClient& api, const AdminOptions& o, Console& c) {
  std::string target = "/_cairn/admin/cluster/";
  std::string done;
  switch (o.command) {
    case AdminCommand::kAddNode:
      target += "add?url=" + UrlEncode(o.node_url, false);
      if (!o.weight.empty()) target += "&weight=" + UrlEncode(o.weight, false);
      done = "added node at " + o.node_url;
      break;
    case AdminCommand::kRebalance:
      target += "rebalance";
      done = "rebalance pass requested";
      break;
    case AdminCommand::kUndrainNode:
      target += "undrain?node=" + UrlEncode(o.node, false);
      done = "node " + o.node + " is active again";
      break;
    case AdminCommand::kSetWeight:
      target += "weight?node=" + UrlEncode(o.node, false) + "&weight=" + UrlEncode(o.weight, false);
      done = "node " + o.node + " now has weight " + o.weight + "; the rebalancer follows";
      break;
    case AdminCommand::kDrainNode:
      target += "drain?node=" + UrlEncode(o.node, false);
      done = "draining node " + o.node + ": it takes no new shards, and the rebalancer moves its "
             "shards away; once the pass below has finished, remove-node takes it out (it "
             "refuses while the node still holds shards)";
      break;
    default:
      target += "remove?node=" + UrlEncode(o.node, false) + (o.force ? "&force=true" : "");
      done = "removed node " + o.node;
      break;
  }
  auto reply = Call(api, "POST", target);
  if (!reply.ok()) return Fail(c, reply.status());
  c.out << done << "\n";
  return ClusterStatusCommand(api, c);
}

}  // namespace

int RunAdminCommand(AdminClient& api, const AdminOptions& options, Console& console) {
  switch (options.command) {
    case AdminCommand::kScrub:
      return Scrub(api, options, console);
    case AdminCommand::kDriveReplace:
      return DriveReplace(api, options, console);
    case AdminCommand::kDrives:
      return Drives(api, console);
    case AdminCommand::kRepair:
      return Repair(api, console);
    case AdminCommand::kClusterStatus:
      return ClusterStatusCommand(api, console);
    case AdminCommand::kAddNode:
    case AdminCommand::kDrainNode:
    case AdminCommand::kRemoveNode:
    case AdminCommand::kRebalance:
    case AdminCommand::kUndrainNode:
    case AdminCommand::kSetWeight:
      return ClusterChange(api, options, console);
    case AdminCommand::kLifecycleStatus:
    case AdminCommand::kLifecycleRun:
      return Lifecycle(api, options, console);
    case AdminCommand::kHelp:
      break;
  }
  console.out << AdminUsage();
  return kExitOk;
}

}  // namespace cairn::admin_cli
