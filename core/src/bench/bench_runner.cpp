#include "bench/bench_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "bench/s3_bench_client.h"

namespace cairn::bench {

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

void OpStatsRecord(OpStats* s, const OpResult& r, uint64_t nanos) {
  if (r.ok) {
    ++s->ops;
    s->bytes += r.bytes;
    s->latency.Record(nanos);
  } else {
    ++s->errors;
    ++s->errors_by_code[r.error];
  }
}

// Runs fn(client, i) for i in [0, count) on up to `threads` threads, each with its own client.
// Returns the number of calls that failed and the first failure's error.
struct ParallelOutcome {
  uint64_t failed = 0;
  std::string first_error;
};
ParallelOutcome ParallelFor(int threads, uint64_t count, const std::function<S3BenchClient()>& make,
                            const std::function<OpResult(S3BenchClient&, uint64_t)>& fn) {
  std::atomic<uint64_t> next{0};
  std::atomic<uint64_t> failed{0};
  std::mutex mu;
  std::string first_error;
  std::vector<std::thread> pool;
  int n = static_cast<int>(std::min<uint64_t>(static_cast<uint64_t>(threads), count));
  for (int t = 0; t < n; ++t) {
    pool.emplace_back([&] {
      S3BenchClient client = make();
      for (uint64_t i = next++; i < count; i = next++) {
        OpResult r = fn(client, i);
        if (!r.ok) {
          ++failed;
          std::lock_guard<std::mutex> lock(mu);
          if (first_error.empty()) first_error = r.error;
        }
      }
    });
  }
  for (std::thread& t : pool) t.join();
  return {failed.load(), first_error};
}

std::string RunId() {
  std::random_device rd;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%08x", rd());
  return buf;
}

// Per worker: its own stats and the keys it created, merged after the run.
struct WorkerState {
  std::map<std::string, OpStats> by_op;
  std::vector<std::string> created;
  Clock::time_point last_end{};
};

}  // namespace

void OpStats::Merge(const OpStats& other) {
  ops += other.ops;
  bytes += other.bytes;
  errors += other.errors;
  for (const auto& [code, n] : other.errors_by_code) errors_by_code[code] += n;
  latency.Merge(other.latency);
}

Result<BenchResult> RunBench(const BenchOptions& o, std::ostream* progress) {
  Result<Endpoint> endpoint = ParseEndpoint(o.endpoint);
  if (!endpoint.ok()) return endpoint.status();
  auto make_client = [&] {
    return S3BenchClient(endpoint.value(), o.access_key, o.secret_key, o.region);
  };
  auto say = [progress](const std::string& line) {
    if (progress) *progress << line << std::endl;
  };

  // One random buffer, generated once: every PUT sends a prefix of it.
  std::vector<char> payload(o.max_size);
  {
    std::mt19937_64 rng(std::random_device{}());
    for (size_t i = 0; i < payload.size(); i += 8) {
      uint64_t v = rng();
      std::memcpy(payload.data() + i, &v, std::min<size_t>(8, payload.size() - i));
    }
  }

  BenchResult result;
  result.options = o;
  result.options.secret_key.clear();
  result.prefix = "cairn-bench/" + RunId() + "/";

  S3BenchClient setup = make_client();
  OpResult bucket = setup.CreateBucket(o.bucket);
  if (!bucket.ok) {
    return Status::Unavailable("cannot create bucket '" + o.bucket + "' at " + o.endpoint + ": " +
                               bucket.error);
  }
  const bool created_bucket = bucket.http_status == 200;
  if (o.versions > 1) {
    OpResult versioning = setup.EnableVersioning(o.bucket);
    if (!versioning.ok) {
      return Status::Unavailable("cannot enable versioning on '" + o.bucket + "': " +
                                 versioning.error);
    }
  }

  std::vector<std::string> prepared;
  if (o.workload != Workload::kPut) {
    prepared.reserve(o.objects);
    for (uint64_t i = 0; i < o.objects; ++i) {
      prepared.push_back(result.prefix + "obj-" + std::to_string(i));
    }
    say("preparing " + std::to_string(o.objects) + " objects of " + FormatSize(o.max_size) +
        (o.versions > 1 ? " in " + std::to_string(o.versions) + " versions each" : "") + " ...");
    Clock::time_point t0 = Clock::now();
    // Versions round by round: every object gets its first version, then its second...
    ParallelOutcome out = ParallelFor(
        o.concurrency, prepared.size() * o.versions, make_client, [&](S3BenchClient& c, uint64_t i) {
          return c.PutObject(o.bucket, prepared[i % prepared.size()], payload.data(), o.max_size);
        });
    result.prepare_seconds = Seconds(Clock::now() - t0);
    result.prepared_objects = prepared.size() * o.versions - out.failed;
    if (out.failed > 0) {
      return Status::Unavailable("could not prepare the objects: " + std::to_string(out.failed) +
                                 " PUTs failed (first: " + out.first_error + ")");
    }
  }

  std::atomic<uint64_t> tickets{0};      // measured operations claimed (for --operations)
  std::atomic<uint64_t> delete_next{0};  // delete: the next prepared key to delete
  const Clock::time_point start = Clock::now();
  // A delete warm-up would only use up the objects the measurement needs.
  const double warmup_seconds = o.workload == Workload::kDelete ? 0 : o.warmup_seconds;
  const auto warmup =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(warmup_seconds));
  const Clock::time_point measure_start = start + warmup;
  const Clock::time_point measure_end =
      o.duration_seconds > 0
          ? measure_start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(o.duration_seconds))
          : Clock::time_point::max();
  say("running " + std::string(WorkloadName(o.workload)) + " with " +
      std::to_string(o.concurrency) + " clients ...");

  std::vector<WorkerState> states(o.concurrency);
  std::vector<std::thread> workers;
  for (int w = 0; w < o.concurrency; ++w) {
    workers.emplace_back([&, w] {
      WorkerState& st = states[w];
      S3BenchClient client = make_client();
      std::mt19937_64 rng(std::random_device{}() + w);
      std::uniform_int_distribution<uint64_t> size_of(o.min_size, o.max_size);
      std::uniform_int_distribution<size_t> pick(0, prepared.empty() ? 0 : prepared.size() - 1);
      std::uniform_int_distribution<int> percent(0, 99);
      uint64_t n = 0;
      const std::string own = result.prefix + "w" + std::to_string(w) + "-";
      while (true) {
        Clock::time_point begin = Clock::now();
        if (begin >= measure_end) break;
        const bool measured = begin >= measure_start;
        if (measured && o.operations > 0 && tickets++ >= o.operations) break;
        const char* op = "PUT";
        OpResult r;
        bool put = o.workload == Workload::kPut ||
                   (o.workload == Workload::kMixed && percent(rng) >= o.mix_get_percent);
        if (put) {
          std::string key = own + std::to_string(n++);
          r = client.PutObject(o.bucket, key, payload.data(), size_of(rng));
          st.created.push_back(std::move(key));
        } else if (o.workload == Workload::kGet || o.workload == Workload::kMixed) {
          op = "GET";
          r = client.GetObject(o.bucket, prepared[pick(rng)]);
        } else if (o.workload == Workload::kList) {
          op = "LIST";
          r = client.ListObjects(o.bucket, result.prefix);
        } else {
          op = "DELETE";
          uint64_t i = delete_next++;
          if (i >= prepared.size()) break;  // nothing left to delete: the run is over
          r = client.DeleteObject(o.bucket, prepared[i]);
        }
        Clock::time_point end = Clock::now();
        if (measured) {
          uint64_t ns = static_cast<uint64_t>(
              std::chrono::duration_cast<std::chrono::nanoseconds>(end - begin).count());
          OpStatsRecord(&st.by_op[op], r, ns);
          st.last_end = std::max(st.last_end, end);
        }
      }
    });
  }
  for (std::thread& t : workers) t.join();

  Clock::time_point last_end = measure_start;
  std::vector<std::string> to_delete;
  for (WorkerState& st : states) {
    for (auto& [op, stats] : st.by_op) {
      result.by_op[op].Merge(stats);
      result.total.Merge(stats);
    }
    last_end = std::max(last_end, st.last_end);
    for (std::string& k : st.created) to_delete.push_back(std::move(k));
  }
  // The window runs until the last measured operation ended: operations still in flight at
  // the deadline were counted, so their time is too.
  result.elapsed_seconds = Seconds(last_end - measure_start);

  if (o.versions > 1) {
    say("kept bucket '" + o.bucket + "': a DELETE would only add delete markers to its versions");
  } else if (!o.keep) {
    size_t first =
        o.workload == Workload::kDelete ? std::min<size_t>(delete_next.load(), prepared.size()) : 0;
    to_delete.insert(to_delete.end(), prepared.begin() + first, prepared.end());
    say("cleaning up " + std::to_string(to_delete.size()) + " objects ...");
    ParallelOutcome out = ParallelFor(
        o.concurrency, to_delete.size(), make_client,
        [&](S3BenchClient& c, uint64_t i) { return c.DeleteObject(o.bucket, to_delete[i]); });
    result.cleaned_objects = to_delete.size() - out.failed;
    result.cleanup_errors = out.failed;
    if (created_bucket && out.failed == 0) setup.DeleteBucket(o.bucket);
  }
  return result;
}

}  // namespace cairn::bench
