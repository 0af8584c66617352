#include "image/layer_stack.h"

#include <gtest/gtest.h>

#include "image_fixtures.h"

namespace safebuild {
namespace {

using namespace safebuild::test;
using Type = LayerEntry::Type;

LayerEntry Entry(std::string path, Type type = Type::kFile) {
  LayerEntry e;
  e.type = type;
  e.path = std::move(path);
  return e;
}

LayerEntry Whiteout(std::string path) {
  LayerEntry e = Entry(std::move(path));
  e.is_whiteout = true;
  return e;
}

LayerEntry Opaque(std::string path) {
  LayerEntry e = Entry(std::move(path));
  e.is_opaque = true;
  return e;
}

TEST(LayerStack, FileNobodyTouchesLaterIsVisible) {
  LayerStack s;
  s.Record(0, Entry("/app/.npmrc"));
  s.Record(1, Entry("/app/other"));
  s.Record(1, Entry("/app", Type::kDir));
  EXPECT_TRUE(s.IsVisible(0, "/app/.npmrc"));
  EXPECT_TRUE(s.IsVisible(1, "/app/other"));
}

TEST(LayerStack, WhiteoutInALaterLayerHidesTheFile) {
  LayerStack s;
  s.Record(0, Entry("/app/.npmrc"));
  s.Record(2, Whiteout("/app/.npmrc"));
  EXPECT_FALSE(s.IsVisible(0, "/app/.npmrc"));
}

TEST(LayerStack, WhiteoutOfAnAncestorHidesEverythingBelowIt) {
  LayerStack s;
  s.Record(0, Entry("/app/conf/.netrc"));
  s.Record(1, Whiteout("/app"));
  EXPECT_FALSE(s.IsVisible(0, "/app/conf/.netrc"));
}

TEST(LayerStack, NamesSharingAPrefixAreNotAncestors) {
  LayerStack s;
  s.Record(0, Entry("/cfg/.netrc"));
  s.Record(0, Entry("/cfgx/.netrc"));
  s.Record(1, Whiteout("/cfgx"));
  s.Record(1, Opaque("/cf"));
  s.Record(1, Entry("/cfg/.netrc.bak"));
  EXPECT_TRUE(s.IsVisible(0, "/cfg/.netrc"));
  EXPECT_FALSE(s.IsVisible(0, "/cfgx/.netrc"));
}

TEST(LayerStack, OpaqueDirectoryHidesLowerContentButNotItsOwnLayer) {
  LayerStack s;
  s.Record(0, Entry("/cfg/.netrc"));
  s.Record(1, Entry("/cfg/placeholder"));
  s.Record(1, Entry("/cfg", Type::kDir));
  s.Record(1, Opaque("/cfg"));
  EXPECT_FALSE(s.IsVisible(0, "/cfg/.netrc"));
  EXPECT_TRUE(s.IsVisible(1, "/cfg/placeholder"));
}

TEST(LayerStack, WhiteoutInTheSameLayerDoesNotHideThatLayersFile) {
  LayerStack s;
  s.Record(1, Entry("/a/key"));
  s.Record(1, Whiteout("/a/key"));
  s.Record(1, Whiteout("/a"));
  EXPECT_TRUE(s.IsVisible(1, "/a/key"));
}

TEST(LayerStack, WritingTheSamePathAgainHidesTheOlderCopy) {
  LayerStack s;
  s.Record(0, Entry("/etc/app.conf"));
  s.Record(3, Entry("/etc/app.conf"));
  EXPECT_FALSE(s.IsVisible(0, "/etc/app.conf"));
  EXPECT_TRUE(s.IsVisible(3, "/etc/app.conf"));
}

TEST(LayerStack, DirectoryEntryAgainDoesNotHideWhatIsBelowIt) {
  LayerStack s;
  s.Record(0, Entry("/etc/app.conf"));
  s.Record(1, Entry("/etc", Type::kDir));
  EXPECT_TRUE(s.IsVisible(0, "/etc/app.conf"));
}

TEST(LayerStack, DirectoryReplacedByASymlinkOrFileIsAnImplicitDelete) {
  LayerStack s;
  s.Record(0, Entry("/data/maps.conf"));
  s.Record(0, Entry("/opt/x/key"));
  s.Record(1, Entry("/data", Type::kSymlink));
  s.Record(2, Entry("/opt/x", Type::kFile));
  EXPECT_FALSE(s.IsVisible(0, "/data/maps.conf"));
  EXPECT_FALSE(s.IsVisible(0, "/opt/x/key"));
}

TEST(LayerStack, LayersMayBeRecordedInAnyOrder) {
  LayerStack s;
  s.Record(2, Whiteout("/a"));
  s.Record(0, Entry("/a"));
  s.Record(0, Entry("/b"));
  EXPECT_FALSE(s.IsVisible(0, "/a"));
  EXPECT_TRUE(s.IsVisible(0, "/b"));
}

TEST(LayerStack, RootEntriesNeverReplaceTheRoot) {
  LayerStack s;
  s.Record(0, Entry("/a"));
  s.Record(1, Entry("", Type::kFile));
  EXPECT_TRUE(s.IsVisible(0, "/a"));
}

// Records every entry of each layer tar, as the scanner does.
LayerStack StackOf(const TempDir& dir, const std::vector<std::string>& tars) {
  LayerStack s;
  for (size_t i = 0; i < tars.size(); ++i) {
    fs::path blob = dir.path() / ("layer" + std::to_string(i));
    WriteFile(blob, tars[i]);
    Status st =
        ReadLayer(blob, {}, [&](const LayerEntry& e, const ContentWindow& w) {
          if (w.offset == 0) s.Record(static_cast<int>(i), e);
          return true;
        });
    EXPECT_TRUE(st.ok()) << st.error();
  }
  return s;
}

// Case 04: podman writes cfg/, cfg/.wh..wh..opq and cfg/placeholder; the
// marker may come after its siblings.
TEST(LayerStack, OpaqueMarkerListedAfterItsSiblingsFromRealTars) {
  TempDir dir = MakeTempDir();
  LayerStack s = StackOf(
      dir,
      {MakeTar({Dir("cfg/"), File("cfg/.netrc", "machine x password y")},
               Filter::kGzip),
       MakeTar({Dir("cfg/"), File("cfg/placeholder"), File("cfg/.wh..wh..opq")},
               Filter::kGzip)});
  EXPECT_FALSE(s.IsVisible(0, "/cfg/.netrc"));
  EXPECT_TRUE(s.IsVisible(1, "/cfg/placeholder"));
}

// Case 13: /data becomes a symlink to /tmp; no whiteout entry is written.
TEST(LayerStack, DirectoryBecomingASymlinkFromRealTars) {
  TempDir dir = MakeTempDir();
  LayerStack s = StackOf(
      dir, {MakeTar({Dir("data/"), File("data/maps.conf", "GOOGLE_API_KEY=x")},
                    Filter::kZstd),
            MakeTar({Symlink("data", "/tmp")}, Filter::kZstd)});
  EXPECT_FALSE(s.IsVisible(0, "/data/maps.conf"));
  EXPECT_TRUE(s.IsVisible(1, "/data"));
}

TEST(LayerStack, CharacterDeviceWhiteoutFromARealTar) {
  TempDir dir = MakeTempDir();
  LayerStack s = StackOf(dir, {MakeTar({File("app/.npmrc", "t")}),
                               MakeTar({CharDev("app/.npmrc", 0, 0)})});
  EXPECT_FALSE(s.IsVisible(0, "/app/.npmrc"));
}

}  // namespace
}  // namespace safebuild
