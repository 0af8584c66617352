#include "podman/build_args.h"

#include <stdlib.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <string_view>

#include "util/text.h"

namespace safebuild {
namespace {

// podman's persistent flags that take a value. They are valid after any
// subcommand, and select the storage and runtime safebuild must use too.
constexpr std::array<std::string_view, 21> kGlobalValueFlags = {
    "--root",          "--runroot",        "--storage-driver",
    "--storage-opt",   "--runtime",        "--cgroup-manager",
    "--events-backend", "--tmpdir",        "--conmon",
    "--connection",    "--url",            "--identity",
    "--namespace",     "--network-cmd-path", "--network-config-dir",
    "--volumepath",    "--log-level",      "--imagestore",
    "--db-backend",    "--module",         "--config"};
constexpr std::array<std::string_view, 3> kGlobalBoolFlags = {
    "--remote", "--syslog", "--noout"};

// `podman build` flags that take a separate value (podman 4.3, 5.x).
constexpr std::array<std::string_view, 72> kBuildValueFlags = {
    "--add-host", "--annotation", "--arch", "--authfile", "--build-arg",
    "--build-arg-file", "--build-context", "--cache-from", "--cache-to",
    "--cache-ttl", "--cap-add", "--cap-drop", "--cert-dir", "--cgroup-parent",
    "--cgroupns", "--cpp-flag", "--cpu-period", "--cpu-quota", "-c",
    "--cpu-shares", "--cpuset-cpus", "--cpuset-mems", "--creds",
    "--decryption-key", "--device", "--dns", "--dns-option", "--dns-search",
    "--env", "-f", "--file", "--format", "--from", "--hooks-dir",
    "--ignorefile", "--iidfile", "--ipc", "--isolation", "--jobs", "--label",
    "--logfile", "--manifest", "-m", "--memory", "--memory-swap", "--network",
    "--os", "--os-feature", "--os-version", "-o", "--output", "--pid",
    "--platform", "--retry", "--retry-delay", "--runtime-flag", "--secret",
    "--security-opt", "--shm-size", "--sign-by", "--ssh", "-t", "--tag",
    "--target", "--timestamp", "--ulimit", "--unsetenv", "--userns",
    "--userns-gid-map", "--userns-gid-map-group", "--userns-uid-map",
    "--userns-uid-map-user"};
constexpr std::array<std::string_view, 5> kMoreBuildValueFlags = {
    "--uts", "--variant", "-v", "--volume", "--layer-label"};

// `podman push` flags that take a separate value.
constexpr std::array<std::string_view, 16> kPushValueFlags = {
    "--authfile", "--cert-dir", "--compression-format", "--compression-level",
    "--creds", "--digestfile", "-f", "--format", "--sign-by",
    "--sign-by-sigstore", "--sign-by-sigstore-private-key",
    "--sign-passphrase-file", "--encryption-key", "--retry", "--retry-delay",
    "--encrypt-layer"};

template <size_t N>
bool In(const std::array<std::string_view, N>& set, std::string_view s) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

bool IsBuildValueFlag(std::string_view name) {
  return In(kBuildValueFlags, name) || In(kMoreBuildValueFlags, name) ||
         In(kGlobalValueFlags, name);
}

// One flag occurrence: its name, its value (if any) and how many argv
// entries it took.
struct FlagToken {
  std::string name;
  std::optional<std::string> value;
  size_t width = 1;
};

// The flags of args[i]: one, or several for a cluster of short flags.
struct FlagGroup {
  std::vector<FlagToken> flags;
  size_t width = 1;      // argv entries taken, the value's included
  bool cluster = false;  // "-qt": more than one short flag in one entry
};

// A cluster of short flags, as podman's flag parser reads it: "-qt NAME",
// "-qtNAME" and "-qt=NAME" are -q then -t NAME. The first letter that takes
// a value takes the rest of the entry, or else the next one.
Expected<FlagGroup> ReadShortCluster(const std::vector<std::string>& args, size_t i,
                                     bool (*takes_value)(std::string_view)) {
  const std::string& a = args[i];
  FlagGroup g;
  for (size_t j = 1; j < a.size(); ++j) {
    FlagToken t;
    t.name = std::string("-") + a[j];
    if (!takes_value(t.name)) {
      g.flags.push_back(std::move(t));
      continue;
    }
    if (j + 1 < a.size()) {
      t.value = a.substr(a[j + 1] == '=' ? j + 2 : j + 1);
    } else if (i + 1 < args.size()) {
      t.value = args[i + 1];
      g.width = 2;
    } else {
      return Fail("flag needs an argument: " + t.name);
    }
    g.flags.push_back(std::move(t));
    break;
  }
  g.cluster = g.flags.size() > 1;
  return g;
}

// Reads the flag at args[i]. `takes_value` decides whether "--x v" consumes
// the next entry.
Expected<FlagGroup> ReadFlag(const std::vector<std::string>& args, size_t i,
                             bool (*takes_value)(std::string_view)) {
  const std::string& a = args[i];
  if (a.size() > 2 && a[0] == '-' && a[1] != '-') return ReadShortCluster(args, i, takes_value);
  FlagGroup g;
  FlagToken t;
  size_t eq = a.find('=');
  t.name = a.substr(0, eq);
  if (eq != std::string::npos) {
    t.value = a.substr(eq + 1);
  } else if (takes_value(t.name)) {
    if (i + 1 >= args.size()) return Fail("flag needs an argument: " + t.name);
    t.value = args[i + 1];
    g.width = 2;
  }
  g.flags.push_back(std::move(t));
  return g;
}

bool IsGlobal(std::string_view name) {
  return In(kGlobalValueFlags, name) || In(kGlobalBoolFlags, name);
}

void AddGlobal(std::vector<std::string>& out, const std::vector<std::string>& args,
               size_t i, size_t width) {
  for (size_t k = 0; k < width; ++k) out.push_back(args[i + k]);
}

void RecordBuildFlag(BuildInvocation& inv, const FlagToken& t) {
  const std::string& v = t.value.value_or("");
  if (t.name == "-t" || t.name == "--tag") {
    if (!v.empty()) inv.tags.push_back(v);  // podman ignores `-t ""`
  } else if (t.name == "-f" || t.name == "--file") {
    inv.files.push_back(v);
  } else if (t.name == "--build-arg") {
    size_t eq = v.find('=');
    if (eq == std::string::npos) {
      inv.build_args.emplace_back(v, std::nullopt);
    } else {
      inv.build_args.emplace_back(v.substr(0, eq), v.substr(eq + 1));
    }
  } else if (t.name == "--build-arg-file") {
    inv.build_arg_files.push_back(v);
  } else if (t.name == "--iidfile") {
    inv.iidfile = v;
  } else if (t.name == "--ignorefile") {
    inv.ignorefile = v;
  } else if (t.name == "--manifest") {
    inv.manifest = v;
  } else if (t.name == "-h" || t.name == "--help") {
    inv.help = true;
  } else if (t.name == "-o" || t.name == "--output" || t.name == "--cache-to") {
    inv.before_gate.push_back(t.name);
  } else if (t.name == "--squash" || t.name == "--squash-all") {
    inv.merged_layers = inv.merged_layers || v != "false";
  } else if (t.name == "--layers") {
    inv.merged_layers = inv.merged_layers || v == "false";
  }
}

}  // namespace

bool IsPodmanGlobalValueFlag(const std::string& name) {
  return In(kGlobalValueFlags, name);
}

bool IsPodmanGlobalBoolFlag(const std::string& name) {
  return In(kGlobalBoolFlags, name);
}

Expected<BuildInvocation> ParseBuildArgs(const std::vector<std::string>& args) {
  BuildInvocation inv;
  std::vector<std::string> positionals;
  bool only_positionals = false;
  for (size_t i = 0; i < args.size();) {
    const std::string& a = args[i];
    if (only_positionals || a == "-" || a.empty() || a[0] != '-') {
      positionals.push_back(a);
      inv.passthrough.push_back(a);
      ++i;
      continue;
    }
    if (a == "--") {
      only_positionals = true;
      inv.passthrough.push_back(a);
      ++i;
      continue;
    }
    auto group = ReadFlag(args, i, IsBuildValueFlag);
    if (!group) return Fail(group.error());
    const auto is_tag = [](const FlagToken& t) { return t.name == "-t" || t.name == "--tag"; };
    const bool has_tag = std::any_of(group->flags.begin(), group->flags.end(), is_tag);
    for (const FlagToken& t : group->flags) RecordBuildFlag(inv, t);
    if (!group->cluster && IsGlobal(group->flags[0].name)) {
      AddGlobal(inv.global_flags, args, i, group->width);
    }
    if (!has_tag) {
      AddGlobal(inv.passthrough, args, i, group->width);
    } else if (group->cluster) {
      // "-qt NAME": the other flags of the cluster pass on one by one.
      for (const FlagToken& t : group->flags) {
        if (is_tag(t)) continue;
        inv.passthrough.push_back(t.name);
        if (t.value) inv.passthrough.push_back(*t.value);
      }
    }
    i += group->width;
  }
  if (positionals.size() > 1) {
    // podman build takes one context; extra positionals are its error.
    inv.context = positionals.front();
  } else {
    inv.context = positionals.empty() ? "." : positionals.front();
  }
  return inv;
}

Expected<std::vector<std::pair<std::string, std::optional<std::string>>>> ReadBuildArgFile(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return Fail("--build-arg-file: cannot read " + path);
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string_view t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    size_t eq = line.find('=');
    std::string name(Trim(std::string_view(line).substr(0, eq)));
    if (name.empty() || name.find_first_of(" \t") != std::string::npos) {
      return Fail(path + ":" + std::to_string(n) + ": expected NAME=VALUE");
    }
    if (eq == std::string::npos) {
      out.emplace_back(name, std::nullopt);
    } else {
      out.emplace_back(name, line.substr(eq + 1));
    }
  }
  return out;
}

Status ExpandBuildArgFiles(BuildInvocation& inv) {
  if (inv.build_arg_files.empty()) return Ok{};
  std::vector<std::string> out;
  const auto& args = inv.passthrough;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string file;
    if (args[i] == "--") {
      out.insert(out.end(), args.begin() + static_cast<long>(i), args.end());
      break;
    }
    if (args[i] == "--build-arg-file" && i + 1 < args.size()) {
      file = args[++i];
    } else if (StartsWith(args[i], "--build-arg-file=")) {
      file = args[i].substr(17);
    } else {
      out.push_back(args[i]);
      continue;
    }
    auto entries = ReadBuildArgFile(file);
    if (!entries) return Fail(entries.error());
    for (const auto& [name, value] : *entries) {
      if (value && ::setenv(name.c_str(), value->c_str(), 1) != 0) {
        return Fail(file + ": cannot pass " + name);
      }
      out.insert(out.end(), {"--build-arg", name});
      inv.build_args.emplace_back(name, value);
    }
  }
  inv.passthrough = std::move(out);
  inv.build_arg_files.clear();
  return Ok{};
}

Expected<PushInvocation> ParsePushArgs(const std::vector<std::string>& args) {
  PushInvocation inv;
  std::vector<std::string> positionals;
  auto takes_value = [](std::string_view n) {
    return In(kPushValueFlags, n) || In(kGlobalValueFlags, n);
  };
  for (size_t i = 0; i < args.size();) {
    const std::string& a = args[i];
    inv.passthrough.push_back(a);
    if (a.empty() || a[0] != '-') {
      positionals.push_back(a);
      ++i;
      continue;
    }
    auto group = ReadFlag(args, i, +takes_value);
    if (!group) return Fail(group.error());
    for (const FlagToken& t : group->flags) {
      if (t.name == "-h" || t.name == "--help") inv.help = true;
    }
    if (!group->cluster && IsGlobal(group->flags[0].name)) {
      AddGlobal(inv.global_flags, args, i, group->width);
    }
    for (size_t k = 1; k < group->width; ++k) inv.passthrough.push_back(args[i + k]);
    i += group->width;
  }
  if (inv.help) return inv;
  if (positionals.empty()) return Fail("push needs an IMAGE");
  if (positionals.size() > 2) return Fail("push takes IMAGE [DESTINATION]");
  inv.image = positionals[0];
  if (positionals.size() == 2) inv.destination = positionals[1];
  return inv;
}

}  // namespace safebuild
