#include "scan/git_objects.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fake_secret.h"
#include "image_fixtures.h"
#include "peak_rss.h"
#include "scan/scanner.h"
#include "util/allocator.h"
#include "util/fingerprint.h"
#include "util/text.h"

namespace safebuild {
namespace {

namespace fs = std::filesystem;
using test::ReadBytes;
using test::WriteFile;

// Repositories are made with the git of this machine: what it writes is
// what an image holds. No user or system configuration is read, so a
// signing key or a hook on the machine changes nothing.
class GitRepo {
 public:
  GitRepo() : dir_(test::MakeTempDir()) { Git("init -q"); }

  const fs::path& path() const { return dir_.path(); }

  // True when `git args` exits 0.
  bool TryGit(const std::string& args) const {
    std::string command = "cd '" + path().string() +
                          "' && export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 && "
                          "git -c user.name=Test -c user.email=test@example.invalid "
                          "-c init.defaultBranch=main -c gc.auto=0 " +
                          args + " >/dev/null 2>&1";
    return std::system(command.c_str()) == 0;
  }

  void Git(const std::string& args) const { EXPECT_TRUE(TryGit(args)) << "git " << args; }

  void Commit(const std::string& file, const std::string& content) {
    WriteFile(path() / file, content);
    Git("add -A");
    Git("commit -q -m 'edit " + file + "'");
  }

  void Remove(const std::string& file) {
    Git("rm -q " + file);
    Git("commit -q -m 'remove " + file + "'");
  }

  // The history every test starts from: a README, then `content` in
  // config.env, then config.env removed from the work tree.
  void CommitThenRemove(const std::string& content) {
    Commit("README", "an app\n");
    Commit("config.env", content);
    Remove("config.env");
  }

  // `git verify-pack -v` lists a delta of depth 1 in `pack`.
  bool HoldsADelta(const fs::path& pack) const {
    return TryGit("verify-pack -v '" + pack.string() + "' | grep -q ' 1 [0-9a-f]*$'");
  }

  // The files of .git/objects that IsGitObjectPath takes, in name order.
  std::vector<fs::path> ObjectFiles() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(path() / ".git/objects")) {
      if (e.is_regular_file() && IsGitObjectPath(e.path().string())) out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<fs::path> Packs() const {
    std::vector<fs::path> out;
    for (const fs::path& p : ObjectFiles()) {
      if (p.extension() == ".pack") out.push_back(p);
    }
    return out;
  }

 private:
  TempDir dir_;
};

struct Walked {
  std::vector<std::pair<std::string, std::string>> objects;  // name, content
  GitObjectsResult result;

  bool AnyHolds(const std::string& text, std::string_view name_part = "") const {
    return std::any_of(objects.begin(), objects.end(), [&](const auto& o) {
      return o.first.find(name_part) != std::string::npos &&
             o.second.find(text) != std::string::npos;
    });
  }
  size_t Count(std::string_view name_part) const {
    return std::count_if(objects.begin(), objects.end(), [&](const auto& o) {
      return o.first.find(name_part) != std::string::npos;
    });
  }
};

Walked Walk(const std::string& path, std::string_view bytes, const GitObjectLimits& limits = {}) {
  Walked w;
  w.result = ForEachGitObject(path, bytes, limits,
                              [&](const std::string& name, std::string_view content) {
                                w.objects.emplace_back(name, std::string(content));
                              });
  return w;
}

Walked WalkFile(const fs::path& path, const GitObjectLimits& limits = {}) {
  return Walk(path.string(), ReadBytes(path), limits);
}

std::string Token() { return "token=" + fake::Make(fake::Kind::kGithubToken); }
std::string TokenLine() { return Token() + "\n"; }

// Lines of configuration a delta can copy from: enough that a changed
// version of the file is cheaper as a delta than whole.
std::string ConfigLines(int first, int last) {
  std::string out;
  for (int i = first; i < last; ++i) {
    out += "setting_" + std::to_string(i) + " = value number " + std::to_string(i * 7) + "\n";
  }
  return out;
}

// --- packs made by hand -----------------------------------------------------

std::string BigEndian32(uint32_t n) {
  return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
          static_cast<char>(n)};
}

// The type and size header of a pack entry.
std::string EntryHeader(int type, uint64_t size) {
  std::string out;
  auto first = static_cast<unsigned char>((type << 4) | (size & 15));
  size >>= 4;
  for (; size != 0; size >>= 7) {
    out += static_cast<char>(first | 0x80);
    first = static_cast<unsigned char>(size & 0x7f);
  }
  out += static_cast<char>(first);
  return out;
}

std::string Zlib(const std::string& data) {
  uLongf size = compressBound(data.size());
  std::string out(size, '\0');
  EXPECT_EQ(compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                      reinterpret_cast<const Bytef*>(data.data()), data.size(), 9),
            Z_OK);
  out.resize(size);
  return out;
}

// `prefix` and `n` zero bytes as one zlib stream, deflated piece by piece:
// a bomb of a hundred MiB costs the test no more memory than its hundred KiB.
std::string ZlibZeros(uint64_t n, const std::string& prefix = "") {
  z_stream z{};
  EXPECT_EQ(deflateInit(&z, 9), Z_OK);
  const std::string zeros(64 << 10, '\0');
  std::string buf(64 << 10, '\0'), out;
  auto put = [&](std::string_view in, int flush) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    do {
      z.next_out = reinterpret_cast<Bytef*>(buf.data());
      z.avail_out = static_cast<uInt>(buf.size());
      deflate(&z, flush);
      out.append(buf.data(), buf.size() - z.avail_out);
    } while (z.avail_out == 0);
  };
  put(prefix, Z_NO_FLUSH);
  for (; n > zeros.size(); n -= zeros.size()) put(zeros, Z_NO_FLUSH);
  put(std::string_view(zeros).substr(0, n), Z_FINISH);
  deflateEnd(&z);
  return out;
}

std::string Pack(const std::string& entries, uint32_t count) {
  return "PACK" + BigEndian32(2) + BigEndian32(count) + entries + std::string(20, '\0');
}

std::string BlobEntry(const std::string& content) {
  return EntryHeader(3, content.size()) + Zlib(content);
}

const std::string kPackPath = "/app/.git/objects/pack/pack-" + std::string(40, 'a') + ".pack";
const std::string kLoosePath = "/app/.git/objects/ab/" + std::string(38, 'c');

// --- repositories made by git -------------------------------------------------

TEST(GitObjects, LooseObjectsKeepATokenWhoseFileWasDeleted) {
  GitRepo repo;
  std::string token = TokenLine();
  repo.CommitThenRemove(token);
  std::vector<fs::path> files = repo.ObjectFiles();
  // Two blobs, two trees (the last is the first again), three commits.
  ASSERT_EQ(files.size(), 7u);
  int holding = 0;
  for (const fs::path& file : files) {
    Walked w = WalkFile(file);
    EXPECT_EQ(w.result.error, "") << file;
    EXPECT_EQ(w.result.objects, 1u);
    EXPECT_EQ(w.result.cut, 0u);
    ASSERT_EQ(w.objects.size(), 1u);
    const auto& [name, content] = w.objects[0];
    EXPECT_TRUE(name == "blob" || name == "tree" || name == "commit") << name;
    if (content == token) {
      EXPECT_EQ(name, "blob");
      ++holding;
    }
  }
  EXPECT_EQ(holding, 1);
}

TEST(GitObjects, APackKeepsATokenWhoseFileWasDeleted) {
  GitRepo repo;
  std::string token = TokenLine();
  repo.CommitThenRemove(token);
  repo.Git("gc -q --prune=now");
  ASSERT_EQ(repo.ObjectFiles().size(), 1u) << "all objects are in the one pack";
  std::vector<fs::path> packs = repo.Packs();
  ASSERT_EQ(packs.size(), 1u);
  Walked w = WalkFile(packs[0]);
  EXPECT_EQ(w.result.error, "");
  EXPECT_EQ(w.result.objects, 7u);
  EXPECT_EQ(w.result.cut, 0u);
  const std::regex name("(commit|tree|blob|tag|ofs-delta|ref-delta) at [0-9]+");
  for (const auto& o : w.objects) EXPECT_TRUE(std::regex_match(o.first, name)) << o.first;
  EXPECT_TRUE(w.AnyHolds(token, "blob at "));
  EXPECT_EQ(w.objects.front().first, "commit at 12");  // git writes the newest commit first
}

// A version of a file that drops many lines of the one before and adds a
// token is stored as a delta against the larger, older version. With its
// base read before it, the delta is read as the object it makes: the new
// version whole, its type the base's.
TEST(GitObjects, OfsDeltasAreReadAsTheObjectsTheyMake) {
  GitRepo repo;
  repo.Commit("app.conf", ConfigLines(0, 400));
  repo.Git("repack -a -d -q");
  const std::string token = Token();
  const std::string version = ConfigLines(0, 150) + token + "\n" + ConfigLines(300, 400);
  repo.Commit("app.conf", version);
  repo.Git("repack -a -d -f -q --depth=50 --window=50");
  repo.Git("prune --expire=now");
  std::vector<fs::path> packs = repo.Packs();
  ASSERT_EQ(packs.size(), 1u);
  ASSERT_TRUE(repo.HoldsADelta(packs[0]));
  Walked w = WalkFile(packs[0]);
  EXPECT_EQ(w.result.error, "");
  EXPECT_EQ(w.result.objects, 6u);
  EXPECT_EQ(w.Count("ofs-delta at "), 0u);
  int whole = 0;
  for (const auto& [name, content] : w.objects) whole += content == version;
  EXPECT_EQ(whole, 1);
  EXPECT_TRUE(w.AnyHolds(token, "blob at "));
}

// A password committed, then replaced with a reference to the environment:
// git keeps the old version as a delta against the new one, which copies
// the name from its base and inserts only the value. Read as the object it
// makes, the line comes whole, and the scan finds the password by its name.
TEST(GitObjects, APasswordRemovedLaterIsFoundWithItsName) {
  GitRepo repo;
  const std::string pass = fake::Mixed(22);
  const std::string before = ConfigLines(0, 200) + "DB_PASSWORD = \"" + pass + "\"\n";
  repo.Commit("settings.py", before);
  // The new version is larger: git keeps it whole and the old one as a delta.
  repo.Commit("settings.py", ConfigLines(0, 200) + "DB_PASSWORD = os.environ[\"DB\"]\n" +
                                 ConfigLines(200, 260));
  repo.Git("gc -q --prune=now");
  std::vector<fs::path> packs = repo.Packs();
  ASSERT_EQ(packs.size(), 1u);
  ASSERT_TRUE(repo.HoldsADelta(packs[0]));
  Walked w = WalkFile(packs[0]);
  EXPECT_EQ(w.result.error, "");
  int whole = 0;
  for (const auto& [name, content] : w.objects) whole += content == before;
  EXPECT_EQ(whole, 1);
  std::vector<Match> found;
  for (const auto& [name, content] : w.objects) {
    for (Match& m : Detector::Default().Scan(content)) found.push_back(std::move(m));
  }
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, "generic-secret-assignment");
  EXPECT_EQ(found[0].fingerprint, Fingerprint("generic-secret-assignment", pass));
}

// A pack sent without the ofs-delta capability names each delta's base by
// object id. Such a delta is read as the object it makes, as an ofs-delta
// is: its own bytes may hold only part of a token, the rest copied from the
// base (a token that ends in "3" before a line the base has after "…2093").
TEST(GitObjects, RefDeltasAreReadAsTheObjectsTheyMake) {
  GitRepo repo;
  repo.Commit("app.conf", ConfigLines(0, 400));
  std::string token = Token();
  token.back() = '3';
  repo.Commit("app.conf", ConfigLines(0, 150) + token + "\n" + ConfigLines(300, 400));
  repo.Git("rev-list --objects --all | git pack-objects -q --window=50 --depth=50 "
           "'" + (repo.path() / "pack").string() + "'");
  std::vector<fs::path> packs;
  for (const auto& e : fs::directory_iterator(repo.path())) {
    if (e.path().extension() == ".pack") packs.push_back(e.path());
  }
  ASSERT_EQ(packs.size(), 1u);
  ASSERT_TRUE(repo.HoldsADelta(packs[0]));
  Walked w = WalkFile(packs[0]);
  EXPECT_EQ(w.result.error, "");
  EXPECT_EQ(w.result.objects, 6u);
  EXPECT_EQ(w.Count("ref-delta at "), 0u);
  EXPECT_EQ(w.Count("blob at "), 2u);
  EXPECT_TRUE(w.AnyHolds(ConfigLines(149, 150) + token + "\n" + ConfigLines(300, 301), "blob at "));
}

TEST(GitObjects, ASha256RepositoryIsReadToo) {
  GitRepo repo;
  fs::remove_all(repo.path() / ".git");
  if (!repo.TryGit("init -q --object-format=sha256")) GTEST_SKIP() << "git without SHA-256";
  std::string token = TokenLine();
  repo.Commit("config.env", token);
  std::vector<fs::path> loose = repo.ObjectFiles();
  EXPECT_EQ(loose.size(), 3u);  // 62 hex digits each
  repo.Git("gc -q --prune=now");
  std::vector<fs::path> packs = repo.Packs();
  ASSERT_EQ(packs.size(), 1u);
  Walked w = WalkFile(packs[0]);
  EXPECT_EQ(w.result.error, "");
  EXPECT_EQ(w.result.objects, 3u);
  EXPECT_TRUE(w.AnyHolds(token, "blob at "));
}

TEST(GitObjects, ObjectPathsAreKnownByTheirPlaceInTheStore) {
  const std::string hex38(38, 'e'), hex40 = std::string(39, '0') + "f";
  EXPECT_TRUE(IsGitObjectPath("/app/.git/objects/ab/" + hex38));
  EXPECT_TRUE(IsGitObjectPath("app/.git/objects/ab/" + hex38));
  EXPECT_TRUE(IsGitObjectPath(".git/objects/00/" + hex38));
  EXPECT_TRUE(IsGitObjectPath("/srv/repo.git/objects/ab/" + hex38));
  EXPECT_TRUE(IsGitObjectPath("/srv/repo.git/objects/pack/pack-" + hex40 + ".pack"));
  EXPECT_TRUE(IsGitObjectPath("/app/.git/objects/pack/pack-" + hex40 + ".pack"));
  EXPECT_TRUE(IsGitObjectPath("/app/.git/modules/lib/objects/ab/" + hex38));
  EXPECT_TRUE(IsGitObjectPath("/app/.git/objects/ab/" + std::string(62, '1')));
  EXPECT_TRUE(IsGitObjectPath("/app/.git/objects/pack/pack-" + std::string(64, '2') + ".pack"));

  EXPECT_FALSE(IsGitObjectPath("/app/.git/objects/info/packs"));
  EXPECT_FALSE(IsGitObjectPath("/app/.git/objects/info/alternates"));
  EXPECT_FALSE(IsGitObjectPath("/app/objects/ab/" + hex38));
  EXPECT_FALSE(IsGitObjectPath("objects/ab/" + hex38));
  EXPECT_FALSE(IsGitObjectPath("/app/.git/objects/pack/pack-" + hex40 + ".idx"));
  EXPECT_FALSE(IsGitObjectPath("/app/.git/objects/pack/pack-" + hex40 + ".rev"));
  EXPECT_FALSE(IsGitObjectPath("/app/.git/objects/pack/multi-pack-index"));
  EXPECT_FALSE(IsGitObjectPath("/app/.git/objects/ab/" + hex38 + "0"));
  EXPECT_FALSE(IsGitObjectPath("/app/.git/objects/AB/" + hex38));
  EXPECT_FALSE(IsGitObjectPath("/app/.git/objects/abc/" + hex38));
  EXPECT_FALSE(IsGitObjectPath("/app/.git/objects/ab/" + std::string(37, 'e') + "g"));
  EXPECT_FALSE(IsGitObjectPath("/app/.git/objects/pack/pack-" + hex38 + ".pack"));
  EXPECT_FALSE(IsGitObjectPath("/app/.git/objects/pack/tmp_pack_XYZ123"));
  EXPECT_FALSE(IsGitObjectPath("/app/.git/refs/heads/main"));
  EXPECT_FALSE(IsGitObjectPath("/app/.git/objects/ab"));
  EXPECT_FALSE(IsGitObjectPath(""));
}

// --- hostile files --------------------------------------------------------------

TEST(GitObjects, EveryCutOfAPackIsReportedAndReadUpToTheCut) {
  GitRepo repo;
  repo.Commit("README", "an app\n");
  repo.Commit("config.env", TokenLine());
  repo.Git("gc -q --prune=now");
  std::vector<fs::path> packs = repo.Packs();
  ASSERT_EQ(packs.size(), 1u);
  std::string pack = ReadBytes(packs[0]);
  uint64_t whole = Walk(packs[0].string(), pack).result.objects;
  for (size_t n = 0; n < pack.size(); ++n) {
    // A copy of just the first n bytes: a read past them is a read past the
    // heap block, which ASan reports.
    std::string cut = pack.substr(0, n);
    Walked w = Walk(packs[0].string(), cut);
    EXPECT_NE(w.result.error, "") << n;
    EXPECT_LE(w.result.objects, whole) << n;
  }
}

TEST(GitObjects, AnyByteOfAPackChangedEndsSafely) {
  GitRepo repo;
  repo.Commit("config.env", TokenLine());
  repo.Git("gc -q --prune=now");
  std::vector<fs::path> packs = repo.Packs();
  ASSERT_EQ(packs.size(), 1u);
  std::string pack = ReadBytes(packs[0]);
  for (size_t i = 0; i < pack.size(); ++i) {
    for (unsigned char x : {0x01, 0x80, 0xff}) {
      std::string changed = pack;
      changed[i] = static_cast<char>(changed[i] ^ x);
      Walked w = Walk(packs[0].string(), changed);
      // The count changed can make the checksum pass for one more entry.
      EXPECT_LE(w.result.objects, 4u);
    }
  }
}

TEST(GitObjects, ACorruptStreamEndsTheWalkAfterTheObjectsBeforeIt) {
  std::string token = TokenLine();
  std::string bad = EntryHeader(3, 10) + "\x78\x9c\xff\xff\xff\xff\xff\xff";
  Walked w = Walk(kPackPath, Pack(BlobEntry(token) + bad + BlobEntry("after\n"), 3));
  ASSERT_EQ(w.objects.size(), 1u);
  EXPECT_EQ(w.objects[0].second, token);
  EXPECT_NE(w.result.error.find("entry 2 of 3"), std::string::npos) << w.result.error;
  EXPECT_NE(w.result.error.find("corrupt zlib stream"), std::string::npos) << w.result.error;
}

TEST(GitObjects, ACountBeyondTheEntriesIsAnError) {
  std::string token = TokenLine();
  Walked w = Walk(kPackPath, Pack(BlobEntry(token), 3));
  ASSERT_EQ(w.objects.size(), 1u);
  EXPECT_EQ(w.objects[0].first, "blob at 12");
  EXPECT_EQ(w.objects[0].second, token);
  EXPECT_NE(w.result.error.find("entry 2 of 3"), std::string::npos) << w.result.error;

  // A count of four billion costs no more than the bytes there are.
  w = Walk(kPackPath, Pack(BlobEntry(token), 0xffffffffu));
  EXPECT_EQ(w.objects.size(), 1u);
  EXPECT_NE(w.result.error, "");
}

TEST(GitObjects, APackWithoutItsChecksumIsTruncated) {
  std::string pack = Pack(BlobEntry("x\n"), 1);
  EXPECT_EQ(Walk(kPackPath, pack).result.error, "");
  Walked w = Walk(kPackPath, pack.substr(0, pack.size() - 1));
  EXPECT_EQ(w.objects.size(), 1u);
  EXPECT_EQ(w.result.error, "truncated: no checksum after the last entry");
}

TEST(GitObjects, AZlibBombInAPackIsCutAndTheNextEntryStillRead) {
  std::string token = TokenLine();
  const uint64_t kBomb = 100ull << 20;
  std::string bomb = EntryHeader(3, kBomb) + ZlibZeros(kBomb);
  ASSERT_LT(bomb.size(), 1u << 20);
  GitObjectLimits limits;
  limits.max_object_bytes = 1 << 20;
  Walked w = Walk(kPackPath, Pack(bomb + BlobEntry(token), 2), limits);
  EXPECT_EQ(w.result.error, "");
  EXPECT_EQ(w.result.cut, 1u);
  ASSERT_EQ(w.objects.size(), 2u);
  EXPECT_EQ(w.objects[0].second.size(), 1u << 20);
  EXPECT_EQ(w.objects[1].second, token);
}

// Deltas made by hand: one that copies and inserts is read as its object;
// one whose instructions do not fit its base (a copy past the end, a
// wrong base size, an insert past the result) is handed over as it is.
TEST(GitObjects, ADeltaThatDoesNotFitItsBaseIsGivenAsItIs) {
  const std::string base = BlobEntry("hello world");
  auto delta_entry = [&](const std::string& delta) {
    // Its base is the entry just before it: one byte of offset back.
    return EntryHeader(6, delta.size()) + std::string(1, static_cast<char>(base.size())) +
           Zlib(delta);
  };
  const std::string good = std::string("\x0b\x0b\x91\x00\x05\x06 there", 12);
  Walked w = Walk(kPackPath, Pack(base + delta_entry(good), 2));
  EXPECT_EQ(w.result.error, "");
  ASSERT_EQ(w.objects.size(), 2u);
  EXPECT_EQ(w.objects[1].first, "blob at " + std::to_string(12 + base.size()));
  EXPECT_EQ(w.objects[1].second, "hello there");
  for (const std::string& bad :
       {std::string("\x0b\x0b\x91\x64\x05\x06 there", 12),   // copy from offset 100
        std::string("\x0c\x0b\x91\x00\x05\x06 there", 12),   // base of 12 bytes
        std::string("\x0b\x05\x91\x00\x05\x06 there", 12),   // a result of 5 bytes
        std::string("\x0b\x0b\x00\x05", 4),                    // instruction 0
        std::string("\x0b\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12)}) {
    Walked b = Walk(kPackPath, Pack(base + delta_entry(bad), 2));
    EXPECT_EQ(b.result.error, "");
    ASSERT_EQ(b.objects.size(), 2u);
    EXPECT_EQ(b.objects[1].first, "ofs-delta at " + std::to_string(12 + base.size()));
    EXPECT_EQ(b.objects[1].second, bad);
  }
}

// A delta that would make an object over the cap is not made: it is read
// as the bytes it adds, and counted as cut, so the pack is named in
// `skipped` for its size.
TEST(GitObjects, ADeltaThatMakesAnObjectOverTheCapIsCut) {
  const std::string base = BlobEntry("hello world");
  // A base of 11 bytes, a result of 200: copy the base, insert " there".
  const std::string delta = std::string("\x0b\xc8\x01\x91\x00\x0b\x06 there", 12);
  const std::string entry = EntryHeader(6, delta.size()) +
                            std::string(1, static_cast<char>(base.size())) + Zlib(delta);
  GitObjectLimits limits;
  limits.max_object_bytes = 100;
  Walked w = Walk(kPackPath, Pack(base + entry, 2), limits);
  EXPECT_EQ(w.result.error, "");
  EXPECT_EQ(w.result.cut, 1u);
  ASSERT_EQ(w.objects.size(), 2u);
  EXPECT_EQ(w.objects[1].first, "ofs-delta at " + std::to_string(12 + base.size()));
  EXPECT_EQ(w.objects[1].second, delta);
  // Under the cap the same delta is made, and nothing is cut.
  limits.max_object_bytes = 200;
  w = Walk(kPackPath, Pack(base + entry, 2), limits);
  EXPECT_EQ(w.result.cut, 0u);
}

TEST(GitObjects, ABombPastTheTotalEndsTheWalk) {
  const uint64_t kBomb = 100ull << 20;
  std::string bomb = EntryHeader(3, kBomb) + ZlibZeros(kBomb);
  GitObjectLimits limits;
  limits.max_object_bytes = 1 << 20;
  limits.max_total_bytes = 8 << 20;
  Walked w = Walk(kPackPath, Pack(BlobEntry("first\n") + bomb + BlobEntry("last\n"), 3), limits);
  EXPECT_EQ(w.result.cut, 1u);
  ASSERT_EQ(w.objects.size(), 2u);
  EXPECT_EQ(w.objects[0].second, "first\n");
  EXPECT_EQ(w.objects[1].second.size(), 1u << 20);
  EXPECT_NE(w.result.error.find("entry 2 of 3"), std::string::npos) << w.result.error;
  EXPECT_NE(w.result.error.find("cut"), std::string::npos) << w.result.error;
}

TEST(GitObjects, AnObjectOfExactlyTheCapIsNotCut) {
  GitObjectLimits limits;
  limits.max_object_bytes = 100;
  Walked w = Walk(kPackPath, Pack(BlobEntry(std::string(100, 'x')), 1), limits);
  EXPECT_EQ(w.result.error, "");
  EXPECT_EQ(w.result.cut, 0u);
  ASSERT_EQ(w.objects.size(), 1u);
  EXPECT_EQ(w.objects[0].second.size(), 100u);
  limits.max_total_bytes = 100;
  w = Walk(kPackPath, Pack(BlobEntry(std::string(100, 'x')), 1), limits);
  EXPECT_EQ(w.result.error, "");
  EXPECT_EQ(w.result.cut, 0u);
}

TEST(GitObjects, ALooseBombIsCutAtTheCap) {
  const uint64_t kBomb = 100ull << 20;
  GitObjectLimits limits;
  limits.max_object_bytes = 1 << 20;
  std::string loose = ZlibZeros(kBomb, "blob " + std::to_string(kBomb) + std::string(1, '\0'));
  Walked w = Walk(kLoosePath, loose, limits);
  EXPECT_EQ(w.result.error, "");
  EXPECT_EQ(w.result.cut, 1u);
  ASSERT_EQ(w.objects.size(), 1u);
  EXPECT_EQ(w.objects[0].first, "blob");
  EXPECT_EQ(w.objects[0].second, std::string(1 << 20, '\0'));
}

TEST(GitObjects, ALongSizeVarintIsRejected) {
  std::string header = "\xb0" + std::string(19, '\x80') + std::string(1, '\0');
  Walked w = Walk(kPackPath, Pack(header + Zlib("x"), 1));
  EXPECT_EQ(w.objects.size(), 0u);
  EXPECT_NE(w.result.error.find("longer than 64 bits"), std::string::npos) << w.result.error;

  // The longest size git can write, 64 bits, is read.
  std::string longest = "\xbf" + std::string(8, '\xff') + "\x0f";
  w = Walk(kPackPath, Pack(longest + Zlib("x"), 1));
  EXPECT_EQ(w.result.error, "");
  EXPECT_EQ(w.objects.size(), 1u);
}

TEST(GitObjects, ALongDeltaOffsetIsRejected) {
  std::string header = EntryHeader(6, 1) + std::string(20, '\xff') + "\x01";
  Walked w = Walk(kPackPath, Pack(BlobEntry("a\n") + header + Zlib("x"), 2));
  EXPECT_EQ(w.objects.size(), 1u);
  EXPECT_NE(w.result.error.find("offset overflows"), std::string::npos) << w.result.error;

  // A base before the pack's start.
  w = Walk(kPackPath, Pack(BlobEntry("a\n") + EntryHeader(6, 1) + "\x7f" + Zlib("x"), 2));
  EXPECT_NE(w.result.error.find("out of the pack"), std::string::npos) << w.result.error;

  // A base just before: the first entry, at 12.
  std::string first = BlobEntry("a\n");
  auto back = static_cast<char>(first.size());
  w = Walk(kPackPath, Pack(first + EntryHeader(6, 1) + back + Zlib("x"), 2));
  EXPECT_EQ(w.result.error, "");
  ASSERT_EQ(w.objects.size(), 2u);
  EXPECT_EQ(w.objects[1].first, "ofs-delta at " + std::to_string(12 + first.size()));
}

TEST(GitObjects, ARefDeltaIdIsAsLongAsThePacksHash) {
  std::string id32(32, '\x11');
  std::string entry = EntryHeader(7, 2) + id32 + Zlib("dd");
  std::string sha256 = "/r.git/objects/pack/pack-" + std::string(64, 'b') + ".pack";
  std::string pack = "PACK" + BigEndian32(2) + BigEndian32(1) + entry + std::string(32, '\0');
  Walked w = Walk(sha256, pack);
  EXPECT_EQ(w.result.error, "");
  ASSERT_EQ(w.objects.size(), 1u);
  EXPECT_EQ(w.objects[0].second, "dd");
  // Read as SHA-1, the id's last 12 bytes are taken for the stream.
  EXPECT_NE(Walk(kPackPath, pack).result.error, "");
  // An id cut short.
  w = Walk(kPackPath, "PACK" + BigEndian32(2) + BigEndian32(1) + EntryHeader(7, 2) + "\x11");
  EXPECT_NE(w.result.error.find("truncated delta base id"), std::string::npos);
}

TEST(GitObjects, HeadersThatAreNoPackAreErrors) {
  EXPECT_EQ(Walk(kPackPath, "").result.error, "not a pack: no PACK header");
  EXPECT_EQ(Walk(kPackPath, "PACK").result.error, "not a pack: no PACK header");
  EXPECT_EQ(Walk(kPackPath, "PACK" + BigEndian32(4) + BigEndian32(0)).result.error,
            "unsupported pack version 4");
  EXPECT_EQ(Walk(kPackPath, Pack("", 0)).result.error, "");
  std::string v3 = "PACK" + BigEndian32(3) + BigEndian32(0) + std::string(20, '\0');
  EXPECT_EQ(Walk(kPackPath, v3).result.error, "");
  Walked w = Walk(kPackPath, Pack(EntryHeader(5, 1) + Zlib("x"), 1));
  EXPECT_NE(w.result.error.find("invalid object type 5"), std::string::npos);
  w = Walk(kPackPath, Pack(EntryHeader(0, 1) + Zlib("x"), 1));
  EXPECT_NE(w.result.error.find("invalid object type 0"), std::string::npos);
}

TEST(GitObjects, MoreEntriesThanTheLimitAreNotRead) {
  GitObjectLimits limits;
  limits.max_objects = 2;
  Walked w = Walk(kPackPath, Pack(BlobEntry("1") + BlobEntry("2") + BlobEntry("3"), 3), limits);
  EXPECT_EQ(w.objects.size(), 2u);
  EXPECT_EQ(w.result.error, "more than 2 objects; 1 not read");
}

TEST(GitObjects, BrokenLooseObjectsAreErrors) {
  std::string token = TokenLine();
  std::string loose = Zlib("blob " + std::to_string(token.size()) + std::string(1, '\0') + token);
  Walked w = Walk(kLoosePath, loose);
  EXPECT_EQ(w.result.error, "");
  ASSERT_EQ(w.objects.size(), 1u);
  EXPECT_EQ(w.objects[0].second, token);

  // Cut short: what was inflated comes, with the error.
  w = Walk(kLoosePath, loose.substr(0, loose.size() - 4));
  EXPECT_EQ(w.result.error, "truncated zlib stream");
  ASSERT_EQ(w.objects.size(), 1u);
  EXPECT_EQ(w.objects[0].second, token);

  w = Walk(kLoosePath, "not zlib at all");
  EXPECT_EQ(w.objects.size(), 0u);
  EXPECT_NE(w.result.error.find("corrupt zlib stream"), std::string::npos) << w.result.error;

  for (const std::string& header : {std::string("blob\0", 5), std::string("blob x\0", 7),
                                    std::string("tool 3\0", 7), std::string("blob 3")}) {
    w = Walk(kLoosePath, Zlib(header + "abc"));
    EXPECT_EQ(w.objects.size(), 0u) << header;
    EXPECT_EQ(w.result.error, "not a git object: no type and size header") << header;
  }
}

// Each blob of a pack is named by its path in the work tree, as the trees
// of the same pack name it; a blob's every version by the path it had.
TEST(GitObjects, BlobsOfAPackAreNamedByTheirPaths) {
  for (const char* format : {"sha1", "sha256"}) {
    SCOPED_TRACE(format);
    GitRepo repo;
    if (!repo.TryGit(std::string("init -q --object-format=") + format)) {
      ASSERT_STRNE(format, "sha1");
      continue;  // a git without SHA-256
    }
    repo.Commit("README", "an app\n");
    fs::create_directories(repo.path() / "src/app");
    repo.Commit("src/app/settings.py", "DEBUG = True\n");
    repo.Commit("src/app/settings.py", "DEBUG = False\n");
    repo.Git("mv src/app/settings.py src/app/config.py");
    repo.Git("commit -q -m move");
    repo.Git("gc -q --prune=now");
    std::vector<fs::path> packs = repo.Packs();
    ASSERT_EQ(packs.size(), 1u);
    const std::string bytes = ReadBytes(packs[0]);
    const std::string pack_path = "/app/.git/objects/pack/" + packs[0].filename().string();
    std::unordered_map<std::string, std::string> paths = PackBlobPaths(pack_path, bytes, {});
    Walked w = Walk(pack_path, bytes);
    std::multiset<std::string> named;
    for (const auto& [name, content] : w.objects) {
      auto at = paths.find(name);
      if (at != paths.end()) named.insert(at->second + ": " + content);
    }
    // The moved file keeps its blob: its first name read wins.
    EXPECT_EQ(named.size(), 3u);
    EXPECT_EQ(named.count("README: an app\n"), 1u);
    EXPECT_EQ(named.count("src/app/settings.py: DEBUG = True\n"), 1u);
    EXPECT_TRUE(named.count("src/app/config.py: DEBUG = False\n") == 1 ||
                named.count("src/app/settings.py: DEBUG = False\n") == 1);
  }
}

// A tree entry whose name holds a '/', and a tree cut inside an id, name
// nothing.
TEST(GitObjects, CraftedTreesNameNothingFalse) {
  const std::string id(20, '\x11');
  const std::string tree = "100644 a/b\0" + id + "40000 sub\0" + id.substr(0, 7);
  const std::string pack = Pack(EntryHeader(2, tree.size()) + Zlib(tree) +
                                    BlobEntry("password = x\n"),
                                2);
  std::unordered_map<std::string, std::string> paths = PackBlobPaths(kPackPath, pack, {});
  EXPECT_TRUE(paths.empty());
}

// --- in a scanned image -------------------------------------------------------

// An image of one gzip layer holding `entries`, scanned.
ScanOutput ScanOneLayer(const std::vector<test::TarMember>& entries) {
  TempDir tmp = test::MakeTempDir();
  test::OciLayout layout(tmp.path() / "oci");
  layout.WriteIndex({layout.AddImage({layout.AddBlob(
      test::kTarGzip, test::Compress(test::MakeTar(entries), test::Filter::kGzip))})});
  auto image = OpenOciLayout(tmp.path() / "oci", "");
  EXPECT_TRUE(image) << image.error();
  if (!image) return {};
  auto out = ScanImage(*image, Detector::Default());
  EXPECT_TRUE(out) << out.error();
  return out ? *out : ScanOutput{};
}

// `COPY . .` with the repository: the token removed from the work tree is
// found in .git/objects, loose and then packed, as a member of the object
// file, while the work tree itself holds nothing.
TEST(GitObjects, AScanFindsATokenOnlyTheRepositoryStillHolds) {
  GitRepo repo;
  const std::string token = TokenLine();
  repo.CommitThenRemove(token);
  for (bool packed : {false, true}) {
    if (packed) repo.Git("gc -q --prune=now");
    std::vector<test::TarMember> entries;
    for (const auto& e : fs::recursive_directory_iterator(repo.path())) {
      if (!e.is_regular_file()) continue;
      const std::string rel = fs::relative(e.path(), repo.path()).string();
      entries.push_back(test::File("app/" + rel, ReadBytes(e.path())));
    }
    const ScanOutput out = ScanOneLayer(entries);
    std::vector<std::string> found;
    for (const Finding& f : out.findings) {
      EXPECT_TRUE(StartsWith(f.path, "/app/.git/objects/")) << f.path;
      found.push_back(f.rule + " " + (packed ? f.member.substr(0, 8) : f.member));
    }
    const std::string want = packed ? "blob at " : "blob";
    EXPECT_EQ(found, (std::vector<std::string>{"github-classic-token " + want})) << packed;
    EXPECT_TRUE(out.stats.skipped.empty());
  }
}


// A blob of the history is judged by its path in the work tree: a test's
// fixture is no finding there, a password in the app's settings is, shown
// with its path.
TEST(GitObjects, AScanJudgesAPackedBlobByItsPath) {
  GitRepo repo;
  const std::string pass = fake::Mixed(22);
  const std::string line = "DB_PASSWORD = \"" + pass + "\"\n";
  fs::create_directories(repo.path() / "tests/fixtures");
  fs::create_directories(repo.path() / "app");
  repo.Commit("tests/fixtures/settings.py", "# a fixture\n" + line);
  repo.Commit("app/settings.py", line + "DEBUG = False\n");
  repo.Remove("app/settings.py");
  repo.Git("gc -q --prune=now");
  std::vector<fs::path> packs = repo.Packs();
  ASSERT_EQ(packs.size(), 1u);
  const std::string pack_path = "srv/app/.git/objects/pack/" + packs[0].filename().string();
  const ScanOutput out =
      ScanOneLayer({test::File(pack_path, ReadBytes(packs[0])),
                    test::File("srv/app/tests/fixtures/settings.py", "# a fixture\n" + line)});
  ASSERT_EQ(out.findings.size(), 1u);
  const Finding& f = out.findings[0];
  EXPECT_EQ(f.rule, "generic-secret-assignment");
  EXPECT_EQ(f.path, "/" + pack_path);
  EXPECT_TRUE(std::regex_match(f.member, std::regex("blob at [0-9]+ \\(app/settings\\.py\\)")))
      << f.member;
  EXPECT_EQ(f.fingerprint, Fingerprint(f.rule, pass));
}

// A pack larger than a window (here 27 MiB: six files of 6 MiB of random
// text and a token, all removed) is read from a file, from a layer tar (a
// copy in the spool directory) and in a layer directory (where it lies),
// with its parts dropped from memory once read: no part is skipped and
// memory does not grow with the pack.
// Text that does not compress, quickly: fake::Random draws each
// character from the system's source, too slow for megabytes.
std::string RandomText(size_t n) {
  std::mt19937_64 random(std::random_device{}());
  std::string out(n, '\0');
  for (char& c : out) c = fake::kBase64[random() % fake::kBase64.size()];
  return out;
}

TEST(GitObjects, APackLargerThanAWindowIsReadInBoundedMemory) {
  ReturnLargeBuffersWhenFreed();  // as safebuild's main does
  GitRepo repo;
  constexpr size_t kFile = 6u << 20;
  for (int i = 0; i < 6; ++i) {
    repo.Commit("data" + std::to_string(i) + ".txt", RandomText(kFile));
  }
  const std::string token = TokenLine();
  repo.CommitThenRemove(token);
  repo.Git("rm -q data*.txt");
  repo.Git("commit -q -m clean");
  repo.Git("-c pack.window=0 gc -q --prune=now");  // random text: no delta to look for
  std::vector<fs::path> packs = repo.Packs();
  ASSERT_EQ(packs.size(), 1u);
  ASSERT_GT(fs::file_size(packs[0]), 24u << 20);
  const std::string rel = "app/.git/objects/pack/" + packs[0].filename().string();
  for (bool in_place : {false, true}) {
    SCOPED_TRACE(in_place ? "layer directory" : "layer tar");
    TempDir tmp = test::MakeTempDir();
    OpenedImage dir_image;
    std::optional<Expected<OpenedImage>> tar_image;
    if (in_place) {
      fs::create_directories((tmp.path() / "diff" / rel).parent_path());
      fs::copy_file(packs[0], tmp.path() / "diff" / rel);
      dir_image.config = nlohmann::json::object();
      LayerBlob layer;
      layer.dir = tmp.path() / "diff";
      dir_image.layers.push_back(layer);
    } else {
      test::OciLayout layout(tmp.path() / "oci");
      layout.WriteIndex({layout.AddImage({layout.AddBlob(
          "application/vnd.oci.image.layer.v1.tar",
          test::MakeTar({test::File(rel, ReadBytes(packs[0]))}))})});
      tar_image = OpenOciLayout(tmp.path() / "oci", "");
      ASSERT_TRUE(*tar_image) << tar_image->error();
    }
    ScanOptions options;
    options.spool_dir = tmp.path();
    test::ResetPeakRss();
    auto out = ScanImage(in_place ? dir_image : **tar_image, Detector::Default(), options);
    ASSERT_TRUE(out) << out.error();
    std::vector<std::string> found;
    for (const Finding& f : out->findings) found.push_back(f.rule + " " + f.member.substr(0, 8));
    EXPECT_EQ(found, (std::vector<std::string>{"github-classic-token blob at "}));
    ASSERT_EQ(out->findings.size(), 1u);
    EXPECT_TRUE(EndsWith(out->findings[0].member, " (config.env)")) << out->findings[0].member;
    EXPECT_TRUE(out->stats.skipped.empty());
    EXPECT_LT(test::PeakRssBytes(), 128u << 20);
  }
}

// An object larger than a window is cut and the pack named once, for its
// size; the objects after it are still read.
TEST(GitObjects, AScanNamesAPackWithAnObjectOverAWindowOnce) {
  const std::string token = TokenLine();
  const uint64_t kBomb = 100ull << 20;
  const std::string pack =
      Pack(EntryHeader(3, kBomb) + ZlibZeros(kBomb) + BlobEntry(token), 2);
  const ScanOutput out = ScanOneLayer({test::File(kPackPath.substr(1), pack)});
  ASSERT_EQ(out.findings.size(), 1u);
  EXPECT_EQ(out.findings[0].rule, "github-classic-token");
  EXPECT_TRUE(StartsWith(out.findings[0].member, "blob at ")) << out.findings[0].member;
  ASSERT_EQ(out.stats.skipped.size(), 1u);
  EXPECT_EQ(out.stats.skipped[0].reason, "size");
  EXPECT_EQ(out.stats.skipped[0].path, kPackPath);
}

}  // namespace
}  // namespace safebuild
