// Files larger than a window are scanned to their last byte, each secret
// found once at its line, in bounded memory: sparse files of hundreds of
// MiB and a GiB, in a layer tar and in an overlay layer directory.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <cstdint>
#include <string>
#include <vector>

#include "fake_secret.h"
#include "peak_rss.h"
#include "image/layer_dir.h"
#include "image_fixtures.h"
#include "scan/scanner.h"
#include "util/allocator.h"
#include "util/fd.h"

namespace safebuild {
namespace {

namespace fs = std::filesystem;
using test::PeakRssBytes;
using test::ResetPeakRss;

constexpr uint64_t kMiB = 1 << 20;

// One secret planted in a file of zeros: its offset, and its line (every
// piece starts and ends with a newline).
struct Planted {
  uint64_t offset;  // of the token itself
  std::string token;
  int line;
};

// Three tokens: across the first window boundary, inside the second
// window's leading overlap (in two windows' bytes, owned by one), and at
// the very end of the file.
std::vector<Planted> PlantTokens(uint64_t size) {
  const uint64_t step = WindowSize{}.step;
  std::vector<Planted> out;
  const std::vector<uint64_t> piece_at = {step - 20, step + 1000, 0};
  int line = 1;
  for (size_t i = 0; i < piece_at.size(); ++i) {
    std::string tok = fake::Make(fake::Kind::kGithubToken);
    std::string piece = "\ntoken=" + tok + "\n";
    uint64_t at = piece_at[i] == 0 ? size - piece.size() : piece_at[i];
    ++line;
    out.push_back({at + 7, tok, line});
    ++line;
  }
  return out;
}

std::vector<std::pair<int64_t, std::string>> Pieces(const std::vector<Planted>& planted) {
  std::vector<std::pair<int64_t, std::string>> pieces;
  for (const Planted& p : planted) {
    pieces.emplace_back(static_cast<int64_t>(p.offset - 7), "\ntoken=" + p.token + "\n");
  }
  return pieces;
}

void WriteSparseFile(const fs::path& path, uint64_t size, const std::vector<Planted>& planted) {
  Fd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  ASSERT_GE(fd.get(), 0);
  ASSERT_EQ(ftruncate(fd.get(), static_cast<off_t>(size)), 0);
  for (const auto& [offset, bytes] : Pieces(planted)) {
    ASSERT_EQ(pwrite(fd.get(), bytes.data(), bytes.size(), offset),
              static_cast<ssize_t>(bytes.size()));
  }
}

// "line fingerprint" of each finding, and the same for what was planted.
std::vector<std::string> Found(const ScanOutput& out) {
  std::vector<std::string> lines;
  for (const Finding& f : out.findings) {
    EXPECT_EQ(f.path, "/data/big.bin");
    lines.push_back(std::to_string(f.line) + " " + f.redacted);
  }
  return lines;
}

std::vector<std::string> Wanted(const std::vector<Planted>& planted) {
  std::vector<std::string> lines;
  for (const Planted& p : planted) {
    lines.push_back(std::to_string(p.line) + " " + p.token.substr(0, 4) + "…");
  }
  return lines;
}

// A gzip layer tar of one file of `size` bytes that is not sparse: zeros
// written out, so every byte is decompressed and read. The layer is small.
std::string DenseGzipLayer(uint64_t size, const std::vector<Planted>& planted) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_add_filter_gzip(a);
  archive_write_open(a, &out, nullptr, test::AppendToString, nullptr);
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, "data/big.bin");
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, static_cast<int64_t>(size));
  EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK);
  const std::string zeros(kMiB, '\0');
  uint64_t at = 0;
  auto zeros_to = [&](uint64_t end) {
    while (at < end) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(end - at, zeros.size()));
      archive_write_data(a, zeros.data(), n);
      at += n;
    }
  };
  for (const auto& [offset, bytes] : Pieces(planted)) {
    zeros_to(static_cast<uint64_t>(offset));
    archive_write_data(a, bytes.data(), bytes.size());
    at += bytes.size();
  }
  zeros_to(size);
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

class LargeFileScanTest : public ::testing::Test {
 protected:
  // As safebuild's main sets it up: these tests hold its memory bounds.
  static void SetUpTestSuite() { ReturnLargeBuffersWhenFreed(); }

  // The scan of one image whose only layer is the directory `dir`.
  ScanOutput ScanDir(const fs::path& dir) {
    OpenedImage image;
    image.config = nlohmann::json::object();
    LayerBlob layer;
    layer.dir = dir;
    image.layers.push_back(layer);
    auto out = ScanImage(image, Detector::Default());
    EXPECT_TRUE(out) << out.error();
    return out ? *out : ScanOutput{};
  }

  ScanOutput ScanTar(uint64_t size, const std::vector<Planted>& planted, bool sparse = true) {
    test::OciLayout layout(tmp_.path() / "oci");
    std::string tar = sparse ? test::MakeSparseTar("data/big.bin", static_cast<int64_t>(size),
                                                   Pieces(planted))
                             : DenseGzipLayer(size, planted);
    EXPECT_LT(tar.size(), 2 * kMiB);  // holes and compressed zeros take little room
    std::string media = "application/vnd.oci.image.layer.v1.tar";
    if (!sparse) media += "+gzip";
    layout.WriteIndex({layout.AddImage({layout.AddBlob(media, tar)})});
    auto image = OpenOciLayout(tmp_.path() / "oci", "");
    EXPECT_TRUE(image) << image.error();
    if (!image) return {};
    auto out = ScanImage(*image, Detector::Default());
    EXPECT_TRUE(out) << out.error();
    return out ? *out : ScanOutput{};
  }

  TempDir tmp_ = test::MakeTempDir();
};

// The whole scan holds a window per reading thread and a bounded queue,
// whatever the file size; 128 MiB leaves room for the detector's caches.
constexpr uint64_t kMaxRss = 128 * kMiB;

TEST_F(LargeFileScanTest, SecretsPast300MibInALayerTarAreFoundOnceAtTheirLines) {
  const uint64_t size = 300 * kMiB;
  std::vector<Planted> planted = PlantTokens(size);
  ScanOutput out = ScanTar(size, planted);
  EXPECT_EQ(Found(out), Wanted(planted));
  EXPECT_EQ(out.stats.bytes, size);
  EXPECT_EQ(out.stats.truncated, 1u);
  EXPECT_TRUE(out.stats.skipped.empty());
  EXPECT_LT(PeakRssBytes(), kMaxRss);
}

// Not sparse: all 300 MiB are decompressed, read and scanned.
TEST_F(LargeFileScanTest, SecretsPast300MibOfWrittenZerosAreFoundOnceInBoundedMemory) {
  const uint64_t size = 300 * kMiB;
  std::vector<Planted> planted = PlantTokens(size);
  ScanOutput out = ScanTar(size, planted, false);
  EXPECT_EQ(Found(out), Wanted(planted));
  EXPECT_EQ(out.stats.bytes, size);
  EXPECT_EQ(out.stats.truncated, 1u);
  EXPECT_LT(PeakRssBytes(), kMaxRss);
}

// A TiB of holes costs no more than its data: bounded time, every byte
// accounted for.
TEST_F(LargeFileScanTest, SecretAtTheEndOfATibSparseFileIsFoundQuickly) {
  const uint64_t size = uint64_t{1} << 40;
  std::vector<Planted> planted = PlantTokens(size);
  ScanOutput out = ScanTar(size, planted);
  EXPECT_EQ(Found(out), Wanted(planted));
  EXPECT_EQ(out.stats.bytes, size);
  EXPECT_LT(PeakRssBytes(), kMaxRss);
}

// A line longer than 4 GiB: the column counts past 32 bits.
TEST_F(LargeFileScanTest, AColumnPast4GibIsReportedWhole) {
  const uint64_t size = uint64_t{5} << 30;
  const std::string tok = fake::Make(fake::Kind::kGithubToken);
  const uint64_t at = size - 100;  // "token=" there, the token after it
  test::OciLayout layout(tmp_.path() / "oci");
  const std::string tar = test::MakeSparseTar(
      "data/big.bin", static_cast<int64_t>(size), {{static_cast<int64_t>(at), "token=" + tok}});
  layout.WriteIndex(
      {layout.AddImage({layout.AddBlob("application/vnd.oci.image.layer.v1.tar", tar)})});
  auto image = OpenOciLayout(tmp_.path() / "oci", "");
  ASSERT_TRUE(image) << image.error();
  auto out = ScanImage(*image, Detector::Default());
  ASSERT_TRUE(out) << out.error();
  ASSERT_EQ(out->findings.size(), 1u);
  EXPECT_EQ(out->findings[0].line, 1);
  EXPECT_EQ(out->findings[0].column, static_cast<int64_t>(at + 6 + 1));
  EXPECT_GT(out->findings[0].column, int64_t{1} << 32);
}

TEST_F(LargeFileScanTest, SecretsPast1GibInAnOverlayDirAreFoundOnceAtTheirLines) {
  const uint64_t size = 1024 * kMiB;
  std::vector<Planted> planted = PlantTokens(size);
  fs::create_directories(tmp_.path() / "diff/data");
  WriteSparseFile(tmp_.path() / "diff/data/big.bin", size, planted);
  ScanOutput out = ScanDir(tmp_.path() / "diff");
  EXPECT_EQ(Found(out), Wanted(planted));
  EXPECT_EQ(out.stats.bytes, size);
  EXPECT_EQ(out.stats.truncated, 1u);
  EXPECT_LT(PeakRssBytes(), kMaxRss);
}

TEST_F(LargeFileScanTest, WindowsGiveEachSecretOnceAtItsOffsetInTheFile) {
  const uint64_t size = 40 * kMiB;
  std::vector<Planted> planted = PlantTokens(size);
  fs::create_directories(tmp_.path() / "diff/data");
  WriteSparseFile(tmp_.path() / "diff/data/big.bin", size, planted);
  std::vector<std::pair<uint64_t, int>> got;  // offset, line
  int windows = 0;
  Status s = ReadLayerDir(tmp_.path() / "diff", {}, [&](const LayerEntry& e,
                                                        const ContentWindow& w) {
    if (e.type != LayerEntry::Type::kFile) return true;
    ++windows;
    for (const Match& m : ScanWindow(Detector::Default(), w, e.path)) {
      got.emplace_back(m.offset, m.line);
    }
    return true;
  });
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(windows, 3);
  std::vector<std::pair<uint64_t, int>> want;
  for (const Planted& p : planted) want.emplace_back(p.offset, p.line);
  EXPECT_EQ(got, want);
}

// A 2048-bit RSA key in PEM (about 1.7 KiB), made by openssl.
std::string MakeRsaKey(const fs::path& dir) {
  fs::path file = dir / "rsa.pem";
  std::string cmd = "openssl genrsa -out '" + file.string() + "' 2048 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) return "";
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// `text` cut into windows of `size` as a file's bytes would be, each
// window scanned; `windows` gets how many there were.
std::vector<Match> ScanInWindows(const std::string& text, WindowSize size, std::string_view path,
                                 int* windows = nullptr) {
  WindowCutter cutter(size);
  size_t at = 0;
  auto read = [&](char* buf, size_t n) -> safebuild::Expected<ReadPiece> {
    n = std::min(n, text.size() - at);
    text.copy(buf, n, at);
    at += n;
    return ReadPiece{n, 0};
  };
  std::vector<Match> got;
  int count = 0;
  bool stopped = false;
  Status s = cutter.Run(read, [&](const ContentWindow& w) {
    ++count;
    for (Match& m : ScanWindow(Detector::Default(), w, path)) got.push_back(std::move(m));
    return true;
  }, &stopped);
  EXPECT_TRUE(s) << s.error();
  if (windows != nullptr) *windows = count;
  return got;
}

// A window boundary inside a private key: the overlap holds it whole.
TEST_F(LargeFileScanTest, PrivateKeyAcrossAWindowBoundaryIsFoundOnce) {
  std::string key = MakeRsaKey(tmp_.path());
  ASSERT_GT(key.size(), 1500u) << "openssl could not make a key";
  std::string text = std::string(2000, 'a') + "\n" + key + std::string(5000, 'b');
  int windows = 0;
  // Boundaries at 2100, 4200, ...
  std::vector<Match> got = ScanInWindows(text, {2100, 2048}, "/k", &windows);
  EXPECT_EQ(windows, 4);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].rule, "private-key");
  EXPECT_EQ(got[0].offset, 2001u);
  EXPECT_EQ(got[0].line, 2);
}

// A minified line longer than a window: each token's column counts from
// the start of its line, not of the window that holds it.
TEST_F(LargeFileScanTest, ColumnsOnALineLongerThanAWindowCountFromTheLineStart) {
  std::string a = fake::Make(fake::Kind::kGithubToken);
  std::string b = fake::Make(fake::Kind::kGithubToken);
  std::string line2 = std::string(3000, 'x') + " " + a + " " + std::string(6000, 'y') + " " + b;
  std::string text = "first\n" + line2 + "\n" + std::string(2500, 'z') + " " + a + "\n";
  int windows = 0;
  std::vector<Match> got = ScanInWindows(text, {2100, 256}, "/app.min.js", &windows);
  EXPECT_GE(windows, 5);
  std::vector<std::pair<int, int>> lines_and_columns;
  for (const Match& m : got) lines_and_columns.emplace_back(m.line, m.column);
  const int b_column = static_cast<int>(3000 + 1 + a.size() + 1 + 6000 + 1) + 1;
  EXPECT_EQ(lines_and_columns,
            (std::vector<std::pair<int, int>>{{2, 3002}, {2, b_column}, {3, 2502}}));
}

// UTF-16 text, either byte order, mark only at the start of the file:
// every window is read as the text it holds, not just the first.
TEST_F(LargeFileScanTest, Utf16TextIsDecodedInEveryWindow) {
  std::vector<std::string> tokens;
  std::string plain = "# exported settings\n";
  for (int i = 0; i < 3; ++i) {
    plain += std::string(3000, 'x') + "\n";
    tokens.push_back(fake::Make(fake::Kind::kGithubToken));
    plain += "GH_TOKEN=" + tokens.back() + "\n";
  }
  for (bool big : {false, true}) {
    std::string text = big ? "\xFE\xFF" : "\xFF\xFE";
    for (char c : plain) text += big ? std::string(1, '\0') + c : std::string(1, c) + '\0';
    std::vector<uint64_t> got;
    for (const Match& m : ScanInWindows(text, {6000, 1000}, "/settings.txt")) {
      got.push_back(m.offset);
    }
    std::vector<uint64_t> want;
    for (const std::string& t : tokens) want.push_back(2 + 2 * plain.find(t));
    EXPECT_EQ(got, want) << "big endian: " << big;
  }
}

// A tar of `members` files of `filler` zero bytes each, then "secret.env"
// holding `token`, written to `path` as it is made: the test itself holds
// no copy.
void WriteTarOfZeros(const fs::path& path, int members, uint64_t filler,
                     const std::string& token) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  const std::string zeros(kMiB, '\0');
  auto add = [&](const std::string& name, uint64_t size, const std::string& tail) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<int64_t>(size + tail.size()));
    EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK);
    for (uint64_t at = 0; at < size; at += zeros.size()) {
      archive_write_data(a, zeros.data(), std::min<uint64_t>(size - at, zeros.size()));
    }
    archive_write_data(a, tail.data(), tail.size());
    archive_entry_free(e);
  };
  for (int i = 0; i < members; ++i) add("part" + std::to_string(i) + ".bin", filler, "");
  add("secret.env", 0, "token=" + token + "\n");
  archive_write_close(a);
  archive_write_free(a);
}

// An archive larger than a window in a layer directory is opened where it
// lies, read again with pread, never held: two of 56 MiB (each with a 28
// MiB member, read in windows) cost no more than the windows and the queue.
// Held whole, as before, they took 190 MiB, and 300 when both were held at
// once.
TEST_F(LargeFileScanTest, LargeArchivesInLayerDirectoriesAreOpenedInPlaceInBoundedMemory) {
  OpenedImage image;
  image.config = nlohmann::json::object();
  std::vector<std::string> tokens;
  for (int i = 0; i < 2; ++i) {
    fs::path diff = tmp_.path() / ("diff" + std::to_string(i));
    fs::create_directories(diff / "data");
    tokens.push_back(fake::Make(fake::Kind::kGithubToken));
    WriteTarOfZeros(diff / "data/big.tar", 2, 28 * kMiB, tokens.back());
    LayerBlob layer;
    layer.index = i;
    layer.dir = diff;
    image.layers.push_back(layer);
  }
  ScanOptions options;
  options.jobs = 2;
  auto out = ScanImage(image, Detector::Default(), options);
  ASSERT_TRUE(out) << out.error();
  std::vector<std::string> found;
  for (const Finding& f : out->findings) {
    found.push_back(f.path + "!" + f.member + " " + f.redacted);
  }
  std::vector<std::string> wanted;
  for (const std::string& t : tokens) {
    wanted.push_back("/data/big.tar!secret.env " + t.substr(0, 4) + "…");
  }
  EXPECT_EQ(found, wanted);
  EXPECT_EQ(out->stats.archives, 2u);
  EXPECT_EQ(out->stats.members, 6u);
  EXPECT_TRUE(out->stats.skipped.empty());
  EXPECT_LT(PeakRssBytes(), kMaxRss);
}

// From layer tars, such archives are copied to a spool file each and opened
// from there, never held: two threads each holding one took 300 MiB. The
// spool files have no name and are gone once closed.
TEST_F(LargeFileScanTest, LargeArchivesInTwoLayerTarsAreOpenedFromSpoolFilesInBoundedMemory) {
  test::OciLayout layout(tmp_.path() / "oci");
  std::vector<nlohmann::json> blobs;
  std::vector<std::string> tokens;
  for (int i = 0; i < 2; ++i) {
    fs::path big = tmp_.path() / ("big" + std::to_string(i) + ".tar");
    tokens.push_back(fake::Make(fake::Kind::kGithubToken));
    WriteTarOfZeros(big, 2, 28 * kMiB, tokens.back());
    std::string layer = test::Compress(
        test::MakeTar({test::File("data/big.tar", test::ReadBytes(big))}), test::Filter::kGzip);
    blobs.push_back(layout.AddBlob(test::kTarGzip, layer));
    fs::remove(big);
  }
  layout.WriteIndex({layout.AddImage(blobs)});
  auto image = OpenOciLayout(tmp_.path() / "oci", "");
  ASSERT_TRUE(image) << image.error();
  ScanOptions options;
  options.jobs = 2;
  options.spool_dir = tmp_.path() / "spool";
  fs::create_directories(options.spool_dir);
  ResetPeakRss();
  auto out = ScanImage(*image, Detector::Default(), options);
  ASSERT_TRUE(out) << out.error();
  std::vector<std::string> found;
  for (const Finding& f : out->findings) {
    if (!f.member.empty()) found.push_back(f.member + " " + f.redacted);
  }
  std::vector<std::string> wanted;
  for (const std::string& t : tokens) wanted.push_back("secret.env " + t.substr(0, 4) + "…");
  EXPECT_EQ(found, wanted);
  EXPECT_EQ(out->stats.archives, 2u);
  EXPECT_TRUE(out->stats.skipped.empty());
  EXPECT_LT(PeakRssBytes(), kMaxRss);
  EXPECT_TRUE(fs::is_empty(options.spool_dir));
}

// A layer with a long zstd window holds the decoder pool while it is read,
// and its thread cannot wait for the pool: the large archives it holds
// (here five, each an xz tar with a 64 MiB dictionary) are left to be
// opened once the pool is free, not opened by that thread and skipped.
TEST_F(LargeFileScanTest, ArchivesInALayerThatHoldsThePoolAreOpenedWhenItIsFree) {
  std::vector<test::TarMember> members;
  std::vector<std::string> wanted;
  for (int i = 0; i < 5; ++i) {
    const std::string token = fake::Make(fake::Kind::kGithubToken);
    const std::string inner =
        test::MakeTar({test::File("filler.txt", fake::Random(fake::kBase64, 3 * kMiB / 2)),
                       test::File("secret.env", "token=" + token + "\n")});
    members.push_back(test::File("data/a" + std::to_string(i) + ".tar.xz",
                                 test::WithXzDict(test::Compress(inner, test::Filter::kXz), 28)));
    wanted.push_back("secret.env " + token.substr(0, 4) + "…");
  }
  const std::string layer =  // a 128 MiB window
      test::WithZstdWindow(test::Compress(test::MakeTar(members), test::Filter::kZstd), 17);
  test::OciLayout layout(tmp_.path() / "oci");
  layout.WriteIndex({layout.AddImage({layout.AddBlob(test::kTarZstd, layer)})});
  auto image = OpenOciLayout(tmp_.path() / "oci", "");
  ASSERT_TRUE(image) << image.error();
  for (int jobs : {1, 2}) {
    ScanOptions options;
    options.jobs = jobs;
    options.window = {kMiB, 64 << 10};
    options.spool_dir = tmp_.path() / "spool";
    fs::create_directories(options.spool_dir);
    auto out = ScanImage(*image, Detector::Default(), options);
    ASSERT_TRUE(out) << out.error();
    std::vector<std::string> found;
    for (const Finding& f : out->findings) {
      if (!f.member.empty()) found.push_back(f.member + " " + f.redacted);
    }
    std::sort(found.begin(), found.end());
    std::sort(wanted.begin(), wanted.end());
    EXPECT_EQ(found, wanted) << jobs;
    EXPECT_EQ(out->stats.archives, 5u) << jobs;
    EXPECT_TRUE(out->stats.skipped.empty()) << jobs << " " << out->stats.skipped[0].member;
    EXPECT_TRUE(fs::is_empty(options.spool_dir));
  }
}

// From a layer tar, a large archive is copied to be opened (a tar stream
// is read once): up to max_archive_bytes; a larger one is named as skipped
// for its size. From a layer directory, where nothing is copied, the same
// archive is opened whatever its size.
TEST_F(LargeFileScanTest, ArchivePastTheHoldLimitIsOpenedInALayerDirectoryAndNamedFromATar) {
  std::string token = fake::Make(fake::Kind::kGithubToken);
  fs::path diff = tmp_.path() / "diff";
  fs::create_directories(diff / "data");
  WriteTarOfZeros(diff / "data/big.tar", 1, 3 * kMiB, token);
  ScanOptions options;
  options.window = {kMiB, 64 << 10};
  options.max_archive_bytes = 2 * kMiB;

  OpenedImage from_dir;
  from_dir.config = nlohmann::json::object();
  from_dir.layers.emplace_back().dir = diff;
  auto in_place = ScanImage(from_dir, Detector::Default(), options);
  ASSERT_TRUE(in_place) << in_place.error();
  ASSERT_EQ(in_place->findings.size(), 1u);
  EXPECT_EQ(in_place->findings[0].member, "secret.env");
  EXPECT_EQ(in_place->stats.archives, 1u);
  EXPECT_TRUE(in_place->stats.skipped.empty());

  test::OciLayout layout(tmp_.path() / "oci");
  std::string tar =
      test::MakeTar({test::File("data/big.tar", test::ReadBytes(diff / "data/big.tar"))});
  layout.WriteIndex({layout.AddImage({layout.AddBlob(
      test::kTarGzip, test::Compress(tar, test::Filter::kGzip))})});
  auto image = OpenOciLayout(tmp_.path() / "oci", "");
  ASSERT_TRUE(image) << image.error();
  // With no place for the copy, the scan fails rather than pass unread.
  ScanOptions nowhere = options;
  nowhere.max_archive_bytes = 16 * kMiB;
  nowhere.spool_dir = tmp_.path() / "missing";
  auto failed = ScanImage(*image, Detector::Default(), nowhere);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().find("/data/big.tar: cannot copy this archive to"),
            std::string::npos)
      << failed.error();

  auto held = ScanImage(*image, Detector::Default(), options);
  ASSERT_TRUE(held) << held.error();
  // Its bytes are still scanned as they are: a plain tar shows the token.
  ASSERT_EQ(held->findings.size(), 1u);
  EXPECT_EQ(held->findings[0].member, "");
  EXPECT_EQ(held->stats.archives, 0u);
  ASSERT_EQ(held->stats.skipped.size(), 1u);
  EXPECT_EQ(held->stats.skipped[0].reason, "size");
  EXPECT_EQ(held->stats.skipped[0].path, "/data/big.tar");
}

}  // namespace
}  // namespace safebuild
