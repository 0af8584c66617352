// Which ignore file podman 4.3 applies to a build (buildah's
// ContainerIgnoreFile): the --ignorefile when one is given; else, next to
// the Containerfile, <Containerfile>.dockerignore or
// <Containerfile>.containerignore (when both exist the .dockerignore wins,
// as in buildah); else .containerignore, then .dockerignore, at the root of
// the context. The Containerfile path is the one safebuild read.
#pragma once

#include <filesystem>
#include <string>

#include "containerfile/ignore_file.h"

namespace safebuild {

struct IgnoreLookup {
  IgnoreRules rules;
  std::string name;  // for messages: the file's name; "" when none applies
  std::filesystem::path path;  // the file read; empty when none
};

/// `containerfile` may be empty or "<stdin>" (no per-file lookup);
/// `ignore_file` is --ignorefile, empty when not given.
IgnoreLookup FindIgnoreFile(const std::filesystem::path& context,
                            const std::filesystem::path& containerfile,
                            const std::filesystem::path& ignore_file);

}  // namespace safebuild
