// Hardlinks across layers: a link in a later layer to a file of a lower one
// shows that file's content (the newest lower copy), also when the link's
// own layer whites the original out. Reported at the link's path, in the
// link's layer, still visible; a link whose target was deleted before its
// layer is broken and named as a skip. The same in every source kind.
#include <gtest/gtest.h>

#include <algorithm>

#include "fake_secret.h"
#include "image/archive_index.h"
#include "image_fixtures.h"
#include "scan/scanner.h"

namespace safebuild {
namespace {

using namespace safebuild::test;

std::string Token() { return fake::Make(*fake::ParseKind("GITHUB_TOKEN")); }

class HardlinkTest : public ::testing::Test {
 protected:
  // An OCI layout of uncompressed layers; also kept as the layer tars.
  fs::path WriteLayout(const std::vector<std::vector<TarMember>>& layers) {
    OciLayout layout(dir_.path() / "oci");
    json config = OciLayout::Config(layers.size());
    std::vector<json> descriptors;
    tars_.clear();
    for (size_t i = 0; i < layers.size(); ++i) {
      tars_.push_back(MakeTar(layers[i]));
      descriptors.push_back(
          layout.AddBlob("application/vnd.oci.image.layer.v1.tar", tars_.back()));
      config["rootfs"]["diff_ids"][i] = "sha256:" + Sha256Hex(tars_.back());
    }
    config_ = config.dump();
    layout.WriteIndex({layout.AddImage(descriptors, config)});
    return layout.dir();
  }

  // The same layout as one tar: an oci-archive.
  fs::path OciArchive(const fs::path& layout) {
    std::vector<TarMember> members;
    for (const auto& e : fs::recursive_directory_iterator(layout)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      members.push_back(File(fs::relative(e.path(), layout).string(),
                             std::string(std::istreambuf_iterator<char>(in), {})));
    }
    fs::path out = dir_.path() / "oci.tar";
    WriteFile(out, MakeTar(members));
    return out;
  }

  // The same image as a docker-archive.
  fs::path DockerArchive() {
    std::vector<TarMember> members = {File("config.json", config_)};
    json names = json::array();
    for (size_t i = 0; i < tars_.size(); ++i) {
      names.push_back("l" + std::to_string(i) + "/layer.tar");
      members.push_back(File(names.back(), tars_[i]));
    }
    json manifest = json::array({{{"Config", "config.json"}, {"Layers", names}}});
    members.push_back(File("manifest.json", manifest.dump()));
    fs::path out = dir_.path() / "docker.tar";
    WriteFile(out, MakeTar(members));
    return out;
  }

  static ScanOutput Scan(const Expected<OpenedImage>& image) {
    EXPECT_TRUE(image.ok()) << image.error();
    if (!image) return {};
    Expected<ScanOutput> out = ScanImage(*image, Detector::Default());
    EXPECT_TRUE(out.ok()) << out.error();
    return out ? *out : ScanOutput{};
  }

  ScanOutput ScanLayers(const std::vector<std::vector<TarMember>>& layers) {
    return Scan(OpenOciLayout(WriteLayout(layers), ""));
  }

  TempDir dir_ = MakeTempDir();
  std::vector<std::string> tars_;
  std::string config_;
};

// "path layer deleted" of each layer finding, sorted.
std::vector<std::string> Places(const ScanOutput& out) {
  std::vector<std::string> places;
  for (const Finding& f : out.findings) {
    if (f.origin != Origin::kLayer) continue;
    places.push_back(f.path + " " + std::to_string(f.layer->index) + " " +
                     (f.deleted.value() ? "deleted" : "visible"));
  }
  std::sort(places.begin(), places.end());
  return places;
}

const Finding* At(const ScanOutput& out, const std::string& path) {
  for (const Finding& f : out.findings) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

TEST_F(HardlinkTest, LinkInALaterLayerShowsTheLowerLayersFile) {
  ScanOutput out = ScanLayers({{Dir("a/"), File("a/secret", "token=" + Token() + "\n")},
                               {Dir("b/"), Hardlink("b/link", "a/secret")}});
  EXPECT_EQ(Places(out), (std::vector<std::string>{"/a/secret 0 visible", "/b/link 1 visible"}));
  const Finding* link = At(out, "/b/link");
  ASSERT_NE(link, nullptr);
  const Finding* original = At(out, "/a/secret");
  EXPECT_EQ(link->rule, original->rule);
  EXPECT_EQ(link->line, 1);
  EXPECT_EQ(link->fingerprint, original->fingerprint);
  EXPECT_TRUE(out.stats.skipped.empty());
}

TEST_F(HardlinkTest, LinkWhoseOwnLayerWhitesOutTheTargetKeepsTheContentInEitherOrder) {
  std::vector<TarMember> link_then_whiteout = {Dir("b/"), Hardlink("b/link", "a/secret"),
                                               File("a/.wh.secret")};
  std::vector<TarMember> whiteout_then_link = {File("a/.wh.secret"), Dir("b/"),
                                               Hardlink("b/link", "a/secret")};
  for (const auto& upper : {link_then_whiteout, whiteout_then_link}) {
    ScanOutput out =
        ScanLayers({{Dir("a/"), File("a/secret", "token=" + Token() + "\n")}, upper});
    EXPECT_EQ(Places(out),
              (std::vector<std::string>{"/a/secret 0 deleted", "/b/link 1 visible"}));
  }
}

TEST_F(HardlinkTest, NewestLowerCopyOfTheTargetIsTheContent) {
  std::string old_token = Token();
  std::string new_token = Token();
  ScanOutput out = ScanLayers({{File("secret", "token=" + old_token + "\n")},
                               {File("secret", "\n\ntoken=" + new_token + "\n")},
                               {Hardlink("link", "secret")}});
  const Finding* link = At(out, "/link");
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->layer->index, 2);
  EXPECT_EQ(link->line, 3);  // the second copy's line
  EXPECT_EQ(Places(out), (std::vector<std::string>{"/link 2 visible", "/secret 0 deleted",
                                                   "/secret 1 visible"}));
}

TEST_F(HardlinkTest, LinkToAFileDeletedBeforeItsLayerIsABrokenLinkNamedAsASkip) {
  ScanOutput out = ScanLayers({{Dir("a/"), File("a/secret", "token=" + Token() + "\n")},
                               {File("a/.wh.secret")},
                               {Hardlink("link", "a/secret"), Hardlink("nowhere", "no/such")}});
  EXPECT_EQ(Places(out), (std::vector<std::string>{"/a/secret 0 deleted"}));
  ASSERT_EQ(out.stats.skipped.size(), 2u);
  EXPECT_EQ(out.stats.skipped[0].reason, "broken-link");
  EXPECT_EQ(out.stats.skipped[0].path, "/link");
  EXPECT_EQ(out.stats.skipped[0].layer, 2);
  EXPECT_EQ(out.stats.skipped[1].path, "/nowhere");
}

TEST_F(HardlinkTest, TargetHiddenByAnOpaqueDirectoryBetweenIsBroken) {
  ScanOutput out = ScanLayers({{Dir("a/"), File("a/secret", "token=" + Token() + "\n")},
                               {Dir("a/"), File("a/.wh..wh..opq")},
                               {Hardlink("link", "a/secret")}});
  EXPECT_EQ(At(out, "/link"), nullptr);
  ASSERT_EQ(out.stats.skipped.size(), 1u);
  EXPECT_EQ(out.stats.skipped[0].reason, "broken-link");
}

TEST_F(HardlinkTest, ChainsOfLinksAcrossLayersResolve) {
  ScanOutput out = ScanLayers({{File("secret", "token=" + Token() + "\n")},
                               {Hardlink("first", "secret"), File(".wh.secret")},
                               {Hardlink("second", "first"), Hardlink("third", "second")}});
  EXPECT_EQ(Places(out),
            (std::vector<std::string>{"/first 1 visible", "/second 2 visible",
                                      "/secret 0 deleted", "/third 2 visible"}));
}

TEST_F(HardlinkTest, LinkToAnEarlierEntryOfItsOwnLayerStaysInThatLayer) {
  ScanOutput out = ScanLayers({{File("secret", "nothing here\n")},
                               {File("secret", "token=" + Token() + "\n"),
                                Hardlink("link", "secret")}});
  EXPECT_EQ(Places(out), (std::vector<std::string>{"/link 1 visible", "/secret 1 visible"}));
}

TEST_F(HardlinkTest, EverySourceKindReportsTheLinkAlike) {
  fs::path layout = WriteLayout({{Dir("a/"), File("a/secret", "token=" + Token() + "\n")},
                                 {Dir("b/"), Hardlink("b/link", "a/secret"),
                                  File("a/.wh.secret")}});
  const std::vector<std::string> want = {"/a/secret 0 deleted", "/b/link 1 visible"};
  EXPECT_EQ(Places(Scan(OpenOciLayout(layout, ""))), want);
  Expected<ArchiveIndex> oci = ArchiveIndex::Build(OciArchive(layout));
  ASSERT_TRUE(oci.ok()) << oci.error();
  ASSERT_EQ(oci->needs_unpack(), "");
  EXPECT_EQ(Places(Scan(OpenOciArchive(*oci, ""))), want);
  Expected<ArchiveIndex> docker = ArchiveIndex::Build(DockerArchive());
  ASSERT_TRUE(docker.ok()) << docker.error();
  EXPECT_EQ(Places(Scan(OpenDockerArchive(*docker))), want);
}

}  // namespace
}  // namespace safebuild
