// Image references follow containers/image's "transport:reference" form,
// except that a bare name or ID means podman's local storage. A transport
// and a name cannot always be told apart ("busybox:1" is a name with a tag),
// so only the transports listed here are recognised; the rest is a name and
// must look like one, because it ends up on a podman command line.
#include "image/image_ref.h"

#include <array>

#include "util/text.h"

namespace safebuild {
namespace {

struct PathTransport {
  std::string_view prefix;
  ImageRef::Kind kind;
};

constexpr std::array<PathTransport, 3> kPathTransports = {{
    {"oci-archive:", ImageRef::Kind::kOciArchive},
    {"oci:", ImageRef::Kind::kOciDir},
    {"docker-archive:", ImageRef::Kind::kDockerArchive},
}};

// Transports containers/image knows that safebuild does not read yet.
constexpr std::array<std::string_view, 5> kUnsupported = {
    "dir:", "docker-daemon:", "ostree:", "sif:", "tarball:"};

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
         c == '/' || c == ':' || c == '@';
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

// A name starting with "-" would be read by podman as an option.
Expected<ImageRef> LocalRef(std::string_view name, std::string_view text) {
  if (name.empty())
    return Fail("empty image name in '" + std::string(text) + "'");
  if (!IsAlnum(name.front())) {
    return Fail("invalid image name '" + std::string(name) +
                "': must start with a letter or digit");
  }
  for (char c : name) {
    if (!IsNameChar(c)) {
      return Fail("invalid image name '" + std::string(name) + "'");
    }
  }
  ImageRef ref;
  ref.kind = ImageRef::Kind::kLocal;
  ref.name = std::string(name);
  return ref;
}

// "PATH[:REF]": the first colon splits, as containers/image does.
Expected<ImageRef> PathRef(const PathTransport& t, std::string_view rest,
                           std::string_view text) {
  size_t colon = rest.find(':');
  ImageRef ref;
  ref.kind = t.kind;
  ref.path = std::string(rest.substr(0, colon));
  if (colon != std::string_view::npos &&
      t.kind != ImageRef::Kind::kDockerArchive) {
    ref.tag = std::string(rest.substr(colon + 1));
  }
  if (ref.path.empty()) {
    return Fail("missing path in image reference '" + std::string(text) + "'");
  }
  return ref;
}

}  // namespace

Expected<ImageRef> ParseImageRef(std::string_view text) {
  if (Trim(text).empty()) return Fail("empty image reference");
  for (const PathTransport& t : kPathTransports) {
    if (StartsWith(text, t.prefix)) {
      return PathRef(t, text.substr(t.prefix.size()), text);
    }
  }
  if (StartsWith(text, "containers-storage:")) {
    return LocalRef(text.substr(sizeof("containers-storage:") - 1), text);
  }
  if (StartsWith(text, "docker://")) {
    // It ends up on skopeo's command line: the same character rules apply.
    auto ref = LocalRef(text.substr(sizeof("docker://") - 1), text);
    if (ref) ref->kind = ImageRef::Kind::kRemote;
    return ref;
  }
  for (std::string_view prefix : kUnsupported) {
    if (StartsWith(text, prefix)) {
      return Fail("the " + std::string(prefix.substr(0, prefix.size() - 1)) +
                  " transport is not supported: " + std::string(text));
    }
  }
  size_t scheme = text.find("://");
  if (scheme != std::string_view::npos) {
    return Fail("unknown transport '" + std::string(text.substr(0, scheme)) +
                "' in image reference '" + std::string(text) + "'");
  }
  return LocalRef(text, text);
}

}  // namespace safebuild
