// Files a distribution package installed, unchanged. Debian's dpkg records
// the MD5 of every file a package ships in /var/lib/dpkg/info/PKG.md5sums
// ("HEX  usr/lib/…" per line). A secret-shaped string in such a file, with
// the content dpkg recorded, came from the distribution's public archive
// (test keys inside libgnutls, sample keys in documentation), not from this
// build: its findings are kept in the report but suppressed, with the
// package named. A file changed after installation no longer matches its
// recorded sum and is reported as usual, and so is a file where Debian's
// packages never install (/opt, /usr/local, …): dpkg records sums for a
// local package too.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/finding.h"

namespace safebuild {

/// True for the paths dpkg keeps its sums in.
bool IsDpkgSumsPath(std::string_view path);

/// The MD5 of `content`, 32 lower-case hex digits.
std::string Md5Hex(std::string_view content);

/// The same MD5 of a file read in pieces.
class Md5Stream {
 public:
  Md5Stream();
  ~Md5Stream();
  void Add(std::string_view bytes);
  std::string Hex();  // ends the stream

 private:
  struct State;
  std::unique_ptr<State> state_;
};

class PackagedFiles {
 public:
  /// Reads one PKG.md5sums file found at `path` in the image.
  void AddSums(std::string_view path, std::string_view text);
  /// Reads the md5sums of `package` from elsewhere (a .deb's control.tar).
  void AddPackageSums(std::string_view package, std::string_view text);

  /// The package that installed `path` ("/usr/lib/…") with this content,
  /// or nothing when no package lists it or its content differs.
  std::optional<std::string> OwnerOf(std::string_view path, std::string_view md5) const;

  bool empty() const { return sums_.empty(); }

 private:
  struct Entry {
    std::string md5;
    std::string package;
  };
  // "/usr/lib/…" -> every (sum, package) any layer recorded for it: an
  // upgrade in a later layer leaves the older file in its layer.
  std::map<std::string, std::vector<Entry>, std::less<>> sums_;
};

/// The package name of a .deb file ("golang-1.19-src" for
/// ".../golang-1.19-src_1.19.8-2_all.deb"), or "" for another file.
std::string DebPackageName(std::string_view path);

/// The path a member of a .deb installs to ("/usr/bin/x" for
/// "data.tar.xz!./usr/bin/x"), or "" for a member of control.tar, of a
/// nested archive, or of no .deb.
std::string DebInstallPath(std::string_view member);

/// Suppresses the layer findings whose file is a package's file as shipped
/// (`content_md5` set by the scanner and recorded for that path).
void SuppressPackagedFindings(const PackagedFiles& packaged, std::vector<Finding>& findings);

}  // namespace safebuild
