// OCI layouts, docker archives and archive unpacking.
#include <gtest/gtest.h>

#include "image/layout.h"
#include "image_fixtures.h"

namespace safebuild {
namespace {

using namespace safebuild::test;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class OciLayoutTest : public ::testing::Test {
 protected:
  json GzipLayer(const std::vector<TarMember>& members) {
    return layout_.AddBlob(kTarGzip, MakeTar(members, Filter::kGzip));
  }

  Expected<OpenedImage> Open(const std::string& ref = "") {
    return OpenOciLayout(layout_.dir(), ref);
  }

  std::string OpenError(const std::string& ref = "") {
    Expected<OpenedImage> image = Open(ref);
    EXPECT_FALSE(image.ok());
    return image.ok() ? "" : image.error();
  }

  TempDir dir_ = MakeTempDir();
  OciLayout layout_{dir_.path() / "layout"};
};

TEST_F(OciLayoutTest, ReadsConfigLayersAndHistory) {
  json l0 = GzipLayer({File("a", "1")});
  json l1 = layout_.AddBlob(kTarZstd, MakeTar({File("b", "2")}, Filter::kZstd));
  json config = OciLayout::Config(2);
  config["rootfs"]["diff_ids"] = {"sha256:" + std::string(64, '1'),
                                  "sha256:" + std::string(64, '2')};
  json manifest = layout_.AddImage({l0, l1}, config);
  layout_.WriteIndex({manifest});

  Expected<OpenedImage> image = Open();
  ASSERT_TRUE(image.ok()) << image.error();
  EXPECT_EQ(image->id, "sha256:" + Sha256Hex(config.dump()));
  EXPECT_EQ(image->config["os"], "linux");
  ASSERT_EQ(image->layers.size(), 2u);
  const LayerBlob& first = image->layers[0];
  EXPECT_EQ(first.index, 0);
  EXPECT_EQ(first.digest, l0["digest"]);
  EXPECT_EQ(first.compression, Compression::kGzip);
  EXPECT_EQ(first.diff_id, "sha256:" + std::string(64, '1'));
  EXPECT_EQ(first.history_index, 1);  // history[0] is an empty ARG step
  EXPECT_EQ(first.created_by, "step 0");
  EXPECT_TRUE(fs::is_regular_file(first.file));
  const LayerBlob& second = image->layers[1];
  EXPECT_EQ(second.compression, Compression::kZstd);
  EXPECT_EQ(second.media_type, kTarZstd);
  EXPECT_EQ(second.history_index, 2);
  EXPECT_EQ(second.created_by, "step 1");
}

TEST_F(OciLayoutTest, EmptyLayerHistoryEntriesAnywhereAreSkipped) {
  json config = OciLayout::Config(2);
  config["history"] = {{{"created_by", "COPY a"}},
                       {{"created_by", "ENV X=1"}, {"empty_layer", true}},
                       {{"created_by", "RUN b"}}};
  layout_.WriteIndex(
      {layout_.AddImage({GzipLayer({}), GzipLayer({})}, config)});
  Expected<OpenedImage> image = Open();
  ASSERT_TRUE(image.ok()) << image.error();
  EXPECT_EQ(image->layers[0].history_index, 0);
  EXPECT_EQ(image->layers[1].history_index, 2);
  EXPECT_EQ(image->layers[1].created_by, "RUN b");
}

TEST_F(OciLayoutTest, ReferencePicksTheManifestByItsRefName) {
  json a = Named(layout_.AddImage({GzipLayer({File("a")})}), "app:a");
  json b =
      Named(layout_.AddImage({GzipLayer({File("b")}), GzipLayer({})}), "app:b");
  layout_.WriteIndex({a, b});
  Expected<OpenedImage> image = Open("app:b");
  ASSERT_TRUE(image.ok()) << image.error();
  EXPECT_EQ(image->layers.size(), 2u);
}

// The index's descriptor of the image carries annotations of its own.
TEST_F(OciLayoutTest, AnnotationsOfTheIndexDescriptorJoinTheManifests) {
  json manifest = Named(layout_.AddImage({GzipLayer({})}), "app:1");
  manifest["annotations"]["ci.note"] = "from the index";
  manifest["annotations"]["ci.same"] = "index value";
  layout_.WriteIndex({manifest});
  Expected<OpenedImage> image = Open();
  ASSERT_TRUE(image.ok()) << image.error();
  EXPECT_EQ(image->annotations["org.opencontainers.image.ref.name"], "app:1");
  EXPECT_EQ(image->annotations["ci.note"], "from the index");
  EXPECT_EQ(image->annotations["ci.same"], "index value");
}

// The index's own annotations are pushed with it: they are the image's too.
TEST_F(OciLayoutTest, AnnotationsOfTheIndexItselfJoinTheManifests) {
  json manifest = Named(layout_.AddImage({GzipLayer({})}), "app:1");
  layout_.WriteIndex({manifest}, {{"org.example.registry.password", "from the index"},
                                  {"org.opencontainers.image.ref.name", "other"}});
  Expected<OpenedImage> image = Open();
  ASSERT_TRUE(image.ok()) << image.error();
  EXPECT_EQ(image->annotations["org.example.registry.password"], "from the index");
  EXPECT_EQ(image->annotations["org.opencontainers.image.ref.name"], "app:1");
  EXPECT_EQ(image->annotations["org.opencontainers.image.ref.name (index.json)"], "other");
}

TEST_F(OciLayoutTest, SeveralImagesWithoutAReferenceListTheNames) {
  layout_.WriteIndex({Named(layout_.AddImage({}), "one"),
                      Named(layout_.AddImage({GzipLayer({})}), "two")});
  std::string error = OpenError();
  EXPECT_TRUE(Contains(error, "holds 2 images; name one of: one, two"))
      << error;
}

TEST_F(OciLayoutTest, UnknownReferenceListsTheAvailableNames) {
  layout_.WriteIndex({Named(layout_.AddImage({}), "one")});
  std::string error = OpenError("zwei");
  EXPECT_TRUE(Contains(error, "no image named 'zwei'; available: one"))
      << error;
}

TEST_F(OciLayoutTest, NestedIndexLeadsToTheLinuxAmd64Manifest) {
  json arm = layout_.AddImage({GzipLayer({})});
  arm["platform"] = {{"os", "linux"}, {"architecture", "arm64"}};
  json amd = layout_.AddImage({GzipLayer({}), GzipLayer({}), GzipLayer({})});
  amd["platform"] = {{"os", "linux"}, {"architecture", "amd64"}};
  json index = {{"schemaVersion", 2},
                {"mediaType", kOciIndex},
                {"manifests", {arm, amd}}};
  layout_.WriteIndex(
      {Named(layout_.AddBlob(kOciIndex, index.dump()), "multi")});
  Expected<OpenedImage> image = Open("multi");
  ASSERT_TRUE(image.ok()) << image.error();
  EXPECT_EQ(image->layers.size(), 3u);
}

TEST_F(OciLayoutTest, UnknownLayerMediaTypeIsAnErrorNamingIt) {
  json odd = layout_.AddBlob("application/vnd.example.layer.v1.tar+lz4", "xx");
  layout_.WriteIndex({layout_.AddImage({GzipLayer({}), odd})});
  std::string error = OpenError();
  EXPECT_TRUE(Contains(error,
                       "unsupported media type "
                       "'application/vnd.example.layer.v1.tar+lz4'"))
      << error;
}

TEST_F(OciLayoutTest, NondistributableAndDockerLayerTypesAreAccepted) {
  std::string tar = MakeTar({File("a")}, Filter::kGzip);
  json n = layout_.AddBlob(
      "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", tar);
  json d =
      layout_.AddBlob("application/vnd.docker.image.rootfs.diff.tar.gzip", tar);
  json p =
      layout_.AddBlob("application/vnd.oci.image.layer.v1.tar", MakeTar({}));
  layout_.WriteIndex({layout_.AddImage({n, d, p})});
  Expected<OpenedImage> image = Open();
  ASSERT_TRUE(image.ok()) << image.error();
  EXPECT_EQ(image->layers[1].compression, Compression::kGzip);
  EXPECT_EQ(image->layers[2].compression, Compression::kNone);
}

TEST_F(OciLayoutTest, DigestThatClimbsOutIsRefusedBeforeAnyFileIsOpened) {
  WriteFile(dir_.path() / "outside", "not a layer");
  json bad = {{"mediaType", kTarGzip},
              {"digest", "sha256:../../outside"},
              {"size", 11}};
  layout_.WriteIndex({layout_.AddImage({bad})});
  std::string error = OpenError();
  EXPECT_TRUE(
      Contains(error, "invalid or unsupported digest 'sha256:../../outside'"))
      << error;
}

TEST_F(OciLayoutTest, DigestInTheIndexIsCheckedToo) {
  layout_.WriteIndex({{{"mediaType", kOciManifest},
                       {"digest", "sha256:" + std::string(63, 'a') + "/"},
                       {"size", 1}}});
  EXPECT_TRUE(Contains(OpenError(), "invalid or unsupported digest"));
}

TEST_F(OciLayoutTest, OtherDigestAlgorithmsAndUppercaseHexAreRefused) {
  json upper = GzipLayer({});
  std::string digest = upper["digest"];
  for (char& c : digest) c = static_cast<char>(std::toupper(c));
  upper["digest"] = "sha256:" + digest.substr(7);
  json sha512 = {{"mediaType", kTarGzip},
                 {"digest", "sha512:" + std::string(128, 'a')},
                 {"size", 1}};
  for (const json& layer : {upper, sha512}) {
    layout_.WriteIndex({layout_.AddImage({layer})});
    EXPECT_TRUE(Contains(OpenError(), "invalid or unsupported digest"));
  }
}

TEST_F(OciLayoutTest, ConfigThatDoesNotMatchItsDigestIsAnError) {
  json manifest = layout_.AddImage({GzipLayer({})});
  json m =
      json::parse(std::ifstream(layout_.dir() / "blobs/sha256" /
                                std::string(manifest["digest"]).substr(7)));
  fs::path config = layout_.dir() / "blobs/sha256" /
                    std::string(m["config"]["digest"]).substr(7);
  std::string text = json::parse(std::ifstream(config)).dump();
  text[text.size() - 2] = text[text.size() - 2] == '1' ? '2' : '1';
  WriteFile(config, text);
  layout_.WriteIndex({manifest});
  EXPECT_TRUE(Contains(OpenError(), "content does not match digest"));
}

TEST_F(OciLayoutTest, LayerBlobOfTheWrongSizeIsAnError) {
  json layer = GzipLayer({File("a", "data")});
  layer["size"] = layer["size"].get<uint64_t>() + 1;
  layout_.WriteIndex({layout_.AddImage({layer})});
  EXPECT_TRUE(Contains(OpenError(), "its descriptor says"));
}

TEST_F(OciLayoutTest, MissingLayerBlobIsAnError) {
  json layer = GzipLayer({File("a", "data")});
  fs::remove(layout_.dir() / "blobs/sha256" /
             std::string(layer["digest"]).substr(7));
  layout_.WriteIndex({layout_.AddImage({layer})});
  EXPECT_TRUE(Contains(OpenError(), "is missing"));
}

TEST_F(OciLayoutTest, BlobThatIsASymlinkIsRefused) {
  json layer = GzipLayer({File("a", "data")});
  fs::path blob =
      layout_.dir() / "blobs/sha256" / std::string(layer["digest"]).substr(7);
  fs::rename(blob, dir_.path() / "elsewhere");
  fs::create_symlink(dir_.path() / "elsewhere", blob);
  layout_.WriteIndex({layout_.AddImage({layer})});
  EXPECT_TRUE(Contains(OpenError(), "is not a regular file"));
}

TEST_F(OciLayoutTest, LayerCountAndDiffIdsMustAgree) {
  json config = OciLayout::Config(1);
  layout_.WriteIndex(
      {layout_.AddImage({GzipLayer({}), GzipLayer({})}, config)});
  EXPECT_TRUE(Contains(OpenError(), "config lists 1 diff_ids for 2 layers"));
}

TEST_F(OciLayoutTest, DeeplyNestedConfigIsRefused) {
  json config = OciLayout::Config(0);
  std::string text = config.dump();
  text.insert(text.size() - 1,
              ",\"x\":" + std::string(10000, '[') + std::string(10000, ']'));
  json desc = layout_.AddBlob(kOciConfig, text);
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", kOciManifest},
                   {"config", desc},
                   {"layers", json::array()}};
  layout_.WriteIndex({layout_.AddBlob(kOciManifest, manifest.dump())});
  EXPECT_TRUE(Contains(OpenError(), "JSON nested too deeply"));
}

// Go's JSON decoder, used by podman, would take the later "Layers".
TEST_F(OciLayoutTest, FieldSpelledTwoWaysIsAnError) {
  json hidden = GzipLayer({File("key", "secret")});
  json manifest = {
      {"schemaVersion", 2},
      {"mediaType", kOciManifest},
      {"config", layout_.AddBlob(kOciConfig, OciLayout::Config(0).dump())},
      {"layers", json::array()},
      {"Layers", {hidden}}};
  layout_.WriteIndex({layout_.AddBlob(kOciManifest, manifest.dump())});
  EXPECT_TRUE(Contains(OpenError(), "manifest has no config or no layers"));
  manifest.erase("Layers");
  manifest["layer\xc5\xbf"] = {hidden};
  layout_.WriteIndex({layout_.AddBlob(kOciManifest, manifest.dump())});
  EXPECT_TRUE(Contains(OpenError(), "manifest has no config or no layers"));
}

TEST_F(OciLayoutTest, ArtifactConfigIsNotAnImage) {
  json desc = layout_.AddBlob("application/vnd.oci.empty.v1+json", "{}");
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", kOciManifest},
                   {"config", desc},
                   {"layers", json::array()}};
  layout_.WriteIndex({layout_.AddBlob(kOciManifest, manifest.dump())});
  EXPECT_TRUE(Contains(OpenError(), "not a container image"));
}

TEST_F(OciLayoutTest, MissingOrBrokenIndexIsAnError) {
  EXPECT_TRUE(Contains(OpenError(), "index.json"));
  WriteFile(layout_.dir() / "index.json", "{not json");
  EXPECT_TRUE(Contains(OpenError(), "not valid JSON"));
  WriteFile(layout_.dir() / "index.json", R"({"manifests": []})");
  EXPECT_TRUE(Contains(OpenError(), "lists no manifests"));
}

// ---------------------------------------------------------------- docker

class DockerArchiveTest : public ::testing::Test {
 protected:
  void WriteManifest(const json& config_name, const json& layers) {
    json m = json::array({{{"Config", config_name},
                           {"RepoTags", {"app:1"}},
                           {"Layers", layers}}});
    WriteFile(dir_.path() / "manifest.json", m.dump());
  }

  TempDir dir_ = MakeTempDir();
};

TEST_F(DockerArchiveTest, ReadsConfigAndLayersOfEitherCompression) {
  std::string config = OciLayout::Config(2).dump();
  std::string hex = Sha256Hex(config);
  WriteFile(dir_.path() / (hex + ".json"), config);
  WriteFile(dir_.path() / "l0/layer.tar", MakeTar({File("a", "1")}));
  WriteFile(dir_.path() / "l1.tar", MakeTar({File("b", "2")}, Filter::kGzip));
  WriteManifest(hex + ".json", {"l0/layer.tar", "./l1.tar"});

  Expected<OpenedImage> image = OpenDockerArchiveDir(dir_.path());
  ASSERT_TRUE(image.ok()) << image.error();
  EXPECT_EQ(image->id, "sha256:" + hex);
  ASSERT_EQ(image->layers.size(), 2u);
  EXPECT_EQ(image->layers[0].compression, Compression::kNone);
  EXPECT_EQ(image->layers[0].digest, image->layers[0].diff_id);
  EXPECT_EQ(image->layers[1].compression, Compression::kGzip);
  EXPECT_EQ(image->layers[1].created_by, "step 1");
  EXPECT_EQ(image->layers[1].file, dir_.path() / "l1.tar");
}

TEST_F(DockerArchiveTest, LayerNamesThatLeaveTheArchiveAreRefused) {
  std::string config = OciLayout::Config(1).dump();
  WriteFile(dir_.path() / "c.json", config);
  WriteFile(dir_.path() / "l.tar", MakeTar({}));
  for (const char* name : {"../l.tar", "/etc/passwd", "a/../../l.tar", ""}) {
    WriteManifest("c.json", {name});
    Expected<OpenedImage> image = OpenDockerArchiveDir(dir_.path());
    EXPECT_FALSE(image.ok()) << name;
  }
  WriteManifest("../c.json", {"l.tar"});
  EXPECT_FALSE(OpenDockerArchiveDir(dir_.path()).ok());
}

TEST_F(DockerArchiveTest, LayerReachedThroughASymlinkedDirectoryIsRefused) {
  WriteFile(dir_.path() / "c.json", OciLayout::Config(1).dump());
  WriteFile(dir_.path() / "real/l.tar", MakeTar({}));
  fs::create_directory_symlink(dir_.path() / "real", dir_.path() / "via");
  WriteManifest("c.json", {"via/l.tar"});
  Expected<OpenedImage> image = OpenDockerArchiveDir(dir_.path());
  ASSERT_FALSE(image.ok());
  EXPECT_TRUE(Contains(image.error(), "not inside a plain directory"));
}

TEST_F(DockerArchiveTest, ManifestThatListsNoImageIsAnError) {
  WriteFile(dir_.path() / "manifest.json", "[]");
  EXPECT_FALSE(OpenDockerArchiveDir(dir_.path()).ok());
  WriteFile(dir_.path() / "manifest.json", R"([{"Config": 3, "Layers": []}])");
  EXPECT_FALSE(OpenDockerArchiveDir(dir_.path()).ok());
}

// ---------------------------------------------------------------- unpack

class UnpackTest : public ::testing::Test {
 protected:
  UnpackTest() { fs::create_directory(dest_); }

  Status Unpack(const std::string& tar, const UnpackLimits& limits = {}) {
    fs::path archive = dir_.path() / "in.tar";
    WriteFile(archive, tar);
    return UnpackArchive(archive, dest_, limits);
  }

  static std::string Slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  TempDir dir_ = MakeTempDir();
  fs::path dest_ = dir_.path() / "sub";
};

TEST_F(UnpackTest, WritesRegularFilesInPrivateDirectories) {
  Status s = Unpack(MakeTar({Dir("blobs/"), File("./blobs/sha256/ab", "blob"),
                             File("index.json", "{}")},
                            Filter::kGzip));
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(Slurp(dest_ / "blobs/sha256/ab"), "blob");
  EXPECT_EQ(Slurp(dest_ / "index.json"), "{}");
  struct stat st;
  ASSERT_EQ(::stat((dest_ / "blobs/sha256").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(UnpackTest, MemberClimbingOutIsNeverWrittenOutsideDest) {
  Status s = Unpack(MakeTar({File("ok", "1"), File("../evil", "pwned")}));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.error(), "member '../evil'")) << s.error();
  EXPECT_TRUE(Contains(s.error(), "in.tar")) << s.error();
  EXPECT_FALSE(fs::exists(dir_.path() / "evil"));
}

TEST_F(UnpackTest, AbsoluteMemberIsRefused) {
  fs::path target = dir_.path() / "abs-target";
  Status s = Unpack(MakeTar({File(target.string(), "pwned")}));
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(fs::exists(target));
}

TEST_F(UnpackTest, LinksAndDevicesAreSkipped) {
  Status s = Unpack(MakeTar({Symlink("index.json", "/etc/passwd"),
                             Hardlink("h", "/etc/passwd"), Fifo("f"),
                             CharDev("c", 1, 3), File("real", "x")}));
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_FALSE(fs::exists(fs::symlink_status(dest_ / "index.json")));
  EXPECT_FALSE(fs::exists(dest_ / "h"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(dest_ / "f")));
  EXPECT_TRUE(fs::exists(dest_ / "real"));
}

TEST_F(UnpackTest, FileCannotBeWrittenThroughALinkMemberOfTheSameName) {
  Status s = Unpack(MakeTar({Symlink("a", ".."), File("a/evil", "x")}));
  EXPECT_TRUE(s.ok()) << s.error();
  EXPECT_TRUE(fs::is_directory(fs::symlink_status(dest_ / "a")));
  EXPECT_FALSE(fs::exists(dir_.path() / "evil"));
}

TEST_F(UnpackTest, SparseMemberKeepsItsHolesAndSize) {
  Status s = Unpack(MakeSparseTar("blob", 1 << 20, 4096, "data"));
  ASSERT_TRUE(s.ok()) << s.error();
  std::string content = Slurp(dest_ / "blob");
  ASSERT_EQ(content.size(), size_t{1} << 20);
  EXPECT_EQ(content.substr(4096, 4), "data");
  EXPECT_EQ(content.find_first_not_of('\0'), 4096u);
}

TEST_F(UnpackTest, MemberMetTwiceIsAnError) {
  Status s =
      Unpack(MakeTar({File("index.json", "a"), File("index.json", "b")}));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.error(), "index.json"));
}

TEST_F(UnpackTest, LimitsOnEntriesAndBytesAreErrors) {
  UnpackLimits few;
  few.max_entries = 2;
  Status s = Unpack(MakeTar({File("a"), File("b"), File("c")}), few);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.error(), "more than 2 entries"));
  UnpackLimits small;
  small.max_total_bytes = 5;
  s = Unpack(MakeTar({File("x", "123"), File("y", "456")}), small);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.error(), "member 'y'"));
}

TEST_F(UnpackTest, TruncatedArchiveIsAnError) {
  std::string tar = MakeTar({File("a", std::string(5000, 'x'))}, Filter::kGzip);
  EXPECT_FALSE(Unpack(tar.substr(0, tar.size() / 2)).ok());
}

// An oci-archive goes through UnpackArchive, then OpenOciLayout.
TEST_F(UnpackTest, OciArchiveRoundTrip) {
  OciLayout layout(dir_.path() / "src");
  json layer =
      layout.AddBlob(kTarGzip, MakeTar({File("k", "v")}, Filter::kGzip));
  layout.WriteIndex({Named(layout.AddImage({layer}), "latest")});
  std::vector<TarMember> members;
  for (const auto& e : fs::recursive_directory_iterator(layout.dir())) {
    if (!e.is_regular_file()) continue;
    members.push_back(
        File(fs::relative(e.path(), layout.dir()).string(), Slurp(e.path())));
  }
  ASSERT_TRUE(Unpack(MakeTar(members)).ok());
  Expected<OpenedImage> image = OpenOciLayout(dest_, "latest");
  ASSERT_TRUE(image.ok()) << image.error();
  ASSERT_EQ(image->layers.size(), 1u);
  Expected<ReadEntries> r = ReadAll(image->layers[0].file);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->contents.at(0), "v");
}

}  // namespace
}  // namespace safebuild
