#include "scan/scanner.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <tuple>

#include "image/bounded_decoder.h"
#include "image/layer_dir.h"
#include "image/layer_reader.h"
#include "detect/redact.h"
#include "image/layer_stack.h"
#include "scan/git_objects.h"
#include "scan/nested.h"
#include "scan/packaged_files.h"
#include "util/fd.h"
#include "util/temp_dir.h"
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

// A config field's text, reported at `path` ("Env/NAME", "Labels/KEY").
// The detector is given the field's kind alone: a name is no file name, and
// "TEST_TOKEN" or "org.example.password" does not make a value an example.
void ScanConfigText(const Detector& detector, std::string_view text, const std::string& path,
                    std::vector<Finding>& out) {
  const std::string_view kind = std::string_view(path).substr(0, path.find('/'));
  for (const Match& m : detector.Scan(text, kind)) {
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
void ScanEnv(const nlohmann::json& cfg, const std::string& prefix, const Detector& detector,
             std::vector<Finding>& out) {
  if (!cfg.contains("Env") || !cfg["Env"].is_array()) return;
  for (const auto& e : cfg["Env"]) {
    if (!e.is_string()) continue;
    std::string kv = e.get<std::string>();
    std::string name = kv.substr(0, kv.find('='));
    ScanConfigText(detector, kv, prefix + "Env/" + name, out);
  }
}

// Labels, or the manifest's annotations: each KEY=VALUE under PREFIX/KEY.
void ScanLabels(const nlohmann::json& labels, const std::string& prefix,
                const Detector& detector, std::vector<Finding>& out) {
  if (!labels.is_object()) return;
  for (const auto& [key, value] : labels.items()) {
    if (!value.is_string()) continue;
    ScanConfigText(detector, key + "=" + value.get<std::string>(), prefix + "/" + key, out);
  }
}

void ScanStringList(const nlohmann::json& cfg, const char* field, const std::string& prefix,
                    const Detector& detector, std::vector<Finding>& out) {
  if (!cfg.contains(field) || !cfg[field].is_array()) return;
  ScanConfigText(detector, JoinStrings(cfg[field]), prefix + field, out);
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
    for (const char* field : {"created_by", "comment", "author"}) {
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

// What one layer produced. Files are scanned by whichever thread is free,
// so each finding carries the sequence number of its entry in the layer,
// and the merge puts them back in the layer's order.
struct LayerResult {
  Status status = Ok{};
  std::vector<std::pair<uint64_t, Finding>> findings;
  std::vector<std::pair<uint64_t, LayerEntry>> links;  // hardlinks, resolved last
  std::vector<LayerEntry> entries;
  std::unordered_set<std::string> counted;  // paths counted in stats.files
  std::vector<std::pair<std::string, std::string>> dpkg_sums;  // path, content
  std::map<uint64_t, std::string> file_md5;  // entry -> MD5, of files read in windows
  ScanStats stats;
  std::string failure;  // what kept the scan from being complete, beyond the layer's read
  // Secrets in names: (the path whose name holds it, the finding), one per
  // name, rule and value (see AddNameFindings).
  std::vector<std::pair<std::string, Finding>> names;
  std::set<std::string> name_keys;
  // Each entry path that holds a secret, and the path as the report shows it.
  std::vector<std::pair<std::string, std::string>> shown_paths;
};

// `text` with each match cut to its redacted form, as everywhere in a report.
std::string RedactMatches(std::string_view text, const std::vector<Match>& matches) {
  std::string out;
  size_t pos = 0;
  for (const Match& m : matches) {
    if (m.offset < pos || m.offset + m.length > text.size()) continue;
    out.append(text.substr(pos, m.offset - pos));
    out += m.redacted;
    pos = m.offset + m.length;
  }
  out.append(text.substr(pos));
  return out;
}

// A finding whose value is in a name (`found_in` "name") or in a symlink's
// target ("link-target"), at `path`.
Finding NameFinding(const Match& m, std::string path, const char* found_in,
                    const LayerRef& ref) {
  Finding f = FromMatch(m, Origin::kLayer, std::move(path));
  f.found_in = found_in;
  const std::string_view in = found_in;
  f.message += in == "name"    ? " in a file or directory name"
               : in == "xattr" ? " in an extended attribute"
                               : " in a symlink target";
  f.layer = ref;
  return f;
}

// False when the same value was found in the same place already.
bool AddNameFinding(const Match& m, std::string named, std::string shown, const char* found_in,
                    const LayerRef& ref, LayerResult& r) {
  std::string key = std::string(found_in) + '\n' + named + '\n' + m.rule + '\n' + m.fingerprint;
  if (!r.name_keys.insert(std::move(key)).second) return false;
  r.names.emplace_back(std::move(named), NameFinding(m, std::move(shown), found_in, ref));
  return true;
}

// Token formats and private keys in an entry's path and in a symlink's
// target: `ln -s /x/glpat-… link`, `mkdir /etc/AKIA…` put the secret in
// the layer as much as a file's content does. The whole path is scanned,
// so that a directory's name is found through the entries below it also
// when the tar has no entry for the directory itself; the finding names
// the directory (or file) whose name holds the value. A whiteout repeats
// the name of what a lower layer holds, where it is found.
void AddNameFindings(const Detector& detector, const LayerEntry& e, const LayerRef& ref,
                     LayerResult& r) {
  if (e.is_whiteout || e.is_opaque) return;
  std::vector<Match> in_path = detector.ScanName(e.path);
  if (!in_path.empty()) r.shown_paths.emplace_back(e.path, RedactMatches(e.path, in_path));
  for (const Match& m : in_path) {
    const size_t end = std::min(e.path.find('/', m.offset + m.length), e.path.size());
    std::string named = e.path.substr(0, end);
    std::string shown = RedactMatches(named, in_path);
    AddNameFinding(m, std::move(named), std::move(shown), "name", ref, r);
  }
  if (e.type != LayerEntry::Type::kSymlink) return;
  for (const Match& m : detector.ScanName(e.link_target)) {
    AddNameFinding(m, e.path, e.path, "link-target", ref, r);
  }
}

// Secrets in an entry's extended attributes (`setfattr -n user.token -v
// …`, a tar's SCHILY.xattr.* records), read as "name=value" lines, so that
// a secret-named attribute's value is judged as a key's would be.
void AddXattrFindings(const Detector& detector, const LayerEntry& e, const LayerRef& ref,
                      LayerResult& r) {
  if (e.is_whiteout || e.is_opaque) return;
  for (const auto& [name, value] : e.xattrs) {
    const std::vector<Match> found = detector.Scan(name + "=" + value + "\n", e.path);
    if (found.empty()) continue;
    const std::string shown = RedactMatches(name, detector.ScanName(name));
    for (const Match& m : found) {
      if (AddNameFinding(m, e.path, e.path, "xattr", ref, r)) {
        r.names.back().second.message += " (" + shown + ")";
      }
    }
  }
}

// A hardlink's content is its target's: the link gets the target's findings
// under its own path, so a link that outlives a deleted original is seen.
// Links to links resolve too, since each link's findings are recorded.
void AddHardlinkFindings(const LayerEntry& link,
                         std::map<std::string, std::vector<Finding>>& by_path,
                         std::vector<Finding>& out) {
  auto it = by_path.find(link.link_target);
  if (it == by_path.end() || it->second.empty()) return;
  std::vector<Finding> copies = it->second;
  for (Finding& f : copies) {
    f.path = link.path;
    out.push_back(f);
  }
  by_path[link.path] = std::move(copies);
}

// A secret in a stored (uncompressed) member shows in the archive's own
// bytes too; it is reported once, at the member, the more precise place.
// The keys (archive, rule, value) of what the members deeper than each
// archive level hold: "" for the file itself, "a.jar" for a member of it.
std::unordered_set<std::string> DeeperKeys(const std::vector<Finding>& group) {
  std::unordered_set<std::string> keys;
  for (const Finding& g : group) {
    if (g.member.empty()) continue;
    const std::string value = '\n' + g.rule + '\n' + g.fingerprint;
    keys.insert(value);  // deeper than the file itself
    for (size_t bang = g.member.find('!'); bang != std::string::npos;
         bang = g.member.find('!', bang + 1)) {
      keys.insert(g.member.substr(0, bang) + value);
    }
  }
  return keys;
}

bool SeenDeeper(const Finding& f, const std::unordered_set<std::string>& deeper) {
  return deeper.count(f.member + '\n' + f.rule + '\n' + f.fingerprint) != 0;
}

// Each entry's findings, from all of its windows and members, in line order;
// a file read in windows gets its MD5 only now that all of it is read.
void SortAndDedupe(LayerResult& r) {
  // The file's own findings by line (its windows finish in any order), then
  // its members' in the order the archive holds them.
  auto key = [](const std::pair<uint64_t, Finding>& p) {
    bool member = !p.second.member.empty();
    return std::make_tuple(p.first, member, member ? 0 : p.second.line);
  };
  std::stable_sort(r.findings.begin(), r.findings.end(),
                   [&](const auto& a, const auto& b) { return key(a) < key(b); });
  std::vector<std::pair<uint64_t, Finding>> kept;
  for (size_t begin = 0, end = 0; begin < r.findings.size(); begin = end) {
    std::vector<Finding> group;
    for (end = begin; end < r.findings.size() && r.findings[end].first == r.findings[begin].first;
         ++end) {
      group.push_back(r.findings[end].second);
    }
    auto md5 = r.file_md5.find(r.findings[begin].first);
    const std::unordered_set<std::string> deeper = DeeperKeys(group);
    for (Finding& f : group) {
      if (SeenDeeper(f, deeper)) continue;
      if (md5 != r.file_md5.end()) f.content_md5 = md5->second;
      kept.emplace_back(r.findings[begin].first, f);
    }
  }
  r.findings = std::move(kept);
}

using FindingsByPath = std::map<std::string, std::vector<Finding>>;

// The findings of the file a hardlink reaches in a lower layer, or null.
using LowerTarget = std::function<const std::vector<Finding>*(const LayerEntry& link)>;

// A link to a lower layer's file shows that file's content under the
// link's own path, in the link's layer.
void AddLowerLinkFindings(const LayerEntry& link, const std::vector<Finding>* target,
                          const LayerRef& ref, FindingsByPath& by_path,
                          std::vector<Finding>& out) {
  if (target == nullptr || target->empty()) return;
  std::vector<Finding> copies = *target;
  for (Finding& f : copies) {
    f.path = link.path;
    f.layer = ref;
    out.push_back(f);
  }
  by_path[link.path] = std::move(copies);
}

// The layer's findings in entry order. A hardlink resolves against the
// entries before it in its layer, as a tar reader does, or else against
// the lower layers (`lower`). `by_path` gets the layer's findings by path,
// links included, for the links of later layers.
std::vector<Finding> OrderedFindings(LayerResult& r, const LowerTarget& lower,
                                     const LayerRef& ref, FindingsByPath& by_path) {
  SortAndDedupe(r);
  std::vector<Finding> out;
  std::unordered_set<std::string> written;  // entries before the link, not whiteouts
  // A layer may hold one path twice; the later entry is what it leaves, as
  // when it replaces a directory by a file: the earlier is gone.
  std::unordered_map<std::string, std::pair<uint64_t, bool>> last;  // path -> entry, is a dir
  for (size_t k = 0; k < r.entries.size(); ++k) {
    const LayerEntry& e = r.entries[k];
    if (!e.is_whiteout && !e.is_opaque) {
      last[e.path] = {k + 1, e.type == LayerEntry::Type::kDir};
    }
  }
  auto replaced_later = [&](const std::string& path, uint64_t seq) {
    auto it = last.find(path);
    if (it != last.end() && it->second.first > seq) return true;
    for (size_t slash = path.rfind('/'); slash != std::string::npos && slash > 0;
         slash = path.rfind('/', slash - 1)) {
      auto dir = last.find(path.substr(0, slash));
      if (dir != last.end() && dir->second.first > seq && !dir->second.second) return true;
    }
    return false;
  };
  size_t next = 0;
  size_t next_entry = 0;
  auto take_until = [&](uint64_t seq) {
    for (; next < r.findings.size() && r.findings[next].first < seq; ++next) {
      Finding& f = r.findings[next].second;
      if (f.origin == Origin::kLayer && replaced_later(f.path, r.findings[next].first)) {
        f.deleted = true;
      }
      by_path[f.path].push_back(f);
      out.push_back(std::move(f));
    }
  };
  for (const auto& [seq, link] : r.links) {
    take_until(seq);
    // Entry k is the one numbered k + 1; the link itself is left out.
    for (; next_entry + 1 < seq && next_entry < r.entries.size(); ++next_entry) {
      const LayerEntry& e = r.entries[next_entry];
      if (!e.is_whiteout && !e.is_opaque) written.insert(e.path);
    }
    if (written.count(link.link_target) != 0) {
      AddHardlinkFindings(link, by_path, out);
    } else {
      AddLowerLinkFindings(link, lower(link), ref, by_path, out);
    }
  }
  take_until(UINT64_MAX);
  return out;
}

// The path the detector judges a member by: its own name inside its
// archive, in the directory of the layer file that holds it. So a man page
// (/usr/share/man/man1/curl.1.gz, member curl.1) is read as documentation
// and a README in a package's tarball under node_modules/ as that package's,
// while a member's own name still tells a .npmrc or a test fixture.
std::string DetectionPath(const std::string& path, const std::string& member) {
  if (member.empty()) return path;
  const size_t bang = member.rfind('!');
  // A file in a .deb (in apt's cache) is judged where it installs to; one
  // inside such a file (changelog.gz's changelog) in its directory.
  if (!DebPackageName(path).empty()) {
    std::string installed = DebInstallPath(member);
    if (!installed.empty()) return installed;
    const size_t second = member.find('!', member.find('!') + 1);
    if (second != std::string::npos) {
      installed = DebInstallPath(std::string_view(member).substr(0, second));
      if (!installed.empty()) {
        return installed.substr(0, installed.rfind('/') + 1) + member.substr(bang + 1);
      }
    }
  }
  std::string_view own = std::string_view(member).substr(bang == std::string::npos ? 0 : bang + 1);
  const size_t slash = path.rfind('/');
  return (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) +
         std::string(own);
}

// What limits cut inside a file or member (detector.h's ScanCut), named in
// `skipped` as a cut file is.
void AddCuts(const std::vector<ScanCut>& cuts, const std::string& path, const std::string& member,
             const LayerRef& ref, std::vector<Skipped>& skipped) {
  for (const ScanCut& c : cuts) skipped.push_back({c.reason, path, member, ref.index, c.what});
}

void AddMatches(const Detector& detector, std::string_view content, const std::string& path,
                const std::string& member, const LayerRef& ref, std::vector<Finding>& out,
                std::vector<Skipped>& skipped, const std::string* detection_path = nullptr) {
  const std::string judged = detection_path ? *detection_path : DetectionPath(path, member);
  std::vector<ScanCut> cuts;
  const std::vector<Match> matches = detector.Scan(content, judged, &cuts);
  AddCuts(cuts, path, member, ref, skipped);
  for (const Match& m : matches) {
    Finding f = FromMatch(m, Origin::kLayer, path);
    f.member = member;
    f.line = m.line;
    f.column = m.column;
    f.layer = ref;
    out.push_back(std::move(f));
  }
}

// One window of a file, or of an archive member, larger than a window.
void AddWindowMatches(const Detector& detector, const ContentWindow& window,
                      const std::string& path, const std::string& member, const LayerRef& ref,
                      std::vector<Finding>& out, std::vector<Skipped>& skipped) {
  std::vector<ScanCut> cuts;
  const std::vector<Match> matches =
      ScanWindow(detector, window, DetectionPath(path, member), &cuts);
  AddCuts(cuts, path, member, ref, skipped);
  for (const Match& m : matches) {
    Finding f = FromMatch(m, Origin::kLayer, path);
    f.member = member;
    f.line = m.line;
    f.column = m.column;
    f.layer = ref;
    out.push_back(std::move(f));
  }
}

// Token formats in the names of an archive's members, at every level, as
// in a layer entry's path: a finding names the archive file (`path`) and
// the member up to the part of its name that holds the value, once per
// name, rule and value (`seen`: a directory's name comes again with every
// member below it). Its content is the archive's, so it is found, copied
// to hardlinks and marked deleted with the file's other findings.
void AddMemberNameFindings(const Detector& detector, const std::string& path,
                           const MemberName& name, const LayerRef& ref,
                           std::set<std::string>& seen, std::vector<Finding>& found) {
  auto add = [&](const Match& m, std::string member, const char* found_in) {
    std::string key = std::string(found_in) + '\n' + member + '\n' + m.rule + '\n' +
                      m.fingerprint;
    if (!seen.insert(std::move(key)).second) return;
    Finding f = NameFinding(m, path, found_in, ref);
    f.member = std::move(member);
    found.push_back(std::move(f));
  };
  std::string_view own = std::string_view(name.member).substr(name.own);
  for (const Match& m : detector.ScanName(own)) {
    const size_t end = std::min(own.find('/', m.offset + m.length), own.size());
    add(m, name.member.substr(0, name.own + end), "name");
  }
  for (const Match& m : detector.ScanName(name.link_target)) {
    add(m, name.member, "link-target");
  }
}

// An archive's bytes: in memory, or in a file read with pread.
struct ArchiveBytes {
  std::string_view content;
  int fd = -1;
  uint64_t size = 0;
};

// A .deb (apt's cache keeps them): its control.tar lists the MD5 of each
// file its data.tar installs, as dpkg records them once it is installed.
// A member as the package lists it, at a path where Debian's packages
// install, is the package's file as shipped, and its findings are
// suppressed as an installed copy's are; so are those of the archives
// inside such a member. dpkg writes control.tar before data.tar.
class DebFiles {
 public:
  explicit DebFiles(const std::string& path) : package_(DebPackageName(path)), path_(path) {}

  void OnMember(const std::string& member, const ContentWindow& window,
                std::vector<Finding>& found, size_t first_new) {
    if (package_.empty()) return;
    if (StartsWith(member, "control.tar") && EndsWith(member, "!md5sums") && window.whole()) {
      sums_.AddPackageSums(package_, window.bytes);
      return;
    }
    bool shipped = std::any_of(verified_.begin(), verified_.end(), [&](const std::string& v) {
      return StartsWith(member, v + "!");
    });
    const std::string installed = DebInstallPath(member);
    if (!shipped && !installed.empty() && window.whole() && !sums_.empty() &&
        sums_.OwnerOf(installed, Md5Hex(window.bytes))) {
      shipped = true;
      if (IsNestedArchive(installed, window.bytes)) verified_.push_back(member);
    }
    if (!shipped) return;
    for (size_t i = first_new; i < found.size(); ++i) {
      if (found[i].suppressed.empty()) {
        found[i].suppressed = "packaged: as shipped in the Debian package " + package_ + " (" +
                              path_.substr(path_.rfind('/') + 1) + ")";
      }
    }
  }

 private:
  std::string package_;
  const std::string& path_;
  PackagedFiles sums_;
  std::vector<std::string> verified_;  // members as shipped whose own members follow
};

// Every member, at every level, when `in` is an archive. Returns what kept
// the walk from being complete ("" when nothing did).
std::string AddMembers(const std::string& path, const ArchiveBytes& in, const LayerRef& ref,
                const Detector& detector, const ScanOptions& options, ScanStats& stats,
                std::vector<Finding>& found) {
  if (options.nested.max_depth < 1) return "";
  if (in.fd < 0 && !IsNestedArchive(path, in.content)) return "";
  std::set<std::string> seen_names;
  DebFiles deb(path);
  auto on_member = [&](const std::string& member, const ContentWindow& window) {
    const size_t before = found.size();
    if (window.whole()) {
      AddMatches(detector, window.bytes, path, member, ref, found, stats.skipped);
    } else {
      AddWindowMatches(detector, window, path, member, ref, found, stats.skipped);
    }
    deb.OnMember(member, window, found, before);
  };
  auto on_name = [&](const MemberName& name) {
    AddMemberNameFindings(detector, path, name, ref, seen_names, found);
  };
  NestedLimits limits = options.nested;
  if (limits.spool_dir.empty()) limits.spool_dir = options.spool_dir;
  NestedResult nested = in.fd >= 0
                            ? WalkNestedFile(path, in.fd, in.size, limits, on_member, on_name)
                            : WalkNested(path, in.content, limits, on_member, on_name);
  stats.archives += nested.archives;
  stats.members += nested.members;
  for (const NestedSkip& s : nested.skipped) {
    stats.skipped.push_back({std::string(ToString(s.reason)), path, s.member, ref.index, ""});
  }
  return nested.error.empty() ? "" : path + "!" + nested.error;
}

// The work tree a git object store belongs to: "/app/" for
// "/app/.git/objects/…", "/srv/" for a bare "/srv/app.git/objects/…".
std::string GitWorkTree(const std::string& path) {
  const size_t git = path.find("/.git/");
  if (git != std::string::npos) return path.substr(0, git + 1);
  const size_t objects = path.rfind("/objects/");
  const size_t parent = objects == std::string::npos || objects == 0
                            ? std::string::npos
                            : path.rfind('/', objects - 1);
  return parent == std::string::npos ? "/" : path.substr(0, parent + 1);
}

// The objects of a file in git's object store, inflated: each a member
// named by git_objects.h ("blob", "blob at 1234"), held whole up to a
// window. A blob of a pack whose trees name it is judged by its path in
// the work tree (a test's fixture is a fixture in the history too) and
// shown with it: "blob at 1234 (test/fixtures/key.pem)". A cut object or a
// file that could not be read to its end is named as skipped.
void AddGitObjects(const std::string& path, std::string_view content, const LayerRef& ref,
                   const Detector& detector, const ScanOptions& options, ScanStats& stats,
                   std::vector<Finding>& found,
                   const std::function<void(uint64_t)>& read_to = nullptr,
                   const std::function<void()>& rewind = nullptr) {
  GitObjectLimits limits;
  limits.max_object_bytes = options.window.step;
  limits.max_total_bytes = options.nested.max_total_bytes;
  limits.read_to = read_to;
  std::unordered_map<std::string, std::string> blob_paths;
  if (EndsWith(path, ".pack")) blob_paths = PackBlobPaths(path, content, limits);
  if (rewind) rewind();
  const std::string work_tree = GitWorkTree(path);
  GitObjectsResult r = ForEachGitObject(
      path, content, limits, [&](const std::string& name, std::string_view object) {
        auto named = blob_paths.find(name);
        if (named == blob_paths.end()) {
          AddMatches(detector, object, path, name, ref, found, stats.skipped);
          return;
        }
        const std::string judged = work_tree + named->second;
        AddMatches(detector, object, path, name + " (" + named->second + ")", ref, found,
                   stats.skipped, &judged);
      });
  ++stats.archives;
  stats.members += r.objects;
  // Once per file: a walk a limit ended is named for the limit.
  if (r.cut > 0) {
    stats.skipped.push_back({"size", path, "", ref.index, ""});
  } else if (!r.error.empty()) {
    stats.skipped.push_back({"unreadable", path, "", ref.index, ""});
  }
}

// A pack larger than a window, from its file: mapped, and each part the
// walk has passed dropped from memory again, so that memory does not grow
// with the pack's size (a walk reads forward; a delta's base comes from
// its own cache).
std::string AddGitPackFile(const std::string& path, int fd, uint64_t size, const LayerRef& ref,
                           const Detector& detector, const ScanOptions& options,
                           ScanStats& stats, std::vector<Finding>& found) {
  if (size == 0 || size > SIZE_MAX) return "";
  void* map = mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) {
    return path + ": cannot map this pack to read it: " + std::generic_category().message(errno);
  }
  const auto* bytes = static_cast<const char*>(map);
  const auto page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  uint64_t dropped = 0;
  auto drop_to = [&](uint64_t offset) {
    const uint64_t to = offset / page * page;
    if (to <= dropped) return;
    madvise(const_cast<char*>(bytes) + dropped, static_cast<size_t>(to - dropped), MADV_DONTNEED);
    dropped = to;
  };
  // Each of the two walks (names, then content) starts again at the top.
  auto rewind = [&] {
    dropped = 0;
    madvise(map, static_cast<size_t>(size), MADV_DONTNEED);
  };
  AddGitObjects(path, std::string_view(bytes, static_cast<size_t>(size)), ref, detector, options,
                stats, found, drop_to, rewind);
  munmap(map, static_cast<size_t>(size));
  return "";
}

// One layer file: its own bytes, then every member when it is an archive
// or in git's object store.
std::vector<Finding> ScanFile(const std::string& path, std::string_view content,
                              const LayerRef& ref, const Detector& detector,
                              const ScanOptions& options, ScanStats& stats,
                              std::string& failure) {
  std::vector<Finding> found;
  AddMatches(detector, content, path, "", ref, found, stats.skipped);
  if (options.nested.max_depth >= 1 && IsGitObjectPath(path)) {
    AddGitObjects(path, content, ref, detector, options, stats, found);
    return found;
  }
  failure = AddMembers(path, ArchiveBytes{content}, ref, detector, options, stats, found);
  return found;
}

// The file's MD5 on each of its findings, for the package check.
std::vector<Finding> WithContentSum(std::vector<Finding> found, std::string_view content) {
  if (found.empty()) return found;
  std::string md5 = Md5Hex(content);
  for (Finding& f : found) f.content_md5 = md5;
  return found;
}

// One file, or one window of a large file, waiting for a free thread.
struct FileJob {
  size_t layer = 0;
  uint64_t seq = 0;
  std::string path;
  std::string content;
  ContentWindow place;  // where `content` lies in the file; its bytes unset
  Fd archive{-1};       // or: a large archive to open, of archive_size bytes
  uint64_t archive_size = 0;
};

// What the reading thread keeps of the large file it is reading.
struct LargeFile {
  std::unique_ptr<Md5Stream> md5;
  bool in_place = false;  // an archive in a layer directory, opened where it lies
  Fd spool{-1};           // an archive from a tar, copied here to be opened

  void Drop() {
    in_place = false;
    spool.reset();
  }
};

// Reads the layers and scans their files with `jobs` threads. Each thread
// takes the next unread layer and reads it (decompression and file reads
// stay sequential within a layer); the files it reads go to a bounded
// queue, or are scanned on the spot when the queue is full. A thread with
// no layer left scans queued files, so a one-layer image keeps every core
// busy too, and memory stays bounded by the queue whatever the image size.
// An archive larger than a window is opened once its last window is read,
// by whichever thread is free (a queued job of its own, at most two
// waiting): from its file in a layer directory, or from a copy of it in
// spool_dir when it comes from a layer tar (a stream read once). Either way
// it is read with pread, never held in memory, so memory does not grow with
// its size.
class ScanRun {
 public:
  ScanRun(const OpenedImage& image, const Detector& detector, const ScanOptions& options)
      : image_(image), detector_(detector), options_(options), results_(image.layers.size()),
        unread_(image.layers.size()) {
    for (const LayerBlob& layer : image.layers) refs_.push_back(RefOf(layer, detector));
  }

  std::vector<LayerResult> Run();

 private:
  static constexpr uint64_t kMaxQueuedBytes = 32ull << 20;
  static constexpr size_t kMaxQueuedFiles = 4096;
  // Large archives waiting to be opened: each holds a descriptor, and one
  // from a tar a copy on disk. A thread that holds the decoder pool (a
  // layer with a long window) cannot wait for it, so it leaves the
  // archives it meets to the other thread, up to the larger bound.
  static constexpr size_t kMaxQueuedArchives = 2;
  static constexpr size_t kMaxQueuedArchivesPoolHeld = 64;

  void Work();
  void ReadOne(size_t index);
  bool OnEntry(size_t index, uint64_t& seq, LargeFile& large, const LayerEntry& e,
               const ContentWindow& w);
  void CountFile(LayerResult& result, const LayerEntry& e);
  void StartLarge(size_t index, LargeFile& large, const LayerEntry& e, const ContentWindow& w);
  void ContinueLarge(size_t index, uint64_t seq, LargeFile& large, const LayerEntry& e,
                     const ContentWindow& w);
  void SkipFile(size_t index, const LayerEntry& e, const char* reason);
  void FailLayer(size_t layer, const std::string& why);
  std::string CannotCopy(const std::string& path, int error) const;
  void OpenLarge(size_t index, uint64_t seq, const std::string& path, int fd, uint64_t size);
  bool EnqueueArchive(size_t layer, uint64_t seq, const std::string& path, Fd& fd,
                      uint64_t size);
  void Scan(size_t layer, uint64_t seq, const std::string& path, const ContentWindow& w);
  void Record(size_t layer, uint64_t seq, std::vector<Finding> found, ScanStats& stats);
  bool Enqueue(size_t layer, uint64_t seq, const std::string& path, const ContentWindow& w);
  bool Pop(FileJob& job);
  void LayerRead(size_t layer);
  void QueuedFileScanned(size_t layer);

  const OpenedImage& image_;
  const Detector& detector_;
  const ScanOptions& options_;
  std::vector<LayerRef> refs_;  // per layer, its history entry redacted once
  std::vector<LayerResult> results_;
  std::atomic<size_t> next_layer_{0};
  std::mutex mutex_;  // guards everything below and the results' findings/stats
  std::condition_variable ready_;
  std::deque<FileJob> queue_;
  uint64_t queued_bytes_ = 0;
  size_t queued_archives_ = 0;
  size_t unread_;  // layers not fully read yet
  std::vector<size_t> pending_ = std::vector<size_t>(image_.layers.size());  // queued files
  std::vector<bool> read_ = std::vector<bool>(image_.layers.size());        // fully read
};

void ScanRun::Record(size_t layer, uint64_t seq, std::vector<Finding> found,
                     ScanStats& stats) {
  if (found.empty() && stats.archives == 0 && stats.skipped.empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  LayerResult& r = results_[layer];
  for (Finding& f : found) r.findings.emplace_back(seq, std::move(f));
  r.stats.archives += stats.archives;
  r.stats.members += stats.members;
  for (auto& s : stats.skipped) r.stats.skipped.push_back(std::move(s));
}

void ScanRun::Scan(size_t layer, uint64_t seq, const std::string& path,
                   const ContentWindow& w) {
  ScanStats stats;
  std::vector<Finding> found;
  std::string failure;
  if (w.whole()) {
    found = WithContentSum(
        ScanFile(path, w.bytes, refs_[layer], detector_, options_, stats, failure), w.bytes);
  } else {
    AddWindowMatches(detector_, w, path, "", refs_[layer], found, stats.skipped);
  }
  Record(layer, seq, std::move(found), stats);
  FailLayer(layer, failure);
}

// A scan that could not read all it should fails, as a layer that cannot be
// read does: the first such cause of each layer is kept.
void ScanRun::FailLayer(size_t layer, const std::string& why) {
  if (why.empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (results_[layer].failure.empty()) results_[layer].failure = why;
}

bool ScanRun::Enqueue(size_t layer, uint64_t seq, const std::string& path,
                      const ContentWindow& w) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queue_.size() >= kMaxQueuedFiles || queued_bytes_ + w.bytes.size() > kMaxQueuedBytes) {
      return false;
    }
    ContentWindow place = w;
    place.bytes = {};
    queue_.push_back(FileJob{layer, seq, path, std::string(w.bytes), place});
    queued_bytes_ += w.bytes.size();
    ++pending_[layer];
  }
  ready_.notify_one();
  return true;
}

bool ScanRun::EnqueueArchive(size_t layer, uint64_t seq, const std::string& path, Fd& fd,
                             uint64_t size) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queued_archives_ >= (DecoderPool::Get().HeldByThisThread() ? kMaxQueuedArchivesPoolHeld
                                                                   : kMaxQueuedArchives)) {
      return false;
    }
    FileJob job{layer, seq, path, {}, {}};
    job.archive = std::move(fd);
    job.archive_size = size;
    queue_.push_back(std::move(job));
    ++queued_archives_;
    ++pending_[layer];
  }
  ready_.notify_one();
  return true;
}

bool ScanRun::Pop(FileJob& job) {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait(lock, [this] { return !queue_.empty() || unread_ == 0; });
  if (queue_.empty()) return false;
  job = std::move(queue_.front());
  queue_.pop_front();
  queued_bytes_ -= job.content.size();
  if (job.archive.get() >= 0) --queued_archives_;
  return true;
}

// A layer is done once it is read and its last queued file scanned.
void ScanRun::LayerRead(size_t layer) {
  bool done = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --unread_;
    read_[layer] = true;
    done = pending_[layer] == 0;
  }
  ready_.notify_all();
  if (done && options_.progress != nullptr) options_.progress->layers_done.fetch_add(1);
}

void ScanRun::QueuedFileScanned(size_t layer) {
  bool done = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done = --pending_[layer] == 0 && read_[layer];
  }
  if (done && options_.progress != nullptr) options_.progress->layers_done.fetch_add(1);
}

// The first window of a file larger than one: counted, its MD5 begun, and
// an archive marked to be opened at its end.
void ScanRun::StartLarge(size_t index, LargeFile& large, const LayerEntry& e,
                         const ContentWindow& w) {
  ++results_[index].stats.truncated;
  large.md5 = std::make_unique<Md5Stream>();
  large.Drop();
  // A pack larger than a window is read from a file as an archive is; a
  // loose object that large (git packs big files) is scanned as it is.
  const bool git = options_.nested.max_depth >= 1 && IsGitObjectPath(e.path);
  const bool pack = git && EndsWith(e.path, ".pack");
  if (git && !pack) SkipFile(index, e, "size");
  if (options_.nested.max_depth < 1 || (!pack && !IsNestedArchive(e.path, w.bytes))) return;
  if (e.fd >= 0) {  // read again from its file: nothing copied
    large.in_place = true;
    return;
  }
  if (e.size > options_.max_archive_bytes) {
    SkipFile(index, e, "size");
    return;
  }
  large.spool.reset(OpenUnnamedFile(options_.spool_dir));
  if (large.spool.get() < 0) FailLayer(index, CannotCopy(e.path, errno));
}

std::string ScanRun::CannotCopy(const std::string& path, int error) const {
  std::string dir = options_.spool_dir.empty() ? "the temporary directory"
                                               : options_.spool_dir.string();
  return path + ": cannot copy this archive to " + dir + " to open it: " +
         std::generic_category().message(error);
}

void ScanRun::SkipFile(size_t index, const LayerEntry& e, const char* reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  results_[index].stats.skipped.push_back({reason, e.path, "", image_.layers[index].index, ""});
}

void ScanRun::ContinueLarge(size_t index, uint64_t seq, LargeFile& large, const LayerEntry& e,
                            const ContentWindow& w) {
  std::string_view fresh = w.bytes.substr(w.fresh);
  // A hole left out is zeros never seen: no MD5 to compare with a package's,
  // so the file's findings stay reported.
  if (w.gap > 0) large.md5.reset();
  if (large.md5 != nullptr) large.md5->Add(fresh);
  const uint64_t at = w.offset + w.fresh;  // a hole stays a hole in the copy
  if (large.spool.get() >= 0 && at + fresh.size() > options_.max_archive_bytes) {
    large.Drop();  // it grew past its size while being read
    SkipFile(index, e, "size");
  } else if (large.spool.get() >= 0 && !WriteAllAt(large.spool.get(), fresh, at)) {
    const int error = errno;
    large.Drop();
    FailLayer(index, CannotCopy(e.path, error));
  }
  if (!Enqueue(index, seq, e.path, w)) Scan(index, seq, e.path, w);
  if (!w.last) return;
  if (large.md5 != nullptr) {
    std::lock_guard<std::mutex> lock(mutex_);
    results_[index].file_md5[seq] = large.md5->Hex();
  }
  // Opened by whichever thread is free, on a descriptor of its own.
  Fd fd = large.in_place ? Fd(fcntl(e.fd, F_DUPFD_CLOEXEC, 0)) : std::move(large.spool);
  const bool archive = large.in_place || fd.get() >= 0;
  large.Drop();
  if (!archive) return;
  if (fd.get() < 0) {
    SkipFile(index, e, "unreadable");
    return;
  }
  const uint64_t size = w.offset + w.bytes.size();  // where the read ended
  if (!EnqueueArchive(index, seq, e.path, fd, size)) {
    OpenLarge(index, seq, e.path, fd.get(), size);
  }
}

// The members of a large archive, read with pread from `fd`.
void ScanRun::OpenLarge(size_t index, uint64_t seq, const std::string& path, int fd,
                        uint64_t size) {
  ScanStats stats;
  std::vector<Finding> found;
  std::string failure;
  if (IsGitObjectPath(path)) {
    failure = AddGitPackFile(path, fd, size, refs_[index], detector_, options_, stats, found);
  } else {
    ArchiveBytes in;
    in.fd = fd;
    in.size = size;
    failure = AddMembers(path, in, refs_[index], detector_, options_, stats, found);
  }
  Record(index, seq, std::move(found), stats);
  FailLayer(index, failure);
}

// stats.files: each path of a layer that holds a regular file or a
// hardlink, once, whiteout markers not included. So a layer counts the
// same from a tar (a hardlink is an entry of its own, a deletion a
// ".wh.NAME" file) and from a layer directory (a hardlink is one more
// name of a file, a deletion a device).
void ScanRun::CountFile(LayerResult& result, const LayerEntry& e) {
  const bool file = e.type == LayerEntry::Type::kFile || e.type == LayerEntry::Type::kHardlink;
  if (!file || e.is_whiteout || e.is_opaque) return;
  if (!result.counted.insert(e.path).second) return;
  ++result.stats.files;
  if (options_.progress != nullptr) {
    options_.progress->files.fetch_add(1, std::memory_order_relaxed);
  }
}

// Only the reading thread touches entries, links and the file counters.
bool ScanRun::OnEntry(size_t index, uint64_t& seq, LargeFile& large, const LayerEntry& e,
                      const ContentWindow& w) {
  LayerResult& result = results_[index];
  if (w.offset == 0) {
    ++seq;
    result.entries.push_back(e);
    result.entries.back().fd = -1;
    result.entries.back().xattrs.clear();
    AddNameFindings(detector_, e, refs_[index], result);
    AddXattrFindings(detector_, e, refs_[index], result);
    CountFile(result, e);
    if (e.type == LayerEntry::Type::kHardlink) {
      std::lock_guard<std::mutex> lock(mutex_);
      result.links.emplace_back(seq, e);
      result.links.back().second.fd = -1;
      return true;
    }
    // Whiteout markers are empty in honest layers; bytes in one are still in
    // the image, so they are scanned like any file.
    if (e.type != LayerEntry::Type::kFile) return true;
  }
  uint64_t fresh = w.gap + (w.bytes.size() - w.fresh);  // a hole's zeros count as read
  result.stats.bytes += fresh;
  if (options_.progress != nullptr) {
    options_.progress->bytes.fetch_add(fresh, std::memory_order_relaxed);
  }
  if (w.whole()) {
    if (IsDpkgSumsPath(e.path)) result.dpkg_sums.emplace_back(e.path, w.bytes);
    if (!Enqueue(index, seq, e.path, w)) Scan(index, seq, e.path, w);
    return true;
  }
  if (w.offset == 0) StartLarge(index, large, e, w);
  ContinueLarge(index, seq, large, e, w);
  return true;
}

void ScanRun::ReadOne(size_t index) {
  const LayerBlob& layer = image_.layers[index];
  LayerResult& result = results_[index];
  LayerLimits limits;
  limits.window = options_.window;
  uint64_t seq = 0;
  LargeFile large;
  bool stopped = false;
  auto on_entry = [&](const LayerEntry& e, const ContentWindow& w) {
    if (options_.cancelled && options_.cancelled()) {
      stopped = true;
      return false;
    }
    return OnEntry(index, seq, large, e, w);
  };
  // A layer from podman's overlay storage is a directory, not a blob.
  Status status = layer.dir.empty() ? ReadLayer(BlobRange(layer), limits, on_entry)
                                    : ReadLayerDir(layer.dir, limits, on_entry);
  if (status && stopped) status = Fail("the scan was interrupted");
  result.counted = {};  // only needed while the layer is read
  {
    std::lock_guard<std::mutex> lock(mutex_);
    result.status = std::move(status);
  }
  LayerRead(index);
}

void ScanRun::Work() {
  for (size_t i = next_layer_++; i < image_.layers.size(); i = next_layer_++) ReadOne(i);
  for (FileJob job; Pop(job);) {
    if (job.archive.get() >= 0) {
      OpenLarge(job.layer, job.seq, job.path, job.archive.get(), job.archive_size);
      job.archive.reset();
    } else {
      job.place.bytes = job.content;
      Scan(job.layer, job.seq, job.path, job.place);
    }
    QueuedFileScanned(job.layer);
  }
}

std::vector<LayerResult> ScanRun::Run() {
  if (options_.progress != nullptr) {
    options_.progress->layers_total = static_cast<int>(image_.layers.size());
  }
  std::vector<std::thread> threads;
  int jobs = std::max(1, options_.jobs);
  for (int j = 0; j < jobs; ++j) threads.emplace_back([this] { Work(); });
  for (auto& t : threads) t.join();
  return std::move(results_);
}

// The findings in names, one per name at the lowest layer that holds it
// (a directory is listed again by every layer that writes below it): the
// name is gone from the final filesystem when none of those layers shows
// it there.
void AddNameFindings(std::vector<LayerResult>& results, const LayerStack& stack,
                     std::vector<Finding>& out) {
  std::unordered_map<std::string, size_t> first;  // name and value -> index in out
  for (size_t i = 0; i < results.size(); ++i) {
    for (auto& [path, f] : results[i].names) {
      const bool visible = stack.IsVisible(static_cast<int>(i), path);
      std::string key = f.found_in + '\n' + path + '\n' + f.rule + '\n' + f.fingerprint;
      auto [it, added] = first.try_emplace(std::move(key), out.size());
      if (added) {
        f.deleted = !visible;
        out.push_back(std::move(f));
      } else if (visible) {
        out[it->second].deleted = false;
      }
    }
  }
}

// An archive member's name as a report shows it: what holds a token,
// at any level, redacted (see AddMemberNameFindings).
std::string ShownMember(const Detector& detector, const std::string& member) {
  if (member.empty()) return member;
  return RedactMatches(member, detector.ScanName(member));
}

// A path or member name that holds a secret is shown redacted in every
// finding and skip.
void RedactPaths(const Detector& detector, const std::vector<LayerResult>& results,
                 ScanOutput& out) {
  std::unordered_map<std::string, std::string> shown;
  for (const LayerResult& r : results) {
    for (const auto& [path, redacted] : r.shown_paths) shown.emplace(path, redacted);
  }
  for (Finding& f : out.findings) {
    if (f.origin != Origin::kLayer) continue;
    auto it = shown.find(f.path);
    if (it != shown.end()) f.path = it->second;
    f.member = ShownMember(detector, f.member);
  }
  for (Skipped& s : out.stats.skipped) {
    auto it = shown.find(s.path);
    if (it != shown.end()) s.path = it->second;
    s.member = ShownMember(detector, s.member);
  }
}

}  // namespace

std::vector<Match> ScanWindow(const Detector& detector, const ContentWindow& window,
                              std::string_view path, std::vector<ScanCut>* cuts) {
  std::vector<Match> out;
  for (Match& m : detector.Scan(window.bytes, path, cuts)) {
    uint64_t at = window.offset + m.offset;
    if (at < window.own_begin || at >= window.own_end) continue;
    m.offset = static_cast<size_t>(at);
    uint64_t line = window.line + static_cast<uint64_t>(m.line) - 1;
    // Only the window's first line can start before the window.
    uint64_t column = static_cast<uint64_t>(m.column) + (m.line == 1 ? window.column - 1 : 0);
    m.line = static_cast<int64_t>(std::min<uint64_t>(line, INT64_MAX));
    m.column = static_cast<int64_t>(std::min<uint64_t>(column, INT64_MAX));
    out.push_back(std::move(m));
  }
  return out;
}

// A run config: the image's `config`, or the legacy `container_config` of
// images that docker built (the container the last step ran in), whose
// findings are named under PREFIX.
void ScanRunConfig(const nlohmann::json& cfg, const std::string& prefix,
                   const Detector& detector, std::vector<Finding>& out) {
  ScanEnv(cfg, prefix, detector, out);
  if (cfg.contains("Labels")) ScanLabels(cfg["Labels"], prefix + "Labels", detector, out);
  for (const char* field : {"Cmd", "Entrypoint", "OnBuild", "Shell"}) {
    ScanStringList(cfg, field, prefix, detector, out);
  }
  for (const char* field : {"WorkingDir", "User", "StopSignal"}) {
    if (cfg.contains(field) && cfg[field].is_string()) {
      ScanConfigText(detector, cfg[field].get<std::string>(), prefix + field, out);
    }
  }
  // Named by the field alone: the key is the value that may be the secret.
  for (const char* field : {"Volumes", "ExposedPorts"}) {
    if (!cfg.contains(field) || !cfg[field].is_object()) continue;
    for (const auto& item : cfg[field].items()) {
      ScanConfigText(detector, item.key(), prefix + field, out);
    }
  }
  if (cfg.contains("Healthcheck") && cfg["Healthcheck"].is_object() &&
      cfg["Healthcheck"].contains("Test")) {
    ScanConfigText(detector, JoinStrings(cfg["Healthcheck"]["Test"]), prefix + "Healthcheck",
                   out);
  }
}

std::vector<Finding> ScanConfig(const OpenedImage& image, const Detector& detector) {
  std::vector<Finding> out;
  for (const char* field : {"config", "container_config"}) {
    if (!image.config.contains(field) || !image.config[field].is_object()) continue;
    const std::string prefix = std::string_view(field) == "config" ? "" : "container_config/";
    ScanRunConfig(image.config[field], prefix, detector, out);
  }
  ScanLabels(image.annotations, "Annotations", detector, out);
  // MAINTAINER, `buildah commit --author`.
  if (image.config.contains("author") && image.config["author"].is_string()) {
    ScanConfigText(detector, image.config["author"].get<std::string>(), "Author", out);
  }
  ScanHistory(image, detector, out);
  return out;
}

Expected<ScanOutput> ScanImage(const OpenedImage& image, const Detector& detector,
                               const ScanOptions& options) {
  ScanOutput out;
  out.findings = ScanConfig(image, detector);
  std::vector<LayerResult> results = ScanRun(image, detector, options).Run();

  LayerStack stack;
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].status) return Fail(results[i].status.error());
    if (!results[i].failure.empty()) return Fail(results[i].failure);
    for (const auto& e : results[i].entries) stack.Record(static_cast<int>(i), e);
  }
  out.stats.layers = static_cast<int>(image.layers.size());
  std::vector<FindingsByPath> by_path(results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    LayerResult& r = results[i];
    out.stats.files += r.stats.files;
    out.stats.bytes += r.stats.bytes;
    out.stats.truncated += r.stats.truncated;
    out.stats.archives += r.stats.archives;
    out.stats.members += r.stats.members;
    // Threads finish files in any order; the report lists them in a fixed one.
    std::stable_sort(r.stats.skipped.begin(), r.stats.skipped.end(), [](const auto& a,
                                                                        const auto& b) {
      return std::tie(a.path, a.member, a.reason, a.detail) <
             std::tie(b.path, b.member, b.reason, b.detail);
    });
    // Windows of one file may each meet the same cut.
    const auto same = [](const Skipped& a, const Skipped& b) {
      return std::tie(a.path, a.member, a.reason, a.detail) ==
             std::tie(b.path, b.member, b.reason, b.detail);
    };
    r.stats.skipped.erase(std::unique(r.stats.skipped.begin(), r.stats.skipped.end(), same),
                          r.stats.skipped.end());
    for (auto& s : r.stats.skipped) out.stats.skipped.push_back(std::move(s));
    int below = static_cast<int>(i);
    // The newest lower layer's file, unless a layer between deleted it: then
    // the link is broken (named, never silent).
    LowerTarget lower = [&](const LayerEntry& link) -> const std::vector<Finding>* {
      int j = stack.NewestWriter(link.link_target, below);
      if (j < 0 || !stack.IsVisibleBelow(j, link.link_target, below)) {
        out.stats.skipped.push_back({"broken-link", link.path, "", image.layers[i].index, ""});
        return nullptr;
      }
      auto it = by_path[static_cast<size_t>(j)].find(link.link_target);
      return it == by_path[static_cast<size_t>(j)].end() ? nullptr : &it->second;
    };
    for (Finding& f : OrderedFindings(r, lower, RefOf(image.layers[i], detector), by_path[i])) {
      f.deleted = f.deleted.value_or(false) || !stack.IsVisible(f.layer->index, f.path);
      out.findings.push_back(std::move(f));
    }
  }
  AddNameFindings(results, stack, out.findings);
  PackagedFiles packaged;
  for (const auto& r : results) {
    for (const auto& [path, text] : r.dpkg_sums) packaged.AddSums(path, text);
  }
  SuppressPackagedFindings(packaged, out.findings);
  RedactPaths(detector, results, out);
  return out;
}

}  // namespace safebuild
