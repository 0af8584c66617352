#include "scan/packaged_files.h"

#include <gtest/gtest.h>

namespace safebuild {
namespace {

constexpr const char* kSums =
    "0e371b9ba6ad8a19131aa617f8d3f436  usr/share/doc/libgnutls30/AUTHORS.gz\n"
    "not a sums line\n"
    "900150983cd24fb0d6963f7d28e17f72  usr/lib/x86_64-linux-gnu/libgnutls.so.30\n";

Finding LayerFinding(const std::string& path, const std::string& md5) {
  Finding f;
  f.origin = Origin::kLayer;
  f.path = path;
  f.content_md5 = md5;
  return f;
}

TEST(PackagedFilesTest, Md5IsTheStandardHexDigest) {
  EXPECT_EQ(Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
}

TEST(PackagedFilesTest, RecognisesOnlyDpkgSumsFiles) {
  EXPECT_TRUE(IsDpkgSumsPath("/var/lib/dpkg/info/libgnutls30:amd64.md5sums"));
  EXPECT_FALSE(IsDpkgSumsPath("/var/lib/dpkg/info/.md5sums"));
  EXPECT_FALSE(IsDpkgSumsPath("/var/lib/dpkg/info/x/y.md5sums"));
  EXPECT_FALSE(IsDpkgSumsPath("/app/var/lib/dpkg/info/x.md5sums"));
  EXPECT_FALSE(IsDpkgSumsPath("/var/lib/dpkg/info/x.list"));
}

TEST(PackagedFilesTest, AFileAsShippedIsOwnedByItsPackage) {
  PackagedFiles packaged;
  packaged.AddSums("/var/lib/dpkg/info/libgnutls30:amd64.md5sums", kSums);
  EXPECT_EQ(packaged.OwnerOf("/usr/lib/x86_64-linux-gnu/libgnutls.so.30",
                             "900150983cd24fb0d6963f7d28e17f72"),
            "libgnutls30:amd64");
  EXPECT_FALSE(packaged.OwnerOf("/usr/lib/x86_64-linux-gnu/libgnutls.so.30",
                                "d41d8cd98f00b204e9800998ecf8427e"));
  EXPECT_FALSE(packaged.OwnerOf("/etc/app.conf", "900150983cd24fb0d6963f7d28e17f72"));
}

// dpkg records sums for any package it installs, a local one included. One
// that installs where Debian's packages never do (/opt, /srv, /usr/local,
// /app) is the image's own, and so are its secrets.
TEST(PackagedFilesTest, APackageOutsideTheDistributionsPlacesOwnsNothing) {
  PackagedFiles packaged;
  std::string sums;
  for (const char* path : {"opt/acme/agent.env", "srv/acme.env", "usr/local/etc/acme.env",
                           "app/.env", "home/acme/.netrc", "root/.netrc", "usr/lib/acme.so",
                           "etc/acme/agent.conf"}) {
    sums += std::string("900150983cd24fb0d6963f7d28e17f72  ") + path + "\n";
  }
  packaged.AddSums("/var/lib/dpkg/info/acme-agent.md5sums", sums);
  const std::string md5 = "900150983cd24fb0d6963f7d28e17f72";
  for (const char* path : {"/opt/acme/agent.env", "/srv/acme.env", "/usr/local/etc/acme.env",
                           "/app/.env", "/home/acme/.netrc", "/root/.netrc"}) {
    EXPECT_FALSE(packaged.OwnerOf(path, md5)) << path;
  }
  EXPECT_EQ(packaged.OwnerOf("/usr/lib/acme.so", md5), "acme-agent");
  EXPECT_EQ(packaged.OwnerOf("/etc/acme/agent.conf", md5), "acme-agent");
}

TEST(PackagedFilesTest, AnOlderVersionOfAnUpgradedPackageStillCounts) {
  PackagedFiles packaged;
  packaged.AddSums("/var/lib/dpkg/info/p.md5sums",
                   "900150983cd24fb0d6963f7d28e17f72  usr/lib/p.so\n");
  packaged.AddSums("/var/lib/dpkg/info/p.md5sums",
                   "d41d8cd98f00b204e9800998ecf8427e  usr/lib/p.so\n");
  EXPECT_TRUE(packaged.OwnerOf("/usr/lib/p.so", "900150983cd24fb0d6963f7d28e17f72"));
  EXPECT_TRUE(packaged.OwnerOf("/usr/lib/p.so", "d41d8cd98f00b204e9800998ecf8427e"));
}

TEST(PackagedFilesTest, OnlyUnchangedPackageFilesAreSuppressed) {
  PackagedFiles packaged;
  packaged.AddSums("/var/lib/dpkg/info/libgnutls30:amd64.md5sums", kSums);
  std::vector<Finding> findings = {
      LayerFinding("/usr/lib/x86_64-linux-gnu/libgnutls.so.30",
                   "900150983cd24fb0d6963f7d28e17f72"),
      LayerFinding("/usr/lib/x86_64-linux-gnu/libgnutls.so.30",
                   "0123456789abcdef0123456789abcdef"),
      LayerFinding("/app/.npmrc", "900150983cd24fb0d6963f7d28e17f72")};
  SuppressPackagedFindings(packaged, findings);
  EXPECT_EQ(findings[0].suppressed,
            "packaged: as shipped by the Debian package libgnutls30:amd64");
  EXPECT_EQ(findings[1].suppressed, "");
  EXPECT_EQ(findings[2].suppressed, "");
}

}  // namespace
}  // namespace safebuild
