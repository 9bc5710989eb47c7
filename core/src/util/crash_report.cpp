#include "util/crash_report.h"

#include <execinfo.h>
#include <signal.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

namespace cairn {
namespace {

constexpr size_t kAltStackBytes = 64 << 10;
constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

void WriteAll(const char* text, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(STDERR_FILENO, text, n);
    if (w <= 0) return;
    text += w;
    n -= static_cast<size_t>(w);
  }
}

void WriteText(const char* text) { WriteAll(text, std::strlen(text)); }

void WriteHex(uintptr_t value) {
  char buf[2 + 16];
  buf[0] = '0';
  buf[1] = 'x';
  for (int i = 0; i < 16; ++i) buf[2 + i] = "0123456789abcdef"[(value >> (60 - 4 * i)) & 0xf];
  WriteAll(buf, sizeof(buf));
}

void OnFatalSignal(int sig, siginfo_t* info, void*) {
  WriteText("cairn: FATAL: signal ");
  WriteText(sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
  WriteText(" (");
  WriteText(sigdescr_np(sig) ? sigdescr_np(sig) : "?");
  WriteText(") at address ");
  WriteHex(reinterpret_cast<uintptr_t>(info ? info->si_addr : nullptr));
  WriteText("; backtrace:\n");
  void* frames[64];
  int n = backtrace(frames, 64);
  backtrace_symbols_fd(frames, n, STDERR_FILENO);
  WriteText("cairn: end of crash report\n");
  // Die of the same signal, so the exit status and core dump are the signal's.
  signal(sig, SIG_DFL);
  raise(sig);
}

}  // namespace

void PrepareThreadForCrashReports() {
  thread_local bool prepared = false;
  if (prepared) return;
  prepared = true;
  static thread_local char stack[kAltStackBytes];
  stack_t ss{};
  ss.ss_sp = stack;
  ss.ss_size = sizeof(stack);
  sigaltstack(&ss, nullptr);
}

void InstallCrashReports() {
  // backtrace() loads libgcc on its first call, which allocates: do it now, not in a handler.
  void* warm[1];
  backtrace(warm, 1);
  PrepareThreadForCrashReports();
  struct sigaction sa {};
  sa.sa_sigaction = OnFatalSignal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  for (int sig : kSignals) sigaction(sig, &sa, nullptr);
}

}  // namespace cairn
