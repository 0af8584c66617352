#include "cli/intermediate_images.h"

#include <algorithm>
#include <optional>
#include <regex>
#include <sstream>

#include "cli/diag.h"
#include "util/text.h"

namespace safebuild {
namespace {

struct ImageFacts {
  std::string id;
  bool named = false;
  std::vector<std::string> layers;  // diff IDs, base first
};

// One `image inspect` for all of `ids`: "ID|TAG COUNT|L1,L2,…" a line.
std::vector<ImageFacts> Inspect(const Podman& podman, const std::vector<std::string>& ids) {
  std::vector<std::string> args = {
      "image", "inspect", "--format",
      "{{.Id}}|{{len .RepoTags}}|{{range .RootFS.Layers}}{{.}},{{end}}"};
  args.insert(args.end(), ids.begin(), ids.end());
  RunOptions run;
  run.capture_stdout = true;
  auto r = podman.Run(args, run);
  std::vector<ImageFacts> out;
  if (!r) return out;
  std::istringstream in(r->out);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f = Split(line, '|');
    if (f.size() != 3) continue;
    ImageFacts facts{f[0], f[1] != "0", {}};
    for (auto& l : Split(f[2], ',')) {
      if (!l.empty()) facts.layers.push_back(l);
    }
    out.push_back(std::move(facts));
  }
  return out;
}

// Every image ID in storage; none when podman cannot list them.
std::optional<std::set<std::string>> Present(const Podman& podman) {
  RunOptions run;
  run.capture_stdout = true;
  auto listed = podman.Run({"images", "-a", "-q", "--no-trunc"}, run);
  if (!listed) return std::nullopt;
  std::set<std::string> out;
  std::istringstream in(listed->out);
  for (std::string id; in >> id;) out.insert(id);
  return out;
}

bool IsPrefix(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

std::string Short(const std::string& id) {
  std::string bare = StartsWith(id, "sha256:") ? id.substr(7) : id;
  return bare.substr(0, 12);
}

}  // namespace

void NoteStepImage(std::string_view line, std::vector<std::string>& steps) {
  static const std::regex kStep(R"(^--> (Using cache )?([0-9a-f]{11,64})\s*$)");
  std::match_results<std::string_view::const_iterator> m;
  if (std::regex_match(line.begin(), line.end(), m, kStep)) steps.push_back(m[2].str());
}

std::vector<std::string> IntermediateImages(const Podman& podman,
                                            const std::set<std::string>& before,
                                            const std::vector<std::string>& steps,
                                            const std::string& image_id) {
  RunOptions run;
  run.capture_stdout = true;
  auto listed = podman.Run({"images", "-a", "-q", "--no-trunc"}, run);
  if (!listed) return {};
  auto of_this_build = [&](const std::string& id) {
    if (!before.count(id)) return true;
    std::string bare = StartsWith(id, "sha256:") ? id.substr(7) : id;
    for (const auto& s : steps) {
      if (StartsWith(bare, s)) return true;
    }
    return false;
  };
  std::vector<std::string> fresh = {image_id};
  std::istringstream in(listed->out);
  for (std::string id; in >> id;) {
    if (of_this_build(id) && Short(id) != Short(image_id)) fresh.push_back(id);
  }
  if (fresh.size() == 1) return {};
  std::vector<ImageFacts> facts = Inspect(podman, fresh);
  if (facts.empty() || Short(facts.front().id) != Short(image_id)) return {};
  std::vector<std::string> out;
  for (size_t i = 1; i < facts.size(); ++i) {
    if (facts[i].named || IsPrefix(facts[i].layers, facts.front().layers)) continue;
    out.push_back(facts[i].id);
  }
  return out;
}

size_t HandleIntermediateImages(const Podman& podman, const std::vector<std::string>& ids,
                                bool prune) {
  if (ids.empty()) return 0;
  std::string n = std::to_string(ids.size());
  if (!prune) {
    std::string list;
    for (const auto& id : ids) list += " " + Short(id);
    PrintNote(n + " intermediate image(s) of other build stages stay in local storage and "
              "may hold what those stages did with secrets; remove them with "
              "'safebuild --prune-intermediate build …' next time, or now: podman rmi" + list);
    return 0;
  }
  // Removing an image also removes its unnamed parents, and a parent goes
  // only after its children: two passes, each over what is still there.
  std::vector<std::string> left = ids;
  for (int pass = 0; pass < 2 && !left.empty(); ++pass) {
    RunOptions quiet;
    quiet.capture_stdout = true;
    for (const auto& id : left) (void)podman.Run({"image", "rm", id}, quiet);
    auto present = Present(podman);
    std::vector<std::string> still;
    for (const auto& id : left) {
      if (!present || present->count(id)) still.push_back(id);
    }
    left = std::move(still);
  }
  size_t removed = ids.size() - left.size();
  PrintNote("removed " + std::to_string(removed) + " of " + n +
            " intermediate image(s) of other build stages");
  if (!left.empty()) PrintWarning(std::to_string(left.size()) + " could not be removed");
  return removed;
}

}  // namespace safebuild
