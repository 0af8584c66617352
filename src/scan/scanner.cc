#include "scan/scanner.h"

#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <mutex>

#include "image/layer_dir.h"
#include "image/layer_reader.h"
#include "detect/redact.h"
#include "image/layer_stack.h"
#include "scan/nested.h"
#include "util/text.h"

namespace safebuild {
namespace {

LayerRef RefOf(const LayerBlob& layer, const Detector& detector) {
  return LayerRef{layer.index, layer.diff_id.empty() ? layer.digest : layer.diff_id,
                  RedactSecrets(detector, layer.created_by), layer.history_index};
}

Finding FromMatch(const Match& m, Origin origin, std::string path) {
  Finding f;
  f.rule = m.rule;
  f.severity = m.severity;
  f.origin = origin;
  f.path = std::move(path);
  f.fingerprint = m.fingerprint;
  f.redacted = m.redacted;
  f.message = m.description;
  return f;
}

void ScanConfigText(const Detector& detector, std::string_view text, const std::string& path,
                    std::vector<Finding>& out) {
  for (const Match& m : detector.Scan(text, path)) {
    out.push_back(FromMatch(m, Origin::kConfig, path));
  }
}

std::string JoinStrings(const nlohmann::json& arr) {
  std::string s;
  for (const auto& v : arr) {
    if (!v.is_string()) continue;
    if (!s.empty()) s += ' ';
    s += v.get<std::string>();
  }
  return s;
}

// Env entries are "NAME=VALUE"; scanning the pair lets the detector use the
// name as context (DB_PASSWORD=…) while the value decides.
void ScanEnv(const nlohmann::json& cfg, const Detector& detector, std::vector<Finding>& out) {
  if (!cfg.contains("Env") || !cfg["Env"].is_array()) return;
  for (const auto& e : cfg["Env"]) {
    if (!e.is_string()) continue;
    std::string kv = e.get<std::string>();
    std::string name = kv.substr(0, kv.find('='));
    ScanConfigText(detector, kv, "Env/" + name, out);
  }
}

void ScanLabels(const nlohmann::json& labels, const Detector& detector,
                std::vector<Finding>& out) {
  if (!labels.is_object()) return;
  for (const auto& [key, value] : labels.items()) {
    if (!value.is_string()) continue;
    ScanConfigText(detector, key + "=" + value.get<std::string>(), "Labels/" + key, out);
  }
}

void ScanStringList(const nlohmann::json& cfg, const char* field, const Detector& detector,
                    std::vector<Finding>& out) {
  if (!cfg.contains(field) || !cfg[field].is_array()) return;
  ScanConfigText(detector, JoinStrings(cfg[field]), field, out);
}

void ScanHistory(const OpenedImage& image, const Detector& detector, std::vector<Finding>& out) {
  const auto& cfg = image.config;
  if (!cfg.contains("history") || !cfg["history"].is_array()) return;
  std::map<int, const LayerBlob*> by_history;
  for (const auto& l : image.layers) by_history[l.history_index] = &l;
  int i = 0;
  for (const auto& h : cfg["history"]) {
    int index = i++;
    if (!h.is_object()) continue;
    std::string path = "history/" + std::to_string(index);
    for (const char* field : {"created_by", "comment"}) {
      if (!h.contains(field) || !h[field].is_string()) continue;
      std::string text = h[field].get<std::string>();
      for (const Match& m : detector.Scan(text, path)) {
        Finding f = FromMatch(m, Origin::kHistory, path);
        auto it = by_history.find(index);
        if (it != by_history.end()) {
          f.layer = RefOf(*it->second, detector);
        }
        out.push_back(std::move(f));
      }
    }
  }
}

// What one layer's read produced; merged on the main thread afterwards.
struct LayerResult {
  Status status = Ok{};
  std::vector<Finding> findings;
  std::vector<LayerEntry> entries;
  ScanStats stats;
};

// A hardlink's content is its target's: the link gets the target's findings
// under its own path, so a link that outlives a deleted original is seen.
// Links to links resolve too, since each link's findings are recorded.
void AddHardlinkFindings(const LayerEntry& link,
                         std::map<std::string, std::vector<Finding>>& by_path,
                         LayerResult& result) {
  auto it = by_path.find(link.link_target);
  if (it == by_path.end() || it->second.empty()) return;
  std::vector<Finding> copies = it->second;
  for (Finding& f : copies) {
    f.path = link.path;
    result.findings.push_back(f);
  }
  by_path[link.path] = std::move(copies);
}

// A secret in a stored (uncompressed) member shows in the archive's own
// bytes too; it is reported once, at the member, the more precise place.
bool SeenDeeper(const Finding& f, const std::vector<Finding>& all) {
  std::string prefix = f.member.empty() ? "" : f.member + "!";
  return std::any_of(all.begin(), all.end(), [&](const Finding& g) {
    return g.member.size() > f.member.size() && StartsWith(g.member, prefix) &&
           g.rule == f.rule && g.fingerprint == f.fingerprint;
  });
}

void AddMatches(const Detector& detector, std::string_view content, const std::string& path,
                const std::string& member, const LayerRef& ref, std::vector<Finding>& out) {
  for (const Match& m : detector.Scan(content, member.empty() ? path : member)) {
    Finding f = FromMatch(m, Origin::kLayer, path);
    f.member = member;
    f.line = m.line;
    f.layer = ref;
    out.push_back(std::move(f));
  }
}

// One layer file: its own bytes, then every member when it is an archive.
std::vector<Finding> ScanFile(const std::string& path, std::string_view content,
                              const LayerRef& ref, const Detector& detector,
                              const ScanOptions& options, ScanStats& stats) {
  std::vector<Finding> found;
  AddMatches(detector, content, path, "", ref, found);
  if (options.nested.max_depth < 1 || !IsNestedArchive(path, content)) return found;
  NestedResult nested = WalkNested(
      path, content, options.nested,
      [&](const std::string& member, std::string_view bytes) {
        AddMatches(detector, bytes, path, member, ref, found);
      });
  stats.archives += nested.archives;
  stats.members += nested.members;
  for (const NestedSkip& s : nested.skipped) {
    stats.skipped.push_back({std::string(ToString(s.reason)), path, s.member, ref.index});
  }
  std::vector<Finding> kept;
  for (const Finding& f : found) {
    if (!SeenDeeper(f, found)) kept.push_back(f);
  }
  return kept;
}

LayerResult ScanLayer(const LayerBlob& layer, const Detector& detector,
                      const ScanOptions& options) {
  LayerResult result;
  LayerLimits limits;
  limits.max_file_bytes = options.max_file_bytes;
  LayerRef ref = RefOf(layer, detector);
  std::map<std::string, std::vector<Finding>> by_path;
  auto on_entry = [&](const LayerEntry& e, std::string_view content, bool truncated) {
    result.entries.push_back(e);
    if (e.type == LayerEntry::Type::kHardlink) {
      AddHardlinkFindings(e, by_path, result);
      return true;
    }
    // Whiteout markers are empty in honest layers; bytes in one are still in
    // the image, so they are scanned like any file.
    if (e.type != LayerEntry::Type::kFile) return true;
    ++result.stats.files;
    result.stats.bytes += content.size();
    if (truncated) {
      ++result.stats.truncated;
      result.stats.skipped.push_back({"size", e.path, "", layer.index});
    }
    auto& mine = by_path[e.path];
    for (Finding& f : ScanFile(e.path, content, ref, detector, options, result.stats)) {
      mine.push_back(f);
      result.findings.push_back(std::move(f));
    }
    return true;
  };
  // A layer from podman's overlay storage is a directory, not a blob.
  result.status = layer.dir.empty() ? ReadLayer(layer.file, limits, on_entry)
                                    : ReadLayerDir(layer.dir, limits, on_entry);
  return result;
}

}  // namespace

std::vector<Finding> ScanConfig(const OpenedImage& image, const Detector& detector) {
  std::vector<Finding> out;
  const nlohmann::json empty = nlohmann::json::object();
  const auto& cfg = image.config.contains("config") && image.config["config"].is_object()
                        ? image.config["config"]
                        : empty;
  ScanEnv(cfg, detector, out);
  if (cfg.contains("Labels")) ScanLabels(cfg["Labels"], detector, out);
  for (const char* field : {"Cmd", "Entrypoint", "OnBuild", "Shell"}) {
    ScanStringList(cfg, field, detector, out);
  }
  if (cfg.contains("Healthcheck") && cfg["Healthcheck"].contains("Test")) {
    ScanConfigText(detector, JoinStrings(cfg["Healthcheck"]["Test"]), "Healthcheck", out);
  }
  ScanHistory(image, detector, out);
  return out;
}

Expected<ScanOutput> ScanImage(const OpenedImage& image, const Detector& detector,
                               const ScanOptions& options) {
  ScanOutput out;
  out.findings = ScanConfig(image, detector);
  std::vector<LayerResult> results(image.layers.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < image.layers.size(); i = next++) {
      results[i] = ScanLayer(image.layers[i], detector, options);
    }
  };
  std::vector<std::future<void>> workers;
  int jobs = std::max(1, options.jobs);
  for (int j = 0; j < jobs; ++j) workers.push_back(std::async(std::launch::async, worker));
  for (auto& w : workers) w.get();

  LayerStack stack;
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].status) return Fail(results[i].status.error());
    for (const auto& e : results[i].entries) stack.Record(static_cast<int>(i), e);
  }
  out.stats.layers = static_cast<int>(image.layers.size());
  for (auto& r : results) {
    out.stats.files += r.stats.files;
    out.stats.bytes += r.stats.bytes;
    out.stats.truncated += r.stats.truncated;
    out.stats.archives += r.stats.archives;
    out.stats.members += r.stats.members;
    for (auto& s : r.stats.skipped) out.stats.skipped.push_back(std::move(s));
    for (auto& f : r.findings) {
      f.deleted = !stack.IsVisible(f.layer->index, f.path);
      out.findings.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace safebuild
