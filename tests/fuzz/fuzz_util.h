// Helpers shared by the fuzz targets: FuzzInput splits one fuzz input into the parts a target
// needs (option bytes, lines, the rest), and FUZZ_CHECK reports a broken invariant and aborts,
// which libFuzzer records as a crash and the corpus replay under ctest as a failed test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define FUZZ_CHECK(cond)                                                                     \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

namespace cairn::fuzz {

// Reads one fuzz input front to back. Running out is never an error: Byte() then returns 0
// and Line()/Rest() an empty view, so every input means something.
class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

  uint8_t Byte() {
    if (rest_.empty()) return 0;
    uint8_t b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  // Up to the next '\n' (which is consumed, not returned), or everything left.
  std::string_view Line() {
    size_t nl = rest_.find('\n');
    std::string_view line = rest_.substr(0, nl);
    rest_.remove_prefix(nl == std::string_view::npos ? rest_.size() : nl + 1);
    return line;
  }
  std::string_view Rest() {
    std::string_view all = rest_;
    rest_ = {};
    return all;
  }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// A split point in [0, size] taken from one input byte.
inline size_t SplitPoint(uint8_t b, size_t size) { return size * b / 255; }

}  // namespace cairn::fuzz
