// The lint driver: directive and heredoc warnings, then for every
// instruction the value rules (ENV/ARG/LABEL), the command rules (RUN/ADD)
// and a generic finding for each remaining secret the detector sees, then
// the COPY rules and the build context.
#include "containerfile/lint.h"

#include <algorithm>

#include "containerfile/lint_internal.h"

namespace safebuild {
namespace lint {
namespace {

bool Before(SourcePos a, SourcePos b) {
  return a.line < b.line || (a.line == b.line && a.column < b.column);
}

bool EndsWithEscape(std::string_view line, char escape) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  return !line.empty() && line.back() == escape;
}

void LintDirectives(FindingSink& sink) {
  const Containerfile& file = sink.file();
  if (file.ignored_escape_line == 0) return;
  // It matters when some line would continue under the ignored escape.
  bool used = false;
  for (const std::string& line : file.lines) {
    size_t first = line.find_first_not_of(" \t");
    bool comment = first != std::string::npos && line[first] == '#';
    used = used || (!comment && EndsWithEscape(line, file.ignored_escape));
  }
  const std::string esc(1, file.ignored_escape);
  std::string message =
      "podman ignores this escape directive because another directive comes "
      "first; BuildKit uses " +
      esc;
  if (used) {
    message += ", so lines ending in " + esc + " are parsed differently";
  }
  sink.Add("escape-ignored-by-podman",
           used ? Severity::kMedium : Severity::kLow,
           {file.ignored_escape_line, 1}, std::move(message),
           "move \"# escape=" + esc + "\" to the first line of the file");
}

// podman continues a line that ends in two escapes, BuildKit does not.
void LintDoubledEscapes(FindingSink& sink) {
  const Containerfile& file = sink.file();
  for (int line : file.doubled_escape_lines) {
    const std::string& text = file.lines[static_cast<size_t>(line) - 1];
    size_t last = text.find_last_not_of(" \t");
    sink.Add("doubled-escape-at-line-end", Severity::kMedium,
             {line, static_cast<int>(last)},
             "podman continues this line after the escaped escape; BuildKit "
             "ends the instruction here and reads the next line on its own",
             "end a continued line with a single escape");
  }
}

void LintHeredocs(const Instruction& ins, FindingSink& sink) {
  for (const Heredoc& h : ins.heredocs) {
    sink.Add("heredoc-unsupported", Severity::kMedium, ins.PosOf(h.args_offset),
             "heredoc <<" + h.name +
                 ": podman 4.3 does not support heredocs; it reads "
                 "the body lines as instructions",
             "COPY a script file and run it, or upgrade to a podman with "
             "heredoc support");
  }
}

void ReportUnclaimed(const Instruction& ins,
                     const std::vector<ScannedText>& scanned,
                     FindingSink& sink) {
  const std::string& k = ins.Effective();
  const std::string kw = DisplayKeyword(ins);
  std::string rule = "secret-in-instruction";
  std::string where = "; it is recorded in the image history";
  std::string fix = "remove the secret from the Containerfile";
  if (k == "RUN") {
    rule = "secret-in-run";
    fix =
        "use RUN --mount=type=secret,id=ID and read the value from "
        "/run/secrets/ID";
  } else if (k == "CMD" || k == "ENTRYPOINT") {
    rule = "secret-in-cmd";
    where = "; it is stored in the image config";
    fix =
        "read the value at run time from an environment variable or a mounted "
        "secret";
  }
  if (!ins.onbuild_keyword.empty()) {
    where = "; the trigger is stored in the image config";
  }
  for (const ScannedText& t : scanned) {
    for (size_t i = 0; i < t.matches.size(); ++i) {
      if (t.claimed[i]) continue;
      SecretSpan s = SpanOfMatch(t.matches[i], t.seg);
      sink.AddSecret(rule, s,
                     kw + " contains a secret (" + s.rule + ")" + where, fix);
    }
  }
}

void LintInstruction(const Instruction& ins, const BuildArgSecrets& build_args,
                     FindingSink& sink) {
  const std::string& k = ins.Effective();
  if (k == "ENV" || k == "ARG" || k == "LABEL") {
    LintKeyValues(ins, build_args, sink);
    return;
  }
  LintHeredocs(ins, sink);
  std::vector<ScannedText> scanned = ScanInstruction(ins, sink.detector());
  if (k == "RUN" || k == "ADD") LintCommands(ins, scanned, sink);
  ReportUnclaimed(ins, scanned, sink);
}

// COPY <<EOF /root/.npmrc: the body is that file, so scan it as one.
std::string HeredocPath(const Instruction& ins) {
  const std::string& k = ins.Effective();
  if (k != "COPY" && k != "ADD") return "";
  size_t end = ins.args.find_last_not_of(" \t");
  if (end == std::string::npos) return "";
  size_t begin = ins.args.find_last_of(" \t", end);
  begin = begin == std::string::npos ? 0 : begin + 1;
  return ins.args.substr(begin, end + 1 - begin);
}

}  // namespace

std::vector<ScannedText> ScanInstruction(const Instruction& ins,
                                         const Detector& detector) {
  std::vector<ScannedText> out;
  auto scan = [&](Segment seg, std::string_view path) {
    if (seg.text.empty()) return;  // keeps every text's positions non-empty
    ScannedText t;
    t.matches = detector.Scan(seg.text, path);
    t.claimed.assign(t.matches.size(), false);
    t.seg = std::move(seg);
    out.push_back(std::move(t));
  };
  if (ins.exec_form) {
    for (size_t k = 0; k < ins.exec.size(); ++k) scan(ExecSegment(ins, k), "");
  } else {
    scan(ArgsSegment(ins), "");
  }
  const std::string path = HeredocPath(ins);
  for (const Heredoc& h : ins.heredocs) scan(HeredocSegment(h), path);
  return out;
}

// Texts and their matches ascend in the file and do not overlap, so both
// are found by binary search: rules claim once per credential they see.
std::optional<SecretSpan> ClaimMatch(std::vector<ScannedText>& scanned,
                                     const Segment& span) {
  if (span.pos.empty()) return std::nullopt;
  const SourcePos first = span.pos.front();
  const SourcePos last = span.pos.back();
  auto t = std::partition_point(
      scanned.begin(), scanned.end(),
      [&](const ScannedText& s) { return Before(s.seg.pos.back(), first); });
  for (; t != scanned.end() && !Before(last, t->seg.pos.front()); ++t) {
    const Segment& seg = t->seg;
    auto ends_before = [&](const Match& m) {
      return Before(seg.PosOf(m.offset + std::max<size_t>(m.length, 1) - 1),
                    first);
    };
    auto m =
        std::partition_point(t->matches.begin(), t->matches.end(), ends_before);
    for (; m != t->matches.end() && !Before(last, seg.PosOf(m->offset)); ++m) {
      size_t i = static_cast<size_t>(m - t->matches.begin());
      if (t->claimed[i]) continue;
      t->claimed[i] = true;
      return SpanOfMatch(*m, seg);
    }
  }
  return std::nullopt;
}

}  // namespace lint

std::vector<Finding> Lint(const LintInput& input, const Detector& detector) {
  if (input.file == nullptr) return {};
  lint::FindingSink sink(*input.file, detector);

  lint::LintDirectives(sink);
  lint::LintDoubledEscapes(sink);

  lint::BuildArgSecrets build_args = lint::FindBuildArgSecrets(input, sink);
  lint::LintBuildArgs(build_args, sink);

  for (const Instruction& ins : input.file->instructions) {
    lint::LintInstruction(ins, build_args, sink);
  }

  lint::LintCopies(input, sink);

  lint::LintFinalStage(sink);
  lint::LintBeforeFirstFrom(sink);

  if (input.secret_values != nullptr) {
    input.secret_values->insert(input.secret_values->end(), sink.Secrets().begin(),
                                sink.Secrets().end());
  }
  return sink.Take();
}

}  // namespace safebuild
