#include "image/layer_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "fake_secret.h"
#include "image/layer_stack.h"
#include "image/overlay_storage.h"
#include "image_fixtures.h"
#include "scan/scanner.h"
#include "util/digest.h"
#include "util/fingerprint.h"

namespace safebuild {
namespace {

namespace fs = std::filesystem;
using test::File;

// What ReadLayerDir reported, by path: "file", "dir", "symlink->T",
// "whiteout", "opaque", "other"; file contents alongside.
struct DirEntries {
  std::map<std::string, std::string> kinds;
  std::map<std::string, std::string> contents;
};

Expected<DirEntries> ReadDir(const fs::path& dir, const LayerLimits& limits = {}) {
  DirEntries out;
  Status s = ReadLayerDir(dir, limits, [&](const LayerEntry& e, const ContentWindow& w) {
    std::string kind = e.is_opaque ? "opaque" : e.is_whiteout ? "whiteout" : "other";
    if (!e.is_opaque && !e.is_whiteout) {
      if (e.type == LayerEntry::Type::kFile) kind = "file";
      if (e.type == LayerEntry::Type::kDir) kind = "dir";
      if (e.type == LayerEntry::Type::kSymlink) kind = "symlink->" + e.link_target;
      if (e.type == LayerEntry::Type::kHardlink) kind = "hardlink->" + e.link_target;
    }
    std::string key = e.path + (e.is_opaque ? "#opq" : "");
    out.kinds[key] = kind;
    if (e.type == LayerEntry::Type::kFile) out.contents[e.path] += w.bytes.substr(w.fresh);
    return true;
  });
  if (!s) return Fail(s.error());
  return out;
}

void MakeWhiteout(const fs::path& p) {
  ASSERT_EQ(mknod(p.c_str(), S_IFCHR | 0600, makedev(0, 0)), 0) << p;
}

void MakeOpaque(const fs::path& p, const char* xattr = "trusted.overlay.opaque") {
  ASSERT_EQ(setxattr(p.c_str(), xattr, "y", 1, 0), 0) << p;
}

// An OCI layout at `dir` of one image whose layers hold `layers`, opened.
Expected<OpenedImage> OciImage(const fs::path& dir,
                               const std::vector<std::vector<test::TarMember>>& layers) {
  test::OciLayout layout(dir);
  std::vector<nlohmann::json> blobs;
  for (const auto& members : layers) {
    blobs.push_back(layout.AddBlob(test::kTarGzip,
                                   test::Compress(test::MakeTar(members), test::Filter::kGzip)));
  }
  layout.WriteIndex({layout.AddImage(blobs)});
  return OpenOciLayout(dir, "");
}

class LayerDirTest : public ::testing::Test {
 protected:
  TempDir tmp_ = test::MakeTempDir();
  fs::path Dir(const std::string& name) {
    fs::path p = tmp_.path() / name;
    fs::create_directories(p);
    return p;
  }
};

TEST_F(LayerDirTest, ReportsFilesDirsLinksWhiteoutsAndOpaqueDirs) {
  fs::path d = Dir("diff");
  test::WriteFile(d / "etc/app.conf", "key=value\n");
  fs::create_symlink("/etc/shadow", d / "etc/link");
  MakeWhiteout(d / "etc/gone");
  fs::create_directories(d / "cache");
  MakeOpaque(d / "cache");
  fs::create_directories(d / "home");
  MakeOpaque(d / "home", "user.overlay.opaque");
  ASSERT_EQ(mkfifo((d / "fifo").c_str(), 0600), 0);
  auto got = ReadDir(d);
  ASSERT_TRUE(got) << got.error();
  EXPECT_EQ(got->kinds, (std::map<std::string, std::string>{
                            {"/etc", "dir"},
                            {"/etc/app.conf", "file"},
                            {"/etc/link", "symlink->/etc/shadow"},
                            {"/etc/gone", "whiteout"},
                            {"/cache", "dir"},
                            {"/cache#opq", "opaque"},
                            {"/home", "dir"},
                            {"/home#opq", "opaque"},
                            {"/fifo", "other"}}));
  EXPECT_EQ(got->contents["/etc/app.conf"], "key=value\n");
}

TEST_F(LayerDirTest, WhiteoutFilesInTheDirectoryAreWhiteoutsNotFiles) {
  fs::path d = Dir("diff");
  test::WriteFile(d / "etc/.wh.passwd", "");
  test::WriteFile(d / "srv/.wh..wh..opq", "");
  test::WriteFile(d / "srv/.wh..wh.plnk", "aufs bookkeeping");
  auto got = ReadDir(d);
  ASSERT_TRUE(got) << got.error();
  EXPECT_EQ(got->kinds, (std::map<std::string, std::string>{
                            {"/etc", "dir"},
                            {"/etc/passwd", "whiteout"},
                            {"/srv", "dir"},
                            {"/srv#opq", "opaque"},
                            {"/srv/.wh..wh.plnk", "file"}}));
}

TEST_F(LayerDirTest, NeverFollowsSymlinksOutOfTheDirectory) {
  fs::path outside = Dir("outside");
  test::WriteFile(outside / "secret.txt", "outside bytes");
  fs::path d = Dir("diff");
  fs::create_symlink(outside, d / "escape");
  fs::create_symlink(outside / "secret.txt", d / "file-link");
  fs::create_symlink("loop", d / "loop");
  auto got = ReadDir(d);
  ASSERT_TRUE(got) << got.error();
  EXPECT_EQ(got->kinds.size(), 3u);
  EXPECT_EQ(got->kinds["/escape"], "symlink->" + outside.string());
  EXPECT_EQ(got->kinds["/loop"], "symlink->loop");
  EXPECT_TRUE(got->contents.empty());
}

TEST_F(LayerDirTest, LargeFileComesInWindowsWithEveryByte) {
  fs::path d = Dir("diff");
  std::string big;
  for (int i = 0; i < 100; ++i) big += static_cast<char>('a' + i % 26);
  test::WriteFile(d / "big", big);
  LayerLimits limits;
  limits.window = {10, 2};
  std::vector<uint64_t> offsets;
  std::string got;
  Status s = ReadLayerDir(d, limits, [&](const LayerEntry& e, const ContentWindow& w) {
    EXPECT_EQ(e.size, 100u);
    EXPECT_EQ(w.bytes, std::string_view(big).substr(w.offset, w.bytes.size()));
    offsets.push_back(w.offset);
    got += w.bytes.substr(w.fresh);
    return true;
  });
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(got, big);
  ASSERT_EQ(offsets.size(), 10u);
  EXPECT_EQ(offsets[1], 8u);
}

TEST_F(LayerDirTest, EntryLimitIsAnError) {
  fs::path d = Dir("diff");
  for (int i = 0; i < 5; ++i) test::WriteFile(d / ("f" + std::to_string(i)), "");
  LayerLimits limits;
  limits.max_entries = 4;
  auto got = ReadDir(d, limits);
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().find("more than 4 entries"), std::string::npos) << got.error();
}

TEST_F(LayerDirTest, MissingDirectoryIsAnError) {
  auto got = ReadDir(tmp_.path() / "nope");
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().find("cannot open"), std::string::npos) << got.error();
}

nlohmann::json Inspect(const std::vector<fs::path>& dirs) {
  std::string lower;
  for (size_t i = dirs.size() - 1; i-- > 0;) {
    lower += (lower.empty() ? "" : ":") + dirs[i].string();
  }
  nlohmann::json j = {{"Id", std::string(64, 'b')}};
  j["GraphDriver"] = {{"Name", "overlay"},
                      {"Data", {{"UpperDir", dirs.back().string()}}}};
  if (!lower.empty()) j["GraphDriver"]["Data"]["LowerDir"] = lower;
  j["RootFS"] = {{"Type", "layers"}, {"Layers", nlohmann::json::array()}};
  j["History"] = nlohmann::json::array();
  j["History"].push_back({{"created_by", "ENV A=1"}, {"empty_layer", true}});
  for (size_t i = 0; i < dirs.size(); ++i) {
    j["RootFS"]["Layers"].push_back("sha256:" + std::string(63, 'c') + std::to_string(i));
    j["History"].push_back({{"created_by", "step " + std::to_string(i)}});
  }
  j["Config"] = {{"Env", {"PATH=/bin"}}};
  return j;
}

TEST_F(LayerDirTest, OverlayInspectMapsDirectoriesToLayersBaseFirst) {
  std::vector<fs::path> dirs = {Dir("l0"), Dir("l1"), Dir("l2")};
  auto image = OpenOverlayImage(Inspect(dirs));
  ASSERT_TRUE(image) << image.error();
  ASSERT_EQ(image->layers.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(image->layers[i].dir, dirs[i]);
    EXPECT_EQ(image->layers[i].index, i);
    EXPECT_EQ(image->layers[i].created_by, "step " + std::to_string(i));
    EXPECT_EQ(image->layers[i].history_index, i + 1);
    EXPECT_EQ(image->layers[i].diff_id, "sha256:" + std::string(63, 'c') + std::to_string(i));
  }
  EXPECT_EQ(image->id, "sha256:" + std::string(64, 'b'));
  EXPECT_EQ(image->config["config"]["Env"][0], "PATH=/bin");
}

// podman image inspect shows no OnBuild at all, and a Docker Healthcheck
// only beside Config: the config blob stored with the image has both.
TEST_F(LayerDirTest, TheConfigIsTheBlobStoredWithTheImageWhenItMatchesItsId) {
  const fs::path layer = Dir("root/overlay/" + std::string(64, 'e') + "/diff");
  const std::string pw = "Zq83kLp2Xw9R";
  nlohmann::json config = {
      {"rootfs", {{"type", "layers"}, {"diff_ids", {"sha256:" + std::string(64, 'c')}}}},
      {"config",
       {{"Env", {"PATH=/bin"}},
        {"OnBuild", {"RUN curl https://deploy:" + pw + "@git.corp.test/r.git"}},
        {"Healthcheck", {{"Test", {"CMD-SHELL", "wget http://admin:" + pw + "@127.0.0.1/"}}}}}},
      {"history", {{{"created_by", "COPY a /"}}}}};
  const std::string bytes = config.dump();
  const std::string id = Sha256Hex(bytes);
  const fs::path blob =
      tmp_.path() / "root/overlay-images" / id / ("=" + Base64("sha256:" + id));
  test::WriteFile(blob, bytes);
  nlohmann::json inspect = Inspect({layer});
  inspect["Id"] = id;
  auto image = OpenOverlayImage(inspect);
  ASSERT_TRUE(image) << image.error();
  EXPECT_EQ(image->config, config);
  auto out = ScanImage(*image, Detector::Default());
  ASSERT_TRUE(out) << out.error();
  std::vector<std::string> where;
  for (const Finding& f : out->findings) where.push_back(f.path);
  EXPECT_EQ(where, (std::vector<std::string>{"OnBuild", "Healthcheck"}));

  // A blob that is not the one its name says is not read.
  test::WriteFile(blob, bytes + " ");
  auto changed = OpenOverlayImage(inspect);
  ASSERT_TRUE(changed) << changed.error();
  EXPECT_FALSE(changed->config["config"].contains("OnBuild"));
  EXPECT_EQ(changed->config["config"]["Env"][0], "PATH=/bin");
}

TEST_F(LayerDirTest, OverlayInspectRefusesOtherDriversAndMismatchedCounts) {
  nlohmann::json vfs = Inspect({Dir("l0")});
  vfs["GraphDriver"]["Name"] = "vfs";
  EXPECT_EQ(OpenOverlayImage(vfs).error(), "the storage driver is not overlay");
  nlohmann::json extra = Inspect({Dir("l0"), Dir("l1")});
  extra["RootFS"]["Layers"].push_back("sha256:" + std::string(64, 'd'));
  EXPECT_EQ(OpenOverlayImage(extra).error(),
            "podman image inspect lists 3 layers but 2 layer directories");
  nlohmann::json gone = Inspect({tmp_.path() / "missing"});
  EXPECT_EQ(OpenOverlayImage(gone).error(),
            "cannot read the layer directory " + (tmp_.path() / "missing").string());
}

// A ".wh.NAME" file in an upper layer directory hides NAME of a lower one,
// exactly as the same name in a layer tar does.
TEST_F(LayerDirTest, WhiteoutFileInALayerDirectoryMarksTheLowerFileDeleted) {
  std::string tok = fake::Make(fake::Kind::kGithubToken);
  std::vector<fs::path> dirs = {Dir("l0"), Dir("l1")};
  test::WriteFile(dirs[0] / "app/token", "token=" + tok + "\n");
  test::WriteFile(dirs[0] / "app/kept", "token=" + tok + "\n");
  test::WriteFile(dirs[1] / "app/.wh.token", "");
  auto image = OpenOverlayImage(Inspect(dirs));
  ASSERT_TRUE(image) << image.error();
  auto out = ScanImage(*image, Detector::Default());
  ASSERT_TRUE(out) << out.error();
  std::map<std::string, bool> deleted;
  for (const Finding& f : out->findings) deleted[f.path] = *f.deleted;
  EXPECT_EQ(deleted, (std::map<std::string, bool>{{"/app/kept", false}, {"/app/token", true}}));
  // The marker is read too (bytes in one would still be in the image), but
  // it is no file of the image: not counted.
  EXPECT_EQ(out->stats.files, 2u);
}

// stats.files counts each path that holds a regular file or a hardlink once
// per layer, never a whiteout or an opaque marker, so that a layer read from
// podman's storage and the same layer as a tar count the same: there a
// hardlink is one more name of a file and a deletion a device, here a link
// entry and a ".wh." file.
TEST_F(LayerDirTest, FilesAreCountedAlikeInALayerDirectoryAndInTheSameLayerAsATar) {
  std::vector<fs::path> dirs = {Dir("l0"), Dir("l1")};
  test::WriteFile(dirs[0] / "app/a", "a\n");
  ASSERT_EQ(link((dirs[0] / "app/a").c_str(), (dirs[0] / "app/b").c_str()), 0);
  test::WriteFile(dirs[0] / "app/old", "old\n");
  test::WriteFile(dirs[0] / "cache/x", "x\n");
  fs::create_symlink("a", dirs[0] / "app/c");
  fs::create_directories(dirs[1] / "app");
  MakeWhiteout(dirs[1] / "app/old");
  test::WriteFile(dirs[1] / "cache/y", "y\n");
  MakeOpaque(dirs[1] / "cache");
  auto from_dirs = OpenOverlayImage(Inspect(dirs));
  ASSERT_TRUE(from_dirs) << from_dirs.error();
  auto dir_scan = ScanImage(*from_dirs, Detector::Default());
  ASSERT_TRUE(dir_scan) << dir_scan.error();

  test::OciLayout layout(tmp_.path() / "oci");
  auto l0 = layout.AddBlob(test::kTarGzip,
                           test::Compress(test::MakeTar({test::Dir("app/"), File("app/a", "a\n"),
                                                         test::Hardlink("app/b", "app/a"),
                                                         File("app/old", "old\n"),
                                                         test::Symlink("app/c", "a"),
                                                         test::Dir("cache/"),
                                                         File("cache/x", "x\n")}),
                                          test::Filter::kGzip));
  // The same path twice in one tar is one file of the layer.
  auto l1 = layout.AddBlob(test::kTarGzip,
                           test::Compress(test::MakeTar({test::Dir("app/"), File("app/.wh.old"),
                                                         test::Dir("cache/"),
                                                         File("cache/.wh..wh..opq"),
                                                         File("cache/y", "0\n"),
                                                         File("cache/y", "y\n")}),
                                          test::Filter::kGzip));
  layout.WriteIndex({layout.AddImage({l0, l1})});
  auto from_tars = OpenOciLayout(tmp_.path() / "oci", "");
  ASSERT_TRUE(from_tars) << from_tars.error();
  auto tar_scan = ScanImage(*from_tars, Detector::Default());
  ASSERT_TRUE(tar_scan) << tar_scan.error();

  // app/a, app/b, app/old and cache/x; then cache/y.
  EXPECT_EQ(dir_scan->stats.files, 5u);
  EXPECT_EQ(tar_scan->stats.files, 5u);
}

// A file of two names is one file: the name read second is a hard link to
// the first (which comes first is the directory's order), as in a tar. Its
// token is reported at both names, and its bytes are read once.
TEST_F(LayerDirTest, SecondNameOfAFileIsAHardlinkToTheFirstAndItsBytesAreReadOnce) {
  fs::path d = Dir("diff");
  const std::string content = "token=" + fake::Make(fake::Kind::kGithubToken) + "\n";
  test::WriteFile(d / "app/a", content);
  ASSERT_EQ(link((d / "app/a").c_str(), (d / "app/b").c_str()), 0);
  auto got = ReadDir(d);
  ASSERT_TRUE(got) << got.error();
  const bool a_first = got->kinds["/app/a"] == "file";
  EXPECT_EQ(got->kinds[a_first ? "/app/b" : "/app/a"],
            a_first ? "hardlink->/app/a" : "hardlink->/app/b");
  EXPECT_EQ(got->contents.size(), 1u);

  auto image = OpenOverlayImage(Inspect({d}));
  ASSERT_TRUE(image) << image.error();
  auto out = ScanImage(*image, Detector::Default());
  ASSERT_TRUE(out) << out.error();
  std::vector<std::string> paths;
  for (const Finding& f : out->findings) paths.push_back(f.path);
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, (std::vector<std::string>{"/app/a", "/app/b"}));
  EXPECT_EQ(out->stats.bytes, content.size());
  EXPECT_EQ(out->stats.files, 2u);
}

// Files of one layer are scanned by several threads; the findings still come
// in the layer's entry order, and a hardlink still gets its target's.
TEST_F(LayerDirTest, OneLayerScannedByTwoThreadsGivesTheFindingsOfOneInTheSameOrder) {
  std::vector<test::TarMember> members = {test::Dir("d/")};
  for (int i = 0; i < 300; ++i) {
    std::string name = "d/f" + std::to_string(i);
    members.push_back(File(name, "token=" + fake::Make(fake::Kind::kGithubToken) + "\n"));
    if (i % 50 == 0) members.push_back(test::Hardlink("d/link" + std::to_string(i), name));
  }
  test::OciLayout layout(tmp_.path() / "oci");
  auto blob = layout.AddBlob(test::kTarGzip,
                             test::Compress(test::MakeTar(members), test::Filter::kGzip));
  layout.WriteIndex({layout.AddImage({blob})});
  auto image = OpenOciLayout(tmp_.path() / "oci", "");
  ASSERT_TRUE(image) << image.error();
  auto paths = [&](int jobs) {
    ScanOptions options;
    options.jobs = jobs;
    auto out = ScanImage(*image, Detector::Default(), options);
    EXPECT_TRUE(out) << out.error();
    std::vector<std::string> got;
    for (const Finding& f : out->findings) got.push_back(f.path + " " + f.fingerprint);
    return got;
  };
  std::vector<std::string> one = paths(1);
  ASSERT_EQ(one.size(), 306u);
  EXPECT_EQ(one[0].substr(0, 6), "/d/f0 ");
  EXPECT_EQ(one[1].substr(0, 9), "/d/link0 ");
  EXPECT_EQ(one[1].substr(9), one[0].substr(6));
  EXPECT_EQ(paths(2), one);
  EXPECT_EQ(paths(4), one);
}

// The same three layers as diff directories and as an OCI layout give the
// same findings, the same deleted flags included.
TEST_F(LayerDirTest, ScanOfDiffDirectoriesMatchesScanOfLayerTars) {
  std::string tok = fake::Make(fake::Kind::kGithubToken);
  std::string npm = fake::Make(fake::Kind::kNpmToken);
  std::vector<fs::path> dirs = {Dir("l0"), Dir("l1"), Dir("l2")};
  test::WriteFile(dirs[0] / "app/token", "token=" + tok + "\n");
  test::WriteFile(dirs[0] / "cfg/.npmrc", "//r/:_authToken=" + npm + "\n");
  test::WriteFile(dirs[0] / "keep/.npmrc", "//r/:_authToken=" + npm + "\n");
  MakeWhiteout(dirs[1] / "app");
  fs::create_directories(dirs[2] / "cfg");
  MakeOpaque(dirs[2] / "cfg");
  auto from_dirs = OpenOverlayImage(Inspect(dirs));
  ASSERT_TRUE(from_dirs) << from_dirs.error();

  auto from_tars = OciImage(
      tmp_.path() / "oci",
      {{test::Dir("app/"), File("app/token", "token=" + tok + "\n"), test::Dir("cfg/"),
        File("cfg/.npmrc", "//r/:_authToken=" + npm + "\n"), test::Dir("keep/"),
        File("keep/.npmrc", "//r/:_authToken=" + npm + "\n")},
       {File(".wh.app")},
       {test::Dir("cfg/"), File("cfg/.wh..wh..opq")}});
  ASSERT_TRUE(from_tars) << from_tars.error();

  auto summary = [](const OpenedImage& image) {
    auto out = ScanImage(image, Detector::Default());
    EXPECT_TRUE(out) << out.error();
    std::vector<std::string> lines;
    for (const Finding& f : out->findings) {
      if (f.origin != Origin::kLayer) continue;
      lines.push_back(f.rule + " " + f.path + " " + std::to_string(f.layer->index) +
                      (*f.deleted ? " deleted " : " visible ") + f.fingerprint);
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  };
  std::vector<std::string> dir_lines = summary(*from_dirs);
  EXPECT_EQ(dir_lines, summary(*from_tars));
  ASSERT_EQ(dir_lines.size(), 3u);
  EXPECT_NE(dir_lines[0].find("/app/token 0 deleted"), std::string::npos) << dir_lines[0];
}

// `setfattr -n user.token -v …` in a RUN step: the value is in the layer,
// as a layer directory's own attribute and as a tar's SCHILY.xattr record.
TEST_F(LayerDirTest, SecretsInExtendedAttributesAreFoundInDirectoriesAndTarsAlike) {
  const std::string tok = fake::Make(fake::Kind::kGithubToken);
  const std::string password = fake::RandomPassword(16);
  std::vector<fs::path> dirs = {Dir("l0"), Dir("l1")};
  test::WriteFile(dirs[0] / "app/bin", "#!/bin/sh\n");
  test::WriteFile(dirs[0] / "srv/data", "x\n");
  const auto set = [](const fs::path& p, const std::string& name, const std::string& value) {
    ASSERT_EQ(setxattr(p.c_str(), name.c_str(), value.data(), value.size(), 0), 0) << p;
  };
  set(dirs[0] / "app/bin", "user.token", tok);
  set(dirs[0] / "srv", "user.db_password", password);
  set(dirs[0] / "srv/data", "user.overlay.origin", tok);  // overlay's own: not read
  MakeWhiteout(dirs[1] / "app");
  auto from_dirs = OpenOverlayImage(Inspect(dirs));
  ASSERT_TRUE(from_dirs) << from_dirs.error();

  test::TarMember bin = File("app/bin", "#!/bin/sh\n");
  bin.xattrs = {{"user.token", tok}};
  test::TarMember srv = test::Dir("srv/");
  srv.xattrs = {{"user.db_password", password}};
  test::TarMember data = File("srv/data", "x\n");
  data.xattrs = {{"user.overlay.origin", tok}};
  auto from_tars =
      OciImage(tmp_.path() / "oci", {{test::Dir("app/"), bin, srv, data}, {File(".wh.app")}});
  ASSERT_TRUE(from_tars) << from_tars.error();

  auto summary = [](const OpenedImage& image) {
    auto out = ScanImage(image, Detector::Default());
    EXPECT_TRUE(out) << out.error();
    std::vector<std::string> lines;
    for (const Finding& f : out->findings) {
      lines.push_back(f.found_in + " " + f.rule + " " + f.path + (*f.deleted ? " deleted " : " ") +
                      f.fingerprint + " " + f.message);
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  };
  const std::vector<std::string> dir_lines = summary(*from_dirs);
  EXPECT_EQ(dir_lines, summary(*from_tars));
  const std::string gh_print = Fingerprint("github-classic-token", tok);
  const std::string pw_print = Fingerprint("generic-secret-assignment", password);
  ASSERT_EQ(dir_lines.size(), 2u);
  EXPECT_EQ(dir_lines[0].find("xattr generic-secret-assignment /srv " + pw_print), 0u)
      << dir_lines[0];
  EXPECT_NE(dir_lines[0].find("in an extended attribute (user.db_password)"), std::string::npos)
      << dir_lines[0];
  EXPECT_EQ(dir_lines[1].find("xattr github-classic-token /app/bin deleted " + gh_print), 0u)
      << dir_lines[1];
  EXPECT_NE(dir_lines[1].find("in an extended attribute (user.token)"), std::string::npos);
}

}  // namespace
}  // namespace safebuild
