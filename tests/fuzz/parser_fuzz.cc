// libFuzzer target over the Containerfile parser, the lint rules that walk
// its result, and the `safebuild parse` JSON. Built with -DSAFEBUILD_FUZZ=ON
// and clang; tests/fuzz/replay_main.cc runs the same entry point over the
// seed corpus in every ctest run, with any compiler.
//
// A longer run before a release (from the build directory):
//   ./tests/parser_fuzz -max_total_time=3600 -max_len=65536 ../tests/fuzz/corpus/parser
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "containerfile/lint.h"
#include "containerfile/parse_json.h"
#include "containerfile/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = safebuild::ParseContainerfile(text, "Containerfile");
  if (!parsed) return 0;
  (void)safebuild::ParsedToJson(*parsed).dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  safebuild::LintInput input;
  input.file = &*parsed;
  (void)safebuild::Lint(input, safebuild::Detector::Default());
  return 0;
}
