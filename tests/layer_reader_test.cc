#include "image/layer_reader.h"

#include <gtest/gtest.h>

#include "image_fixtures.h"

namespace safebuild {
namespace {

using namespace safebuild::test;
using Type = LayerEntry::Type;

TEST(NormalizeLayerPath, StripsDotSlashRepeatedSlashesAndDots) {
  EXPECT_EQ(NormalizeLayerPath("./etc//passwd"), "/etc/passwd");
  EXPECT_EQ(NormalizeLayerPath("etc/./ssl/"), "/etc/ssl");
  EXPECT_EQ(NormalizeLayerPath("/abs/name"), "/abs/name");
  EXPECT_EQ(NormalizeLayerPath("///a"), "/a");
}

TEST(NormalizeLayerPath, DotDotNeverClimbsAboveTheRoot) {
  EXPECT_EQ(NormalizeLayerPath("../../etc/passwd"), "/etc/passwd");
  EXPECT_EQ(NormalizeLayerPath("a/b/../../../c"), "/c");
  EXPECT_EQ(NormalizeLayerPath("a/b/.."), "/a");
}

TEST(NormalizeLayerPath, RootIsTheEmptyString) {
  EXPECT_EQ(NormalizeLayerPath("./"), "");
  EXPECT_EQ(NormalizeLayerPath(""), "");
  EXPECT_EQ(NormalizeLayerPath(".."), "");
}

TEST(NormalizeLayerPath, KeepsBytesThatAreNotUtf8) {
  EXPECT_EQ(NormalizeLayerPath("a/\xff\xfe.key"), "/a/\xff\xfe.key");
}

class ReadLayerTest : public ::testing::Test {
 protected:
  fs::path Write(const std::string& bytes, const std::string& name = "layer") {
    fs::path p = dir_.path() / name;
    WriteFile(p, bytes);
    return p;
  }

  ReadEntries Read(const std::string& bytes, const LayerLimits& limits = {}) {
    Expected<ReadEntries> r = ReadAll(Write(bytes), limits);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? *r : ReadEntries{};
  }

  TempDir dir_ = MakeTempDir();
};

TEST_F(ReadLayerTest, ReportsFilesDirectoriesAndSymlinksWithContent) {
  ReadEntries r = Read(MakeTar({Dir("app/"), File("app/.npmrc", "token=1"),
                                Symlink("app/link", "/etc/shadow")}));
  ASSERT_EQ(r.entries.size(), 3u);
  EXPECT_EQ(r.entries[0].type, Type::kDir);
  EXPECT_EQ(r.entries[0].path, "/app");
  EXPECT_EQ(r.entries[1].type, Type::kFile);
  EXPECT_EQ(r.entries[1].path, "/app/.npmrc");
  EXPECT_EQ(r.entries[1].size, 7u);
  EXPECT_EQ(r.contents[1], "token=1");
  EXPECT_FALSE(r.truncated[1]);
  EXPECT_EQ(r.entries[2].type, Type::kSymlink);
  EXPECT_EQ(r.entries[2].link_target, "/etc/shadow");
  EXPECT_EQ(r.contents[2], "");
}

TEST_F(ReadLayerTest, GzipZstdAndPlainLayersReadTheSame) {
  std::vector<TarMember> members = {File("a", "alpha"), File("b/c", "gamma")};
  for (Filter f : {Filter::kNone, Filter::kGzip, Filter::kZstd}) {
    for (Format fmt : {Format::kUstar, Format::kPax, Format::kGnu}) {
      ReadEntries r = Read(MakeTar(members, f, fmt));
      ASSERT_EQ(r.entries.size(), 2u);
      EXPECT_EQ(r.contents[0], "alpha");
      EXPECT_EQ(r.entries[1].path, "/b/c");
      EXPECT_EQ(r.contents[1], "gamma");
    }
  }
}

TEST_F(ReadLayerTest, HardlinkTargetIsNormalisedAndHasNoContent) {
  ReadEntries r = Read(MakeTar(
      {File("./etc/key", "secret"), Hardlink("./etc/key2", "./etc//key")}));
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(r.entries[1].type, Type::kHardlink);
  EXPECT_EQ(r.entries[1].path, "/etc/key2");
  EXPECT_EQ(r.entries[1].link_target, "/etc/key");
  EXPECT_EQ(r.contents[1], "");
}

TEST_F(ReadLayerTest, WhiteoutNamesTheDeletedPath) {
  ReadEntries r = Read(MakeTar({File("app/.wh..npmrc")}));
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_TRUE(r.entries[0].is_whiteout);
  EXPECT_FALSE(r.entries[0].is_opaque);
  EXPECT_EQ(r.entries[0].path, "/app/.npmrc");
}

TEST_F(ReadLayerTest, OpaqueMarkerNamesItsDirectory) {
  ReadEntries r =
      Read(MakeTar({File("cfg/placeholder"), File("cfg/.wh..wh..opq")}));
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_FALSE(r.entries[0].is_opaque);
  EXPECT_TRUE(r.entries[1].is_opaque);
  EXPECT_FALSE(r.entries[1].is_whiteout);
  EXPECT_EQ(r.entries[1].path, "/cfg");
}

TEST_F(ReadLayerTest, OtherAufsMetadataNamesAreOrdinaryEntries) {
  ReadEntries r = Read(MakeTar({File(".wh..wh.plnk/x", "data")}));
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_FALSE(r.entries[0].is_whiteout);
  EXPECT_EQ(r.contents[0], "data");
}

TEST_F(ReadLayerTest, WhiteoutNamesAreClassifiedAfterNormalising) {
  ReadEntries r = Read(MakeTar(
      {File("a/.wh.b/../.wh.c"), File("d/.wh..."), File(".wh..wh..opq")}));
  ASSERT_EQ(r.entries.size(), 3u);
  EXPECT_EQ(r.entries[0].path, "/a/c");
  EXPECT_TRUE(r.entries[0].is_whiteout);
  EXPECT_EQ(r.entries[1].path, "");  // ".wh..." deletes d's parent, the root
  EXPECT_TRUE(r.entries[1].is_whiteout);
  EXPECT_EQ(r.entries[2].path, "");
  EXPECT_TRUE(r.entries[2].is_opaque);
}

TEST_F(ReadLayerTest, WhiteoutFileStillHandsOverItsBytes) {
  ReadEntries r = Read(MakeTar({File(".wh.id_rsa", "hidden bytes")}));
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_TRUE(r.entries[0].is_whiteout);
  EXPECT_EQ(r.contents[0], "hidden bytes");
}

TEST_F(ReadLayerTest, CharacterDeviceZeroZeroIsAWhiteoutOfItsPath) {
  ReadEntries r = Read(MakeTar({CharDev("app/.npmrc", 0, 0),
                                CharDev("dev/null", 1, 3), Fifo("run/fifo")}));
  ASSERT_EQ(r.entries.size(), 3u);
  EXPECT_TRUE(r.entries[0].is_whiteout);
  EXPECT_EQ(r.entries[0].path, "/app/.npmrc");
  EXPECT_EQ(r.entries[0].type, Type::kOther);
  EXPECT_FALSE(r.entries[1].is_whiteout);
  EXPECT_EQ(r.entries[1].type, Type::kOther);
  EXPECT_EQ(r.entries[2].type, Type::kOther);
}

TEST_F(ReadLayerTest, ClimbingAndAbsoluteNamesStayInsideTheRoot) {
  ReadEntries r = Read(MakeTar({File("../../etc/passwd", "x"),
                                File("/abs", "y"), File(".//a//./b", "z")},
                               Filter::kNone, Format::kPax));
  ASSERT_EQ(r.entries.size(), 3u);
  EXPECT_EQ(r.entries[0].path, "/etc/passwd");
  EXPECT_EQ(r.entries[1].path, "/abs");
  EXPECT_EQ(r.entries[2].path, "/a/b");
}

TEST_F(ReadLayerTest, NameThatIsNotUtf8KeepsItsBytes) {
  for (Format fmt : {Format::kUstar, Format::kPax}) {
    ReadEntries r =
        Read(MakeTar({File("k/\xff\xfe.pem", "pem")}, Filter::kNone, fmt));
    ASSERT_EQ(r.entries.size(), 1u);
    EXPECT_EQ(r.entries[0].path, "/k/\xff\xfe.pem");
    EXPECT_EQ(r.contents[0], "pem");
  }
}

TEST_F(ReadLayerTest, LongNamesSurvive) {
  std::string name = std::string(300, 'd') + "/" + std::string(200, 'f');
  for (Format fmt : {Format::kPax, Format::kGnu}) {
    ReadEntries r = Read(MakeTar({File(name, "v")}, Filter::kGzip, fmt));
    ASSERT_EQ(r.entries.size(), 1u);
    EXPECT_EQ(r.entries[0].path, "/" + name);
  }
}

TEST_F(ReadLayerTest, FileOverTheLimitIsCutAndTheNextEntryStillRead) {
  LayerLimits limits;
  limits.max_file_bytes = 10;
  ReadEntries r =
      Read(MakeTar({File("big", std::string(100000, 'x')),
                    File("exact", "0123456789"), File("small", "ok")},
                   Filter::kGzip),
           limits);
  ASSERT_EQ(r.entries.size(), 3u);
  EXPECT_EQ(r.contents[0], std::string(10, 'x'));
  EXPECT_TRUE(r.truncated[0]);
  EXPECT_EQ(r.entries[0].size, 100000u);
  EXPECT_EQ(r.contents[1], "0123456789");
  EXPECT_FALSE(r.truncated[1]);
  EXPECT_EQ(r.contents[2], "ok");
}

TEST_F(ReadLayerTest, SparseFileReadsAsZerosAndDataUpToTheLimit) {
  LayerLimits limits;
  limits.max_file_bytes = 1 << 20;
  std::string tar = MakeSparseTar("sparse", int64_t{1} << 40, 8192, "KEY=v");
  ReadEntries r = Read(tar, limits);
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].size, uint64_t{1} << 40);
  EXPECT_TRUE(r.truncated[0]);
  ASSERT_EQ(r.contents[0].size(), size_t{1} << 20);
  EXPECT_EQ(r.contents[0].substr(8190, 9),
            std::string(2, '\0') + "KEY=v" + std::string(2, '\0'));
}

TEST_F(ReadLayerTest, TooManyEntriesIsAnError) {
  LayerLimits limits;
  limits.max_entries = 2;
  Expected<ReadEntries> r =
      ReadAll(Write(MakeTar({File("a"), File("b"), File("c")})), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("more than 2 entries"), std::string::npos);
}

TEST_F(ReadLayerTest, CallbackReturningFalseStopsTheWalk) {
  fs::path blob = Write(MakeTar({File("a"), File("b"), File("c")}));
  int seen = 0;
  Status s =
      ReadLayer(blob, {}, [&seen](const LayerEntry&, std::string_view, bool) {
        return ++seen < 2;
      });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(seen, 2);
}

TEST_F(ReadLayerTest, EmptyArchiveHasNoEntries) {
  EXPECT_TRUE(Read(MakeTar({}, Filter::kGzip)).entries.empty());
  EXPECT_TRUE(Read(MakeTar({}, Filter::kNone)).entries.empty());
}

// Enough incompressible data that a cut lands inside the compressed stream.
std::string NoisyTar(Filter filter) {
  std::string noise;
  uint32_t x = 12345;
  for (int i = 0; i < 200000; ++i) {
    x = x * 1103515245 + 12345;
    noise += static_cast<char>(x >> 24);
  }
  return MakeTar({File("a", noise), File("b", "tail")}, filter);
}

void ExpectReadFails(const fs::path& blob) {
  Expected<ReadEntries> r = ReadAll(blob);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find(blob.string()), std::string::npos) << r.error();
}

TEST_F(ReadLayerTest, TruncatedGzipIsAnError) {
  std::string tar = NoisyTar(Filter::kGzip);
  for (size_t cut : {tar.size() / 2, tar.size() - 9, size_t{100}}) {
    ExpectReadFails(Write(tar.substr(0, cut)));
  }
}

TEST_F(ReadLayerTest, TruncatedZstdIsAnError) {
  std::string tar = NoisyTar(Filter::kZstd);
  for (size_t cut : {tar.size() / 2, tar.size() - 3, size_t{100}}) {
    ExpectReadFails(Write(tar.substr(0, cut)));
  }
}

TEST_F(ReadLayerTest, TruncatedPlainTarIsAnError) {
  std::string tar = NoisyTar(Filter::kNone);
  ExpectReadFails(Write(tar.substr(0, 512 + 1000)));
  ExpectReadFails(Write(tar.substr(0, 700)));
}

// Cut at a block boundary after a whole entry: no decoder error, but the
// end-of-archive blocks are missing.
TEST_F(ReadLayerTest, LayerCutBetweenEntriesIsAnError) {
  std::string tar = MakeTar({File("a", std::string(700, 'x')), File("b", "y")});
  std::string cut = tar.substr(0, 512 + 1024);
  ExpectReadFails(Write(cut));
  ExpectReadFails(Write(Compress(cut, Filter::kGzip)));
  // Two zstd frames, the second lost: a valid stream that ends early.
  std::string frames = Compress(cut, Filter::kZstd);
  EXPECT_TRUE(Read(frames + Compress(tar.substr(cut.size()), Filter::kZstd))
                  .Find("/b") != nullptr);
  ExpectReadFails(Write(frames));
}

TEST_F(ReadLayerTest, CorruptHeaderIsAnError) {
  std::string tar = MakeTar({File("a", "x"), File("b", "y")});
  tar[1024 + 148] ^= 0x5a;  // checksum field of the second header
  ExpectReadFails(Write(tar));
}

TEST_F(ReadLayerTest, GarbageIsAnError) {
  ExpectReadFails(Write(std::string(4096, '\x07')));
  ExpectReadFails(Write(Compress(std::string(4096, '\x07'), Filter::kGzip)));
}

TEST_F(ReadLayerTest, EmptyFileIsAnErrorNotAnEmptyLayer) {
  ExpectReadFails(Write(""));
}

TEST_F(ReadLayerTest, MissingBlobIsAnError) {
  ExpectReadFails(dir_.path() / "absent");
}

TEST_F(ReadLayerTest, ZstdWithSkippableFramesIsRead) {
  // zstd:chunked appends metadata in skippable frames.
  std::string skippable = std::string("\x50\x2a\x4d\x18", 4) +
                          std::string("\x04\0\0\0", 4) + "meta";
  ReadEntries r =
      Read(MakeTar({File("a", "alpha")}, Filter::kZstd) + skippable);
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.contents[0], "alpha");
}

}  // namespace
}  // namespace safebuild
