#include "scan/nested.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "fake_secret.h"
#include "image/bounded_decoder.h"
#include "image_fixtures.h"
#include "report/report.h"
#include "report/sarif.h"
#include "scan/packaged_files.h"
#include "scan/scanner.h"
#include "util/fd.h"
#include "util/fingerprint.h"

namespace safebuild {
namespace {

using test::File;
using test::Filter;

// A zip archive of (name, bytes) members, deflated or stored.
std::string MakeZip(const std::vector<std::pair<std::string, std::string>>& members,
                    bool store = false) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  if (store) archive_write_set_options(a, "zip:compression=store");
  archive_write_set_bytes_in_last_block(a, 1);
  EXPECT_EQ(archive_write_open(a, &out, nullptr, test::AppendToString, nullptr), ARCHIVE_OK);
  for (const auto& [name, data] : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK) << archive_error_string(a);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

struct Walked {
  std::vector<std::string> members;
  std::vector<std::string> contents;  // put together from their windows
  std::vector<size_t> windows;  // per member
  NestedResult result;
  std::vector<std::string> Skips() const {
    std::vector<std::string> out;
    for (const auto& s : result.skipped) {
      out.push_back(std::string(ToString(s.reason)) + ":" + s.member);
    }
    return out;
  }
};

Walked Walk(std::string_view name, const std::string& bytes, const NestedLimits& limits = {}) {
  Walked w;
  w.result = WalkNested(name, bytes, limits, [&](const std::string& m, const ContentWindow& c) {
    if (c.offset == 0) {
      w.members.push_back(m);
      w.contents.emplace_back();
      w.windows.push_back(0);
    }
    w.contents.back().append(c.bytes.substr(c.fresh));
    ++w.windows.back();
  });
  return w;
}

using Strings = std::vector<std::string>;

TEST(NestedTest, ZipMembersAreHandedOverWithTheirNames) {
  std::string zip = MakeZip({{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"},
                             {"config/app.properties", "db.password=hunter2\n"}});
  Walked w = Walk("/app/lib/app.jar", zip);
  EXPECT_EQ(w.members, (Strings{"META-INF/MANIFEST.MF", "config/app.properties"}));
  EXPECT_EQ(w.contents[1], "db.password=hunter2\n");
  EXPECT_EQ(w.result.archives, 1u);
  EXPECT_EQ(w.result.members, 2u);
  EXPECT_EQ(w.result.bytes, 42u);
  EXPECT_TRUE(w.result.skipped.empty());
}

TEST(NestedTest, TarGzAndTgzAndTarAreOpened) {
  std::string tar = test::MakeTar({test::Dir("pkg/"), File("pkg/.npmrc", "x=1\n")});
  for (auto [name, bytes] : {std::pair<std::string, std::string>{"a.tar", tar},
                             {"a.tar.gz", test::Compress(tar, Filter::kGzip)},
                             {"a.tgz", test::Compress(tar, Filter::kGzip)}}) {
    Walked w = Walk(name, bytes);
    EXPECT_EQ(w.members, (Strings{"pkg/.npmrc"})) << name;
    EXPECT_EQ(w.contents, (Strings{"x=1\n"})) << name;
  }
}

TEST(NestedTest, TarsCompressedWithXzBzip2OrZstdAreOpened) {
  std::string tar = test::MakeTar({File("etc/.pgpass", "db:5432:*:app:pw\n")});
  for (auto [name, filter] : {std::pair<std::string, Filter>{"a.tar.xz", Filter::kXz},
                              {"a.txz", Filter::kXz},
                              {"a.tar.bz2", Filter::kBzip2},
                              {"a.tbz2", Filter::kBzip2},
                              {"a.tar.zst", Filter::kZstd},
                              {"renamed.bin", Filter::kXz},
                              {"renamed.dat", Filter::kBzip2},
                              {"renamed", Filter::kZstd}}) {
    Walked w = Walk(name, test::Compress(tar, filter));
    EXPECT_EQ(w.members, (Strings{"etc/.pgpass"})) << name;
    EXPECT_EQ(w.contents, (Strings{"db:5432:*:app:pw\n"})) << name;
    EXPECT_TRUE(w.result.skipped.empty()) << name;
  }
}

// The lzma "alone" format (xz --format=lzma, Python's FORMAT_ALONE) has no
// magic; its header alone tells it, whatever the file's name.
TEST(NestedTest, LzmaStreamsAndTarsAreOpened) {
  std::string tar = test::MakeTar({File("etc/.pgpass", "db:5432:*:app:pw\n")});
  for (const char* name : {"/srv/a.tar.lzma", "/srv/a.tlz", "/srv/renamed"}) {
    Walked w = Walk(name, test::LzmaAlone(tar));
    EXPECT_EQ(w.members, (Strings{"etc/.pgpass"})) << name;
    EXPECT_TRUE(w.result.skipped.empty()) << name;
  }
  Walked plain = Walk("/srv/notes.lzma", test::LzmaAlone("token=x\n"));
  EXPECT_EQ(plain.members, (Strings{"notes"}));
  EXPECT_EQ(plain.contents, (Strings{"token=x\n"}));
  EXPECT_TRUE(IsNestedArchive("/srv/data", test::LzmaAlone("a")));
  Walked big = Walk("/srv/notes.lzma", test::LzmaAlone("token=x\n", 1u << 30));
  EXPECT_EQ(big.Skips(), (Strings{"memory:"}));
}

TEST(NestedTest, PlainXzBzip2AndZstdStreamsAreOneMemberEach) {
  for (auto [name, filter] : {std::pair<std::string, Filter>{"/srv/dump.sql.xz", Filter::kXz},
                              {"/srv/dump.sql.bz2", Filter::kBzip2},
                              {"/srv/dump.sql.zst", Filter::kZstd}}) {
    Walked w = Walk(name, test::Compress("INSERT INTO keys VALUES ('x');\n", filter));
    EXPECT_EQ(w.members, (Strings{"dump.sql"})) << name;
    EXPECT_EQ(w.contents, (Strings{"INSERT INTO keys VALUES ('x');\n"})) << name;
    EXPECT_TRUE(IsNestedArchive("/srv/data", test::Compress("a", filter))) << name;
  }
}

// xz and zstd streams declare the window their decoder fills; one over the
// decoder pool is not decoded, and says so.
TEST(NestedTest, AnXzOrZstdWindowOverTheDecoderPoolIsSkippedForMemory) {
  std::string tar = test::MakeTar({File("etc/app.env", "TOKEN=x\n")});
  Walked xz = Walk("/srv/a.tar.xz", test::WithXzDict(test::Compress(tar, Filter::kXz), 32));
  EXPECT_TRUE(xz.members.empty());
  EXPECT_EQ(xz.Skips(), (Strings{"memory:"}));
  Walked zst = Walk("/srv/a.tar.zst",
                    test::WithZstdWindow(test::Compress(tar, Filter::kZstd), 18));
  EXPECT_TRUE(zst.members.empty());
  EXPECT_EQ(zst.Skips(), (Strings{"memory:"}));
  Walked dump = Walk("/srv/dump.sql.xz",
                     test::WithXzDict(test::Compress("INSERT 1;\n", Filter::kXz), 32));
  EXPECT_EQ(dump.Skips(), (Strings{"memory:"}));
  // Within the pool (64 MiB): read as any other.
  Walked ok = Walk("/srv/a.tar.xz", test::WithXzDict(test::Compress(tar, Filter::kXz), 28));
  EXPECT_EQ(ok.members, (Strings{"etc/app.env"}));
  EXPECT_TRUE(ok.result.skipped.empty());
}

// A token at the very end of the first stream, then a stream refused for
// memory: the token is found, and the refusal named.
TEST(NestedTest, TheBytesBeforeARefusedStreamAreAllRead) {
  std::string text;
  for (int i = 0; text.size() < (3u << 20); ++i) text += std::to_string(i) + "\n";
  text += "token=Kq82hZp4Lw9xT3\n";
  for (auto [name, packed] :
       {std::pair<std::string, std::string>{
            "/srv/cat.xz", test::Compress(text, Filter::kXz) +
                               test::WithXzDict(test::Compress("x", Filter::kXz), 32)},
        {"/srv/cat.zst", test::Compress(text, Filter::kZstd) +
                             test::WithZstdWindow(test::Compress("x", Filter::kZstd), 18)}}) {
    Walked w = Walk(name, packed);
    ASSERT_EQ(w.contents.size(), 1u) << name;
    EXPECT_EQ(w.contents[0], text) << name;
    EXPECT_EQ(w.Skips(), (Strings{"memory:cat"})) << name;
  }
}

// A member cut short: what came before the cut is read to its last byte,
// where a read that failed used to drop all it had copied (up to a window).
TEST(NestedTest, AMemberCutShortIsReadUpToTheCut) {
  std::string text;
  for (uint64_t i = 0; text.size() < (6u << 20); ++i) {
    text += "line " + std::to_string(i * 7919) + "\n";
  }
  const std::string tgz = test::Compress(test::MakeTar({File("data.txt", text)}), Filter::kGzip);
  Walked w = Walk("/srv/cut.tar.gz", tgz.substr(0, tgz.size() * 9 / 10));
  ASSERT_EQ(w.contents.size(), 1u);
  const std::string& got = w.contents[0];
  EXPECT_EQ(got, text.substr(0, got.size()));
  EXPECT_GT(got.size(), text.size() * 85 / 100);
  EXPECT_EQ(w.Skips(), (Strings{"unreadable:data.txt"}));
}

// The first frame is small, the second declares 256 MiB: the members before
// it are read, the member it cuts and the archive itself are named.
TEST(NestedTest, AZstdFrameOverThePoolMidArchiveNamesTheArchive) {
  std::string tar = test::MakeTar({File("a.env", "A=1\n"), File("b.env", std::string(5000, 'b'))});
  std::string frames = test::Compress(tar.substr(0, 2048), Filter::kZstd) +
                       test::WithZstdWindow(test::Compress(tar.substr(2048), Filter::kZstd), 18);
  Walked w = Walk("/srv/x.zip", MakeZip({{"lib/a.tar.zst", frames}}));
  EXPECT_EQ(w.members, (Strings{"lib/a.tar.zst", "lib/a.tar.zst!a.env", "lib/a.tar.zst!b.env"}));
  EXPECT_EQ(w.Skips(), (Strings{"memory:lib/a.tar.zst!b.env", "memory:lib/a.tar.zst"}));
}

void PutLe(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>(i < 8 ? (value >> (8 * i)) & 0xff : 0);
}

// A zip of one member packed with LZMA (method 14, as zipx writes it), its
// properties declaring a dictionary of `dict` bytes.
std::string MakeLzmaZip(const std::string& name, const std::string& data, uint32_t dict) {
  lzma_options_lzma opt;
  lzma_lzma_preset(&opt, 1);
  lzma_filter filters[] = {{LZMA_FILTER_LZMA1, &opt}, {LZMA_VLI_UNKNOWN, nullptr}};
  std::string packed(data.size() + data.size() / 2 + 4096, '\0');
  size_t used = 0;
  EXPECT_EQ(lzma_raw_buffer_encode(filters, nullptr,
                                   reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                                   reinterpret_cast<uint8_t*>(packed.data()), &used,
                                   packed.size()),
            LZMA_OK);
  packed.resize(used);
  std::string props;
  PutLe(props, (opt.pb * 5 + opt.lp) * 9 + opt.lc, 1);
  PutLe(props, dict, 4);
  const std::string body = std::string("\x09\x14\x05\x00", 4) + props + packed;
  const uint32_t crc = lzma_crc32(reinterpret_cast<const uint8_t*>(data.data()), data.size(), 0);
  auto fields = [&](std::string& out) {  // shared by the two headers
    PutLe(out, 63, 2);  // version needed
    PutLe(out, 0, 2);   // flags
    PutLe(out, 14, 2);  // LZMA
    PutLe(out, 0, 4);   // time, date
    PutLe(out, crc, 4);
    PutLe(out, body.size(), 4);
    PutLe(out, data.size(), 4);
    PutLe(out, name.size(), 2);
    PutLe(out, 0, 2);  // extra
  };
  std::string zip = "PK\x03\x04";
  fields(zip);
  zip += name + body;
  const size_t central = zip.size();
  zip += "PK\x01\x02";
  PutLe(zip, 63, 2);  // made by
  fields(zip);
  PutLe(zip, 0, 2 + 2 + 2 + 4);  // comment, disk, internal and external attributes
  PutLe(zip, 0, 4);              // the local header's offset
  zip += name;
  const size_t central_size = zip.size() - central;
  zip += "PK\x05\x06";
  PutLe(zip, 0, 4);
  PutLe(zip, 1, 2);
  PutLe(zip, 1, 2);
  PutLe(zip, central_size, 4);
  PutLe(zip, central, 4);
  PutLe(zip, 0, 2);
  return zip;
}

// libarchive decodes a zip member packed with LZMA itself, with the
// dictionary it declares (here 64 MiB): what that touches grows with what
// the member gives, so the member is read up to a grant from the pool.
TEST(NestedTest, AZipxMemberIsReadWithinAGrantFromTheDecoderPool) {
  Walked small = Walk("/srv/a.zip", MakeLzmaZip("a.env", "TOKEN=abc\n", 64u << 20));
  EXPECT_EQ(small.members, (Strings{"a.env"}));
  EXPECT_EQ(small.contents, (Strings{"TOKEN=abc\n"}));
  EXPECT_TRUE(small.result.skipped.empty());

  std::string text;
  for (int i = 0; text.size() < (20u << 20); ++i) text += "row " + std::to_string(i) + "\n";
  const std::string big = MakeLzmaZip("big.txt", text, 64u << 20);
  ASSERT_TRUE(DecoderPool::Get().Acquire(kDecoderPool));  // held by this thread
  Walked refused = Walk("/srv/b.zip", big);
  DecoderPool::Get().Release(kDecoderPool);
  EXPECT_TRUE(refused.members.empty());
  EXPECT_EQ(refused.Skips(), (Strings{"memory:big.txt"}));
  Walked granted = Walk("/srv/b.zip", big);
  EXPECT_EQ(granted.members, (Strings{"big.txt"}));
  EXPECT_EQ(granted.contents, (Strings{text}));
  EXPECT_TRUE(granted.result.skipped.empty());
}

// A dictionary over the pool (up to 4 GiB in an lzma header) is not
// decoded, even for a small member: libarchive would take all of it at
// once. The header is read where the member's data starts, in memory or in
// a spool file.
TEST(NestedTest, AZipxMemberWhoseDictionaryIsOverThePoolIsNotDecoded) {
  for (uint32_t dict : {uint32_t{1} << 30, UINT32_MAX}) {
    Walked w = Walk("/srv/a.zip", MakeLzmaZip("a.env", "TOKEN=abc\n", dict));
    EXPECT_TRUE(w.members.empty()) << dict;
    EXPECT_EQ(w.Skips(), (Strings{"memory:a.env"})) << dict;
  }
  EXPECT_EQ(DeclaredMemory(Codec::kLzma, test::LzmaAlone("a", 1u << 30)) >> 20, 1024u);

  const std::string text = fake::Random(fake::kBase64, 3u << 20) + "\nTOKEN=abc\n";
  TempDir tmp = test::MakeTempDir();
  NestedLimits limits;
  limits.spool_dir = tmp.path();
  for (uint32_t dict : {uint32_t{8} << 20, uint32_t{1} << 30}) {
    const std::string outer = test::Compress(
        test::MakeTar({File("lib/a.zip", MakeLzmaZip("big.txt", text, dict))}), Filter::kGzip);
    Walked w = Walk("/srv/bundle.tgz", outer, limits);
    if (dict == (8u << 20)) {
      EXPECT_EQ(w.members, (Strings{"lib/a.zip", "lib/a.zip!big.txt"}));
      ASSERT_EQ(w.contents.size(), 2u);
      EXPECT_EQ(w.contents[1], text);
      EXPECT_TRUE(w.Skips().empty());
    } else {
      EXPECT_EQ(w.members, (Strings{"lib/a.zip"}));
      EXPECT_EQ(w.Skips(), (Strings{"memory:lib/a.zip!big.txt"}));
    }
  }
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
}

TEST(NestedTest, TextThatStartsLikeBzip2IsNoArchive) {
  EXPECT_FALSE(IsNestedArchive("/x/notes.txt", "BZh9 is how bzip2 files begin\n"));
}

TEST(NestedTest, PlainGzipIsOneMemberNamedAsGunzipWould) {
  Walked w = Walk("/usr/share/doc/x/notes.txt.gz", test::Compress("hello\n", Filter::kGzip));
  EXPECT_EQ(w.members, (Strings{"notes.txt"}));
  EXPECT_EQ(w.contents, (Strings{"hello\n"}));
}

// 512 zero bytes are tar's end marker: a gzip stream that starts with
// zeros once read as an empty tar, and its bytes were neither scanned nor
// counted as skipped.
TEST(NestedTest, GzipThatStartsWithZerosIsReadAsOnePlainMember) {
  std::string plain = std::string(64u << 10, '\0') + "\ntoken=after-the-zeros\n";
  Walked w = Walk("/data/z.gz", test::Compress(plain, Filter::kGzip));
  EXPECT_EQ(w.members, (Strings{"z"}));
  ASSERT_EQ(w.contents.size(), 1u);
  EXPECT_TRUE(w.contents[0] == plain) << w.contents[0].size() << " bytes";
  EXPECT_EQ(w.result.archives, 1u);
  EXPECT_TRUE(w.Skips().empty());
}

TEST(NestedTest, GzipOfManyZerosIsCutAtALimitAndNamedNotSilent) {
  Walked w = Walk("/data/bomb.gz", test::Compress(std::string(24u << 20, '\0'), Filter::kGzip));
  EXPECT_EQ(w.members, (Strings{"bomb"}));
  EXPECT_EQ(w.Skips(), (Strings{"ratio:bomb"}));
}

TEST(NestedTest, ArchivesNestToThreeLevelsAndTheFourthIsNamedAsSkipped) {
  std::string level4 = MakeZip({{"deep.txt", "four"}});
  std::string level3 = MakeZip({{"d.zip", level4}, {"c.txt", "three"}});
  std::string level2 = test::Compress(test::MakeTar({File("c.zip", level3)}), Filter::kGzip);
  std::string level1 = MakeZip({{"lib/b.tgz", level2}});
  Walked w = Walk("/a.war", level1);
  EXPECT_EQ(w.members, (Strings{"lib/b.tgz", "lib/b.tgz!c.zip", "lib/b.tgz!c.zip!d.zip",
                                "lib/b.tgz!c.zip!c.txt"}));
  EXPECT_EQ(w.Skips(), (Strings{"depth:lib/b.tgz!c.zip!d.zip"}));
  EXPECT_EQ(w.result.archives, 3u);
}

TEST(NestedTest, ZipBombStopsAtTheRatioLimit) {
  std::string zeros(64u << 20, '\0');
  std::string zip = MakeZip({{"zeros.bin", zeros}, {"after.txt", "never read"}});
  ASSERT_LT(zip.size(), 1u << 20);
  Walked w = Walk("bomb.zip", zip);
  // after.txt is not read: the archive itself is named too.
  EXPECT_EQ(w.Skips(), (Strings{"ratio:zeros.bin", "ratio:"}));
  EXPECT_EQ(w.members, (Strings{"zeros.bin"}));
  // The cap: 200 times the packed size plus 1 MiB of slack.
  EXPECT_EQ(w.result.bytes, 200 * zip.size() + (1u << 20));
}

TEST(NestedTest, ArchiveMemberIsCutAtTheMemberLimitAndStillScannedInPart) {
  NestedLimits limits;
  limits.max_member_bytes = 10;
  limits.max_ratio = 1000;
  std::string inner = MakeZip({{"deep.txt", "never reached"}}, /*store=*/true);
  Walked w = Walk("x.zip", MakeZip({{"inner.zip", inner}, {"small", "ok"}}), limits);
  EXPECT_EQ(w.members, (Strings{"inner.zip", "small"}));
  EXPECT_EQ(w.contents, (Strings{inner.substr(0, 10), "ok"}));
  EXPECT_EQ(w.Skips(), (Strings{"size:inner.zip"}));
}

// Only a member that is opened in turn is held whole: any other is read to
// its end, whatever its size, bounded by the ratio and the budget alone.
TEST(NestedTest, MemberThatIsNoArchiveIsReadInFullPastTheMemberLimit) {
  NestedLimits limits;
  limits.max_member_bytes = 10;
  limits.max_ratio = 1000;
  Walked w = Walk("x.zip", MakeZip({{"big", "0123456789abcdef"}, {"small", "ok"}}), limits);
  EXPECT_EQ(w.contents, (Strings{"0123456789abcdef", "ok"}));
  EXPECT_TRUE(w.Skips().empty());
}

TEST(NestedTest, MemberLargerThanAWindowComesInWindowsWithEveryByteOnce) {
  NestedLimits limits;
  limits.window = {1000, 100};
  std::string big;
  for (int i = 0; big.size() < 10'000; ++i) big += "line " + std::to_string(i) + "\n";
  std::string head(70'000, 'h');  // longer than the head read to tell an archive
  for (bool store : {false, true}) {
    Walked w = Walk("x.zip", MakeZip({{"a.txt", big}, {"b.txt", head}, {"c", "ok"}}, store),
                    limits);
    EXPECT_EQ(w.members, (Strings{"a.txt", "b.txt", "c"}));
    EXPECT_EQ(w.contents, (Strings{big, head, "ok"}));
    ASSERT_EQ(w.windows.size(), 3u);
    EXPECT_GE(w.windows[0], big.size() / 1000);
    EXPECT_GE(w.windows[1], head.size() / 1000);
    EXPECT_EQ(w.windows[2], 1u);
    EXPECT_EQ(w.result.bytes, big.size() + head.size() + 2);
    EXPECT_TRUE(w.Skips().empty());
  }
}

// An archive inside an archive larger than the head read to tell it is
// copied to a file of no name in spool_dir and opened from there, never held
// in memory and not cut at max_member_bytes; the copy is gone afterwards.
// With no place for the copy, it is held in memory up to that limit.
TEST(NestedTest, LargeArchiveInsideAnArchiveIsOpenedFromASpoolFile) {
  std::string filler = fake::Random(fake::kBase64, 3u << 20);  // does not compress
  std::string inner = MakeZip({{"blob.bin", filler}, {"conf/.env", "TOKEN=abc\n"}});
  std::string outer = test::Compress(test::MakeTar({File("lib/inner.jar", inner)}),
                                     Filter::kGzip);
  TempDir tmp = test::MakeTempDir();
  NestedLimits limits;
  limits.spool_dir = tmp.path();
  limits.max_member_bytes = 1 << 20;
  Walked w = Walk("/srv/bundle.tgz", outer, limits);
  EXPECT_EQ(w.members, (Strings{"lib/inner.jar", "lib/inner.jar!blob.bin",
                                "lib/inner.jar!conf/.env"}));
  ASSERT_EQ(w.contents.size(), 3u);
  EXPECT_EQ(w.contents[0], inner);  // its own bytes are scanned too
  EXPECT_EQ(w.contents[2], "TOKEN=abc\n");
  EXPECT_TRUE(w.Skips().empty());
  EXPECT_EQ(w.result.archives, 2u);
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));

  limits.spool_dir = tmp.path() / "missing";
  Walked held = Walk("/srv/bundle.tgz", outer, limits);
  EXPECT_EQ(held.members, (Strings{"lib/inner.jar"}));
  EXPECT_EQ(held.Skips(), (Strings{"size:lib/inner.jar"}));
}

// A copy that cannot be written (here: past a file size limit, as on a full
// disk) is an error of the walk, which fails the scan: never a pass.
TEST(NestedTest, NestedArchiveThatCannotBeCopiedIsAnError) {
  std::string filler = fake::Random(fake::kBase64, 3u << 20);
  std::string inner = MakeZip({{"blob.bin", filler}, {"conf/.env", "TOKEN=abc\n"}});
  std::string outer = MakeZip({{"lib/inner.jar", inner}}, /*store=*/true);
  TempDir tmp = test::MakeTempDir();
  NestedLimits limits;
  limits.spool_dir = tmp.path();
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 1 << 20;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  Walked w = Walk("/srv/app.war", outer, limits);
  setrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, old_handler);
  EXPECT_NE(w.result.error.find("lib/inner.jar: cannot copy it to " + tmp.path().string()),
            std::string::npos)
      << w.result.error;
  EXPECT_EQ(w.members, (Strings{"lib/inner.jar"}));
}

TEST(NestedTest, MemberInWindowsIsStillCutAtTheRatioLimit) {
  NestedLimits limits;
  limits.window = {1 << 20, 1 << 10};
  Walked w = Walk("/data/bomb.gz", test::Compress(std::string(24u << 20, 'a'), Filter::kGzip),
                  limits);
  EXPECT_EQ(w.Skips(), (Strings{"ratio:bomb"}));
  EXPECT_GT(w.windows.at(0), 1u);
}

TEST(NestedTest, TotalBudgetStopsTheWholeWalk) {
  NestedLimits limits;
  limits.max_total_bytes = 12;
  limits.total_per_packed = 0;
  Walked w = Walk("x.zip", MakeZip({{"a", "0123456789"}, {"b", "0123456789"}, {"c", "c"}}),
                  limits);
  EXPECT_EQ(w.contents, (Strings{"0123456789", "01"}));
  // c is not read: the archive itself is named too, never a silent end.
  EXPECT_EQ(w.Skips(), (Strings{"size:b", "size:"}));
}

// The budget grows with the layer file: a large archive of content that
// does not compress is read to its end, and a member after it too.
TEST(NestedTest, BudgetGrowsWithTheLayerFileSoAMemberAfterALargeOneIsRead) {
  NestedLimits limits;
  limits.max_total_bytes = 1 << 20;
  std::string big = fake::Random(fake::kBase64, 3u << 20);
  Walked w = Walk("app.tar.gz",
                  test::Compress(test::MakeTar({File("model.bin", big),
                                                File("config.env", "TOKEN=abc\n")}),
                                 Filter::kGzip),
                  limits);
  EXPECT_EQ(w.members, (Strings{"model.bin", "config.env"}));
  EXPECT_TRUE(w.Skips().empty());
}

TEST(NestedTest, TarBombOfManyEntriesStopsAtTheEntryLimit) {
  std::vector<test::TarMember> many;
  for (int i = 0; i < 50; ++i) many.push_back(File("f" + std::to_string(i), "x"));
  NestedLimits limits;
  limits.max_members = 20;
  Walked w = Walk("many.tar", test::MakeTar(many), limits);
  EXPECT_EQ(w.members.size(), 20u);
  EXPECT_EQ(w.Skips(), (Strings{"entries:"}));
}

TEST(NestedTest, TruncatedGzipIsUnreadableNotSilent) {
  // Cut in the header: the file itself is unreadable.
  std::string small = test::Compress(std::string(100000, 'a'), Filter::kGzip);
  EXPECT_EQ(Walk("x.gz", small.substr(0, 8)).Skips(), (Strings{"unreadable:"}));
  // Cut in the data: the member is unreadable, what came before is scanned.
  std::string noise;
  uint32_t state = 1;
  for (int i = 0; i < 200000; ++i) {
    state = state * 1103515245u + 12345u;
    noise += static_cast<char>('a' + (state >> 16) % 26);
  }
  std::string gz = test::Compress(noise, Filter::kGzip);
  Walked w = Walk("x.gz", gz.substr(0, gz.size() / 2));
  EXPECT_EQ(w.Skips(), (Strings{"unreadable:x"}));
  ASSERT_EQ(w.contents.size(), 1u);
  EXPECT_GT(w.contents[0].size(), 0u);
  EXPECT_EQ(w.contents[0], noise.substr(0, w.contents[0].size()));
}

TEST(NestedTest, GzipOfAnEmptyFileIsNeitherAMemberNorASkip) {
  Walked w = Walk("/usr/share/man/man1/x.1.gz", test::Compress("", Filter::kGzip));
  EXPECT_TRUE(w.members.empty());
  EXPECT_EQ(w.Skips(), Strings{});
}

TEST(NestedTest, CorruptZipIsUnreadable) {
  std::string zip = MakeZip({{"a.txt", std::string(5000, 'q')}});
  zip[40] ^= 0x55;
  zip[41] ^= 0x55;
  Walked w = Walk("x.zip", zip.substr(0, 60));
  ASSERT_FALSE(w.result.skipped.empty());
  EXPECT_EQ(w.result.skipped[0].reason, SkipReason::kUnreadable);
}

TEST(NestedTest, BinaryFileNamedLikeAnArchiveThatIsNoneIsUnreadable) {
  Walked w = Walk("/x/notreally.jar", std::string("\x01\x02no zip\0here", 13));
  EXPECT_TRUE(w.members.empty());
  EXPECT_EQ(w.Skips(), (Strings{"unreadable:"}));
}

// dpkg keeps /var/lib/dpkg/alternatives/builtins.7.gz, a text file: its
// bytes were scanned as they are, nothing went unread.
TEST(NestedTest, TextFileNamedLikeAnArchiveIsNoSkip) {
  for (const char* name : {"/var/lib/dpkg/alternatives/builtins.7.gz", "/x/notes.jar"}) {
    Walked w = Walk(name, "manual\n/usr/share/man/man7/builtins.7.gz\r\n\tpath\f\n");
    EXPECT_TRUE(w.members.empty()) << name;
    EXPECT_TRUE(w.result.skipped.empty()) << name;
  }
}

TEST(NestedTest, ArchiveIsRecognisedByMagicOrName) {
  EXPECT_TRUE(IsNestedArchive("/x/renamed.bin", MakeZip({{"a", "b"}})));
  EXPECT_TRUE(IsNestedArchive("/x/data", test::Compress("a", Filter::kGzip)));
  EXPECT_TRUE(IsNestedArchive("/x/data", test::MakeTar({File("a", "b")})));
  EXPECT_TRUE(IsNestedArchive("/x/app.WHL", "garbage"));
  EXPECT_FALSE(IsNestedArchive("/x/readme.txt", "plain text"));
  EXPECT_FALSE(IsNestedArchive("/x/empty.zip", ""));
}

// An ar archive ("!<arch>", 60-byte member headers, even padding): a
// Debian package is one, holding debian-binary, control.tar.* and
// data.tar.*.
std::string MakeAr(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string out = "!<arch>\n";
  for (const auto& [name, data] : members) {
    char header[61];
    std::snprintf(header, sizeof header, "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", name.c_str(), "0",
                  "0", "0", "100644", data.size());
    out.append(header, 60);
    out += data;
    if (data.size() % 2 != 0) out += '\n';
  }
  return out;
}

std::string MakeDeb(const std::string& data_tar_xz, const std::string& md5sums = "") {
  std::vector<test::TarMember> control_files = {
      File("./control", "Package: mytool\nVersion: 1.0\n")};
  if (!md5sums.empty()) control_files.push_back(File("./md5sums", md5sums));
  std::string control = test::Compress(test::MakeTar(control_files), Filter::kXz);
  return MakeAr({{"debian-binary", "2.0\n"},
                 {"control.tar.xz", control},
                 {"data.tar.xz", data_tar_xz}});
}

TEST(NestedTest, DebianPackageIsOpenedThroughItsDataTar) {
  std::string conf = "token: " + fake::Make(fake::Kind::kGitlabToken) + "\n";
  std::string data = test::Compress(
      test::MakeTar({File("./etc/mytool/conf.yml", conf)}), Filter::kXz);
  std::string deb = MakeDeb(data);
  EXPECT_TRUE(IsNestedArchive("/var/cache/apt/archives/mytool_1.0_all.deb", deb));
  EXPECT_TRUE(IsNestedArchive("/tmp/renamed", deb));  // by its magic alone
  Walked w = Walk("/var/cache/apt/archives/mytool_1.0_all.deb", deb);
  EXPECT_EQ(w.members, (Strings{"debian-binary", "control.tar.xz", "control.tar.xz!control",
                                "data.tar.xz", "data.tar.xz!etc/mytool/conf.yml"}));
  EXPECT_EQ(w.contents.back(), conf);
  EXPECT_TRUE(w.result.skipped.empty()) << w.Skips().size();
  EXPECT_EQ(w.result.archives, 3u);  // the ar and its two tar.xz
}

// Python's zipapp writes a shebang line, then the zip (deflated with -c):
// opened by its end record, whatever the file is named.
TEST(NestedTest, AZipAfterAScriptLineIsOpened) {
  TempDir tmp = test::MakeTempDir();
  const std::string token = fake::Make(fake::Kind::kGithubToken);
  std::filesystem::create_directories(tmp.path() / "src");
  test::WriteFile(tmp.path() / "src/__main__.py", "TOKEN = \"" + token + "\"\n");
  const std::string command = "cd '" + tmp.path().string() +
                              "' && python3 -m zipapp src -c -p '/usr/bin/env python3' -o app.pyz";
  ASSERT_EQ(std::system(command.c_str()), 0) << "python3 -m zipapp";
  const std::string app = test::ReadBytes(tmp.path() / "app.pyz");
  ASSERT_EQ(app.rfind("#!/usr/bin/env python3\n", 0), 0u);
  for (const char* name : {"/usr/local/bin/app.pyz", "/usr/local/bin/app"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(IsNestedArchive(name, app));
    Walked w = Walk(name, app);
    EXPECT_EQ(w.members, (Strings{"__main__.py"}));
    ASSERT_EQ(w.contents.size(), 1u);
    EXPECT_NE(w.contents[0].find(token), std::string::npos);
  }
  EXPECT_FALSE(IsNestedArchive("/usr/local/bin/tool", "#!/bin/sh\necho PK\n"));
}

// makeself's .run and other self-extracting installers: a shell script,
// then a compressed tar from the line after the script's last.
std::string SelfExtracting(const std::string& archive) {
  return "#!/bin/sh\n# This script was generated using Makeself 2.4.5\n"
         "offset=`head -n 4 \"$0\" | wc -c | tr -d \" \"`\n"
         "dd if=\"$0\" bs=1 skip=$offset 2>/dev/null | tar xzf - && exit 0\n" +
         archive;
}

TEST(NestedTest, TheArchiveAfterASelfExtractingScriptIsOpened) {
  const std::string token = fake::Make(fake::Kind::kGithubToken);
  const std::string tar = test::MakeTar({test::Dir("payload/"),
                                         File("payload/install.conf", "TOKEN=" + token + "\n")});
  for (Filter filter : {Filter::kNone, Filter::kGzip, Filter::kXz, Filter::kBzip2,
                        Filter::kZstd}) {
    const std::string run = SelfExtracting(test::Compress(tar, filter));
    SCOPED_TRACE(static_cast<int>(filter));
    EXPECT_TRUE(IsNestedArchive("/opt/driver.run", run));
    Walked w = Walk("/opt/driver.run", run);
    EXPECT_EQ(w.members, (Strings{"payload/install.conf"}));
    EXPECT_EQ(w.contents, (Strings{"TOKEN=" + token + "\n"}));
    EXPECT_TRUE(w.result.skipped.empty()) << w.Skips().size();
    // Read from a file (a large layer file, a spooled member) alike.
    TempDir tmp = test::MakeTempDir();
    test::WriteFile(tmp.path() / "driver.run", run);
    Fd fd(open((tmp.path() / "driver.run").c_str(), O_RDONLY | O_CLOEXEC));
    ASSERT_GE(fd.get(), 0);
    Strings members;
    NestedResult r = WalkNestedFile(
        "/opt/driver.run", fd.get(), run.size(), {},
        [&](const std::string& m, const ContentWindow&) { members.push_back(m); });
    EXPECT_EQ(members, (Strings{"payload/install.conf"}));
    EXPECT_TRUE(r.skipped.empty());
    // And inside another archive.
    Walked outer = Walk("/srv/bundle.tar", test::MakeTar({File("bin/setup.run", run)}));
    EXPECT_EQ(outer.members, (Strings{"bin/setup.run", "bin/setup.run!payload/install.conf"}));
  }
}

TEST(NestedTest, AScriptWithoutAnArchiveAfterItIsNone) {
  // Binary bytes that are no archive, and archive magic inside a line.
  const std::string binary("\x01\x02\x03", 3);
  EXPECT_FALSE(IsNestedArchive("/opt/tool", "#!/bin/sh\nexit 0\n" + binary));
  EXPECT_FALSE(IsNestedArchive("/opt/tool", "#!/bin/sh\necho \x1f\x8b\x08 > x\n"));
  EXPECT_FALSE(IsNestedArchive("/opt/tool", "echo hi\n" + test::Compress("x", Filter::kGzip)));
}

// A zip after an executable stub (a self-extracting installer) or a cache
// entry's header (pip's HTTP cache): opened by the end record that closes
// the file.
TEST(NestedTest, AZipAfterABinaryHeaderIsOpened) {
  const std::string zip = MakeZip({{"config/.env", "STRIPE_KEY=x\n"}});
  const std::string elf =
      "\x7f" "ELF" + std::string("\x02\x01\x01\0", 4) + std::string(4000, '\x90');
  const std::string cache_header =
      std::string("\x00\x01\x02" "cc=max-age", 13) + std::string(189, '\x01');
  for (const std::string& stub : {elf, cache_header}) {
    const std::string file = stub + zip;
    EXPECT_TRUE(IsNestedArchive("/opt/tool/tool-sfx", file));
    Walked w = Walk("/opt/tool/tool-sfx", file);
    EXPECT_EQ(w.members, (Strings{"config/.env"}));
    EXPECT_TRUE(w.result.skipped.empty()) << w.Skips().size();
  }
  // An end record that leaves bytes after it is no zip's end (unless a
  // script starts the file, whose zip may carry a comment).
  EXPECT_FALSE(IsNestedArchive("/opt/tool/blob", elf + zip + "tail"));
}

TEST(NestedTest, StaticLibraryIsAnArArchiveToo) {
  Walked w = Walk("/usr/lib/libx.a", MakeAr({{"a.o", "\x7f" "ELF object"}, {"b.o", "odd"}}));
  EXPECT_EQ(w.members, (Strings{"a.o", "b.o"}));
  EXPECT_EQ(w.contents[1], "odd");
}

TEST(NestedTest, ArchiveKindsThatAreNotOpenedAreNamedAsUnsupported) {
  const std::string kinds[] = {
      std::string("7z\xbc\xaf\x27\x1c\x00\x04", 8) + "rest",
      std::string("Rar!\x1a\x07\x01\x00", 8) + "rest",
      std::string("\xed\xab\xee\xdb\x03\x00", 6) + "rpm",
      "070701" + std::string(104, '0') + "cpio",
      std::string("\x1f\x9d\x90", 3) + "compress",
      "hsqs" + std::string(60, '\x01'),
  };
  for (const std::string& bytes : kinds) {
    EXPECT_TRUE(IsNestedArchive("/opt/blob", bytes)) << bytes.substr(0, 4);
    Walked w = Walk("/opt/blob", bytes);
    EXPECT_TRUE(w.members.empty());
    EXPECT_EQ(w.Skips(), (Strings{"unsupported:"})) << bytes.substr(0, 4);
  }
  // Inside an archive, the member is named.
  Walked w = Walk("/opt/a.zip", MakeZip({{"inner.7z", kinds[0]}}));
  EXPECT_EQ(w.Skips(), (Strings{"unsupported:inner.7z"}));
  // Text that merely starts with digits is no cpio archive.
  EXPECT_FALSE(IsNestedArchive("/x/list", "070701 is a date, not an archive\n"));
}

TEST(NestedTest, MemberNamesAreNormalisedAndNeverAbsolute) {
  Walked w = Walk("x.zip", MakeZip({{"/etc/../../abs.txt", "a"}, {"./a//b/./c", "b"}}));
  EXPECT_EQ(w.members, (Strings{"abs.txt", "a/b/c"}));
}

TEST(NestedTest, HugeSparseMemberIsBoundedByTheRatioLimit) {
  std::string tar = test::MakeSparseTar("big", int64_t{1} << 40, 0, "head");
  Walked w = Walk("sparse.tar", tar);
  EXPECT_EQ(w.Skips(), (Strings{"ratio:big", "ratio:"}));
  EXPECT_EQ(w.result.bytes, 200 * tar.size() + (1u << 20));
}

TEST(NestedTest, MemberNameThatIsNotUtf8KeepsItsBytes) {
  Walked w = Walk("names.tar", test::MakeTar({File("caf\xe9/\xff\xfe.txt", "x")}));
  EXPECT_EQ(w.members, (Strings{"caf\xe9/\xff\xfe.txt"}));
}

// Every entry, of any type, at every level, as "member own-offset target".
TEST(NestedTest, EveryEntryNameIsHandedOverAtEveryLevel) {
  std::string zip = MakeZip({{"conf/app.yml", "a: 1\n"}});
  std::string tgz = test::Compress(
      test::MakeTar({test::Dir("./lib/"), File("./lib/inner.jar", zip),
                     test::Symlink("lib/current", "inner.jar"),
                     test::Hardlink("lib/again.jar", "lib/inner.jar")}),
      Filter::kGzip);
  std::vector<std::string> names;
  WalkNested("/srv/bundle.tgz", tgz, {}, [](const std::string&, const ContentWindow&) {},
             [&](const MemberName& n) {
               names.push_back(n.member + " " + std::to_string(n.own) + " " +
                               std::string(n.link_target));
             });
  EXPECT_EQ(names, (Strings{"lib 0 ", "lib/inner.jar 0 ", "lib/inner.jar!conf/app.yml 14 ",
                            "lib/current 0 inner.jar", "lib/again.jar 0 "}));
}

// A plain .gz names its one member after itself: no name of its own.
TEST(NestedTest, TheOneMemberOfACompressedStreamHasNoNameOfItsOwn) {
  std::vector<std::string> names;
  Walked w;
  WalkNested("/var/log/old.log.gz", test::Compress("line\n", Filter::kGzip), {},
             [&](const std::string& m, const ContentWindow&) { w.members.push_back(m); },
             [&](const MemberName& n) { names.push_back(n.member); });
  EXPECT_EQ(w.members, (Strings{"old.log"}));
  EXPECT_TRUE(names.empty());
}

// Through the whole scan: layer file, member, layer and the report.
class NestedScanTest : public ::testing::Test {
 protected:
  ScanOutput ScanLayer(std::vector<test::TarMember> entries) {
    TempDir tmp = test::MakeTempDir();
    test::OciLayout layout(tmp.path() / "img");
    std::string tar = test::MakeTar(entries);
    auto blob = layout.AddBlob(test::kTarGzip, test::Compress(tar, Filter::kGzip));
    layout.WriteIndex({layout.AddImage({blob})});
    auto image = OpenOciLayout(tmp.path() / "img", "");
    EXPECT_TRUE(image) << image.error();
    auto out = ScanImage(*image, Detector::Default());
    EXPECT_TRUE(out) << out.error();
    return out ? *out : ScanOutput{};
  }
};

// A member is judged by its own name in the directory of the file that
// holds it: Debian gzips its man pages and most docs, and their examples
// are documentation as the same text unpacked is.
TEST_F(NestedScanTest, AMemberIsJudgedInTheDirectoryOfItsArchive) {
  const std::string text = "Use the password = 'Kq82hZp4Lw9x' option\n";
  const std::string gz = test::Compress(text, Filter::kGzip);
  ScanOutput out = ScanLayer({File("usr/share/man/man1/tool.1.gz", gz),
                              File("usr/share/doc/tool/README.md.gz", gz),
                              File("srv/app/notes.md.gz", gz), File("srv/app/notes.md", text),
                              File("usr/share/doc/tool/notes.md", text)});
  std::map<std::string, Severity> by_path;
  for (const Finding& f : out.findings) by_path[f.path] = f.severity;
  EXPECT_EQ(by_path, (std::map<std::string, Severity>{
                         {"/usr/share/man/man1/tool.1.gz", Severity::kLow},
                         {"/usr/share/doc/tool/README.md.gz", Severity::kLow},
                         {"/usr/share/doc/tool/notes.md", Severity::kLow},
                         {"/srv/app/notes.md.gz", Severity::kHigh},
                         {"/srv/app/notes.md", Severity::kHigh}}));
  // Its own name still counts: a .npmrc in a backup tarball is one.
  const std::string npmrc = "//registry.npmjs.org/:_authToken=" +
                            fake::Make(fake::Kind::kNpmToken) + "\n";
  ScanOutput backup = ScanLayer(
      {File("var/backups/home.tar.gz",
            test::Compress(test::MakeTar({File("home/u/.npmrc", npmrc)}), Filter::kGzip))});
  ASSERT_EQ(backup.findings.size(), 1u);
  EXPECT_EQ(backup.findings[0].member, "home/u/.npmrc");
}

TEST_F(NestedScanTest, SecretInAJarIsReportedAtItsMember) {
  std::string tok = fake::Make(fake::Kind::kGithubToken);
  std::string jar = MakeZip({{"BOOT-INF/classes/application.yml", "github:\n  token: " + tok}});
  ScanOutput out = ScanLayer({test::Dir("app/"), File("app/app.jar", jar)});
  ASSERT_EQ(out.findings.size(), 1u);
  const Finding& f = out.findings[0];
  EXPECT_EQ(f.path, "/app/app.jar");
  EXPECT_EQ(f.member, "BOOT-INF/classes/application.yml");
  EXPECT_EQ(f.line, 2);
  EXPECT_EQ(f.layer->index, 0);
  EXPECT_FALSE(f.deleted.value());
  EXPECT_EQ(out.stats.archives, 1u);
  EXPECT_EQ(out.stats.members, 1u);
}

// A member larger than a window is scanned window by window: a token on
// a boundary is found once, at its line in the member.
TEST_F(NestedScanTest, SecretInAMemberLargerThanAWindowIsFoundOnceAtItsLine) {
  std::string tok = fake::Make(fake::Kind::kGithubToken);
  std::string log;
  for (int i = 0; i < 300'000; ++i) log += "request " + std::to_string(i) + " ok\n";
  const size_t lines = 300'000;
  log += "token=" + tok + "\n";
  ASSERT_GT(log.size(), NestedLimits{}.window.step + 1'000'000);
  std::string jar = MakeZip({{"logs/app.log", log}});
  ScanOutput out = ScanLayer({File("app/app.jar", jar)});
  ASSERT_EQ(out.findings.size(), 1u);
  EXPECT_EQ(out.findings[0].member, "logs/app.log");
  EXPECT_EQ(out.findings[0].line, static_cast<int>(lines + 1));
  EXPECT_EQ(out.findings[0].column, 7);
}

TEST_F(NestedScanTest, StoredMemberIsReportedOnceAtTheMember) {
  std::string tok = fake::Make(fake::Kind::kGithubToken);
  std::string zip = MakeZip({{"creds.txt", "token=" + tok + "\n"}}, /*store=*/true);
  ASSERT_NE(zip.find(tok), std::string::npos);
  ScanOutput out = ScanLayer({File("opt/bundle.zip", zip)});
  ASSERT_EQ(out.findings.size(), 1u);
  EXPECT_EQ(out.findings[0].member, "creds.txt");
}

TEST_F(NestedScanTest, SkipsAreNamedInTheReportJson) {
  std::string zip = MakeZip({{"zeros.bin", std::string(64u << 20, '\0')}});
  const std::string not_zip("\x03not a zip\x00", 11);
  ScanOutput out = ScanLayer({File("bomb.zip", zip), File("fake.whl", not_zip)});
  Report report;
  report.stats = out.stats;
  nlohmann::json j = ToJson(report);
  EXPECT_EQ(j["stats"]["skipped"],
            (nlohmann::json{{"total", 3}, {"size", 0}, {"ratio", 2}, {"depth", 0},
                            {"entries", 0}, {"unreadable", 1}, {"unsupported", 0},
                            {"memory", 0}}));
  std::vector<std::string> listed;
  for (const auto& s : j["skipped"]) {
    listed.push_back(s["reason"].get<std::string>() + " " + s["path"].get<std::string>() +
                     " " + s.value("member", "") + " " + std::to_string(s["layer"].get<int>()));
  }
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, (Strings{"ratio /bomb.zip  0", "ratio /bomb.zip zeros.bin 0",
                             "unreadable /fake.whl  0"}));
  std::string text = RenderText(report, TextStyle{});
  EXPECT_NE(text.find("safebuild: not read in full: 3 (2 ratio, 1 unreadable)\n"),
            std::string::npos)
      << text;
}

// dpkg's sums (/var/lib/dpkg/info) vouch for files a package installed,
// not for a package file left in apt's cache: the members of a .deb with no
// md5sums of its own are scanned and reported.
TEST_F(NestedScanTest, MembersOfADebInAptsCacheAreReportedNotSuppressed) {
  std::string conf = "token: " + fake::Make(fake::Kind::kGitlabToken) + "\n";
  std::string data = test::Compress(
      test::MakeTar({File("./etc/mytool/conf.yml", conf)}), Filter::kXz);
  std::string sums = Md5Hex(conf) + "  etc/mytool/conf.yml\n";
  ScanOutput out = ScanLayer({File("var/lib/dpkg/info/mytool.md5sums", sums),
                              File("etc/mytool/conf.yml", conf),
                              File("var/cache/apt/archives/mytool_1.0_all.deb", MakeDeb(data))});
  ASSERT_EQ(out.findings.size(), 2u);
  const Finding* member = nullptr;
  const Finding* installed = nullptr;
  for (const Finding& f : out.findings) (f.member.empty() ? installed : member) = &f;
  ASSERT_NE(member, nullptr);
  ASSERT_NE(installed, nullptr);
  EXPECT_EQ(member->path, "/var/cache/apt/archives/mytool_1.0_all.deb");
  EXPECT_EQ(member->member, "data.tar.xz!etc/mytool/conf.yml");
  EXPECT_EQ(member->rule, "gitlab-token");
  EXPECT_EQ(member->line, 1);
  EXPECT_TRUE(member->suppressed.empty()) << member->suppressed;
  // The installed copy, unchanged since dpkg wrote it, came from the
  // package: suppressed, as before.
  EXPECT_EQ(installed->path, "/etc/mytool/conf.yml");
  EXPECT_FALSE(installed->suppressed.empty());
  EXPECT_TRUE(out.stats.skipped.empty());
}

// A .deb's own md5sums (in its control.tar) vouch for its data.tar's
// files as dpkg's vouch for an installed copy: a member as listed, where
// Debian installs, is suppressed with the package named, and so are the
// members of an archive that is such a member. A member that differs from
// its sum, or that installs to /opt, is reported.
TEST_F(NestedScanTest, MembersOfADebAsItsOwnSumsListThemAreSuppressed) {
  const std::string conf = "token: " + fake::Make(fake::Kind::kGitlabToken) + "\n";
  const std::string changed = "token: " + fake::Make(fake::Kind::kGitlabToken) + "\n";
  const std::string gz = test::Compress(conf, Filter::kGzip);
  std::string data = test::Compress(
      test::MakeTar({File("./usr/share/mytool/conf.yml", conf),
                     File("./usr/share/mytool/data.gz", gz),
                     File("./etc/mytool/changed.yml", changed),
                     File("./opt/mytool/conf.yml", conf)}),
      Filter::kXz);
  std::string sums = Md5Hex(conf) + "  usr/share/mytool/conf.yml\n" + Md5Hex(gz) +
                     "  usr/share/mytool/data.gz\n" + Md5Hex(conf) +
                     "  etc/mytool/changed.yml\n" + Md5Hex(conf) + "  opt/mytool/conf.yml\n";
  ScanOutput out =
      ScanLayer({File("var/cache/apt/archives/mytool_1.0_all.deb", MakeDeb(data, sums))});
  std::map<std::string, std::string> suppressed;
  for (const Finding& f : out.findings) suppressed[f.member] = f.suppressed;
  const std::string why = "packaged: as shipped in the Debian package mytool (mytool_1.0_all.deb)";
  EXPECT_EQ(suppressed, (std::map<std::string, std::string>{
                            {"data.tar.xz!usr/share/mytool/conf.yml", why},
                            {"data.tar.xz!usr/share/mytool/data.gz!data", why},
                            {"data.tar.xz!etc/mytool/changed.yml", ""},
                            {"data.tar.xz!opt/mytool/conf.yml", ""}}));
}

// A file in a .deb is judged where it installs to: documentation as
// documentation, a test's data as test data.
TEST_F(NestedScanTest, MembersOfADebAreJudgedWhereTheyInstall) {
  const std::string text = "Use the password = 'Kq82hZp4Lw9x' option\n";
  std::string data = test::Compress(
      test::MakeTar({File("./usr/share/doc/mytool/guide.txt", text),
                     File("./usr/share/doc/mytool/changelog.gz",
                          test::Compress(text, Filter::kGzip)),
                     File("./etc/mytool/app.conf", text)}),
      Filter::kXz);
  ScanOutput out = ScanLayer({File("var/cache/apt/archives/mytool_1.0_all.deb", MakeDeb(data))});
  std::map<std::string, Severity> by_member;
  for (const Finding& f : out.findings) by_member[f.member] = f.severity;
  // A file in a file of the package (changelog.gz's) is documentation too.
  EXPECT_EQ(by_member,
            (std::map<std::string, Severity>{
                {"data.tar.xz!usr/share/doc/mytool/guide.txt", Severity::kLow},
                {"data.tar.xz!usr/share/doc/mytool/changelog.gz!changelog", Severity::kLow},
                {"data.tar.xz!etc/mytool/app.conf", Severity::kHigh}}));
}

// Every way the report is printed: JSON, SARIF and text.
std::string Rendered(const ScanOutput& out) {
  Report report;
  report.findings = out.findings;
  report.stats = out.stats;
  return ToJson(report).dump() + "\n" + ToSarif(report, SarifOptions{"/src"}).dump() + "\n" +
         RenderText(report, TextStyle{});
}

TEST_F(NestedScanTest, TokenInAZipMemberNameIsReportedWithTheMemberRedacted) {
  std::string gh = fake::Make(fake::Kind::kGithubToken);
  std::string jar = MakeZip({{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"},
                             {"conf/" + gh + "/app.properties", "a=1\n"},
                             {"conf/" + gh + "/other.properties", "b=2\n"}});
  ScanOutput out = ScanLayer({test::Dir("app/"), File("app/app.jar", jar)});
  // Deflated, the name is still in the zip's headers: one finding, at the member.
  ASSERT_EQ(out.findings.size(), 1u);
  const Finding& f = out.findings[0];
  EXPECT_EQ(f.path, "/app/app.jar");
  EXPECT_EQ(f.member, "conf/" + Redact(gh));
  EXPECT_EQ(f.found_in, "name");
  EXPECT_EQ(f.rule, "github-classic-token");
  EXPECT_EQ(f.fingerprint, Fingerprint("github-classic-token", gh));
  EXPECT_EQ(f.line, 0);
  EXPECT_EQ(f.layer->index, 0);
  EXPECT_FALSE(f.deleted.value());
  EXPECT_NE(f.message.find("name"), std::string::npos);
  std::string printed = Rendered(out);
  EXPECT_EQ(printed.find(gh), std::string::npos);
  EXPECT_NE(printed.find("/app/app.jar!conf/" + Redact(gh)), std::string::npos);
}

// A tar.gz holding a file named with a token, a symlink to one, and a zip
// whose member is named with one: each found, at any depth; the content
// finding of the file named with a token shows its member redacted too.
TEST_F(NestedScanTest, TokensInMemberNamesAndLinkTargetsOfATarGzAreFoundAtAnyDepth) {
  std::string gl = fake::Make(fake::Kind::kGitlabToken);
  std::string npm = fake::Make(fake::Kind::kNpmToken);
  std::string aws = fake::Make(fake::Kind::kAwsAccessKeyId);
  std::string gh = fake::Make(fake::Kind::kGithubToken);
  std::string zip = MakeZip({{"keys/" + aws, "x\n"}});
  std::string tgz = test::Compress(
      test::MakeTar({File("./etc/" + gl + ".conf", "token=" + gh + "\n"),
                     test::Symlink("./etc/npm", "/run/" + npm), File("./lib/deps.zip", zip)}),
      Filter::kGzip);
  ScanOutput out = ScanLayer({File("opt/bundle.tar.gz", tgz)});
  std::vector<std::string> got;
  for (const Finding& f : out.findings) {
    got.push_back(f.found_in + " " + f.rule + " " + f.path + "!" + f.member);
  }
  EXPECT_EQ(got, (Strings{"name gitlab-token /opt/bundle.tar.gz!etc/" + Redact(gl) + ".conf",
                          " github-classic-token /opt/bundle.tar.gz!etc/" + Redact(gl) + ".conf",
                          "link-target npm-token /opt/bundle.tar.gz!etc/npm",
                          "name aws-access-key-id /opt/bundle.tar.gz!lib/deps.zip!keys/" +
                              Redact(aws)}));
  std::string printed = Rendered(out);
  for (const std::string& secret : {gl, npm, aws, gh}) {
    EXPECT_EQ(printed.find(secret), std::string::npos) << secret;
  }
}

// A skip names its member redacted, as a finding does.
TEST_F(NestedScanTest, SkippedMemberNamedWithATokenIsShownRedacted) {
  std::string gh = fake::Make(fake::Kind::kGithubToken);
  std::string zip = MakeZip({{gh + ".bin", std::string(64u << 20, '\0')}});
  ScanOutput out = ScanLayer({File("bomb.zip", zip)});
  ASSERT_EQ(out.stats.skipped.size(), 2u);  // the archive after it, and the member
  EXPECT_EQ(out.stats.skipped[0].member, "");
  EXPECT_EQ(out.stats.skipped[1].member, Redact(gh) + ".bin");
  EXPECT_EQ(Rendered(out).find(gh), std::string::npos);
}

// Names as real jars, wheels and packages have them are no findings.
TEST_F(NestedScanTest, OrdinaryMemberNamesAreNoFindings) {
  std::string jar = MakeZip(
      {{"META-INF/maven/org.apache.commons/commons-lang3/pom.properties", "version=3.12.0\n"},
       {"org/apache/commons/lang3/StringUtils$1.class", "\xca\xfe\xba\xbe"},
       {"com/amazonaws/auth/AWSCredentialsProviderChain.class", "\xca\xfe\xba\xbe"},
       {"numpy-1.26.4.dist-info/RECORD", "numpy/__init__.py,sha256=abc,100\n"},
       {"numpy/core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so", "\x7f" "ELF"},
       {"5f/2d7e3c9a1b4e6f8a0c2d4e6f8a0b1c3d5e7f9a.json", "{}"},
       {"node_modules/@aws-sdk/credential-provider-ini/dist-cjs/index.js", "x"}});
  ScanOutput out = ScanLayer({File("usr/share/java/app.jar", jar)});
  EXPECT_TRUE(out.findings.empty());
  EXPECT_EQ(out.stats.members, 7u);
}

TEST_F(NestedScanTest, DepthZeroTurnsNestedScanningOff) {
  TempDir tmp = test::MakeTempDir();
  test::OciLayout layout(tmp.path() / "img");
  std::string tok = fake::Make(fake::Kind::kGithubToken);
  std::string tar = test::MakeTar({File("a.zip", MakeZip({{"t", "token=" + tok}}))});
  layout.WriteIndex({layout.AddImage({layout.AddBlob(test::kTarGzip,
                                                     test::Compress(tar, Filter::kGzip))})});
  auto image = OpenOciLayout(tmp.path() / "img", "");
  ASSERT_TRUE(image) << image.error();
  ScanOptions options;
  options.nested.max_depth = 0;
  auto out = ScanImage(*image, Detector::Default(), options);
  ASSERT_TRUE(out) << out.error();
  EXPECT_TRUE(out->findings.empty());
  EXPECT_EQ(out->stats.archives, 0u);
}

}  // namespace
}  // namespace safebuild
