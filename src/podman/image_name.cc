#include "podman/image_name.h"

#include <re2/re2.h>

#include <string>
#include <string_view>

namespace safebuild {
namespace {

// The grammar of github.com/distribution/reference, as used by podman 4.
constexpr char kPathComponent[] = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
constexpr char kDomainComponent[] = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
constexpr char kTag[] = "[\\w][\\w.-]{0,127}";
constexpr size_t kMaxNameLength = 255;
constexpr std::string_view kDefaultDomain = "docker.io/";
constexpr std::string_view kOfficialPrefix = "library/";

const RE2& DomainPattern() {
  static const RE2 re(std::string("(?:") + kDomainComponent + "(?:\\." + kDomainComponent +
                      ")*)(?::[0-9]+)?");
  return re;
}

const RE2& RemainderPattern() {
  static const RE2 re(std::string("(") + kPathComponent + "(?:/" + kPathComponent +
                      ")*)(?::" + kTag + ")?");
  return re;
}

// Where the registry host ends: podman reads the first component as a host
// only when it looks like one.
size_t DomainLength(std::string_view name) {
  size_t slash = name.find('/');
  if (slash == std::string_view::npos) return 0;
  std::string_view first = name.substr(0, slash);
  bool host = first.find_first_of(".:") != std::string_view::npos || first == "localhost";
  return host ? slash : 0;
}

bool HasUpper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

}  // namespace

Status CheckImageName(std::string_view name) {
  // A digest names content that exists; a build makes new content.
  if (name.find('@') != std::string_view::npos) {
    return Fail("invalid reference format: a build tag cannot name a digest");
  }
  size_t domain_len = DomainLength(name);
  std::string_view rest = domain_len == 0 ? name : name.substr(domain_len + 1);
  if (domain_len != 0 && !RE2::FullMatch(name.substr(0, domain_len), DomainPattern())) {
    return Fail("invalid reference format");
  }
  std::string path;
  if (!RE2::FullMatch(rest, RemainderPattern(), &path)) {
    // podman names the likely cause when the lowercase form would do.
    size_t end = rest.find_first_of(":@");
    std::string lower(rest.substr(0, end));
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    bool case_only = HasUpper(rest.substr(0, end)) &&
                     RE2::FullMatch(lower + std::string(rest.substr(lower.size())),
                                    RemainderPattern());
    return Fail(case_only ? "invalid reference format: repository name must be lowercase"
                          : "invalid reference format");
  }
  // The limit applies to the normalised name (docker.io/library/NAME).
  size_t normalised = domain_len != 0 ? domain_len + 1 + path.size()
                      : path.find('/') != std::string::npos
                          ? kDefaultDomain.size() + path.size()
                          : kDefaultDomain.size() + kOfficialPrefix.size() + path.size();
  if (normalised > kMaxNameLength) {
    return Fail("invalid reference format: repository name must not be more than 255 "
                 "characters");
  }
  return Ok{};
}

}  // namespace safebuild
