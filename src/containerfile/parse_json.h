// The parsed Containerfile as JSON, for `safebuild parse` and for tools and
// tests that compare parsers. Shape (schema 1):
//
//   {"schema": 1, "path": "Containerfile", "escape": "\\",
//    "ignored_escape": {"value": "`", "line": 2} (BuildKit's, not podman's),
//    "directives": [{"name": "syntax", "value": "…", "line": 1}],
//    "instructions": [
//      {"keyword": "RUN", "onbuild": "RUN" (ONBUILD only),
//       "flags": [{"name": "mount", "value": "type=secret,id=x"}],
//       "args": "…", "form": "shell" | "exec", "exec": ["…"] (exec form),
//       "start_line": 3, "end_line": 5, "stage": 0,
//       "heredocs": [{"name": "EOF", "body": "…", "expand": true,
//                     "strip_tabs": false, "start_line": 4, "end_line": 5}]}]}
//
// `args` is the text after keyword and flags with continuations joined, as
// podman reads it. It is the file's own text: unlike a report, this output
// is not redacted.
#pragma once

#include <nlohmann/json.hpp>

#include "containerfile/parser.h"

namespace safebuild {

nlohmann::json ParsedToJson(const Containerfile& file);

/// True when the heredoc's delimiter was quoted (`<<"EOF"`, `<<'EOF'`), so
/// that its body is taken literally, without variable expansion.
bool HeredocQuoted(const Instruction& ins, const Heredoc& h);

}  // namespace safebuild
