// Image references as podman and skopeo users write them.
#pragma once

#include <string>
#include <string_view>

#include "util/expected.h"

namespace safebuild {

struct ImageRef {
  enum class Kind { kLocal, kOciArchive, kOciDir, kDockerArchive, kRemote };
  Kind kind = Kind::kLocal;
  std::string name;  // kLocal: name or ID as given; kRemote: HOST/REPO[:TAG|@DIGEST]
  std::string path;  // archive file or layout directory
  std::string tag;   // oci:DIR:TAG / oci-archive:PATH:TAG reference, may be ""
};

/// "oci-archive:PATH[:REF]", "oci:DIR[:REF]", "docker-archive:PATH",
/// "containers-storage:NAME", "docker://HOST/REPO[:TAG]" or a bare local
/// name/ID.
Expected<ImageRef> ParseImageRef(std::string_view text);

}  // namespace safebuild
