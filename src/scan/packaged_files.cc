#include "scan/packaged_files.h"

#include <boost/uuid/detail/md5.hpp>

#include <cstdio>

#include "util/text.h"

namespace safebuild {
namespace {

constexpr std::string_view kDpkgInfo = "/var/lib/dpkg/info/";
constexpr std::string_view kSumsSuffix = ".md5sums";

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// "libgnutls30:amd64" from "/var/lib/dpkg/info/libgnutls30:amd64.md5sums".
std::string PackageOf(std::string_view path) {
  std::string_view name = path.substr(kDpkgInfo.size());
  name.remove_suffix(kSumsSuffix.size());
  return std::string(name);
}

}  // namespace

bool IsDpkgSumsPath(std::string_view path) {
  return StartsWith(path, kDpkgInfo) && path.size() > kDpkgInfo.size() + kSumsSuffix.size() &&
         path.ends_with(kSumsSuffix) &&
         path.find('/', kDpkgInfo.size()) == std::string_view::npos;
}

struct Md5Stream::State {
  boost::uuids::detail::md5 hash;
};

Md5Stream::Md5Stream() : state_(std::make_unique<State>()) {}
Md5Stream::~Md5Stream() = default;

void Md5Stream::Add(std::string_view bytes) {
  state_->hash.process_bytes(bytes.data(), bytes.size());
}

std::string Md5Stream::Hex() {
  boost::uuids::detail::md5::digest_type digest;
  state_->hash.get_digest(digest);
  std::string hex(32, '0');
  for (int i = 0; i < 4; ++i) {
    std::snprintf(hex.data() + 8 * i, 9, "%08x", static_cast<unsigned>(digest[i]));
  }
  return hex;
}

std::string Md5Hex(std::string_view content) {
  Md5Stream md5;
  md5.Add(content);
  return md5.Hex();
}

void PackagedFiles::AddSums(std::string_view path, std::string_view text) {
  AddPackageSums(PackageOf(path), text);
}

void PackagedFiles::AddPackageSums(std::string_view package_name, std::string_view text) {
  const std::string package(package_name);
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    // "HEX  PATH": 32 hex digits, two spaces, the path without its leading '/'.
    if (line.size() < 35 || line.substr(32, 2) != "  " || !IsLowerHex(line.substr(0, 32))) {
      continue;
    }
    std::string file = "/" + std::string(line.substr(34));
    sums_[file].push_back(Entry{std::string(line.substr(0, 32)), package});
  }
}

namespace {

// Debian's packages never install to /opt, /srv, /home, /root or
// /usr/local (Debian Policy 9.1), nor to a directory the FHS does not
// name (/app): a package that does was built for this image, and its
// files are no more public than the rest of the build.
bool DistributionMayInstall(std::string_view path) {
  static constexpr std::string_view kDirs[] = {"/usr/", "/etc/", "/var/", "/bin/", "/sbin/",
                                               "/lib/", "/lib32/", "/lib64/", "/libx32/",
                                               "/boot/"};
  if (StartsWith(path, "/usr/local/")) return false;
  for (std::string_view dir : kDirs) {
    if (StartsWith(path, dir)) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> PackagedFiles::OwnerOf(std::string_view path,
                                                  std::string_view md5) const {
  if (!DistributionMayInstall(path)) return std::nullopt;
  auto it = sums_.find(path);
  if (it == sums_.end()) return std::nullopt;
  for (const Entry& e : it->second) {
    if (e.md5 == md5) return e.package;
  }
  return std::nullopt;
}

std::string DebPackageName(std::string_view path) {
  std::string_view base = path.substr(path.rfind('/') + 1);
  if (!EndsWith(base, ".deb") && !EndsWith(base, ".udeb")) return "";
  return std::string(base.substr(0, base.find('_')));
}

std::string DebInstallPath(std::string_view member) {
  const size_t bang = member.find('!');
  if (bang == std::string_view::npos || !StartsWith(member, "data.tar")) return "";
  // Member names come normalised ("usr/bin/x", no "./").
  std::string_view file = member.substr(bang + 1);
  if (file.empty() || file.find('!') != std::string_view::npos) return "";
  return "/" + std::string(file);
}

void SuppressPackagedFindings(const PackagedFiles& packaged, std::vector<Finding>& findings) {
  if (packaged.empty()) return;
  for (Finding& f : findings) {
    if (f.origin != Origin::kLayer || f.content_md5.empty() || !f.suppressed.empty()) continue;
    auto owner = packaged.OwnerOf(f.path, f.content_md5);
    if (owner) f.suppressed = "packaged: as shipped by the Debian package " + *owner;
  }
}

}  // namespace safebuild
