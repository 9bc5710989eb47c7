// Crash reports: on a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) the process
// writes the signal, the faulting address and a backtrace to stderr (the server's log) before
// dying with the signal's default action, so a crash is never silent. The handler runs on an
// alternate signal stack, so a stack overflow is reported too, on threads that called
// PrepareThreadForCrashReports. Only async-signal-safe calls are made in the handler.
#pragma once

namespace cairn {

// Installs the handlers and prepares the calling thread. Call once, early in main.
void InstallCrashReports();
// Gives the calling thread its own alternate signal stack (request workers: deep recursion on
// hostile input is where a stack overflows). Idempotent per thread.
void PrepareThreadForCrashReports();

}  // namespace cairn
