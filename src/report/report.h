// One report model, rendered as text for people (stderr) or as the stable
// JSON shape CI parses (schema 1, documented in the README). Neither form
// ever carries a secret value: findings hold only fingerprints and redacted
// prefixes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/finding.h"

namespace safebuild {

// Something the scan did not read in full: a limit cut it, or it could not
// be read. Never dropped silently: counted and named in the report.
struct Skipped {
  std::string reason;  // "size", "ratio", "depth", "entries", "unreadable",
                       // "unsupported", "memory" (an xz or zstd window over
                       // the decoder pool), "broken-link" (a hardlink to a
                       // deleted file)
  std::string path;    // the layer file
  std::string member;  // inside a nested archive; "" for the file itself
  int layer = 0;
  std::string detail;  // what a limit cut inside a file that was read
                       // ("SQLite cells past the first 4096"); "" when the
                       // file or member itself was cut
};

struct ScanStats {
  int layers = 0;
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t truncated = 0;  // files larger than the read limit, scanned in part
  uint64_t archives = 0;   // nested archives opened
  uint64_t members = 0;    // files read inside them
  std::vector<Skipped> skipped;  // all; the JSON lists the first 100
};

struct ReportImage {
  std::string id;
  std::vector<std::string> tags;
};

struct Report {
  std::optional<ReportImage> image;
  std::vector<Finding> findings;
  Severity fail_on = Severity::kHigh;
  bool fail_on_skipped = false;      // anything not read in full fails too
  bool complete = true;              // false: a stage could not finish
  std::vector<std::string> errors;   // why it is incomplete
  std::optional<ScanStats> stats;
  std::optional<uint64_t> baselined;  // with --baseline: accepted findings left out
};

/// "fail" when a finding reaches fail_on, the report is incomplete, or, with
/// fail_on_skipped, the scan did not read something in full.
bool Fails(const Report& report);

/// The report as shown: each text in it Printable (a name from an image is
/// any bytes). Every output (text, JSON, SARIF, a baseline) shows this.
Finding Shown(Finding f);
Report Shown(const Report& report);

nlohmann::json ToJson(const Report& report);

struct TextStyle {
  bool color = false;
  bool verbose = false;
  bool skip_lint = false;  // Containerfile findings were shown already
};

/// Findings grouped by where they are: Containerfile and context, image
/// config, history, then each layer in order.
std::string RenderText(const Report& report, const TextStyle& style);

/// Sorts findings into a stable order and drops exact repeats.
void Normalize(std::vector<Finding>& findings);

}  // namespace safebuild
