#include "cli/options.h"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "util/text.h"

namespace po = boost::program_options;

namespace safebuild {
namespace {

po::options_description CommonDescription() {
  po::options_description d("Options");
  d.add_options()
      ("format", po::value<std::string>(), "report format: text, json or sarif")
      ("report", po::value<std::string>(), "also write the JSON report to FILE")
      ("config", po::value<std::string>(), "policy file (default: .safebuild.json in the context)")
      ("fail-on", po::value<std::string>(), "lowest severity that fails")
      ("fail-on-skipped", po::bool_switch(), "anything not read in full fails too")
      ("keep-failed", po::bool_switch(), "keep a blocked image in storage")
      ("quiet,q", po::bool_switch(), "only errors and findings")
      ("verbose,v", po::value<int>()->implicit_value(1)->zero_tokens(),
       "more detail")
      ("color", po::value<std::string>(), "auto, always or never")
      ("podman", po::value<std::string>(), "podman binary to run")
      ("baseline", po::value<std::string>(), "report only findings not in FILE")
      ("rewrite", po::value<std::string>(), "build: off, suggest or apply")
      ("prune-intermediate", po::bool_switch(), "build: remove other stages' images")
      ("help,h", po::bool_switch(), "show help")
      ("version", po::bool_switch(), "show the version");
  return d;
}

// SAFEBUILD_FAIL_ON → fail-on, for the options that make sense in CI.
std::string EnvName(const std::string& env) {
  static const std::vector<std::string> kKnown = {"format", "report", "config", "fail-on",
                                                  "keep-failed", "color", "podman",
                                                  "rewrite"};
  if (!StartsWith(env, "SAFEBUILD_")) return "";
  std::string name = ToLower(env.substr(10));
  for (char& c : name) c = c == '_' ? '-' : c;
  for (const auto& k : kKnown) {
    if (k == name) return name;
  }
  return "";
}

// The report is written at the end, atomically, beside its target: a path
// that cannot take it is refused before anything is built or tagged, so a
// build never ends tagged with its report lost.
Status CheckReportPath(const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty()) return Fail("--report needs a file name");
  std::error_code ec;
  if (fs::is_directory(path, ec)) return Fail("--report " + path + ": is a directory");
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir, ec)) {
    return Fail("--report " + path + ": no directory " + dir.string());
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return Fail("--report " + path + ": cannot write in " + dir.string() + ": " +
                std::generic_category().message(errno));
  }
  return Ok{};
}

Status Apply(const po::variables_map& vm, CommonOptions& common) {
  if (vm.count("format")) {
    common.format = vm["format"].as<std::string>();
    if (common.format != "text" && common.format != "json" && common.format != "sarif") {
      return Fail("--format must be text, json or sarif, not \"" + common.format + "\"");
    }
  }
  if (vm.count("report")) {
    common.report_file = vm["report"].as<std::string>();
    if (Status st = CheckReportPath(*common.report_file); !st) return st;
  }
  if (vm.count("config")) common.config_file = vm["config"].as<std::string>();
  if (vm.count("fail-on")) {
    std::string s = vm["fail-on"].as<std::string>();
    auto sev = ParseSeverity(ToLower(s));
    if (!sev) {
      return Fail("--fail-on must be info, low, medium, high or critical, not \"" + s + "\"");
    }
    common.fail_on = *sev;
  }
  if (vm.count("keep-failed") && vm["keep-failed"].as<bool>()) common.keep_failed = true;
  if (vm.count("fail-on-skipped") && vm["fail-on-skipped"].as<bool>()) {
    common.fail_on_skipped = true;
  }
  if (vm.count("prune-intermediate") && vm["prune-intermediate"].as<bool>()) {
    common.prune_intermediate = true;
  }
  if (vm.count("quiet") && vm["quiet"].as<bool>()) common.verbosity = -1;
  if (vm.count("verbose")) {
    common.verbosity = vm["verbose"].as<int>();
  }
  if (vm.count("color")) {
    common.color = vm["color"].as<std::string>();
    if (common.color != "auto" && common.color != "always" && common.color != "never") {
      return Fail("--color must be auto, always or never");
    }
  }
  if (vm.count("podman")) common.podman = vm["podman"].as<std::string>();
  if (vm.count("baseline")) common.baseline_file = vm["baseline"].as<std::string>();
  if (vm.count("rewrite")) {
    common.rewrite = vm["rewrite"].as<std::string>();
    if (common.rewrite != "off" && common.rewrite != "suggest" && common.rewrite != "apply") {
      return Fail("--rewrite must be off, suggest or apply");
    }
  }
  return Ok{};
}

// Environment first, so that the command line wins.
Status ApplyEnvironment(CommonOptions& common) {
  po::variables_map vm;
  try {
    auto desc = CommonDescription();
    po::store(po::parse_environment(desc, EnvName), vm);
    for (auto [name, flag] : {std::pair{"SAFEBUILD_KEEP_FAILED", &common.keep_failed},
                              std::pair{"SAFEBUILD_FAIL_ON_SKIPPED", &common.fail_on_skipped}}) {
      const char* set = std::getenv(name);
      if (set != nullptr && std::string_view(set) != "0" && *set != '\0') *flag = true;
    }
  } catch (const po::error& e) {
    return Fail(std::string("environment: ") + e.what());
  }
  vm.erase("keep-failed");
  vm.erase("fail-on-skipped");
  // One variable at a time, so that a bad value names the variable.
  for (const auto& kv : vm) {
    po::variables_map one;
    one.insert(kv);
    if (auto st = Apply(one, common); !st) {
      std::string var = "SAFEBUILD_" + ToUpper(kv.first);
      for (char& c : var) c = c == '-' ? '_' : c;
      return Fail(var + ": " + st.error());
    }
  }
  return Ok{};
}

Expected<po::parsed_options> ParseKnown(const std::vector<std::string>& args,
                                        const po::options_description& desc) {
  try {
    return po::command_line_parser(args).options(desc).allow_unregistered().run();
  } catch (const po::error& e) {
    return Fail(e.what());
  }
}

}  // namespace

Expected<CommandLine> ParseCommandLine(const std::vector<std::string>& argv) {
  CommandLine cl;
  if (auto st = ApplyEnvironment(cl.common); !st) return Fail(st.error());
  static const std::vector<std::string> kValueOptions = {"--format", "--report", "--config",
                                                         "--fail-on",
                                                         "--color", "--podman",
                                                         "--rewrite", "--baseline"};
  std::vector<std::string> prefix;
  size_t i = 0;
  for (; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.empty() || a[0] != '-') break;
    prefix.push_back(a);
    for (const auto& v : kValueOptions) {
      if (a == v && i + 1 < argv.size()) prefix.push_back(argv[++i]);
    }
  }
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(prefix).options(CommonDescription()).run(), vm);
  } catch (const po::error& e) {
    return Fail(e.what());
  }
  if (auto st = Apply(vm, cl.common); !st) return Fail(st.error());
  if (vm["help"].as<bool>()) cl.command = "help";
  if (vm["version"].as<bool>()) cl.command = "version";
  if (!cl.command.empty()) return cl;
  if (i == argv.size()) return Fail("no command given (try 'safebuild --help')");
  cl.command = argv[i];
  cl.args.assign(argv.begin() + static_cast<long>(i) + 1, argv.end());
  return cl;
}

Expected<std::vector<std::string>> ParseCommonAfterCommand(
    const std::vector<std::string>& args, CommonOptions& common) {
  // parsed_options points into the description: keep it alive meanwhile.
  const po::options_description desc = CommonDescription();
  auto parsed = ParseKnown(args, desc);
  if (!parsed) return Fail(parsed.error());
  po::variables_map vm;
  po::store(*parsed, vm);
  if (auto st = Apply(vm, common); !st) return Fail(st.error());
  if (vm["help"].as<bool>()) return std::vector<std::string>{"--help"};
  return po::collect_unrecognized(parsed->options, po::include_positional);
}

std::string UsageText() {
  return R"(Usage: safebuild [OPTIONS] COMMAND [ARGS...]

Stops secrets from leaking into container images: lints the Containerfile,
runs podman build, scans every layer, the config and the history of the
result, and applies the tags only when the image is clean.

Commands:
  build [PODMAN BUILD ARGS] [CONTEXT]  lint, build, scan, then tag if clean
  scan [OPTIONS] IMAGE                 scan an image: NAME, ID, oci:DIR[:REF],
                                       oci-archive:PATH[:REF], docker-archive:PATH,
                                       docker://HOST/REPO[:TAG]
  lint [OPTIONS] [-f FILE] [CONTEXT]   lint a Containerfile and its context
  parse [-f FILE] [CONTEXT]            print the parsed Containerfile as JSON
  push [PODMAN PUSH ARGS] IMAGE [DEST] scan, then push only if clean
  baseline [OPTIONS] IMAGE             write IMAGE's findings as a baseline (JSON)
  fix [OPTIONS] [-f FILE] [CONTEXT]    rewrite secrets into build secrets
  init [--stack S] [--ci CI] [DIR]     copy the fitting templates into a project
  version                              print the version

Options (before the command, or as SAFEBUILD_FORMAT, SAFEBUILD_FAIL_ON, ...):
  --format text|json|sarif  report format (json, sarif to stdout) [text]
  --report FILE          also write the JSON report to FILE
  --config FILE          policy: severity overrides, disabled rules, allowed
                         fingerprints          [CONTEXT/.safebuild.json]
  --fail-on SEVERITY     info, low, medium, high or critical      [high]
  --keep-failed          keep a blocked image in storage (untagged)
  --color WHEN           auto, always or never; NO_COLOR is honoured
  --podman PATH          the podman binary to run               [podman]
  --baseline FILE        report only findings not in FILE (from `baseline`)
  --rewrite MODE         build: off, suggest or apply (build from a
                         rewritten copy of the Containerfile)  [suggest]
  --prune-intermediate   build: afterwards remove the images of the other
                         build stages (they may hold what was done with secrets)
  -q, --quiet            only errors and findings
  -v, --verbose          more detail
  -h, --help             this help
  --version              the version

Exit codes:
  0   clean (tagged, pushed, or nothing found)
  64  usage error in safebuild's own arguments
  65  findings reached --fail-on: nothing tagged or pushed
  66  the scan could not finish (fails closed)
  70  internal error
  other: podman's own exit code, passed through when podman fails

Each command's --help has its own examples.

Examples:
  safebuild init --ci github
  safebuild build -t localhost/app:1 .
  safebuild --format json --report report.json build -f Containerfile .
  safebuild scan oci-archive:app.tar
  safebuild lint -f Containerfile .
  safebuild push localhost/app:1 docker://registry.example/app:1
)";
}

namespace {

struct CommandHelp {
  const char* command;
  const char* text;
};

// Each command's --help: its synopsis, what it does, and examples.
constexpr CommandHelp kCommandHelp[] = {
    {"build", R"(Usage: safebuild [OPTIONS] build [PODMAN BUILD ARGS] [CONTEXT]
  lints the Containerfile, runs podman build with every argument as given,
  scans the image, and applies the -t/--tag names only when it is clean

Examples:
  safebuild build -t localhost/app:1 .
  safebuild build --secret id=npmrc,src=$HOME/.npmrc -t localhost/app:1 .
  safebuild --format sarif build -t localhost/app:1 . > safebuild.sarif
)"},
    {"scan", R"(Usage: safebuild [OPTIONS] scan [OPTIONS] IMAGE
  IMAGE: local NAME or ID, oci:DIR[:REF], oci-archive:PATH[:REF],
         docker-archive:PATH, docker://HOST/REPO[:TAG] (copied with skopeo)
  also podman's storage flags: --root, --runroot, --storage-driver,
  --storage-opt
  for docker:// images: --creds USER:PASS (given to skopeo in a 0600 auth
  file, never on its command line), --authfile FILE, --tls-verify=BOOL,
  --cert-dir DIR

Examples:
  safebuild scan localhost/app:1
  safebuild scan --tls-verify=false docker://127.0.0.1:5000/app:1
  safebuild scan --format json oci-archive:app.tar > report.json
  safebuild scan --root /var/tmp/store --fail-on medium localhost/app:1
)"},
    {"baseline", R"(Usage: safebuild [OPTIONS] baseline [OPTIONS] IMAGE > FILE
  writes IMAGE's findings as a baseline on stdout: rule, origin, path,
  member and fingerprint of each, never a value; with --baseline FILE,
  build, scan and push report only findings that are not in it
  IMAGE and the options: as for scan

Examples:
  safebuild baseline localhost/app:1 > .safebuild-baseline.json
  safebuild --baseline .safebuild-baseline.json build -t localhost/app:2 .
)"},
    {"lint", R"(Usage: safebuild [OPTIONS] lint [OPTIONS] [-f FILE] [--build-arg K=V] [CONTEXT]
  lints a Containerfile (default: CONTEXT/Containerfile, else Dockerfile)
  and its build context, without building

Examples:
  safebuild lint .
  safebuild lint -f Containerfile.prod --build-arg VERSION=1 .
  safebuild lint --format sarif . > lint.sarif
)"},
    {"parse", R"(Usage: safebuild parse [-f FILE] [CONTEXT]
  prints the Containerfile as podman reads it, as JSON (not redacted)

Examples:
  safebuild parse .
  safebuild parse -f - < Containerfile | jq -r '.instructions[].keyword'
)"},
    {"push", R"(Usage: safebuild [OPTIONS] push [PODMAN PUSH ARGS] IMAGE [DESTINATION]
  scans IMAGE, then runs podman push with every argument as given only
  when it is clean

Examples:
  safebuild push localhost/app:1 docker://registry.example/app:1
  safebuild --baseline .safebuild-baseline.json push localhost/app:1
)"},
    {"fix", R"(Usage: safebuild [OPTIONS] fix [OPTIONS] [-f FILE]... [--diff | --write]
                     [--target-version X.Y] [--build-arg K=V]...
                     [--artifact PATH]... [CONTEXT]
  prints the rewritten Containerfile (--diff: a unified diff; --write:
  replaces FILE, keeping FILE.bak) and, on stderr, the build flags it needs;
  several -f files need --diff or --write. --artifact names what the image
  copies from the build stage when a stage is split (default: the WORKDIR,
  paths named by CMD/ENTRYPOINT, install prefixes)

Examples:
  safebuild fix --diff .
  safebuild fix --write -f Containerfile .
  safebuild fix --target-version 4.3 --build-arg GH_TOKEN .
)"},
    {"init", R"(Usage: safebuild init [--stack STACK] [--ci CI] [DIR]
  copies into DIR (default: the current directory) the Containerfile for
  its stack, a .containerignore and safebuild.mk; never replaces a file
  --stack STACK  node, python, go or maven (default: found from package.json,
                 requirements.txt, pyproject.toml, setup.py, go.mod, pom.xml)
  --ci CI        also a CI file: github (.github/workflows/safebuild.yml),
                 gitlab (.gitlab-ci.yml) or tekton (tekton/safebuild-task.yaml)

Examples:
  safebuild init
  safebuild init --ci github ~/src/app
  safebuild init --stack python --ci gitlab .
)"},
};

}  // namespace

std::string CommandUsage(const std::string& command) {
  for (const CommandHelp& h : kCommandHelp) {
    if (command == h.command) return h.text;
  }
  return UsageText();
}

}  // namespace safebuild
