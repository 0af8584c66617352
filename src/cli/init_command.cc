#include "cli/init_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "util/atomic_file.h"
#include "util/fd.h"
#include "util/text.h"

namespace safebuild {
namespace fs = std::filesystem;
namespace {

constexpr const char* kStackChoices = "node, python, go or maven";
constexpr const char* kCiChoices = "github, gitlab or tekton";

struct Marker {
  const char* file;
  const char* stack;
};

// In the order they are named in messages.
constexpr Marker kMarkers[] = {
    {"package.json", "node"},     {"requirements.txt", "python"},
    {"pyproject.toml", "python"}, {"setup.py", "python"},
    {"go.mod", "go"},             {"pom.xml", "maven"},
};

struct CiTemplate {
  const char* name;
  const char* source;
  const char* target;  // where that CI system looks for it
};

constexpr CiTemplate kCiTemplates[] = {
    {"github", "ci/github-actions.yml", ".github/workflows/safebuild.yml"},
    {"gitlab", "ci/gitlab-ci.yml", ".gitlab-ci.yml"},
    {"tekton", "ci/tekton-task.yaml", "tekton/safebuild-task.yaml"},
};

bool IsStack(const std::string& s) {
  return s == "node" || s == "python" || s == "go" || s == "maven";
}

// --name VALUE or --name=VALUE at args[i]; advances i past the value.
Expected<std::optional<std::string>> OptionValue(const std::vector<std::string>& args,
                                                 size_t& i, const std::string& name) {
  const std::string& a = args[i];
  if (a == name) {
    if (i + 1 >= args.size()) return Fail(name + " needs a value");
    return std::optional<std::string>(args[++i]);
  }
  if (StartsWith(a, name + "=")) return std::optional<std::string>(a.substr(name.size() + 1));
  return std::optional<std::string>();
}

Expected<std::string> ReadTemplate(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Fail("cannot read the template " + file.string());
  std::string text(std::istreambuf_iterator<char>(in), {});
  if (in.bad()) return Fail("cannot read the template " + file.string());
  return text;
}

// The mode a new file gets from open(…, 0644) under the current umask.
mode_t NewFileMode() {
  mode_t mask = ::umask(022);
  ::umask(mask);
  return 0644 & ~mask;
}

Status WriteAll(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Fail(std::strerror(n < 0 ? errno : EIO));
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return Fail(std::strerror(errno));
  return Ok{};
}

// For file systems without hard links: O_EXCL still never replaces a file,
// but a reader may see this one before it is complete.
Expected<CreateResult> CreateExclusive(const fs::path& target, const std::string& text) {
  Fd fd(::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (fd.get() < 0) {
    if (errno == EEXIST) return CreateResult::kExisted;
    return Fail("cannot create " + target.string() + ": " + std::strerror(errno));
  }
  if (Status st = WriteAll(fd.get(), text); !st) {
    ::unlink(target.c_str());
    return Fail("cannot write " + target.string() + ": " + st.error());
  }
  return CreateResult::kCreated;
}

bool LinkUnsupported(int err) {
  return err == EPERM || err == ENOTSUP || err == EOPNOTSUPP || err == ENOSYS;
}

std::string Shown(const fs::path& dir, const std::string& target) {
  return (dir / target).lexically_normal().string();
}

// localhost/NAME:latest from the project directory's name, as image names
// allow it: lower case letters, digits and separators.
std::string ImageNameFor(const fs::path& dir) {
  fs::path path = fs::absolute(dir).lexically_normal();
  if (path.filename().empty()) path = path.parent_path();
  std::string name;
  for (char c : ToLower(path.filename().string())) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (keep || (c == '.' && !name.empty())) name += keep ? c : '.';
  }
  while (!name.empty() && (name.back() == '.' || name.back() == '-' || name.back() == '_')) {
    name.pop_back();
  }
  return "localhost/" + (name.empty() ? std::string("app") : name) + ":latest";
}

Expected<CreateResult> CopyTemplate(const fs::path& source, const fs::path& target) {
  auto text = ReadTemplate(source);
  if (!text) return Fail(text.error());
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return Fail("cannot create " + target.parent_path().string() + ": " + ec.message());
  return CreateNewFile(target, *text);
}

struct CopyOutcome {
  bool failed = false;
  bool makefile_include = false;  // safebuild.mk is there, new or kept
};

// Copies one template; prints what happened to it on stdout.
void CopyOne(const TemplateCopy& copy, const fs::path& templates, const fs::path& dir,
             CopyOutcome& outcome) {
  if (!copy.shadowed_by.empty() && fs::exists(fs::symlink_status(dir / copy.shadowed_by))) {
    std::cout << "kept existing " << Shown(dir, copy.shadowed_by) << " (podman reads "
              << copy.target << " first: none written)\n";
    return;
  }
  auto made = CopyTemplate(templates / copy.source, dir / copy.target);
  if (!made) {
    PrintError(made.error());
    outcome.failed = true;
    return;
  }
  bool created = *made == CreateResult::kCreated;
  std::cout << (created ? "created " : "kept existing ") << Shown(dir, copy.target) << "\n";
  if (copy.target == "safebuild.mk") outcome.makefile_include = true;
}

fs::path ExeDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

bool HasTemplates(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "safebuild.mk", ec) &&
         fs::is_directory(dir / "containerfiles", ec);
}

}  // namespace

Expected<InitArgs> ParseInitArgs(const std::vector<std::string>& args) {
  InitArgs out;
  bool have_dir = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      out.help = true;
      continue;
    }
    auto stack = OptionValue(args, i, "--stack");
    if (!stack) return Fail(stack.error());
    auto ci = *stack ? stack : OptionValue(args, i, "--ci");
    if (!ci) return Fail(ci.error());
    if (*stack) {
      out.stack = **stack;
    } else if (*ci) {
      out.ci = **ci;
    } else if (StartsWith(a, "-") && a != "-") {
      return Fail("unknown option " + a);
    } else if (have_dir) {
      return Fail("takes at most one DIR");
    } else {
      out.dir = a;
      have_dir = true;
    }
  }
  return out;
}

Expected<DetectedStack> DetectStack(const fs::path& dir) {
  std::vector<DetectedStack> found;
  std::set<std::string> stacks;
  for (const Marker& m : kMarkers) {
    std::error_code ec;
    if (!fs::exists(dir / m.file, ec) || stacks.count(m.stack)) continue;
    stacks.insert(m.stack);
    found.push_back({m.stack, m.file});
  }
  if (found.size() == 1) return found.front();
  if (found.empty()) {
    return Fail("cannot tell the stack of " + dir.string() +
                ": no package.json (node), requirements.txt, pyproject.toml, setup.py "
                "(python), go.mod (go) or pom.xml (maven); choose one with --stack " +
                kStackChoices);
  }
  std::string seen;
  for (const auto& f : found) seen += (seen.empty() ? "" : ", ") + f.stack + " (" + f.marker + ")";
  return Fail(dir.string() + " looks like more than one stack: " + seen +
              "; choose one with --stack " + kStackChoices);
}

Expected<std::vector<TemplateCopy>> PlanInit(const std::string& stack,
                                             const std::optional<std::string>& ci) {
  if (!IsStack(stack)) {
    return Fail("--stack must be " + std::string(kStackChoices) + ", not \"" + stack + "\"");
  }
  std::vector<TemplateCopy> plan = {
      {"containerfiles/" + stack + ".Containerfile", "Containerfile", "Dockerfile"},
      {"containerignore", ".containerignore", ".dockerignore"},
      {"safebuild.mk", "safebuild.mk", ""},
  };
  if (!ci) return plan;
  for (const CiTemplate& t : kCiTemplates) {
    if (*ci == t.name) {
      plan.push_back({t.source, t.target, ""});
      return plan;
    }
  }
  return Fail("--ci must be " + std::string(kCiChoices) + ", not \"" + *ci + "\"");
}

Expected<fs::path> FindTemplates(const fs::path& exe_dir, const fs::path& source_dir) {
  if (const char* env = std::getenv("SAFEBUILD_TEMPLATES"); env != nullptr && *env != '\0') {
    if (HasTemplates(env)) return fs::path(env);
    return Fail("SAFEBUILD_TEMPLATES=" + std::string(env) +
                " holds no safebuild templates (safebuild.mk, containerfiles/)");
  }
  fs::path installed = (exe_dir / ".." / "share" / "safebuild" / "templates").lexically_normal();
  if (!exe_dir.empty() && HasTemplates(installed)) return installed;
  if (!source_dir.empty() && HasTemplates(source_dir)) return source_dir;
  return Fail("cannot find the templates: not in " + installed.string() +
              " nor " + source_dir.string() + " (set SAFEBUILD_TEMPLATES)");
}

Expected<CreateResult> CreateNewFile(const fs::path& target, const std::string& text) {
  auto temp = WriteBeside(target, text, NewFileMode());
  if (!temp) {
    fs::path parent = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    return Fail("cannot create a file in " + parent.string() + ": " + std::strerror(errno));
  }
  int rc = ::link(temp->c_str(), target.c_str());
  int err = errno;
  ::unlink(temp->c_str());
  if (rc == 0) return CreateResult::kCreated;
  if (err == EEXIST) return CreateResult::kExisted;
  if (LinkUnsupported(err)) return CreateExclusive(target, text);
  return Fail("cannot create " + target.string() + ": " + std::strerror(err));
}

// Diagnostics follow -q and -v; no other common option applies to init.
int RunInit(const CommonOptions& /*common*/, const std::vector<std::string>& args) {
  auto parsed = ParseInitArgs(args);
  if (!parsed) {
    PrintError("init: " + parsed.error());
    return kExitUsage;
  }
  if (parsed->help) {
    std::cout << CommandUsage("init");
    return kExitPass;
  }
  const fs::path& dir = parsed->dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    PrintError("init: " + dir.string() + " is not a directory");
    return kExitUsage;
  }
  DetectedStack stack{parsed->stack.value_or(""), "--stack"};
  if (!parsed->stack) {
    auto detected = DetectStack(dir);
    if (!detected) {
      PrintError("init: " + detected.error());
      return kExitUsage;
    }
    stack = *detected;
  }
  auto plan = PlanInit(stack.stack, parsed->ci);
  if (!plan) {
    PrintError("init: " + plan.error());
    return kExitUsage;
  }
  auto templates = FindTemplates(ExeDir(), SAFEBUILD_SOURCE_TEMPLATES);
  if (!templates) {
    PrintError("init: " + templates.error());
    return kExitInternal;
  }
  PrintVerbose("templates: " + templates->string());
  PrintNote(stack.stack + " project (" + stack.marker + ")");

  CopyOutcome outcome;
  for (const TemplateCopy& copy : *plan) CopyOne(copy, *templates, dir, outcome);

  if (outcome.makefile_include) {
    PrintNote("add \"include safebuild.mk\" to your Makefile, then: make image IMAGE=" +
              ImageNameFor(dir));
  }
  return outcome.failed ? kExitInternal : kExitPass;
}

}  // namespace safebuild
