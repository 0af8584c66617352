#include "podman/podman.h"

#include <signal.h>
#include <sys/types.h>

#include <dirent.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>
#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <boost/process/posix.hpp>
#include <future>
#include <map>
#include <sstream>

#include "util/text.h"

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

int ShellStatus(int status) {
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

// Every process below `root`, from /proc. podman's RUN steps run in
// sessions of their own, so neither a process group nor a terminal signal
// reaches them, and podman leaves them running when it is interrupted.
std::set<pid_t> Descendants(pid_t root) {
  std::multimap<pid_t, pid_t> children;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return {};
  while (dirent* d = readdir(proc)) {
    pid_t pid = static_cast<pid_t>(std::atoi(d->d_name));
    if (pid <= 0) continue;
    std::ifstream stat("/proc/" + std::string(d->d_name) + "/stat");
    std::string line;
    std::getline(stat, line);
    size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    children.emplace(ppid, pid);
  }
  closedir(proc);
  std::set<pid_t> out;
  std::vector<pid_t> todo = {root};
  while (!todo.empty()) {
    pid_t p = todo.back();
    todo.pop_back();
    auto [b, e] = children.equal_range(p);
    for (auto it = b; it != e; ++it) {
      if (out.insert(it->second).second) todo.push_back(it->second);
    }
  }
  return out;
}

bool Alive(pid_t pid) { return ::kill(pid, 0) == 0; }

// Ends what an interrupted podman left behind: TERM, then KILL.
void EndSurvivors(const std::set<pid_t>& pids) {
  for (pid_t p : pids) ::kill(p, SIGTERM);
  for (int i = 0; i < 20; ++i) {
    bool any = false;
    for (pid_t p : pids) any = any || Alive(p);
    if (!any) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (pid_t p : pids) ::kill(p, SIGKILL);
}

// Reaps exited orphans that were handed to safebuild as subreaper.
void ReapOrphans() {
  int status = 0;
  while (::waitpid(-1, &status, WNOHANG) > 0) {
  }
}

// Waits for the child; once safebuild is signalled, kills it if it has not
// ended within 10 s. podman's RUN steps run in sessions of their own, so a
// terminal's Ctrl-C does not reach them and podman leaves them running
// when interrupted; as subreaper safebuild inherits them, and ends them.
int WaitForChild(bp::child& c) {
  pid_t pid = c.id();
  auto deadline = std::chrono::steady_clock::time_point::max();
  int status = 0;
  while (true) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) break;
    if (g_signal.load() != 0) {
      auto now = std::chrono::steady_clock::now();
      if (deadline == std::chrono::steady_clock::time_point::max()) {
        deadline = now + std::chrono::seconds(10);
      } else if (now > deadline) {
        ::kill(pid, SIGKILL);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  c.detach();
  if (g_signal.load() != 0) {
    EndSurvivors(Descendants(::getpid()));
    ReapOrphans();
  }
  return ShellStatus(status);
}

struct ChildGuard {
  explicit ChildGuard(pid_t pid) { g_child.store(pid); }
  ~ChildGuard() { g_child.store(0); }
};

// Copies lines from `from` to `fd` through `filter`, as they come.
void Relay(bp::ipstream& from, int fd, const std::function<std::string(std::string_view)>& filter) {
  std::string line;
  while (std::getline(from, line)) {
    std::string shown = filter(line) + "\n";
    size_t done = 0;
    while (done < shown.size()) {
      ssize_t n = ::write(fd, shown.data() + done, shown.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
  }
}

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
  // Orphans of an interrupted podman come to safebuild, not to init.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
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
                    std::to_string(result.exit_code) + "): " + std::string(Trim(e)));
      }
      return result;
    }
    if (run.filter) {
      bp::opstream in;
      bp::ipstream out;
      bp::ipstream err;
      bp::child c(exe, bp::args(full), bp::std_in < in, bp::std_out > out, bp::std_err > err);
      ChildGuard guard(c.id());
      std::thread out_relay(Relay, std::ref(out), run.stdout_to_stderr ? 2 : 1,
                            std::cref(run.filter));
      std::thread err_relay(Relay, std::ref(err), 2, std::cref(run.filter));
      if (run.stdin_data) in << *run.stdin_data;
      in.flush();
      in.pipe().close();
      result.exit_code = WaitForChild(c);
      out_relay.join();
      err_relay.join();
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
      result.exit_code = WaitForChild(c);
      return result;
    }
    bp::child c = run.quiet ? bp::child(exe, bp::args(full), bp::std_out > bp::null,
                                        bp::std_err > bp::null)
                  : run.stdout_to_stderr
                      ? bp::child(exe, bp::args(full), bp::posix::fd.bind(1, 2))
                      : bp::child(exe, bp::args(full));
    ChildGuard guard(c.id());
    result.exit_code = WaitForChild(c);
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
