// The report as SARIF 2.1.0, the format GitHub code scanning and other CI
// dashboards read. One run, one rule entry per rule id that has a result.
//
// Locations: a Containerfile finding points at its file (a URI relative to
// the base directory under %SRCROOT%, else an absolute file: URI) with
// startLine/startColumn. A context finding points at the context file, with
// no region (its line is the COPY line in the Containerfile, named in the
// message). An image finding has no place in the source tree: it gets a
// physical location whose URI is the path inside the image under the base
// id IMAGE (for config and history entries: "Env/NAME", "history/3" under
// IMAGE_CONFIG) and a logical location naming the layer or config entry.
// Our fingerprint becomes the partial fingerprint "safebuild/v1", which
// code scanning uses to follow a result across runs.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "report/report.h"

namespace safebuild {

struct SarifOptions {
  std::filesystem::path base_dir;  // absolute; %SRCROOT%, usually the cwd
};

nlohmann::json ToSarif(const Report& report, const SarifOptions& options);

/// "error" for high and critical, "warning" for medium, "note" below.
std::string_view SarifLevel(Severity s);

/// GitHub's security-severity score: critical 9.5, high 8.0, medium 5.5,
/// low 3.0, info 1.0.
std::string_view SecuritySeverity(Severity s);

/// Percent-encodes a '/'-separated path for use as a URI reference.
std::string UriEncodePath(std::string_view path);

}  // namespace safebuild
