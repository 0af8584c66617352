// oci-archives and docker-archives read in place: the member index, byte
// ranges of the archive file, and the errors of a damaged archive.
#include <gtest/gtest.h>

#include "image/archive_index.h"
#include "image/layout.h"
#include "image_fixtures.h"

namespace safebuild {
namespace {

using namespace safebuild::test;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ArchiveTest : public ::testing::Test {
 protected:
  fs::path Write(const std::string& bytes) {
    fs::path p = dir_.path() / ("archive" + std::to_string(++count_) + ".tar");
    WriteFile(p, bytes);
    return p;
  }

  std::string IndexError(const std::string& bytes) {
    Expected<ArchiveIndex> index = ArchiveIndex::Build(Write(bytes));
    EXPECT_FALSE(index.ok());
    return index.ok() ? "" : index.error();
  }

  // The files of `layout` as the members of one uncompressed tar.
  static std::string TarOf(const OciLayout& layout) {
    std::vector<TarMember> members;
    for (const auto& e : fs::recursive_directory_iterator(layout.dir())) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      members.push_back(File(fs::relative(e.path(), layout.dir()).string(),
                             std::string(std::istreambuf_iterator<char>(in), {})));
    }
    return MakeTar(members);
  }

  TempDir dir_ = MakeTempDir();
  int count_ = 0;
};

std::string Read(const FileRange& range) {
  Expected<std::string> bytes = ReadFileRange(range, 1 << 24);
  EXPECT_TRUE(bytes.ok()) << bytes.error();
  return bytes.ok() ? *bytes : "";
}

TEST_F(ArchiveTest, IndexFindsEachMemberAtTheOffsetOfItsBytesInEveryTarFormat) {
  const std::string long_name = "blobs/sha256/" + std::string(120, 'b');  // a pax/gnu name
  for (Format format : {Format::kUstar, Format::kPax, Format::kGnu}) {
    std::string first = "first member\n";
    std::string big(70000, 'x');
    big.back() = 'y';
    std::vector<TarMember> members = {File("first", first), Dir("blobs/"),
                                      File("empty", ""), File("blobs/big", big),
                                      Symlink("link", "first")};
    if (format != Format::kUstar) members.push_back(File(long_name, "long"));
    members.push_back(File("./last//one", "the end"));
    Expected<ArchiveIndex> index = ArchiveIndex::Build(Write(MakeTar(members, Filter::kNone,
                                                                     format)));
    ASSERT_TRUE(index.ok()) << index.error();
    EXPECT_EQ(index->needs_unpack(), "");
    EXPECT_EQ(index->size(), format == Format::kUstar ? 4u : 5u);  // regular files only
    std::optional<FileRange> r = index->Find("first");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->offset, 512u);  // after the one header block
    EXPECT_EQ(Read(*r), first);
    EXPECT_EQ(r->Name(), index->path().string() + " member first");
    r = index->Find("empty");
    ASSERT_TRUE(r);
    EXPECT_EQ(*r->size, 0u);
    EXPECT_EQ(Read(*r), "");
    r = index->Find("blobs/big");
    ASSERT_TRUE(r);
    EXPECT_EQ(Read(*r), big);
    r = index->Find("last/one");
    ASSERT_TRUE(r);
    EXPECT_EQ(Read(*r), "the end");
    EXPECT_TRUE(index->Find("./last/one"));
    if (format != Format::kUstar) {
      EXPECT_EQ(Read(*index->Find(long_name)), "long");
    }
    EXPECT_FALSE(index->Find("link"));
    EXPECT_FALSE(index->Find("blobs"));
    EXPECT_FALSE(index->Find("missing"));
  }
}

TEST_F(ArchiveTest, LayerIsReadAsARangeOfTheArchiveWithoutItsNeighbours) {
  std::string layer = MakeTar({File("etc/a", "aaa"), File("etc/b", "bbb")});
  Expected<ArchiveIndex> index = ArchiveIndex::Build(
      Write(MakeTar({File("before", std::string(1000, 'z')), File("layer.tar", layer),
                     File("after", std::string(3000, 'z'))})));
  ASSERT_TRUE(index.ok()) << index.error();
  std::optional<FileRange> r = index->Find("layer.tar");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 512u + 1024u + 512u);
  ReadEntries got;
  Status s = ReadLayer(*r, {}, [&](const LayerEntry& e, const ContentWindow& w) {
    got.entries.push_back(e);
    got.contents.emplace_back(w.bytes);
    return true;
  });
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_EQ(got.entries.size(), 2u);
  EXPECT_EQ(got.entries[1].path, "/etc/b");
  EXPECT_EQ(got.contents[1], "bbb");
}

TEST_F(ArchiveTest, CompressedOrSparseArchiveSaysItMustBeUnpacked) {
  Expected<ArchiveIndex> gz = ArchiveIndex::Build(Write(MakeTar({File("a", "1")}, Filter::kGzip)));
  ASSERT_TRUE(gz.ok()) << gz.error();
  EXPECT_EQ(gz->needs_unpack(), "gzip-compressed");
  Expected<ArchiveIndex> sparse = ArchiveIndex::Build(Write(MakeSparseTar("blob", 1 << 20,
                                                                          4096, "data")));
  ASSERT_TRUE(sparse.ok()) << sparse.error();
  EXPECT_EQ(sparse->needs_unpack(), "member 'blob' is sparse");
}

TEST_F(ArchiveTest, TruncatedArchiveIsAClearErrorWhereverItIsCut) {
  std::string tar = MakeTar({File("a", std::string(5000, 'x')), File("b", std::string(3000, 'y'))});
  // In the last member's data: the member runs past the end of the file.
  std::string cut = IndexError(tar.substr(0, 512 + 5120 + 512 + 1000));
  EXPECT_TRUE(Contains(cut, "member 'b': runs past the end of the archive at byte 7144 "
                            "(truncated?)")) << cut;
  // Between members: no end-of-archive blocks.
  cut = IndexError(tar.substr(0, 512 + 5120));
  EXPECT_TRUE(Contains(cut, "ends without the end-of-archive blocks (truncated?)")) << cut;
  // In a header.
  cut = IndexError(tar.substr(0, 512 + 5120 + 100));
  EXPECT_TRUE(Contains(cut, "runcated")) << cut;
}

TEST_F(ArchiveTest, ClimbingAbsoluteOrRepeatedMemberIsAnError) {
  EXPECT_TRUE(Contains(IndexError(MakeTar({File("../x", "1")})), "member '../x': member name "
                                                                  "climbs out with '..'"));
  EXPECT_TRUE(Contains(IndexError(MakeTar({File("/x", "1")})), "absolute member name"));
  EXPECT_TRUE(Contains(IndexError(MakeTar({File("x", "1"), File("./x", "2")})),
                       "member './x': appears twice"));
}

TEST_F(ArchiveTest, TooManyMembersIsAnError) {
  ArchiveIndexLimits few;
  few.max_entries = 2;
  Expected<ArchiveIndex> index =
      ArchiveIndex::Build(Write(MakeTar({File("a"), File("b"), File("c")})), few);
  ASSERT_FALSE(index.ok());
  EXPECT_TRUE(Contains(index.error(), "more than 2 entries")) << index.error();
}

TEST_F(ArchiveTest, RangePastTheEndOfTheFileIsAnErrorNotAShortRead) {
  fs::path p = Write("0123456789");
  Expected<std::string> r = ReadFileRange(FileRange{p, 4, 10, "m"}, 100);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), p.string() + " member m: ends past the end of " + p.string() +
                           " (truncated?)");
  EXPECT_EQ(Read(FileRange{p, 4, 3, "m"}), "456");
  EXPECT_EQ(Read(FileRange{p, 4, std::nullopt, ""}), "456789");
  Status s = ReadLayer(FileRange{p, 2, 20, "layer"}, {},
                       [](const LayerEntry&, const ContentWindow&) { return true; });
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.error(), "ends past the end")) << s.error();
}

TEST_F(ArchiveTest, OciArchiveIsReadInPlaceWithItsDigestsChecked) {
  OciLayout layout(dir_.path() / "src");
  json l0 = layout.AddBlob(kTarGzip, MakeTar({File("k", "v")}, Filter::kGzip));
  json l1 = layout.AddBlob("application/vnd.oci.image.layer.v1.tar", MakeTar({File("k2", "w")}));
  layout.WriteIndex({Named(layout.AddImage({l0, l1}), "latest")});
  fs::path archive = Write(TarOf(layout));
  Expected<ArchiveIndex> index = ArchiveIndex::Build(archive);
  ASSERT_TRUE(index.ok()) << index.error();
  Expected<OpenedImage> image = OpenOciArchive(*index, "latest");
  ASSERT_TRUE(image.ok()) << image.error();
  ASSERT_EQ(image->layers.size(), 2u);
  const LayerBlob& first = image->layers[0];
  EXPECT_EQ(first.file, archive);
  EXPECT_EQ(first.member, "blobs/sha256/" + std::string(l0["digest"]).substr(7));
  EXPECT_EQ(*first.size, l0["size"].get<uint64_t>());
  EXPECT_EQ(first.compression, Compression::kGzip);
  for (size_t i = 0; i < 2; ++i) {
    ReadEntries got;
    Status s = ReadLayer(BlobRange(image->layers[i]), {},
                         [&](const LayerEntry& e, const ContentWindow& w) {
                           got.entries.push_back(e);
                           got.contents.emplace_back(w.bytes);
                           return true;
                         });
    ASSERT_TRUE(s.ok()) << s.error();
    ASSERT_EQ(got.contents.size(), 1u);
    EXPECT_EQ(got.contents[0], i == 0 ? "v" : "w");
  }
  // Unknown names still list what the archive holds.
  Expected<OpenedImage> other = OpenOciArchive(*index, "nope");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error(), archive.string() + ": no image named 'nope'; available: latest");
}

TEST_F(ArchiveTest, OciArchiveWhoseIndexNamesAMissingBlobIsAnError) {
  OciLayout layout(dir_.path() / "src");
  json layer = layout.AddBlob(kTarGzip, MakeTar({File("k", "v")}, Filter::kGzip));
  layout.WriteIndex({layout.AddImage({layer})});
  std::string digest = layer["digest"];
  fs::remove(layout.dir() / "blobs/sha256" / digest.substr(7));
  fs::path archive = Write(TarOf(layout));
  Expected<ArchiveIndex> index = ArchiveIndex::Build(archive);
  ASSERT_TRUE(index.ok()) << index.error();
  Expected<OpenedImage> image = OpenOciArchive(*index, "");
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.error(), archive.string() + ": blob " + digest + " is missing");
}

TEST_F(ArchiveTest, OciArchiveWithoutAnIndexOrWithABadConfigIsAnError) {
  OciLayout layout(dir_.path() / "src");
  json layer = layout.AddBlob(kTarGzip, MakeTar({File("k", "v")}, Filter::kGzip));
  json manifest = layout.AddImage({layer});
  layout.WriteIndex({manifest});
  fs::path archive = Write(TarOf(layout));
  fs::remove(layout.dir() / "index.json");
  fs::path no_index = Write(TarOf(layout));
  Expected<ArchiveIndex> index = ArchiveIndex::Build(no_index);
  ASSERT_TRUE(index.ok()) << index.error();
  Expected<OpenedImage> image = OpenOciArchive(*index, "");
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.error(), no_index.string() + ": no index.json in the archive");

  // A layer blob whose size is not the descriptor's.
  layer["size"] = layer["size"].get<uint64_t>() + 1;
  layout.WriteIndex({layout.AddImage({layer})});
  index = ArchiveIndex::Build(Write(TarOf(layout)));
  ASSERT_TRUE(index.ok()) << index.error();
  image = OpenOciArchive(*index, "");
  ASSERT_FALSE(image.ok());
  EXPECT_TRUE(Contains(image.error(), "its descriptor says")) << image.error();
}

TEST_F(ArchiveTest, ConfigThatDoesNotMatchItsDigestInAnArchiveIsAnError) {
  OciLayout layout(dir_.path() / "src");
  json layer = layout.AddBlob(kTarGzip, MakeTar({File("k", "v")}, Filter::kGzip));
  json config = OciLayout::Config(1);
  json manifest = layout.AddImage({layer}, config);
  layout.WriteIndex({manifest});
  // Same size, other bytes: only the digest can tell.
  std::string text = config.dump();
  text[text.find("linux")] = 'L';
  WriteFile(layout.dir() / "blobs/sha256" / Sha256Hex(config.dump()), text);
  Expected<ArchiveIndex> index = ArchiveIndex::Build(Write(TarOf(layout)));
  ASSERT_TRUE(index.ok()) << index.error();
  Expected<OpenedImage> image = OpenOciArchive(*index, "");
  ASSERT_FALSE(image.ok());
  EXPECT_TRUE(Contains(image.error(), "content does not match digest")) << image.error();
}

TEST_F(ArchiveTest, DockerArchiveIsReadInPlace) {
  std::string config = OciLayout::Config(2).dump();
  std::string hex = Sha256Hex(config);
  json manifest = json::array({{{"Config", hex + ".json"},
                                {"Layers", {"l0/layer.tar", "./l1.tar"}}}});
  fs::path archive = Write(MakeTar({File("manifest.json", manifest.dump()),
                                    File(hex + ".json", config),
                                    File("l0/layer.tar", MakeTar({File("a", "1")})),
                                    File("l1.tar", MakeTar({File("b", "2")}, Filter::kGzip))}));
  Expected<ArchiveIndex> index = ArchiveIndex::Build(archive);
  ASSERT_TRUE(index.ok()) << index.error();
  Expected<OpenedImage> image = OpenDockerArchive(*index);
  ASSERT_TRUE(image.ok()) << image.error();
  EXPECT_EQ(image->id, "sha256:" + hex);
  ASSERT_EQ(image->layers.size(), 2u);
  EXPECT_EQ(image->layers[0].compression, Compression::kNone);
  EXPECT_EQ(image->layers[0].member, "l0/layer.tar");
  EXPECT_EQ(image->layers[1].compression, Compression::kGzip);
  EXPECT_EQ(image->layers[1].member, "l1.tar");
  ReadEntries got;
  Status s = ReadLayer(BlobRange(image->layers[1]), {},
                       [&](const LayerEntry& e, const ContentWindow& w) {
                         got.entries.push_back(e);
                         got.contents.emplace_back(w.bytes);
                         return true;
                       });
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_EQ(got.entries.size(), 1u);
  EXPECT_EQ(got.entries[0].path, "/b");
  EXPECT_EQ(got.contents[0], "2");
}

TEST_F(ArchiveTest, DockerArchiveNamingAMissingOrClimbingMemberIsAnError) {
  std::string config = OciLayout::Config(1).dump();
  for (const char* name : {"gone.tar", "../l.tar", "/l.tar", ""}) {
    json manifest = json::array({{{"Config", "c.json"}, {"Layers", {name}}}});
    fs::path archive = Write(MakeTar({File("manifest.json", manifest.dump()),
                                      File("c.json", config), File("l.tar", MakeTar({}))}));
    Expected<ArchiveIndex> index = ArchiveIndex::Build(archive);
    ASSERT_TRUE(index.ok()) << index.error();
    Expected<OpenedImage> image = OpenDockerArchive(*index);
    ASSERT_FALSE(image.ok()) << name;
    std::string want = std::string(name) == "gone.tar" ? "'gone.tar' is missing"
                       : *name == '\0'                 ? "invalid file name"
                                                       : "leaves the archive";
    EXPECT_TRUE(Contains(image.error(), want)) << image.error();
  }
}

}  // namespace
}  // namespace safebuild
