// Replays fuzz inputs without libFuzzer, so that the normal (gcc) build keeps every corpus as a
// regression test: runs LLVMFuzzerTestOneInput once over each regular file found under the
// directories (or the files) named on the command line, in path order. A broken invariant
// aborts; the input being run is named on stderr first. An empty corpus is an error, so that a
// mistyped path cannot pass. Usage: fuzz_<target> DIR|FILE...
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

const char* current_input = "";

void OnFatalSignal(int sig) {
  const char* prefix = "corpus_driver: crashed on input ";
  ssize_t ignored = ::write(2, prefix, std::strlen(prefix));
  ignored = ::write(2, current_input, std::strlen(current_input));
  ignored = ::write(2, "\n", 1);
  (void)ignored;
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  namespace fs = std::filesystem;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    if (fs::is_directory(argv[i], ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(argv[i], ec)) {
        if (entry.is_regular_file()) inputs.push_back(entry.path());
      }
    } else if (fs::is_regular_file(argv[i], ec)) {
      inputs.emplace_back(argv[i]);
    } else {
      std::fprintf(stderr, "corpus_driver: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "usage: %s DIR|FILE... (and the corpus must not be empty)\n", argv[0]);
    return 2;
  }
  std::sort(inputs.begin(), inputs.end());
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, OnFatalSignal);
  for (const fs::path& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "corpus_driver: cannot read %s\n", path.c_str());
      return 2;
    }
    // Exactly sized, as libFuzzer passes inputs, so reads past the end are not hidden.
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<uint8_t> data(bytes.begin(), bytes.end());
    current_input = path.c_str();
    LLVMFuzzerTestOneInput(data.data(), data.size());
  }
  std::printf("%zu inputs ran without a crash or a broken invariant\n", inputs.size());
  return 0;
}
