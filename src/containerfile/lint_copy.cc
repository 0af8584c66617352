// Rules on what COPY and ADD put into the image: a credential file named as
// a source, or one inside a directory copied from the build context that the
// ignore file does not exclude. The context walk is bounded (depth, entry
// count), never follows symlinks and stays inside the context.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "containerfile/ignore_file.h"
#include "containerfile/ignore_lookup.h"
#include "containerfile/lint_internal.h"
#include "containerfile/secret_names.h"
#include "containerfile/words.h"
#include "util/text.h"

namespace safebuild::lint {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxDepth = 32;
constexpr size_t kMaxEntries = 100000;
// A file named as a COPY source is read up to this size for secrets.
constexpr size_t kMaxSourceBytes = 1u << 20;

struct Source {
  std::string text;
  SourcePos pos;
};

// Sources and destination of COPY/ADD: exec strings, or whitespace-split
// words as podman splits them (quotes are not special here).
std::vector<Source> Operands(const Instruction& ins) {
  std::vector<Source> out;
  if (ins.exec_form) {
    for (size_t k = 0; k < ins.exec.size(); ++k) {
      out.push_back({ins.exec[k], ins.PosOf(ins.exec_offsets[k].empty()
                                                ? 0
                                                : ins.exec_offsets[k][0])});
    }
    return out;
  }
  const std::string& a = ins.args;
  for (size_t i = 0; i < a.size();) {
    while (i < a.size() && IsAsciiSpace(a[i])) ++i;
    size_t b = i;
    while (i < a.size() && !IsAsciiSpace(a[i])) ++i;
    if (i > b) out.push_back({a.substr(b, i - b), ins.PosOf(b)});
  }
  return out;
}

std::string Basename(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path
                                                     : path.substr(slash + 1));
}

// ".npmrc" → "npmrc": a secret id for the suggested fix.
std::string SecretId(std::string_view base) {
  std::string id;
  for (char c : base) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') {
      id.push_back(
          static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!id.empty()) {
      id.push_back('_');
    }
  }
  return id.empty() ? "creds" : id;
}

std::string MountFix(const std::string& src, const std::string& dest) {
  std::string base = Basename(src);
  std::string target = dest;
  if (dest.empty() || dest.back() == '/' || dest == ".") {
    target = (dest == "." || dest.empty()) ? base : dest + base;
  }
  std::string id = SecretId(base);
  return "use RUN --mount=type=secret,id=" + id + ",target=" + target +
         " and build with --secret id=" + id + ",src=" + src;
}

// Files of the context that a COPY of a directory sends into the image.
class ContextWalker {
 public:
  ContextWalker(fs::path root, const fs::path& containerfile, const fs::path& ignore_file)
      : root_(std::move(root)) {
    IgnoreLookup found = FindIgnoreFile(root_, containerfile, ignore_file);
    rules_ = std::move(found.rules);
    ignore_name_ = std::move(found.name);
  }

  struct Result {
    std::vector<std::pair<std::string, std::string>> files;  // (path, rule)
    bool truncated = false;
  };
  const Result& Walk(const std::string& rel_dir);
  std::string IgnoreName() const {
    return ignore_name_.empty() ? ".containerignore" : ignore_name_;
  }

 private:
  fs::path root_;
  IgnoreRules rules_;
  std::string ignore_name_;
  std::map<std::string, Result> cache_;
};

const ContextWalker::Result& ContextWalker::Walk(const std::string& rel_dir) {
  auto [it, fresh] = cache_.try_emplace(rel_dir);
  Result& r = it->second;
  if (!fresh) return r;
  std::error_code ec;
  fs::recursive_directory_iterator walk(
      rel_dir.empty() ? root_ : root_ / rel_dir,
      fs::directory_options::skip_permission_denied, ec);
  size_t entries = 0;
  for (; !ec && walk != fs::recursive_directory_iterator();
       walk.increment(ec)) {
    if (++entries > kMaxEntries) {
      r.truncated = true;
      break;
    }
    std::string rel = walk->path().lexically_relative(root_).generic_string();
    std::error_code st_ec;
    fs::file_status st = walk->symlink_status(st_ec);
    if (st_ec) continue;
    if (fs::is_directory(st)) {
      // Without "!" patterns an excluded directory cannot hold included files.
      if (walk.depth() + 1 >= kMaxDepth ||
          (!rules_.HasExceptions() && rules_.Excludes(rel))) {
        walk.disable_recursion_pending();
      }
      continue;
    }
    if (!fs::is_regular_file(st)) continue;  // symlinks are copied as links
    std::string rule = CredentialFileRule(rel);
    if (!rule.empty() && !rules_.Excludes(rel)) r.files.emplace_back(rel, rule);
  }
  std::sort(r.files.begin(), r.files.end());
  return r;
}

// A COPY source as a path from the context's root ("/x" is "x").
std::string FromContextRoot(std::string_view src) {
  std::string clean = CleanPath(src);
  if (clean.size() > 1 && clean[0] == '/') clean.erase(0, 1);
  return clean;
}

// No glob and no climbing out: a path this rule can follow.
bool IsPlainInContext(const std::string& clean) {
  return clean != ".." && !StartsWith(clean, "../") &&
         clean.find_first_of("*?[\\") == std::string::npos;
}

// The real path of `clean` when nothing on the way (a symlink, "link/sub")
// leads out of the context.
std::optional<fs::path> RealInside(const fs::path& context, const std::string& clean) {
  std::error_code ec;
  fs::path root = fs::canonical(context, ec);
  fs::path real = ec ? fs::path() : fs::canonical(context / clean, ec);
  if (ec) return std::nullopt;
  auto [r, p] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
  if (r != root.end()) return std::nullopt;
  return real;
}

// The context directory a COPY source names ("" for the root), or nullopt
// when the source is not a directory inside the context.
std::optional<std::string> ContextDir(const fs::path& context, std::string_view src) {
  std::string clean = FromContextRoot(src);
  if (clean == "." || clean == "/" || clean == "*") return std::string();
  std::error_code ec;
  if (!IsPlainInContext(clean) || !fs::is_directory(fs::symlink_status(context / clean, ec)) ||
      !RealInside(context, clean)) {
    return std::nullopt;
  }
  return clean;
}

// The regular file inside the context that a COPY source names, or nullopt
// (a glob, a directory, a link, or a path that leaves the context).
std::optional<fs::path> ContextFile(const fs::path& context, std::string_view src) {
  std::string clean = FromContextRoot(src);
  std::error_code ec;
  if (clean.empty() || clean == "." || !IsPlainInContext(clean) ||
      !fs::is_regular_file(fs::symlink_status(context / clean, ec))) {
    return std::nullopt;
  }
  return RealInside(context, clean);
}

// The first secret the detector finds in the start of `file`, or "".
std::string FirstSecretRule(const fs::path& file, std::string_view name,
                            const Detector& detector) {
  std::ifstream in(file, std::ios::binary);
  std::string head(kMaxSourceBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  std::vector<Match> found = detector.Scan(head, name);
  return found.empty() ? "" : found.front().rule;
}

// A .npmrc or .env whose secret-named keys all take their values from the
// environment (`//registry.npmjs.org/:_authToken=${NPM_TOKEN}`, as npm's
// docs advise) holds no secret itself: the variable it names is what must
// reach the build safely, and the lint of ARG and ENV looks after that.
bool HoldsOnlyReferences(const fs::path& file, std::string_view rule) {
  if (rule != "credential-file-npmrc" && rule != "credential-file-dotenv") return false;
  std::ifstream in(file, std::ios::binary);
  std::string text(kMaxSourceBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (static_cast<size_t>(in.gcount()) > kMaxSourceBytes) return false;
  text.resize(static_cast<size_t>(in.gcount()));
  bool references = false;
  for (const std::string& raw : Split(text, '\n')) {
    std::string_view line = Trim(raw);
    if (StartsWith(line, "export ")) line = Trim(line.substr(7));
    size_t eq = line.find('=');
    if (line.empty() || line[0] == '#' || line[0] == ';' || eq == std::string_view::npos) {
      continue;
    }
    std::string_view key = Trim(line.substr(0, eq));
    std::string_view value = Trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'') && value.back() == value[0]) {
      value = value.substr(1, value.size() - 2);
    }
    // npm's "//host/path/:_authToken": the setting is after the last ':'.
    std::string_view name = key.substr(key.find_last_of(":/") + 1);
    // "always-auth=true" is a switch, not a credential.
    static constexpr std::string_view kSwitches[] = {"true", "false", "yes", "no", "0", "1"};
    bool is_switch = std::find(std::begin(kSwitches), std::end(kSwitches), ToLower(value)) !=
                     std::end(kSwitches);
    if (!NameSuggestsSecret(name) || value.empty() || is_switch) continue;
    if (!IsVariableReference(value)) return false;
    references = true;
  }
  return references;
}

// A credential file of only ${VAR} references, in which the detector
// finds nothing either.
bool HoldsNoSecret(const fs::path& file, std::string_view name, std::string_view rule,
                   const Detector& detector) {
  return HoldsOnlyReferences(file, rule) && FirstSecretRule(file, name, detector).empty();
}

constexpr char kReferencesOnly[] =
    "; its secret-named keys take their values from variables, so it holds no secret itself";
constexpr char kReferencesFix[] =
    "pass the variables it names as build secrets (--secret), never as ARG or ENV";

class CopyRules {
 public:
  CopyRules(const LintInput& input, FindingSink& sink)
      : input_(input), sink_(sink) {}

  void Run(const Instruction& ins);

 private:
  void ContextFiles(const Instruction& ins, const Source& src,
                    const std::string& dir);

  const LintInput& input_;
  FindingSink& sink_;
  std::optional<ContextWalker> walker_;
};

void CopyRules::Run(const Instruction& ins) {
  std::vector<Source> ops = Operands(ins);
  if (ops.size() < 2) return;
  const std::string& dest = ops.back().text;
  const InstructionFlag* from = nullptr;
  for (const InstructionFlag& f : ins.flags) {
    if (f.name == "from") from = &f;
  }
  const std::string kw = DisplayKeyword(ins);
  for (size_t k = 0; k + 1 < ops.size(); ++k) {
    const Source& src = ops[k];
    if (StartsWith(src.text, "<<") ||
        src.text.find("://") != std::string::npos) {
      continue;
    }
    std::string rule = CredentialFileRule(CleanPath(src.text));
    std::optional<fs::path> file;
    if (from == nullptr && !input_.context.empty()) file = ContextFile(input_.context, src.text);
    if (!rule.empty() && file &&
        HoldsNoSecret(*file, CleanPath(src.text), rule, sink_.detector())) {
      sink_.Add("copy-credential-file", Severity::kLow, src.pos,
                kw + " puts " + src.text + " (" + rule + ") into the image" + kReferencesOnly,
                kReferencesFix);
      continue;
    }
    if (!rule.empty()) {
      std::string where = from != nullptr ? " from stage " + from->value : "";
      sink_.Add("copy-credential-file",
                from != nullptr ? Severity::kMedium : Severity::kHigh, src.pos,
                kw + " puts " + src.text + " (" + rule + ")" + where +
                    " into the image",
                MountFix(src.text, dest));
      continue;
    }
    if (from != nullptr || input_.context.empty()) continue;
    // A file of no telling name (pip.conf, settings.xml) that holds one.
    if (file) {
      std::string secret = FirstSecretRule(*file, CleanPath(src.text), sink_.detector());
      if (!secret.empty()) {
        sink_.Add("copy-credential-file", Severity::kHigh, src.pos,
                  kw + " puts " + src.text + " into the image; it holds a secret (" +
                      secret + ")",
                  MountFix(src.text, dest));
      }
      continue;
    }
    if (std::optional<std::string> dir = ContextDir(input_.context, src.text)) {
      ContextFiles(ins, src, *dir);
    }
  }
}

void CopyRules::ContextFiles(const Instruction& ins, const Source& src,
                             const std::string& dir) {
  if (!walker_) walker_.emplace(input_.context, sink_.file().path, input_.ignore_file);
  const ContextWalker::Result& r = walker_->Walk(dir);
  const std::string at = DisplayKeyword(ins) + " " + src.text + " at " +
                         sink_.file().path + ":" +
                         std::to_string(ins.start_line);
  for (const auto& [path, rule] : r.files) {
    std::string sent = path + " (" + rule + ") is sent into the image by " + at;
    Finding& f =
        HoldsNoSecret(input_.context / path, path, rule, sink_.detector())
            ? sink_.Add("context-credential-file", Severity::kLow, src.pos,
                        sent + kReferencesOnly, kReferencesFix)
            : sink_.Add("context-credential-file", Severity::kHigh, src.pos,
                        sent + "; add it to " + walker_->IgnoreName(),
                        "add /" + path + " to " + walker_->IgnoreName() +
                            ", and mount it with RUN --mount=type=secret where it is needed");
    // The file as the user names it (the context joined, like the
    // Containerfile's path); no line of its own: the message names the COPY.
    f.origin = Origin::kContext;
    f.path = (input_.context / path).lexically_normal().generic_string();
    f.line = 0;
    f.column = 0;
    f.instruction = SourceRef{sink_.file().path, ins.start_line};
  }
  if (r.truncated) {
    Finding& f =
        sink_.Add("context-too-large", Severity::kInfo, src.pos,
                  "stopped looking at the build context after " +
                      std::to_string(kMaxEntries) + " entries (" + at + ")",
                  "keep the build context small with " + walker_->IgnoreName());
    f.origin = Origin::kContext;
    f.path = dir.empty() ? "." : dir;
  }
}

}  // namespace

void LintCopies(const LintInput& input, FindingSink& sink) {
  CopyRules rules(input, sink);
  for (const Instruction& ins : sink.file().instructions) {
    const std::string& k = ins.Effective();
    if (k == "COPY" || k == "ADD") rules.Run(ins);
  }
}

}  // namespace safebuild::lint
