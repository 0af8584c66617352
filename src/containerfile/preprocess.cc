#include "containerfile/preprocess.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <algorithm>

#include "containerfile/parser.h"
#include "report/finding.h"
#include "util/fd.h"
#include "util/text.h"

extern char** environ;

namespace safebuild {
namespace {

// `# 12 "file" 1 3` (what cpp -E prints) or `#line 12 "file"`: sets the
// line and file the next line comes from.
bool ParseMarker(std::string_view l, int* line, std::string* file) {
  if (l.empty() || l[0] != '#') return false;
  l.remove_prefix(1);
  if (StartsWith(l, "line")) l.remove_prefix(4);
  if (l.empty() || l[0] != ' ') return false;
  l.remove_prefix(1);
  size_t n = 0;
  while (n < l.size() && std::isdigit(static_cast<unsigned char>(l[n]))) ++n;
  if (n == 0 || n > 9) return false;
  *line = std::stoi(std::string(l.substr(0, n)));
  l.remove_prefix(n);
  if (l.size() < 3 || l[0] != ' ' || l[1] != '"') return true;
  std::string name;
  size_t i = 2;
  for (; i < l.size() && l[i] != '"'; ++i) {
    if (l[i] == '\\' && i + 1 < l.size()) ++i;
    name.push_back(l[i]);
  }
  *file = name;
  return true;
}

}  // namespace

bool NeedsPreprocessing(std::string_view path) { return EndsWith(path, ".in"); }

SourceLine Preprocessed::Origin(int line) const {
  if (lines.empty()) return {};
  size_t i = line < 1 ? 0 : static_cast<size_t>(line - 1);
  return lines[std::min(i, lines.size() - 1)];
}

Preprocessed MapLineMarkers(std::string_view out, const std::string& main_path) {
  Preprocessed p;
  std::string file = main_path;
  int line = 1;
  while (!out.empty()) {
    size_t nl = out.find('\n');
    std::string_view l = out.substr(0, nl);
    out.remove_prefix(nl == std::string_view::npos ? out.size() : nl + 1);
    std::string named;
    if (ParseMarker(l, &line, &named)) {
      if (!named.empty()) file = named == "<stdin>" ? main_path : named;
      continue;
    }
    p.text.append(l);
    p.text.push_back('\n');
    p.lines.push_back({file, line++});
  }
  return p;
}

Expected<Preprocessed> PreprocessContainerfile(const std::string& path,
                                               const std::string& context) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return Fail(path + ": pipe: " + std::strerror(errno));
  Fd read_end(pipe_fds[0]);
  Fd write_end(pipe_fds[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args = {"cpp", "-E", "-iquote", context,
                                   "-traditional", "-undef", "-"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "cpp", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return Fail(path + ": .in files need cpp, which cannot run: " + std::strerror(rc));
  }
  ::close(write_end.release());
  std::string output;
  char buf[65536];
  bool too_large = false;
  for (ssize_t n; (n = ::read(read_end.get(), buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    output.append(buf, static_cast<size_t>(n));
    if (output.size() > kMaxContainerfileSize) {
      too_large = true;
      ::kill(pid, SIGKILL);
      break;
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (too_large) return Fail(path + ": the preprocessed file is too large");
  // podman uses cpp's output even when cpp fails, unless there is none.
  if (output.empty()) return Fail(path + ": cpp printed nothing");
  return MapLineMarkers(output, path);
}

}  // namespace safebuild

namespace safebuild {

void MapFindings(const Preprocessed& p, const std::string& path,
                 std::vector<Finding>& findings) {
  for (Finding& f : findings) {
    if (f.origin != Origin::kContainerfile || f.path != path || f.line <= 0) {
      continue;
    }
    SourceLine from = p.Origin(f.line);
    f.path = from.file;
    f.line = from.line;
  }
}

std::string MapError(const Preprocessed& p, const std::string& path,
                     const std::string& error) {
  const std::string prefix = path + ":";
  if (!StartsWith(error, prefix)) return error;
  size_t digits = prefix.size();
  size_t end = digits;
  while (end < error.size() && std::isdigit(static_cast<unsigned char>(error[end]))) ++end;
  if (end == digits || end - digits > 9) return error;
  SourceLine from = p.Origin(std::stoi(error.substr(digits, end - digits)));
  return from.file + ":" + std::to_string(from.line) + error.substr(end);
}

}  // namespace safebuild
