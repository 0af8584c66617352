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
  EXPECT_EQ(r.windows[1], 1);
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

TEST_F(ReadLayerTest, FileLargerThanAWindowComesInWindowsWithEveryByte) {
  LayerLimits limits;
  limits.window = {10, 2};
  std::string big;
  for (int i = 0; i < 1000; ++i) big += static_cast<char>('a' + i % 26);
  ReadEntries r = Read(MakeTar({File("big", big), File("exact", "0123456789ab"),
                                File("small", "ok")},
                               Filter::kGzip),
                       limits);
  ASSERT_EQ(r.entries.size(), 3u);
  EXPECT_EQ(r.contents[0], big);
  EXPECT_EQ(r.windows[0], 100);
  EXPECT_EQ(r.entries[0].size, 1000u);
  EXPECT_EQ(r.contents[1], "0123456789ab");  // step + overlap: still one window
  EXPECT_EQ(r.windows[1], 1);
  EXPECT_EQ(r.contents[2], "ok");
}

// Short holes come as zeros; a long one is left out of the windows, its
// length in `gap`.
TEST_F(ReadLayerTest, SparseFileReadsAsZerosToItsLastByte) {
  LayerLimits limits;
  limits.window = {1 << 20, 4096};
  const int64_t size = int64_t{40} << 20;
  std::string tar = MakeSparseTar("sparse", size, {{8192, "KEY=v"}, {size - 5, "tail!"}});
  fs::path blob = Write(tar);
  uint64_t total = 0;
  int gaps = 0;
  std::string head;
  std::string tail;
  Status s = ReadLayer(blob, limits, [&](const LayerEntry& e, const ContentWindow& w) {
    EXPECT_EQ(e.size, static_cast<uint64_t>(size));
    total += w.gap + (w.bytes.size() - w.fresh);
    gaps += w.gap > 0;
    if (w.offset == 0) head = std::string(w.bytes.substr(8190, 9));
    if (w.last) tail = std::string(w.bytes.substr(w.bytes.size() - 6));
    return true;
  });
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(total, static_cast<uint64_t>(size));
  EXPECT_EQ(gaps, 1);
  EXPECT_EQ(head, std::string(2, '\0') + "KEY=v" + std::string(2, '\0'));
  EXPECT_EQ(tail, std::string(1, '\0') + "tail!");
}

// The 1-based column, in bytes, of `offset` in `file`.
uint64_t ColumnAt(const std::string& file, uint64_t offset) {
  size_t newline = offset == 0 ? std::string::npos : file.rfind('\n', offset - 1);
  return newline == std::string::npos ? offset + 1 : offset - newline;
}

// The windows of a file: each `step` bytes of its own, `overlap` bytes of
// its neighbours on either side, and the own parts tile the file.
TEST(WindowCutter, OwnPartsTileTheFileAndEachWindowHasItsContext) {
  std::string file;
  for (int i = 0; i < 95; ++i) file += (i % 10 == 9) ? '\n' : static_cast<char>('0' + i % 10);
  WindowCutter cutter({20, 3});
  size_t at = 0;
  auto read = [&](char* buf, size_t size) -> Expected<ReadPiece> {
    size_t n = std::min<size_t>({size, 7, file.size() - at});  // short reads too
    file.copy(buf, n, at);
    at += n;
    return ReadPiece{n, 0};
  };
  std::vector<ContentWindow> got;
  std::vector<std::string> bytes;
  bool stopped = true;
  Status s = cutter.Run(read, [&](const ContentWindow& w) {
    got.push_back(w);
    bytes.emplace_back(w.bytes);
    return true;
  }, &stopped);
  ASSERT_TRUE(s) << s.error();
  EXPECT_FALSE(stopped);
  ASSERT_EQ(got.size(), 5u);
  uint64_t own = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const ContentWindow& w = got[i];
    EXPECT_EQ(bytes[i], file.substr(w.offset, bytes[i].size())) << i;
    EXPECT_EQ(w.own_begin, own) << i;
    EXPECT_EQ(w.own_begin - w.offset, i == 0 ? 0u : 3u) << i;
    EXPECT_EQ(w.offset + bytes[i].size() - w.own_end, w.last ? 0u : 3u) << i;
    EXPECT_EQ(w.line, 1 + w.offset / 10) << i;  // a newline ends every tenth byte
    EXPECT_EQ(w.column, ColumnAt(file, w.offset)) << i;
    EXPECT_EQ(w.last, i + 1 == got.size()) << i;
    own = w.own_end;
  }
  EXPECT_EQ(own, file.size());
  EXPECT_EQ(got[1].offset, 17u);
  EXPECT_EQ(got[1].fresh, 6u);
}

TEST(WindowCutter, LongHoleIsLeftOutWithItsZerosAroundTheData) {
  // data, a hole of 1000, data, a hole of 20 (short: read as zeros), data,
  // and a hole of 500 to the end.
  std::vector<ReadPiece> pieces = {{5, 0}, {0, 1000}, {5, 0}, {0, 20}, {5, 0}, {0, 500}};
  std::string file = "AAAA\n" + std::string(1000, '\0') + "BBBB\n" + std::string(20, '\0') +
                     "CCCC\n" + std::string(500, '\0');
  size_t next = 0;
  size_t at = 0;
  auto read = [&](char* buf, size_t size) -> Expected<ReadPiece> {
    if (next == pieces.size()) return ReadPiece{};
    ReadPiece p = pieces[next];
    if (p.bytes > 0) {
      p.bytes = std::min(p.bytes, size);
      file.copy(buf, p.bytes, at);
      pieces[next].bytes -= p.bytes;
      if (pieces[next].bytes == 0) ++next;
    } else {
      ++next;
    }
    at += p.bytes + p.zeros;
    return p;
  };
  WindowCutter cutter({20, 3});
  uint64_t own = 0;
  uint64_t covered = 0;
  int gaps = 0;
  bool last = false;
  bool stopped = false;
  Status s = cutter.Run(read, [&](const ContentWindow& w) {
    EXPECT_EQ(w.bytes, std::string_view(file).substr(w.offset, w.bytes.size()));
    EXPECT_GE(w.own_begin, own);
    EXPECT_EQ(w.line, 1 + std::count(file.begin(), file.begin() + w.offset, '\n'));
    EXPECT_EQ(w.column, ColumnAt(file, w.offset));
    own = w.own_end;
    covered += w.gap + w.bytes.size() - w.fresh;
    gaps += w.gap > 0;
    last = w.last;
    return true;
  }, &stopped);
  ASSERT_TRUE(s) << s.error();
  EXPECT_TRUE(last);
  EXPECT_EQ(covered, file.size());
  EXPECT_EQ(own, file.size());
  EXPECT_EQ(gaps, 2);  // 1000 - 2*3 and 500 - 2*3 zeros were never handed on
}

TEST(WindowCutter, EmptyFileIsOneEmptyWindowAndAReadErrorIsAnError) {
  WindowCutter cutter({20, 3});
  int windows = 0;
  bool stopped = false;
  auto count = [&](const ContentWindow& w) {
    EXPECT_TRUE(w.whole());
    ++windows;
    return true;
  };
  Status s = cutter.Run([](char*, size_t) -> Expected<ReadPiece> { return ReadPiece{}; },
                        count, &stopped);
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(windows, 1);
  Status bad = cutter.Run([](char*, size_t) -> Expected<ReadPiece> { return Fail("read"); },
                          count, &stopped);
  EXPECT_FALSE(bad);
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
      ReadLayer(blob, {}, [&seen](const LayerEntry&, const ContentWindow&) {
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

// A crafted frame that declares a 256 MiB window: decoding it would take
// that much memory in each thread that reads such a layer.
TEST_F(ReadLayerTest, AZstdWindowOverTheDecoderPoolFailsTheLayerNamingTheCause) {
  std::string tar = MakeTar({File("a", std::string(700, 'x')), File("b", "y")});
  std::string first = Compress(tar.substr(0, 512 + 1024), Filter::kZstd);
  std::string big = WithZstdWindow(Compress(tar.substr(512 + 1024), Filter::kZstd), 18);
  for (const std::string& layer : {WithZstdWindow(Compress(tar, Filter::kZstd), 18),
                                   first + big}) {
    fs::path blob = Write(layer);
    Expected<ReadEntries> r = ReadAll(blob);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), "layer " + blob.string() +
                             ": a zstd frame needs 256 MiB to decode, more than 130 MiB");
  }
  // 64 MiB: within the pool, read as any layer is.
  ReadEntries r = Read(WithZstdWindow(Compress(tar, Filter::kZstd), 16));
  ASSERT_NE(r.Find("/b"), nullptr);
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
