#include "podman/podman.h"

#include <signal.h>
#include <sys/types.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <boost/process/posix.hpp>
#include <future>

namespace bp = boost::process;

namespace safebuild {
namespace {

std::atomic<int> g_signal{0};
std::atomic<pid_t> g_child{0};

void OnSignal(int sig, siginfo_t* info, void*) {
  g_signal.store(sig);
  pid_t child = g_child.load();
  // A terminal's Ctrl-C reaches the whole foreground group, podman included;
  // forward only what was sent to safebuild alone.
  bool from_terminal = info != nullptr && info->si_code == SI_KERNEL;
  if (child > 0 && !from_terminal) ::kill(child, sig);
}

// The child's exit status as a shell reports it.
int ExitCode(const bp::child& c) {
  int native = c.native_exit_code();
  if (WIFSIGNALED(native)) return 128 + WTERMSIG(native);
  return c.exit_code();
}

struct ChildGuard {
  explicit ChildGuard(pid_t pid) { g_child.store(pid); }
  ~ChildGuard() { g_child.store(0); }
};

std::string Join(const std::vector<std::string>& args) {
  std::string s;
  for (const auto& a : args) s += (s.empty() ? "" : " ") + a;
  return s;
}

}  // namespace

int PendingSignal() { return g_signal.load(); }

void InstallSignalForwarding() {
  struct sigaction sa {};
  sa.sa_sigaction = OnSignal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

Podman::Podman(PodmanOptions options) : options_(std::move(options)) {}

std::vector<std::string> Podman::WithGlobals(const std::vector<std::string>& args) const {
  // Persistent flags are always valid before the subcommand.
  std::vector<std::string> out = options_.global_flags;
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

Expected<RunResult> Podman::Run(const std::vector<std::string>& args,
                                const RunOptions& run) const {
  std::vector<std::string> full = run.add_globals ? WithGlobals(args) : args;
  boost::filesystem::path exe = options_.binary;
  if (exe.filename() == exe) exe = bp::search_path(options_.binary);
  if (exe.empty()) return Fail("cannot find " + options_.binary + " in PATH");
  RunResult result;
  try {
    if (run.capture_stdout) {
      boost::asio::io_context ios;
      std::future<std::string> out;
      std::future<std::string> err;
      bp::child c(exe, bp::args(full), bp::std_in < bp::null, bp::std_out > out,
                  bp::std_err > err, ios);
      ChildGuard guard(c.id());
      ios.run();
      c.wait();
      result.exit_code = ExitCode(c);
      result.out = out.get();
      std::string e = err.get();
      if (result.exit_code != 0) {
        return Fail("podman " + Join(args) + " failed (exit " +
                    std::to_string(result.exit_code) + "): " + e);
      }
      return result;
    }
    if (run.stdin_data) {
      bp::opstream in;
      bp::child c = run.stdout_to_stderr
                        ? bp::child(exe, bp::args(full), bp::std_in < in,
                                    bp::posix::fd.bind(1, 2))
                        : bp::child(exe, bp::args(full), bp::std_in < in);
      ChildGuard guard(c.id());
      in << *run.stdin_data;
      in.flush();
      in.pipe().close();
      c.wait();
      result.exit_code = ExitCode(c);
      return result;
    }
    bp::child c = run.quiet ? bp::child(exe, bp::args(full), bp::std_out > bp::null,
                                        bp::std_err > bp::null)
                  : run.stdout_to_stderr
                      ? bp::child(exe, bp::args(full), bp::posix::fd.bind(1, 2))
                      : bp::child(exe, bp::args(full));
    ChildGuard guard(c.id());
    c.wait();
    result.exit_code = ExitCode(c);
    return result;
  } catch (const bp::process_error& e) {
    return Fail("cannot run " + exe.string() + ": " + e.what());
  }
}

Expected<std::string> Podman::InspectJson(const std::string& image) const {
  RunOptions run;
  run.capture_stdout = true;
  auto r = Run({"image", "inspect", "--format", "json", image}, run);
  if (!r) return Fail(r.error());
  return r->out;
}

Status Podman::SaveOciDir(const std::string& image, const std::string& dir) const {
  RunOptions run;
  run.capture_stdout = true;
  auto r = Run({"image", "save", "--quiet", "--format", "oci-dir", "-o", dir, image}, run);
  if (!r) return Fail(r.error());
  return Ok{};
}

Status Podman::Tag(const std::string& image, const std::vector<std::string>& tags) const {
  if (tags.empty()) return Ok{};
  std::vector<std::string> args = {"image", "tag", image};
  args.insert(args.end(), tags.begin(), tags.end());
  RunOptions run;
  run.capture_stdout = true;
  auto r = Run(args, run);
  if (!r) return Fail(r.error());
  return Ok{};
}

Status Podman::Remove(const std::string& image) const {
  RunOptions run;
  run.capture_stdout = true;
  auto r = Run({"image", "rm", image}, run);
  if (!r) return Fail(r.error());
  return Ok{};
}

}  // namespace safebuild
