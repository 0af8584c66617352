// The one data model every stage reports into and every output format
// renders from. A Finding never holds a secret value: only its fingerprint
// and a redacted prefix.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace safebuild {

enum class Severity { kInfo, kLow, kMedium, kHigh, kCritical };
std::string_view ToString(Severity s);
std::optional<Severity> ParseSeverity(std::string_view s);

enum class Origin { kContainerfile, kContext, kConfig, kHistory, kLayer };
std::string_view ToString(Origin o);

struct LayerRef {
  int index = 0;           // 0-based position in the image's layer list
  std::string digest;      // uncompressed diff ID or blob digest, "sha256:…"
  std::string created_by;  // the history entry that made the layer
  int history_index = -1;  // of that entry in the config's history, -1 unknown
};

// A place in a Containerfile: the instruction that made a layer.
struct SourceRef {
  std::string file;
  int line = 0;
};

struct Finding {
  std::string rule;
  Severity severity = Severity::kHigh;
  Origin origin = Origin::kLayer;
  std::string path;    // file, or "Env/NAME", "Labels/KEY", "Cmd", "history/3"
  std::string member;  // path inside a nested archive, if any
  int64_t line = 0;    // 1-based, 0 when unknown (a layer file may be
  int64_t column = 0;  // larger than 4 GiB, a line of it too)
  std::optional<LayerRef> layer;
  std::optional<bool> deleted;  // layer findings: hidden in the final filesystem
  std::string fingerprint;
  std::string redacted;
  std::string message;  // what is wrong, one line, no secret value
  std::string fix;      // how to fix it, one line
  std::string excerpt;  // source line with the secret redacted (lint only)
  int excerpt_column = 0;  // 1-based byte offset of the caret in excerpt, 0: none
  // Image findings of an image built through safebuild: the instruction
  // that made the layer or history entry.
  std::optional<SourceRef> instruction;
  // Why an inline "# safebuild:ignore" or the project policy suppresses it;
  // "" when it is not suppressed. A suppressed finding stays in the report
  // but never fails the gate.
  std::string suppressed;
  // Layer findings: where the value is when not in the file's content:
  // "name" in its path (the name of the file or of a directory above it,
  // which `path` then names), "link-target" in a symlink's target, "xattr" in
  // an extended attribute of the file or directory.
  std::string found_in;
  // Layer findings: the MD5 of the whole layer file that holds the value,
  // to recognise a distribution package's file as shipped. Never reported.
  std::string content_md5;
};

}  // namespace safebuild
