// Bounded pattern matching for the Lua sandbox. Lua's matcher backtracks, and one call of
// string.find, match, gmatch or gsub is a single VM instruction, so the instruction budget does
// not see it: 420 'a's against "a*a*a*a*b" ran for minutes (found by fuzzing, docs/testing.md).
// A pattern with q repetition items (*, +, -, ?, %b) can take about (n+1)^(q+1) steps on a
// subject of n bytes ((n+1)^q when anchored with '^'); the wrappers refuse a call whose bound exceeds kMaxPatternSteps with a
// Lua error naming the script line, before matching. Plain finds (string.find's 4th argument)
// are not bounded: they cannot backtrack.
#pragma once

#include <cstddef>

struct lua_State;

namespace cairn::policy {

// About a second of matching in the worst case.
inline constexpr double kMaxPatternSteps = 1e8;

// Replaces string.find, string.match, string.gmatch and string.gsub of `L` with bounded
// versions. REQUIRES: the string library is open.
void BoundPatternMatching(lua_State* L);

// The worst-case step bound of matching `pattern` (m bytes) on a subject of n bytes.
double PatternStepBound(const char* pattern, std::size_t m, std::size_t n);

}  // namespace cairn::policy
