#include "cli/secret_sources.h"

#include <fcntl.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "util/text.h"

extern char** environ;

namespace safebuild {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxSecretBytes = size_t{1} << 20;

// Reads `fd` to its end or past the limit; false when it is too long.
bool ReadAll(int fd, std::string& out) {
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > kMaxSecretBytes) break;
  }
  sodium_memzero(buf, sizeof buf);
  return out.size() <= kMaxSecretBytes;
}

int WaitFor(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
}

std::string Shown(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

// A stored secret's record: "ID|DRIVER".
Expected<std::pair<std::string, std::string>> InspectSecret(const Podman& podman,
                                                            const std::string& name) {
  RunOptions run;
  run.capture_stdout = true;
  auto r = podman.Run({"secret", "inspect", "--format", "{{.ID}}|{{.Spec.Driver.Name}}", name},
                      run);
  if (!r) return Fail("no podman secret named " + name);
  std::vector<std::string> f = Split(Trim(r->out), '|');
  if (f.size() != 2 || f[0].empty()) return Fail("cannot inspect podman secret " + name);
  return std::pair(f[0], f[1]);
}

Expected<std::string> ReadFileDriverStore(const fs::path& store, const std::string& id) {
  std::ifstream in(store, std::ios::binary);
  if (!in) return Fail("cannot read " + store.string());
  std::string text(std::istreambuf_iterator<char>(in), {});
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  sodium_memzero(text.data(), text.size());
  if (!j.is_object() || !j.contains(id) || !j[id].is_string()) {
    return Fail(store.string() + " holds no value for secret " + id);
  }
  // The file driver stores each value as base64 (Go's []byte in JSON).
  std::string b64 = j[id].get<std::string>();
  std::string value(b64.size(), '\0');
  size_t len = 0;
  int rc = sodium_base642bin(reinterpret_cast<unsigned char*>(value.data()), value.size(),
                             b64.data(), b64.size(), "\n\r ", &len, nullptr,
                             sodium_base64_VARIANT_ORIGINAL);
  sodium_memzero(b64.data(), b64.size());
  if (rc != 0) return Fail(store.string() + ": the value of secret " + id + " is not base64");
  value.resize(len);
  return value;
}

std::string Flag(const std::string& id, const std::string& rest) {
  return "id=" + id + "," + rest;
}

// The value of a source that safebuild reads itself.
Expected<std::string> ReadValue(const SecretSource& s, const Podman& podman) {
  if (s.kind == SecretSource::kPodman) return ReadPodmanSecret(podman, s.name);
  auto out = RunSecretCommand(s.argv);
  if (!out) return out;
  if (!out->empty() && out->back() == '\n') out->pop_back();
  return out;
}

}  // namespace

Expected<std::string> WriteSecretFile(const TempDir& dir, const std::string& id,
                                      const std::string& value) {
  fs::path p = dir.path() / ("secret-" + id);
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Fail("cannot create " + p.string());
  bool ok = ::write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok) return Fail("cannot write " + p.string());
  return p.string();
}

Expected<std::string> RunSecretCommand(const std::vector<std::string>& argv) {
  if (argv.empty()) return Fail("empty command");
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return Fail("cannot create a pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipefd[1]);
  if (rc != 0) {
    ::close(pipefd[0]);
    return Fail("cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  std::string out;
  bool fits = ReadAll(pipefd[0], out);
  ::close(pipefd[0]);
  int code = WaitFor(pid);
  if (code != 0 || !fits) {
    sodium_memzero(out.data(), out.size());
    return Fail("`" + Shown(argv) + "` " +
                (code != 0 ? "exited with " + std::to_string(code) : "printed over 1 MiB"));
  }
  return out;
}

Expected<std::string> ReadPodmanSecret(const Podman& podman, const std::string& name) {
  auto rec = InspectSecret(podman, name);
  if (!rec) return Fail(rec.error());
  if (rec->second != "file") {
    return Fail("podman secret " + name + " uses the " + rec->second +
                " driver; podman 4.3 shows no stored value, and safebuild reads only the "
                "file driver's store");
  }
  RunOptions run;
  run.capture_stdout = true;
  auto info = podman.Run({"info", "--format", "{{.Store.GraphRoot}}"}, run);
  if (!info) return Fail("cannot find podman's graph root: " + info.error());
  fs::path store = fs::path(std::string(Trim(info->out))) / "secrets" / "filedriver" /
                   "secretsdata.json";
  return ReadFileDriverStore(store, rec->first);
}

Expected<std::vector<std::string>> SecretSourceFlags(
    const std::vector<SecretSource>& sources, const std::set<std::string>& wanted,
    const fs::path& base, const Podman& podman, const TempDir& scratch) {
  std::vector<std::string> flags;
  for (const auto& s : sources) {
    if (!wanted.count(s.id)) continue;
    std::string flag;
    if (s.kind == SecretSource::kEnv) {
      if (std::getenv(s.name.c_str()) == nullptr) {
        return Fail("secret " + s.id + ": " + s.name + " is not set");
      }
      flag = Flag(s.id, "type=env,env=" + s.name);
    } else if (s.kind == SecretSource::kFile) {
      fs::path p = fs::path(s.name).is_absolute() ? fs::path(s.name) : base / s.name;
      std::error_code ec;
      if (!fs::is_regular_file(p, ec)) return Fail("secret " + s.id + ": no file " + p.string());
      flag = Flag(s.id, "type=file,src=" + fs::absolute(p).lexically_normal().string());
    } else {
      auto value = ReadValue(s, podman);
      if (!value) return Fail("secret " + s.id + ": " + value.error());
      auto path = WriteSecretFile(scratch, s.id, *value);
      sodium_memzero(value->data(), value->size());
      if (!path) return Fail(path.error());
      flag = Flag(s.id, "type=file,src=" + *path);
    }
    flags.insert(flags.end(), {"--secret", flag});
  }
  return flags;
}

std::set<std::string> GivenSecretIds(const std::vector<std::string>& args) {
  std::set<std::string> ids;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string value;
    if (args[i] == "--secret" && i + 1 < args.size()) {
      value = args[++i];
    } else if (StartsWith(args[i], "--secret=")) {
      value = args[i].substr(9);
    } else {
      continue;
    }
    for (const auto& part : Split(value, ',')) {
      if (StartsWith(part, "id=")) ids.insert(part.substr(3));
    }
  }
  return ids;
}

}  // namespace safebuild
