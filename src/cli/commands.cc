#include "cli/commands.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

#include "cli/containerfile_input.h"
#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/fix_command.h"
#include "cli/image_source.h"
#include "cli/intermediate_images.h"
#include "cli/init_command.h"
#include "cli/parse_command.h"
#include "cli/progress.h"
#include "cli/source_error.h"
#include "containerfile/inline_ignore.h"
#include "containerfile/lint.h"
#include "containerfile/parser.h"
#include "containerfile/preprocess.h"
#include "containerfile/scrubber.h"
#include "containerfile/source_file.h"
#include "detect/detector.h"
#include "detect/redact.h"
#include "image/image_ref.h"
#include "podman/build_args.h"
#include "podman/image_name.h"
#include "podman/podman.h"
#include "report/report.h"
#include "report/baseline.h"
#include "report/layer_origin.h"
#include "report/policy.h"
#include "report/sarif.h"
#include "scan/scanner.h"
#include "util/atomic_file.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace safebuild {
namespace fs = std::filesystem;
namespace {

// JSON text as written out. Every text in a report is made valid UTF-8
// before (Shown); a byte that is not would become U+FFFD, never an error.
std::string Dump(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The report as data: JSON or SARIF on stdout, JSON to the --report file.
int EmitData(const Report& report, const CommonOptions& common) {
  std::string json = Dump(ToJson(report)) + "\n";
  if (common.format == "json") std::cout << json << std::flush;
  if (common.format == "sarif") {
    SarifOptions sarif{fs::current_path()};
    std::cout << Dump(ToSarif(report, sarif)) << "\n" << std::flush;
  }
  if (common.report_file) {
    if (auto st = ReplaceFile(*common.report_file, json); !st) {
      PrintError(st.error());
      return kExitInternal;
    }
  }
  return kExitPass;
}

// Text to stderr for people, then the report as data.
int Emit(const Report& report, const CommonOptions& common, bool lint_shown = false) {
  TextStyle style{GetDiagSettings().color, common.verbosity > 0, lint_shown};
  std::cerr << RenderText(report, style);
  return EmitData(report, common);
}

// Applies the project policy (--config FILE, else .safebuild.json in a
// local context) to `findings`; false, after saying why, when it is broken.
bool ApplyProjectPolicy(const CommonOptions& common, const std::string& context,
                        std::vector<Finding>& findings) {
  fs::path file = common.config_file ? fs::path(*common.config_file) : fs::path();
  auto policy = LoadPolicy(file, IsRemoteContext(context) ? fs::path() : fs::path(context));
  if (!policy) {
    PrintError(policy.error());
    return false;
  }
  ApplyPolicy(*policy, findings);
  return true;
}

struct LintRequest {
  std::vector<std::string> files;
  std::string context;
  std::vector<std::pair<std::string, std::string>> build_args;
  std::optional<std::string> stdin_text;  // the Containerfile for "-f -"
  std::string ignore_file;                // podman's --ignorefile, if given
};

bool HasFrom(const Containerfile& file) {
  for (const Instruction& ins : file.instructions) {
    if (ins.keyword == "FROM") return true;
  }
  return false;
}

// Lints each Containerfile. A file safebuild cannot parse is reported and
// left to podman, which gives its own error.
std::vector<Finding> LintAll(const LintRequest& req, bool& parse_failed,
                             std::vector<std::string>* secret_values = nullptr) {
  std::vector<Finding> findings;
  parse_failed = false;
  for (const auto& file : req.files) {
    // A Containerfile.in is linted as cpp prints it, pointed back at the
    // lines it came from.
    auto in = LoadContainerfile(file, req.context, req.stdin_text);
    if (!in) {
      parse_failed = true;
      continue;
    }
    if (!HasFrom(in->parsed)) {
      PrintError(in->name + ": no FROM instruction" +
                 (in->parsed.instructions.empty() ? " (the file is empty)" : "") +
                 "; podman cannot build it");
      parse_failed = true;
      continue;
    }
    LintInput input;
    input.file = &in->parsed;
    input.build_args = req.build_args;
    if (!IsRemoteContext(req.context)) input.context = req.context;
    input.ignore_file = req.ignore_file;
    input.secret_values = secret_values;
    auto found = Lint(input, Detector::Default());
    ApplyInlineIgnores(in->parsed, found);
    if (in->pre) MapFindings(*in->pre, file, found);
    findings.insert(findings.end(), found.begin(), found.end());
  }
  return findings;
}

// --build-arg NAME takes NAME's value from the environment, as podman does.
std::vector<std::pair<std::string, std::string>> ResolveBuildArgs(
    const BuildInvocation& inv) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : inv.build_args) {
    if (value) {
      out.emplace_back(name, *value);
    } else if (const char* env = std::getenv(name.c_str())) {
      out.emplace_back(name, env);
    }
  }
  return out;
}

std::optional<std::string> ReadStdinIfNeeded(const std::vector<std::string>& files) {
  for (const auto& f : files) {
    if (f == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  }
  return std::nullopt;
}

int InterruptedExit() {
  int sig = PendingSignal();
  PrintError("interrupted by signal " + std::to_string(sig));
  return 128 + sig;
}

// Removes a blocked image unless the user keeps it. An image that already
// carried tags before this build (a cache hit of a known image) is the
// user's and stays.
void RemoveBlocked(const Podman& podman, const ImageSource& src, const CommonOptions& common) {
  if (common.keep_failed) {
    PrintNote("kept the blocked image " + src.id + " (--keep-failed); it is not tagged");
    return;
  }
  if (!src.tags.empty()) {
    PrintWarning("the blocked image " + src.id + " already had tags; left in storage");
    return;
  }
  if (auto st = podman.Remove(src.id); !st) {
    PrintWarning("could not remove the blocked image: " + st.error());
  } else {
    PrintNote("removed the blocked image " + src.id.substr(0, 19) + " from storage");
  }
}

// A blocked image leaves the manifest list that --manifest added it to: a
// list the build made goes with it, and one that was there loses the
// image's entry, so that no name points at what did not pass.
void RemoveFromManifest(const Podman& podman, const std::string& list, bool existed,
                        const std::string& image_id) {
  RunOptions quiet;
  quiet.quiet = true;
  if (!existed) {
    auto r = podman.Run({"manifest", "rm", list}, quiet);
    if (r && r->exit_code == 0) {
      PrintNote("removed the manifest list " + list + " that the build made");
    } else {
      PrintWarning("could not remove the manifest list " + list);
    }
    return;
  }
  RunOptions capture;
  capture.capture_stdout = true;
  auto digest = podman.Run({"image", "inspect", "--format", "{{.Digest}}", image_id}, capture);
  const std::string d = digest ? std::string(Trim(digest->out)) : "";
  auto r = d.empty() ? Expected<RunResult>(Fail("no digest"))
                     : podman.Run({"manifest", "remove", list, d}, quiet);
  if (r && r->exit_code == 0) {
    PrintNote("removed the blocked image from the manifest list " + list);
  } else {
    PrintWarning("could not remove the blocked image from the manifest list " + list);
  }
}

// The images and build containers in storage before a build. A build that
// fails or is interrupted leaves its cached layer images (which may hold
// the secrets it was given) and, when interrupted, its working container;
// nothing scanned them, so they go.
struct StorageSnapshot {
  bool ok = false;
  std::set<std::string> images;
  std::set<std::string> containers;
};

std::set<std::string> IdsOf(const Podman& podman, const std::vector<std::string>& args,
                            bool& ok) {
  RunOptions run;
  run.capture_stdout = true;
  auto r = podman.Run(args, run);
  std::set<std::string> ids;
  if (!r) {
    ok = false;
    return ids;
  }
  std::istringstream in(r->out);
  for (std::string id; in >> id;) ids.insert(id);
  return ids;
}

StorageSnapshot TakeSnapshot(const Podman& podman) {
  StorageSnapshot snap;
  snap.ok = true;
  snap.images = IdsOf(podman, {"images", "-a", "-q", "--no-trunc"}, snap.ok);
  snap.containers = IdsOf(podman, {"ps", "-a", "--external", "-q", "--no-trunc"}, snap.ok);
  return snap;
}

void RemoveLeftovers(const Podman& podman, const StorageSnapshot& before,
                     const CommonOptions& common) {
  if (!before.ok || common.keep_failed) return;
  StorageSnapshot after = TakeSnapshot(podman);
  if (!after.ok) return;
  RunOptions quiet;
  quiet.capture_stdout = true;
  for (const auto& id : after.containers) {
    if (!before.containers.count(id)) (void)podman.Run({"rm", "-f", id}, quiet);
  }
  std::set<std::string> left;
  for (const auto& id : after.images) {
    if (!before.images.count(id)) left.insert(id);
  }
  // A parent goes only after its children: repeat while a pass removes any.
  size_t removed = 0;
  for (bool progress = true; progress && !left.empty();) {
    progress = false;
    for (auto it = left.begin(); it != left.end();) {
      if (podman.Run({"image", "rm", *it}, quiet)) {
        it = left.erase(it);
        ++removed;
        progress = true;
      } else {
        ++it;
      }
    }
  }
  if (removed > 0) {
    PrintNote("removed " + std::to_string(removed) +
              " cached layer image(s) of the unfinished build (--keep-failed keeps them)");
  }
}

struct ScanState {
  Report report;
  std::optional<ImageSource> source;
};

// Errors name files in the private directory, which is gone when the user
// reads them: name the archive or image they came from instead.
std::string NameScratchPaths(std::string message, const TempDir& scratch,
                             const std::string& reference) {
  for (const char* sub : {"/archive/", "/image/"}) {
    message = ReplaceAll(std::move(message), scratch.path().string() + sub,
                         reference + " member ");
  }
  return message;
}

// Opens and scans an image into `state.report`; failure leaves the report
// incomplete, which the gate treats as a failure.
void ScanInto(const std::string& reference, const Podman& podman, const TempDir& scratch,
              ScanState& state, const RemoteOptions& remote = {}) {
  auto src = OpenImageSource(reference, podman, scratch, remote);
  if (!src) {
    state.report.complete = false;
    state.report.errors.push_back("cannot read image " + reference + ": " +
                                  NameScratchPaths(src.error(), scratch, reference));
    return;
  }
  state.source = std::move(*src);
  state.report.image = ReportImage{state.source->id, state.source->tags};
  ScanProgress progress;
  ScanOptions options;
  options.progress = &progress;
  options.spool_dir = scratch.path();
  options.cancelled = [] { return PendingSignal() != 0; };
  Expected<ScanOutput> scanned = Fail("not scanned");
  {
    const bool show = WantProgress(GetDiagSettings().verbosity);
    ProgressBar bar(progress, show, show ? ProgressDelay() : std::chrono::milliseconds(0));
    scanned = ScanImageSource(*state.source, podman, scratch, options);
  }
  if (!scanned) {
    state.report.complete = false;
    state.report.errors.push_back("scan of " + reference + " failed: " +
                                  NameScratchPaths(scanned.error(), scratch, reference));
    return;
  }
  state.report.stats = scanned->stats;
  state.report.findings.insert(state.report.findings.end(), scanned->findings.begin(),
                               scanned->findings.end());
}

// --baseline FILE: accepted findings are counted, not reported.
bool ApplyBaselineOption(const CommonOptions& common, Report& report) {
  if (Status st = ApplyBaselineFile(common.baseline_file, report); !st) {
    PrintError(st.error());
    return false;
  }
  return true;
}

// `safebuild baseline IMAGE`: every finding, as a baseline file on stdout.
int WriteBaseline(const Report& report) {
  if (!report.complete) {
    for (const auto& e : report.errors) PrintError(e);
    return kExitIncomplete;
  }
  std::cout << Dump(Baseline::ToJson(report.findings)) << "\n";
  return kExitPass;
}

int GateExit(const Report& report) {
  if (!report.complete) return kExitIncomplete;
  return Fails(report) ? kExitBlocked : kExitPass;
}

std::string ReadIidFile(const fs::path& path) {
  std::ifstream in(path);
  std::string id;
  in >> id;
  return id;
}

Report LintReport(const CommonOptions& common, std::vector<Finding> findings) {
  Report r;
  r.fail_on = common.fail_on;
  r.fail_on_skipped = common.fail_on_skipped;
  Normalize(findings);
  r.findings = std::move(findings);
  return r;
}

}  // namespace

// The value of podman's --target in `passthrough`, "" without one.
std::string TargetOf(const std::vector<std::string>& passthrough) {
  std::string target;
  for (size_t i = 0; i < passthrough.size(); ++i) {
    const std::string& a = passthrough[i];
    if (a == "--target" && i + 1 < passthrough.size()) target = passthrough[i + 1];
    if (StartsWith(a, "--target=")) target = a.substr(9);
  }
  return target;
}

// Names the Containerfile line behind each image finding, when the image was
// built from one file as the user wrote it (not stdin, not a preprocessed
// copy, whose lines are not the user's), or from the rewritten copy of one,
// whose lines are mapped back to the user's.
void AttributeToSource(const BuildRewrite& built, const std::vector<std::string>& given,
                       const std::vector<std::string>& passthrough, ScanState& state) {
  const std::vector<std::string>& built_from = built.files;
  bool rewritten = !built.rewritten_from.empty();
  if (!state.source || built_from.size() != 1 || (!rewritten && built_from != given)) return;
  const std::string& file = built_from.front();
  if (file == "-" || file.ends_with(".in")) return;
  auto text = ReadContainerfile(file);
  auto parsed = text ? ParseContainerfile(*text, file) : Fail(text.error());
  if (!parsed || !state.source->image.config.contains("history")) return;
  auto map = MapHistoryToInstructions(*parsed, state.source->image.config["history"],
                                      TargetOf(passthrough));
  AttributeToInstructions(map, state.report.findings);
  AttributeConfigToInstructions(MapConfigToInstructions(*parsed, TargetOf(passthrough)),
                                state.report.findings);
  MapRewrittenFindings(built, state.report.findings);
}

int RunBuild(const CommonOptions& common, const std::vector<std::string>& args) {
  auto inv = ParseBuildArgs(args);
  if (!inv) {
    PrintError("build: " + inv.error());
    return kExitUsage;
  }
  if (auto st = ExpandBuildArgFiles(*inv); !st) {
    PrintError("build: " + st.error());
    return kExitUsage;
  }
  // What podman would write out of the build before the scan could block
  // it: refused, as a tag would be were it not held back.
  if (!inv->help && !inv->before_gate.empty()) {
    PrintError("build: " + inv->before_gate.front() +
               " writes the image out (files or cache layers) before the scan can block "
               "it; build without it, then take what you need from the scanned image "
               "(podman create, podman cp; podman push)");
    return kExitUsage;
  }
  // The tags reach podman only after the scan: check them now, as podman
  // would before building, with its exit code.
  for (const std::string& tag : inv->tags) {
    if (auto st = CheckImageName(tag); !st) {
      PrintError("tag " + tag + ": " + st.error());
      return kExitPodmanUsage;
    }
  }
  Podman podman({common.podman, inv->global_flags});
  RunOptions passthrough_run;
  passthrough_run.add_globals = false;
  if (inv->help) {
    std::cout << CommandUsage("build") << "\npodman build's own options:\n" << std::flush;
    std::vector<std::string> help = {"build"};
    help.insert(help.end(), inv->passthrough.begin(), inv->passthrough.end());
    auto r = podman.Run(help, passthrough_run);
    return r ? r->exit_code : kExitInternal;
  }
  // A broken --baseline stops the build before podman runs, as a bad flag
  // does: after the build it would leave an unscanned image in storage.
  std::optional<Baseline> baseline;
  if (common.baseline_file) {
    auto loaded = Baseline::Load(*common.baseline_file);
    if (!loaded) {
      PrintError(loaded.error());
      return kExitUsage;
    }
    baseline = std::move(*loaded);
  }
  auto scratch = TempDir::Create();
  if (!scratch) {
    PrintError(scratch.error());
    return kExitInternal;
  }

  // Rewrite step (--rewrite, fix_command.cc): suggest the fix, or build from
  // a rewritten copy with secret --build-args turned into --secrets.
  BuildRewrite as_given{inv->passthrough, ContainerfilesFor(inv->files, inv->context),
                        ReadStdinIfNeeded(inv->files), ResolveBuildArgs(*inv), {}, {}, {}};
  auto rewritten = PrepareBuildRewrite(common, *inv, std::move(as_given), *scratch);
  if (!rewritten) {
    PrintError(rewritten.error());
    return kExitUsage;
  }
  // Secrets the build mounts, from the sources the config names.
  auto configured = ConfiguredSecretFlags(common, *inv, *rewritten, podman, *scratch);
  if (!configured) {
    PrintError(configured.error());
    return kExitUsage;
  }
  rewritten->passthrough.insert(rewritten->passthrough.begin(), configured->begin(),
                                configured->end());

  LintRequest lint{rewritten->files, inv->context, rewritten->build_args,
                   rewritten->stdin_text,
                   rewritten->ignore_file.empty() ? inv->ignorefile.value_or("")
                                                  : rewritten->ignore_file};
  bool parse_failed = false;
  std::vector<std::string> lint_secrets;  // hidden in podman's output too
  std::vector<Finding> lint_findings = LintAll(lint, parse_failed, &lint_secrets);
  const Scrubber scrub_lint_secrets(lint_secrets);
  MapRewrittenFindings(*rewritten, lint_findings);
  if (!ApplyProjectPolicy(common, inv->context, lint_findings)) return kExitUsage;
  Report lint_report = LintReport(common, lint_findings);
  bool lint_shown = !lint_report.findings.empty();
  if (lint_shown) std::cerr << RenderText(lint_report, {GetDiagSettings().color, false, false});
  if (parse_failed) PrintWarning("lint incomplete; the image scan still decides");

  std::vector<std::string> build = {"build"};
  fs::path iid = inv->iidfile ? fs::path(*inv->iidfile) : scratch->path() / "iid";
  if (!inv->iidfile) build.insert(build.end(), {"--iidfile", iid.string()});
  build.insert(build.end(), rewritten->passthrough.begin(), rewritten->passthrough.end());
  passthrough_run.stdout_to_stderr = common.format != "text";
  passthrough_run.stdin_data = lint.stdin_text;
  std::vector<std::string> steps;  // the image of each build step
  // podman echoes every step ("STEP 2/3: RUN curl -u user:pass …"): what
  // the detector finds there and every value lint found is redacted.
  passthrough_run.filter = [&steps, &scrub_lint_secrets](std::string_view line) {
    NoteStepImage(line, steps);
    std::string shown = RedactSecrets(Detector::Default(), line);
    scrub_lint_secrets.Scrub(shown);
    return shown;
  };
  StorageSnapshot before = TakeSnapshot(podman);
  bool list_existed = false;
  if (inv->manifest) {
    RunOptions quiet;
    quiet.quiet = true;
    auto exists = podman.Run({"manifest", "exists", *inv->manifest}, quiet);
    list_existed = exists && exists->exit_code == 0;
  }
  auto built = podman.Run(build, passthrough_run);
  if (!built) {
    PrintError(built.error());
    return kExitInternal;
  }
  if (PendingSignal() != 0 || built->exit_code != 0) {
    RemoveLeftovers(podman, before, common);
  }
  if (PendingSignal() != 0) return InterruptedExit();
  if (built->exit_code != 0) {
    // The lint findings were shown; the report still goes out as data (JSON,
    // SARIF, --report), so that a CI step that uploads it gets them and why
    // there is no image.
    std::string error = "podman build failed (exit " + std::to_string(built->exit_code) + ")";
    PrintError(error);
    lint_report.complete = false;
    lint_report.errors.push_back(error);
    EmitData(lint_report, common);
    return built->exit_code;
  }
  std::string image_id = ReadIidFile(iid);
  if (image_id.empty()) {
    PrintError("podman build wrote no image ID to " + iid.string());
    return kExitIncomplete;
  }
  std::vector<std::string> intermediate =
      before.ok ? IntermediateImages(podman, before.images, steps, image_id)
                : std::vector<std::string>();

  ScanState state;
  state.report.fail_on = common.fail_on;
  state.report.fail_on_skipped = common.fail_on_skipped;
  ScanInto(image_id, podman, *scratch, state);
  if (PendingSignal() != 0) return InterruptedExit();
  if (!inv->merged_layers) {
    AttributeToSource(*rewritten, ContainerfilesFor(inv->files, inv->context),
                      inv->passthrough, state);
  }
  state.report.findings.insert(state.report.findings.begin(), lint_report.findings.begin(),
                               lint_report.findings.end());
  Normalize(state.report.findings);
  if (!ApplyProjectPolicy(common, inv->context, state.report.findings)) return kExitUsage;
  if (baseline) state.report.baselined = baseline->Remove(state.report.findings);
  if (!state.report.image) state.report.image = ReportImage{image_id, {}};
  int code = GateExit(state.report);

  if (code != kExitPass) {
    if (inv->manifest && !common.keep_failed) {
      RemoveFromManifest(podman, *inv->manifest, list_existed, image_id);
    }
    if (state.source) RemoveBlocked(podman, *state.source, common);
    state.report.image->tags.clear();
  } else if (auto st = podman.Tag(image_id, inv->tags); !st) {
    PrintError(st.error());
    code = kExitInternal;
  } else {
    state.report.image->tags = inv->tags;
  }
  int emitted = Emit(state.report, common, lint_shown);
  HandleIntermediateImages(podman, intermediate, common.prune_intermediate);
  if (code == kExitPass && !inv->tags.empty()) {
    PrintNote("tagged " + image_id.substr(0, 19) + " as " + inv->tags.front() +
              (inv->tags.size() > 1 ? " (+" + std::to_string(inv->tags.size() - 1) + ")" : ""));
  }
  return code != kExitPass ? code : emitted;
}

namespace {

// podman's storage flags given to `scan`, kept for every podman call.
Expected<std::pair<std::vector<std::string>, std::vector<std::string>>> SplitStorageFlags(
    const std::vector<std::string>& args) {
  std::vector<std::string> globals;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string name = a.substr(0, a.find('='));
    if (IsPodmanGlobalValueFlag(name)) {
      globals.push_back(a);
      if (a.find('=') == std::string::npos) {
        if (i + 1 >= args.size()) return Fail("flag needs an argument: " + a);
        globals.push_back(args[++i]);
      }
    } else if (IsPodmanGlobalBoolFlag(name)) {
      globals.push_back(a);
    } else {
      rest.push_back(a);
    }
  }
  return std::pair(globals, rest);
}

}  // namespace

int RunScan(const CommonOptions& common_in, const std::vector<std::string>& args) {
  CommonOptions common = common_in;
  auto rest = ParseCommonAfterCommand(args, common);
  if (!rest) {
    PrintError("scan: " + rest.error());
    return kExitUsage;
  }
  if (!rest->empty() && rest->front() == "--help") {
    std::cout << CommandUsage(common.write_baseline ? "baseline" : "scan");
    return kExitPass;
  }
  auto remote = TakeRemoteFlags(*rest);
  if (!remote) {
    PrintError("scan: " + remote.error());
    return kExitUsage;
  }
  auto split = SplitStorageFlags(*rest);
  if (!split) {
    PrintError("scan: " + split.error());
    return kExitUsage;
  }
  auto& [globals, positionals] = *split;
  if (positionals.size() != 1 || positionals[0].empty() || positionals[0][0] == '-') {
    PrintError(positionals.empty() ? "scan: needs an IMAGE"
               : positionals[0][0] == '-' ? "scan: unknown option " + positionals[0]
                                          : "scan: takes exactly one IMAGE");
    return kExitUsage;
  }
  if (remote->Any() && !StartsWith(positionals[0], "docker://")) {
    PrintError("scan: --creds, --authfile, --tls-verify and --cert-dir are for docker:// images");
    return kExitUsage;
  }
  auto scratch = TempDir::Create();
  if (!scratch) {
    PrintError(scratch.error());
    return kExitInternal;
  }
  Podman podman({common.podman, globals});
  ScanState state;
  state.report.fail_on = common.fail_on;
  state.report.fail_on_skipped = common.fail_on_skipped;
  ScanInto(positionals[0], podman, *scratch, state, *remote);
  if (PendingSignal() != 0) return InterruptedExit();
  Normalize(state.report.findings);
  if (!ApplyProjectPolicy(common, "", state.report.findings)) return kExitUsage;
  if (common.write_baseline) return WriteBaseline(state.report);
  if (!ApplyBaselineOption(common, state.report)) return kExitUsage;
  int code = GateExit(state.report);
  int emitted = Emit(state.report, common);
  return code != kExitPass ? code : emitted;
}

int RunLint(const CommonOptions& common_in, const std::vector<std::string>& args) {
  CommonOptions common = common_in;
  auto rest = ParseCommonAfterCommand(args, common);
  if (!rest) {
    PrintError("lint: " + rest.error());
    return kExitUsage;
  }
  if (!rest->empty() && rest->front() == "--help") {
    std::cout << CommandUsage("lint");
    return kExitPass;
  }
  auto inv = ParseBuildArgs(*rest);
  if (!inv) {
    PrintError("lint: " + inv.error());
    return kExitUsage;
  }
  LintRequest lint{ContainerfilesFor(inv->files, inv->context), inv->context,
                   ResolveBuildArgs(*inv), ReadStdinIfNeeded(inv->files),
                   inv->ignorefile.value_or("")};
  if (lint.files.empty()) {
    PrintError("lint: no Containerfile or Dockerfile in " + inv->context);
    return kExitUsage;
  }
  bool parse_failed = false;
  Report report = LintReport(common, LintAll(lint, parse_failed));
  if (!ApplyProjectPolicy(common, inv->context, report.findings)) return kExitUsage;
  if (parse_failed) {
    report.complete = false;
    report.errors.push_back("a Containerfile could not be read or parsed");
  }
  int code = GateExit(report);
  int emitted = Emit(report, common, false);
  return code != kExitPass ? code : emitted;
}

int RunPush(const CommonOptions& common, const std::vector<std::string>& args) {
  auto inv = ParsePushArgs(args);
  if (!inv) {
    PrintError("push: " + inv.error());
    return kExitUsage;
  }
  Podman podman({common.podman, inv->global_flags});
  if (inv->help) {
    std::cout << CommandUsage("push") << "\npodman push's own options:\n" << std::flush;
    std::vector<std::string> help = {"push"};
    help.insert(help.end(), inv->passthrough.begin(), inv->passthrough.end());
    RunOptions run;
    run.add_globals = false;
    auto r = podman.Run(help, run);
    return r ? r->exit_code : kExitInternal;
  }
  // podman push reads only its own storage: what it would refuse after the
  // scan is refused before it.
  if (auto ref = ParseImageRef(inv->image); !ref || ref->kind != ImageRef::Kind::kLocal) {
    PrintError("push: " + inv->image + ": " +
               (ref ? "podman push reads images from its storage only; scan this one with "
                      "safebuild scan, then copy it with skopeo copy"
                    : ref.error()));
    return kExitUsage;
  }
  auto scratch = TempDir::Create();
  if (!scratch) {
    PrintError(scratch.error());
    return kExitInternal;
  }
  ScanState state;
  state.report.fail_on = common.fail_on;
  state.report.fail_on_skipped = common.fail_on_skipped;
  ScanInto(inv->image, podman, *scratch, state);
  if (PendingSignal() != 0) return InterruptedExit();
  Normalize(state.report.findings);
  if (!ApplyProjectPolicy(common, "", state.report.findings)) return kExitUsage;
  if (!ApplyBaselineOption(common, state.report)) return kExitUsage;
  int code = GateExit(state.report);
  int emitted = Emit(state.report, common);
  if (code != kExitPass) {
    PrintError("not pushing " + inv->image + ": the image did not pass the scan");
    return code;
  }
  if (emitted != kExitPass) return emitted;
  std::vector<std::string> push = {"push"};
  push.insert(push.end(), inv->passthrough.begin(), inv->passthrough.end());
  RunOptions run;
  run.add_globals = false;
  run.stdout_to_stderr = common.format != "text";
  run.filter = [](std::string_view line) { return RedactSecrets(Detector::Default(), line); };
  auto pushed = podman.Run(push, run);
  if (!pushed) {
    PrintError(pushed.error());
    return kExitInternal;
  }
  return pushed->exit_code;
}

int Main(const std::vector<std::string>& argv) {
  auto cl = ParseCommandLine(argv);
  if (!cl) {
    PrintError(cl.error());
    return kExitUsage;
  }
  SetDiagSettings({cl->common.verbosity, WantColor(cl->common.color)});
  InstallSignalForwarding();
  const std::string& cmd = cl->command;
  if (cmd == "help") {
    std::cout << UsageText();
    return kExitPass;
  }
  if (cmd == "version") {
    std::cout << "safebuild " << SAFEBUILD_VERSION << "\n";
    return kExitPass;
  }
  if (cmd == "build") return RunBuild(cl->common, cl->args);
  if (cmd == "scan") return RunScan(cl->common, cl->args);
  if (cmd == "baseline") {
    CommonOptions common = cl->common;
    common.write_baseline = true;
    return RunScan(common, cl->args);
  }
  if (cmd == "lint") return RunLint(cl->common, cl->args);
  if (cmd == "parse") return RunParse(cl->args);
  if (cmd == "push") return RunPush(cl->common, cl->args);
  if (cmd == "fix") return RunFix(cl->common, cl->args);
  if (cmd == "init") return RunInit(cl->common, cl->args);
  PrintError("unknown command \"" + cmd + "\" (try 'safebuild --help')");
  return kExitUsage;
}

}  // namespace safebuild
