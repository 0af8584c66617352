// fake-secret: prints fresh fake secrets for the end-to-end tests.
//
//   fake-secret KIND [COUNT]   COUNT values of KIND, one a line
//   fake-secret RULE [COUNT]   COUNT tokens for a detector rule id, each after
//                              the text the rule needs before it
//   fake-secret --list         the kinds, then the rule ids
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fake_secret.h"

namespace {

constexpr int kUsageError = 2;
constexpr unsigned long kMaxCount = 100000;

int Usage(std::FILE* out, int code) {
  std::fputs(
      "usage: fake-secret KIND|RULE [COUNT]\n"
      "       fake-secret --list\n"
      "Prints COUNT (default 1) fresh, random, format-valid fake secrets.\n",
      out);
  return code;
}

bool ParseCount(const char* arg, unsigned long* count) {
  char* end = nullptr;
  *count = std::strtoul(arg, &end, 10);
  return *arg >= '0' && *arg <= '9' && *end == '\0' && *count <= kMaxCount;
}

}  // namespace

int main(int argc, char** argv) {
  using safebuild::fake::kKinds;
  if (argc < 2 || argc > 3) return Usage(stderr, kUsageError);
  std::string_view arg = argv[1];
  if (arg == "-h" || arg == "--help") return Usage(stdout, 0);
  if (arg == "--list") {
    for (const auto& k : kKinds) {
      std::printf("%.*s\n", static_cast<int>(k.name.size()), k.name.data());
    }
    for (const auto& f : safebuild::fake::kTokenFormats) {
      std::printf("%.*s\n", static_cast<int>(f.rule.size()), f.rule.data());
    }
    return 0;
  }
  auto kind = safebuild::fake::ParseKind(arg);
  const safebuild::fake::TokenFormat* format = safebuild::fake::FindFormat(arg);
  if (!kind && !format) {
    std::fprintf(stderr, "fake-secret: unknown kind '%s' (see --list)\n",
                 argv[1]);
    return 1;
  }
  unsigned long count = 1;
  if (argc == 3 && !ParseCount(argv[2], &count)) {
    std::fprintf(stderr, "fake-secret: COUNT must be 0..%lu, not '%s'\n",
                 kMaxCount, argv[2]);
    return kUsageError;
  }
  for (unsigned long i = 0; i < count; ++i) {
    if (kind) {
      std::puts(safebuild::fake::Make(*kind).c_str());
    } else {
      std::string line(format->before);
      std::puts((line + safebuild::fake::Make(*format)).c_str());
    }
  }
  return 0;
}
