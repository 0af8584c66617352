// `safebuild init [DIR]` copies the templates that fit a project into it:
// the Containerfile for its stack, a .containerignore, the Makefile include
// and, on request, a CI file at the place its CI system reads it. It never
// replaces a file: each one appears complete or not at all, and a file that
// is already there (or appears meanwhile) is kept as it is.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "util/expected.h"

namespace safebuild {

int RunInit(const CommonOptions& common, const std::vector<std::string>& args);

struct InitArgs {
  std::filesystem::path dir = ".";
  std::optional<std::string> stack;  // node, python, go, maven
  std::optional<std::string> ci;     // github, gitlab, tekton
  bool help = false;
};

Expected<InitArgs> ParseInitArgs(const std::vector<std::string>& args);

struct DetectedStack {
  std::string stack;   // node, python, go, maven
  std::string marker;  // the file that told: package.json, go.mod, …
};

/// The stack whose marker file `dir` holds (package.json: node, …); an
/// error naming the choices when there is none, or more than one.
Expected<DetectedStack> DetectStack(const std::filesystem::path& dir);

/// One template to copy: `source` under the templates directory, `target`
/// relative to the project.
struct TemplateCopy {
  std::string source;
  std::string target;
  // A file that podman reads when `target` is missing (Dockerfile for
  // Containerfile): when it exists, writing `target` would change what the
  // build uses, so nothing is written.
  std::string shadowed_by;
};

/// What init copies for `stack` and `ci` (either may be checked here).
Expected<std::vector<TemplateCopy>> PlanInit(const std::string& stack,
                                             const std::optional<std::string>& ci);

/// The templates: $SAFEBUILD_TEMPLATES, else share/safebuild/templates
/// beside the installed binary in `exe_dir`, else `source_dir`.
Expected<std::filesystem::path> FindTemplates(const std::filesystem::path& exe_dir,
                                              const std::filesystem::path& source_dir);

enum class CreateResult { kCreated, kExisted };

/// Creates `target` with `text` unless it exists, without a window in which
/// another writer's file could be replaced or a half-written one seen: the
/// text goes to a private file beside it, which is then hard-linked to the
/// name (link fails on any existing entry, a dangling symlink included).
Expected<CreateResult> CreateNewFile(const std::filesystem::path& target,
                                     const std::string& text);

}  // namespace safebuild
