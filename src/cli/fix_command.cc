// `safebuild fix` and the rewrite step of `build`. fix prints the rewrite,
// a diff of it, or writes it over the file (a temporary file renamed in the
// same directory, the original kept as FILE.bak, or, when it holds a
// secret, in the user's state directory). The build step never
// touches the user's file: apply writes the rewrite into the run's private
// TempDir, and every secret value it hands to podman goes into a 0600 file
// there (wiped and removed with the directory), never onto a command line.
#include "cli/fix_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>

#include "cli/base_users.h"
#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/secret_sources.h"
#include "containerfile/ignore_lookup.h"
#include "containerfile/parser.h"
#include "containerfile/preprocess.h"
#include "containerfile/source_file.h"
#include "detect/detector.h"
#include "detect/redact.h"
#include "podman/podman.h"
#include "report/policy.h"
#include "rewrite/rewrite.h"
#include "util/atomic_file.h"
#include "util/text.h"

namespace safebuild {
namespace fs = std::filesystem;
namespace {

PodmanVersion DetectVersion(const CommonOptions& common) {
  Podman podman({common.podman, {}});
  RunOptions run;
  run.capture_stdout = true;
  auto r = podman.Run({"version", "--format", "{{.Client.Version}}"}, run);
  if (r && r->exit_code == 0) {
    if (auto v = ParsePodmanVersion(r->out)) return *v;
  }
  PrintWarning("cannot tell the podman version; writing for podman 4.3");
  return PodmanVersion{};
}

std::string Where(const std::string& file, int line) {
  return line > 0 ? file + ":" + std::to_string(line) : file;
}

// The summary on stderr: changes, what was left and why, flags, advice.
void PrintPlan(const RewriteResult& r, const std::string& file) {
  for (const auto& c : r.changes) {
    std::cerr << Where(file, c.line) << ": " << c.rule << ": " << c.message << "\n";
  }
  for (const auto& s : r.skipped) {
    std::cerr << Where(file, s.line) << ": not rewritten (" << s.rule << "): " << s.message
              << "\n";
  }
  std::vector<std::string> flags = BuildFlags(r.secrets);
  if (!flags.empty()) std::cerr << "build the rewritten file with:\n";
  for (size_t i = 0; i < flags.size(); ++i) {
    std::cerr << "  " << flags[i];
    if (!r.secrets[i].replaces_build_arg.empty()) {
      std::cerr << "  (instead of --build-arg " << r.secrets[i].replaces_build_arg << ")";
    }
    std::cerr << "\n";
  }
  if (!r.ignore_lines.empty()) std::cerr << "add to .containerignore:\n";
  for (const auto& l : r.ignore_lines) std::cerr << "  " << l << "\n";
  for (const auto& a : r.advice) std::cerr << "advice: " << a << "\n";
}

struct FixArgs {
  std::vector<std::string> files;
  std::vector<std::string> artifacts;
  bool diff = false;
  bool write = false;
  std::optional<std::string> target_version;
  std::vector<std::pair<std::string, std::string>> build_args;
  std::string context = ".";
};

// "--name=value" or "--name value".
bool TakeValue(const std::vector<std::string>& args, size_t& i, const std::string& name,
               std::string& out) {
  const std::string& a = args[i];
  if (StartsWith(a, name + "=")) {
    out = a.substr(name.size() + 1);
    return true;
  }
  if (a != name || i + 1 >= args.size()) return false;
  out = args[++i];
  return true;
}

void AddBuildArg(FixArgs& f, const std::string& kv) {
  size_t eq = kv.find('=');
  if (eq != std::string::npos) {
    f.build_args.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  } else if (const char* env = std::getenv(kv.c_str())) {
    f.build_args.emplace_back(kv, env);
  }
}

Expected<FixArgs> ParseFixArgs(const std::vector<std::string>& args) {
  FixArgs f;
  bool have_context = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string v;
    if (a == "--diff") {
      f.diff = true;
    } else if (a == "--write") {
      f.write = true;
    } else if (TakeValue(args, i, "-f", v) || TakeValue(args, i, "--file", v)) {
      f.files.push_back(v);
    } else if (TakeValue(args, i, "--artifact", v)) {
      f.artifacts.push_back(v);
    } else if (TakeValue(args, i, "--target-version", v)) {
      f.target_version = v;
    } else if (TakeValue(args, i, "--build-arg", v)) {
      AddBuildArg(f, v);
    } else if (!a.empty() && a[0] == '-') {
      return Fail("unknown option or missing value: " + a);
    } else if (have_context) {
      return Fail("takes one CONTEXT");
    } else {
      f.context = a;
      have_context = true;
    }
  }
  if (f.diff && f.write) return Fail("--diff and --write exclude each other");
  if (f.files.size() > 1 && !f.diff && !f.write) {
    return Fail("several files need --diff or --write");
  }
  return f;
}

std::optional<std::string> DefaultFile(const std::string& context) {
  for (const char* name : {"Containerfile", "Dockerfile"}) {
    fs::path p = fs::path(context) / name;
    if (fs::exists(p)) return p.string();
  }
  return std::nullopt;
}

// Where backups that hold a secret go: $XDG_STATE_HOME/safebuild/backups,
// else ~/.local/state/safebuild/backups; "" when neither is known.
fs::path PrivateBackupDir() {
  const char* state = std::getenv("XDG_STATE_HOME");
  const char* home = std::getenv("HOME");
  if (state != nullptr && *state == '/') return fs::path(state) / "safebuild" / "backups";
  if (home != nullptr && *home == '/') return fs::path(home) / ".local/state/safebuild/backups";
  return {};
}

// The original goes beside the file as FILE.bak, unless it holds a secret:
// a backup in the build context is what `COPY .` sends into the image, so
// that one is kept, 0600, in a 0700 directory of the user's own.
Expected<std::string> WriteBackup(const std::string& file, const std::string& before,
                                  mode_t mode) {
  if (Detector::Default().Scan(before, file).empty()) {
    if (auto b = ReplaceFile(file + ".bak", before, mode); !b) return Fail(b.error());
    return file + ".bak";
  }
  fs::path dir = PrivateBackupDir();
  std::error_code ec;
  if (dir.empty() || (fs::create_directories(dir, ec), ec)) {
    return Fail("cannot keep a backup of " + file + " outside the build context (" +
                (dir.empty() ? std::string("no HOME") : dir.string() + ": " + ec.message()) +
                "); it holds a secret, so it is not written beside the file");
  }
  fs::permissions(dir, fs::perms::owner_all, ec);
  std::string stamp = std::to_string(::time(nullptr));
  fs::path backup = dir / (fs::path(file).filename().string() + "." + stamp + ".bak");
  for (int n = 1; fs::exists(backup); ++n) {
    backup = dir / (fs::path(file).filename().string() + "." + stamp + "-" + std::to_string(n) +
                    ".bak");
  }
  if (auto b = ReplaceFile(backup.string(), before, 0600); !b) return Fail(b.error());
  return backup.string();
}

// A Containerfile that is a symlink is written through: the file it names
// gets the new text and the link stays a link, as an editor would do.
Expected<std::string> WriteWithBackup(const std::string& file, const std::string& before,
                                      const std::string& after) {
  struct stat st {};
  mode_t mode = ::stat(file.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  std::error_code ec;
  fs::path target = fs::is_symlink(file, ec) ? fs::canonical(file, ec) : fs::path(file);
  if (ec) return Fail("cannot resolve the symlink " + file + ": " + ec.message());
  auto backup = WriteBackup(file, before, mode);
  if (!backup) return backup;
  if (auto w = ReplaceFile(target, after, mode); !w) return Fail(w.error());
  return backup;
}

int FixUsageError(const std::string& message) {
  PrintError("fix: " + message);
  return kExitUsage;
}

}  // namespace

namespace {

// Rewrites one file and prints, diffs or writes it; an exit code.
int FixOne(const std::string& file, const FixArgs& fa, const RewriteOptions& options,
           bool several) {
  if (file == "-") return FixUsageError("needs a file, not stdin");
  // The lines of a Containerfile.in are cpp's input: macros and #include'd
  // files make them another text than the one podman builds.
  if (NeedsPreprocessing(file)) {
    return FixUsageError(file + ": podman runs it through cpp, so it is not rewritten; "
                         "'safebuild lint -f " + file + "' points at the lines to change");
  }
  auto text = ReadContainerfile(file);
  if (!text) {
    PrintError(text.error());
    return kExitUsage;
  }
  auto result = RewriteContainerfile(*text, file, options);
  if (!result) {
    PrintError(result.error());
    return kExitUsage;
  }
  if (fa.diff) {
    // A diff is for reading (and ends up in logs): the removed lines are
    // the secrets themselves, so every detected value is shown redacted.
    std::string name = several ? file : fs::path(file).filename().string();
    std::cout << RedactSecrets(Detector::Default(), UnifiedDiff(*text, result->text, name));
  } else if (!fa.write) {
    std::cout << result->text;
  }
  std::cout.flush();
  PrintPlan(*result, file);
  if (!result->changed) {
    PrintNote("nothing to rewrite in " + file);
  } else if (fa.write) {
    auto backup = WriteWithBackup(file, *text, result->text);
    if (!backup) {
      PrintError(backup.error());
      return kExitInternal;
    }
    PrintNote("rewrote " + file + " (the original is in " + *backup + ")");
  }
  return kExitPass;
}

}  // namespace

int RunFix(const CommonOptions& common_in, const std::vector<std::string>& args) {
  CommonOptions common = common_in;
  auto rest = ParseCommonAfterCommand(args, common);
  if (!rest) return FixUsageError(rest.error());
  if (!rest->empty() && rest->front() == "--help") {
    std::cout << CommandUsage("fix");
    return kExitPass;
  }
  auto fa = ParseFixArgs(*rest);
  if (!fa) return FixUsageError(fa.error());
  std::vector<std::string> files = fa->files;
  if (files.empty()) {
    std::optional<std::string> found = DefaultFile(fa->context);
    if (!found) return FixUsageError("no Containerfile or Dockerfile in " + fa->context);
    files.push_back(*found);
  }

  RewriteOptions options;
  if (fa->target_version) {
    auto v = ParsePodmanVersion(*fa->target_version);
    if (!v) return FixUsageError("--target-version: " + v.error());
    options.target = *v;
  } else {
    options.target = DetectVersion(common);
  }
  options.build_args = fa->build_args;
  options.context = fa->context;
  options.artifacts = fa->artifacts;
  // Each file on its own: one that cannot be read does not stop the rest.
  int code = kExitPass;
  for (const auto& file : files) {
    int one = FixOne(file, *fa, options, files.size() > 1);
    if (code == kExitPass) code = one;
  }
  return code;
}

namespace {

// Copies `args` with the -f value replaced by `file` (added when absent)
// and the --build-args named in `drop` left out.
std::vector<std::string> RewriteArgs(const std::vector<std::string>& args,
                                     const std::string& file,
                                     const std::set<std::string>& drop) {
  std::vector<std::string> out;
  bool have_file = false;
  auto dropped = [&](const std::string& kv) { return drop.count(kv.substr(0, kv.find('='))); };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      out.insert(out.end(), args.begin() + static_cast<long>(i), args.end());
      break;
    }
    bool pair = i + 1 < args.size();
    if ((a == "-f" || a == "--file") && pair) {
      out.insert(out.end(), {a, file});
      have_file = true;
      ++i;
    } else if (StartsWith(a, "--file=") || (StartsWith(a, "-f") && a.size() > 2 && a[2] != '-')) {
      out.push_back("--file=" + file);
      have_file = true;
    } else if (a == "--ignorefile" && pair) {
      ++i;  // the copy's own ignore file replaces it
    } else if (StartsWith(a, "--ignorefile=")) {
      continue;
    } else if (a == "--build-arg" && pair) {
      if (!dropped(args[i + 1])) out.insert(out.end(), {a, args[i + 1]});
      ++i;
    } else if (StartsWith(a, "--build-arg=")) {
      if (!dropped(a.substr(12))) out.push_back(a);
    } else {
      out.push_back(a);
    }
  }
  if (!have_file) out.insert(out.begin(), {"--file", file});
  return out;
}

// The ignore file for the rewritten copy: the one podman would apply to
// the user's file (next to it or in the context; a copy elsewhere would
// miss it) plus the files the rewrite mounts instead of copying.
Expected<std::string> CopyIgnoreFile(const BuildInvocation& inv, const std::string& file,
                                     const RewriteResult& r, const TempDir& scratch) {
  IgnoreLookup found = FindIgnoreFile(inv.context, file == "-" ? "<stdin>" : file,
                                      inv.ignorefile.value_or(""));
  std::string text;
  if (!found.path.empty()) {
    std::ifstream in(found.path, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!text.empty() && text.back() != '\n') text += '\n';
  }
  for (const auto& line : r.ignore_lines) text += line + "\n";
  // Named as the user's, for the messages that name it.
  std::string name = fs::path(found.name).filename().string();
  fs::path path = scratch.path() / (name.empty() ? ".containerignore" : name);
  if (auto st = ReplaceFile(path, text, 0600); !st) return Fail(st.error());
  return path.string();
}

// The --secret/--ssh flags of the apply mode: known values go into 0600
// files of `scratch`; secrets the config names are left to
// ConfiguredSecretFlags; the rest come from the named environment variable.
Expected<std::vector<std::string>> ApplyFlags(const RewriteResult& r, const TempDir& scratch,
                                              const std::set<std::string>& configured) {
  std::vector<std::string> flags;
  for (const auto& need : r.secrets) {
    if (need.kind == SecretNeed::kSsh) {
      flags.insert(flags.end(), {"--ssh", need.source});
    } else if (!need.value && configured.count(need.id)) {
      continue;
    } else if (need.value) {
      auto path = WriteSecretFile(scratch, need.id, *need.value);
      if (!path) return Fail(path.error());
      flags.insert(flags.end(), {"--secret", "id=" + need.id + ",type=file,src=" + *path});
    } else if (need.kind == SecretNeed::kFile) {
      flags.insert(flags.end(), {"--secret", "id=" + need.id + ",type=file,src=" +
                                                 fs::absolute(need.source).string()});
    } else if (std::getenv(need.source.c_str()) != nullptr) {
      flags.insert(flags.end(), {"--secret", "id=" + need.id + ",type=env,env=" + need.source});
    } else {
      return Fail("the rewritten file needs secret " + need.id + ", and " + need.source +
                  " is not set");
    }
  }
  return flags;
}

// The project's config (--config, else CONTEXT/.safebuild.json); an empty
// one when it cannot be read: lint reports why.
Policy LoadConfig(const CommonOptions& common, const std::string& context, bool remote) {
  fs::path file = common.config_file ? fs::path(*common.config_file) : fs::path();
  auto policy = LoadPolicy(file, remote ? fs::path() : fs::path(context));
  return policy ? *policy : Policy{};
}

std::set<std::string> ConfiguredIds(const Policy& config) {
  std::set<std::string> ids;
  for (const auto& s : config.secrets) ids.insert(s.id);
  return ids;
}

// Ids of the `--mount=type=secret,id=…` of every RUN in `text`.
void AddSecretMountIds(std::string_view text, std::set<std::string>& ids) {
  auto cf = ParseContainerfile(text, "Containerfile");
  if (!cf) return;
  for (const auto& ins : cf->instructions) {
    for (const auto& f : ins.flags) {
      if (f.name != "mount") continue;
      std::vector<std::string> parts = Split(f.value, ',');
      if (std::find(parts.begin(), parts.end(), "type=secret") == parts.end()) continue;
      for (const auto& p : parts) {
        if (StartsWith(p, "id=")) ids.insert(p.substr(3));
      }
    }
  }
}

bool IsRemote(const std::string& context) {
  return context.find("://") != std::string::npos || StartsWith(context, "github.com/") ||
         StartsWith(context, "git@");
}

std::string ApplyHeading(const RewriteResult& r, const std::string& shown) {
  if (r.changed) return "building from a rewritten copy of " + shown + " (it is not changed):\n";
  if (!r.unused_build_args.empty()) {
    return "building " + shown + " with a changed podman command:\n";
  }
  return "building " + shown + " as it is; nothing in it can be rewritten:\n";
}

// `build` without the --build-args named in `drop`.
BuildRewrite WithoutBuildArgs(BuildRewrite build, const std::set<std::string>& drop) {
  if (drop.empty()) return build;
  std::vector<std::string> args;
  auto dropped = [&](const std::string& kv) { return drop.count(kv.substr(0, kv.find('='))); };
  for (size_t i = 0; i < build.passthrough.size(); ++i) {
    const std::string& a = build.passthrough[i];
    if (a == "--") {
      args.insert(args.end(), build.passthrough.begin() + static_cast<long>(i),
                  build.passthrough.end());
      break;
    }
    if (a == "--build-arg" && i + 1 < build.passthrough.size()) {
      const std::string& kv = build.passthrough[++i];
      if (!dropped(kv)) args.insert(args.end(), {a, kv});
    } else if (!StartsWith(a, "--build-arg=") || !dropped(a.substr(12))) {
      args.push_back(a);
    }
  }
  build.passthrough = std::move(args);
  std::erase_if(build.build_args, [&](const auto& kv) { return drop.count(kv.first) > 0; });
  return build;
}

}  // namespace

Expected<BuildRewrite> PrepareBuildRewrite(const CommonOptions& common,
                                           const BuildInvocation& inv,
                                           BuildRewrite original, const TempDir& scratch) {
  if (common.rewrite == "off" || original.files.size() != 1 || IsRemote(inv.context) ||
      NeedsPreprocessing(original.files.front())) {
    return original;  // a Containerfile.in is not rewritten (FixOne says why)
  }
  const std::string& file = original.files.front();
  auto text = file == "-" ? Expected<std::string>(original.stdin_text.value_or(""))
                          : ReadContainerfile(file);
  if (!text) return original;  // lint reports it
  bool apply = common.rewrite == "apply";
  // Written for podman 4.3 first; podman is asked for its version only when
  // there is something to rewrite, and a newer one gets its own syntax.
  RewriteOptions options{PodmanVersion{}, original.build_args, apply, inv.context, {}, {}};
  std::string name = file == "-" ? "<stdin>" : file;
  auto result = RewriteContainerfile(*text, name, options);
  if (result && result->changed) {
    options.target = DetectVersion(common);
    // The base images podman builds from tell which user reads each
    // secret mount; `fix` and `suggest`, which build nothing, do not ask.
    if (apply) {
      Podman podman({common.podman, inv.global_flags});
      options.base_users = BaseUsers(podman, BaseImages(*text, options), inv.passthrough);
    }
    if (SupportsSecretEnvMount(options.target) || apply) {
      result = RewriteContainerfile(*text, name, options);
    }
  }
  if (!result || (!result->changed && result->skipped.empty() &&
                  result->unused_build_args.empty())) {
    return original;
  }
  std::string shown = file == "-" ? "<stdin>" : file;
  bool quiet = GetDiagSettings().verbosity < 0;  // -q: the plan is a note
  if (!apply && quiet) return original;
  if (!apply) {
    // fix reads no standard input: the hint for it names a file to save.
    const std::string how = file == "-" ? " (save it to a file for 'safebuild fix --diff -f "
                                          "FILE'; --rewrite=apply builds from it):\n"
                                        : " ('safebuild fix --diff' shows it; --rewrite=apply "
                                          "builds from it):\n";
    std::cerr << (result->changed || !result->unused_build_args.empty()
                      ? "safebuild fix would rewrite " + shown + how
                      : "safebuild fix cannot rewrite " + shown + ":\n");
    PrintPlan(*result, shown);
    return original;
  }
  if (!quiet) std::cerr << ApplyHeading(*result, shown);
  if (!quiet) PrintPlan(*result, shown);
  std::set<std::string> drop(result->unused_build_args.begin(),
                             result->unused_build_args.end());
  if (!result->changed) return WithoutBuildArgs(std::move(original), drop);

  fs::path copy = scratch.path() / "Containerfile";
  if (auto st = ReplaceFile(copy, result->text, 0600); !st) return Fail(st.error());
  Policy config = LoadConfig(common, inv.context, IsRemote(inv.context));
  auto flags = ApplyFlags(*result, scratch, ConfiguredIds(config));
  if (!flags) return Fail(flags.error());
  for (const auto& need : result->secrets) {
    if (!need.replaces_build_arg.empty()) drop.insert(need.replaces_build_arg);
  }
  auto ignore = CopyIgnoreFile(inv, file, *result, scratch);
  if (!ignore) return Fail(ignore.error());
  BuildRewrite out;
  out.passthrough = *flags;
  out.passthrough.insert(out.passthrough.end(), {"--ignorefile", *ignore});
  out.ignore_file = *ignore;
  auto rest = RewriteArgs(inv.passthrough, copy.string(), drop);
  out.passthrough.insert(out.passthrough.end(), rest.begin(), rest.end());
  out.files = {copy.string()};
  out.rewritten_from = shown;
  out.line_origin = result->line_origin;
  for (const auto& kv : original.build_args) {
    if (!drop.count(kv.first)) out.build_args.push_back(kv);
  }
  return out;
}

namespace {

// The user's line of 1-based `line` of the rewritten copy, 0 when added.
int OriginOf(const BuildRewrite& build, int line) {
  size_t at = static_cast<size_t>(line) - 1;
  return line > 0 && at < build.line_origin.size() ? build.line_origin[at] : 0;
}

// "COPY'S_PATH:N" in a message becomes the user's file and line.
void MapMessage(const BuildRewrite& build, std::string& message) {
  const std::string prefix = build.files.front() + ":";
  for (size_t at = message.find(prefix); at != std::string::npos;
       at = message.find(prefix, at + 1)) {
    size_t digits = at + prefix.size();
    size_t end = digits;
    auto digit = [&](size_t k) { return std::isdigit(static_cast<unsigned char>(message[k])); };
    while (end < message.size() && end - digits < 9 && digit(end) != 0) ++end;
    if (end == digits) continue;
    int from = OriginOf(build, std::stoi(message.substr(digits, end - digits)));
    std::string mapped = build.rewritten_from +
                         (from > 0 ? ":" + std::to_string(from) : " (a line the rewrite added)");
    message.replace(at, end - at, mapped);
  }
}

// A finding in line `f.line` of the copy, pointed at the user's line.
void MapLine(const BuildRewrite& build, const std::vector<std::string>& mine,
             const std::vector<std::string>& copied, Finding& f) {
  int from = OriginOf(build, f.line);
  if (from == 0) {
    f.message += " (in a line the rewrite added)";
    f.line = 0;
    f.column = 0;
    return;
  }
  size_t a = static_cast<size_t>(from) - 1;
  size_t b = static_cast<size_t>(f.line) - 1;
  f.line = from;
  if (a < mine.size() && b < copied.size() && mine[a] == copied[b]) return;
  // The columns are those of the rewritten line, which the excerpt shows.
  f.column = 0;
  f.message += " (in this line as rewritten)";
}

// The instruction of the copy that `f` names, pointed at the user's line;
// one the rewrite added (a COPY of the final stage of a split build, say)
// keeps line 0 and says so.
void MapInstruction(const BuildRewrite& build, Finding& f) {
  f.instruction->file = build.rewritten_from;
  f.instruction->line = OriginOf(build, f.instruction->line);
  if (f.instruction->line == 0) f.message += " (made by an instruction the rewrite added)";
}

std::vector<std::string> LinesOf(const std::string& file) {
  auto text = ReadContainerfile(file);
  return text ? Split(*text, '\n') : std::vector<std::string>();
}

}  // namespace

void MapRewrittenFindings(const BuildRewrite& build, std::vector<Finding>& findings) {
  if (build.rewritten_from.empty() || build.files.size() != 1) return;
  const std::string& copy = build.files.front();
  std::vector<std::string> mine = LinesOf(build.rewritten_from);
  std::vector<std::string> copied = LinesOf(copy);
  for (Finding& f : findings) {
    MapMessage(build, f.message);
    // A context finding names the COPY that sends the file; an image
    // finding, the instruction that made its layer or history entry.
    if (f.instruction && f.instruction->file == copy) MapInstruction(build, f);
    if (f.origin != Origin::kContainerfile || f.path != copy) continue;
    f.path = build.rewritten_from;
    if (f.line > 0) MapLine(build, mine, copied, f);
  }
}

Expected<std::vector<std::string>> ConfiguredSecretFlags(const CommonOptions& common,
                                                        const BuildInvocation& inv,
                                                        const BuildRewrite& build,
                                                        const Podman& podman,
                                                        const TempDir& scratch) {
  bool remote = IsRemote(inv.context);
  Policy config = LoadConfig(common, inv.context, remote);
  if (config.secrets.empty()) return std::vector<std::string>();
  std::set<std::string> wanted;
  for (const auto& file : build.files) {
    if (file == "-") {
      AddSecretMountIds(build.stdin_text.value_or(""), wanted);
    } else if (auto text = ReadContainerfile(file)) {
      AddSecretMountIds(*text, wanted);
    }
  }
  for (const auto& id : GivenSecretIds(build.passthrough)) wanted.erase(id);
  fs::path base = fs::path(config.source).parent_path();
  return SecretSourceFlags(config.secrets, wanted, base.empty() ? fs::path(".") : base, podman,
                           scratch);
}

}  // namespace safebuild
