#include "report/report.h"
#include "scan/scanner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "detect_test_util.h"
#include "fake_secret.h"
#include "image_fixtures.h"
#include "util/fingerprint.h"
#include "util/temp_dir.h"

namespace safebuild {
namespace {

using test::Dir;
using test::File;
using test::Filter;
using test::Hardlink;
using test::Symlink;
using test::TarMember;

struct LayerSpec {
  LayerSpec(std::vector<TarMember> e, std::string by = "", Filter f = Filter::kGzip)
      : entries(std::move(e)), created_by(std::move(by)), filter(f) {}
  std::vector<TarMember> entries;
  std::string created_by;
  Filter filter;
};

// An OCI layout with one image: `layers` in order, `container` as the
// config's "config" object, one history entry per layer.
void WriteImage(const std::filesystem::path& dir, const std::vector<LayerSpec>& layers,
                const nlohmann::json& container) {
  test::OciLayout layout(dir);
  nlohmann::json config = {{"architecture", "amd64"}, {"os", "linux"}, {"config", container}};
  config["rootfs"] = {{"type", "layers"}, {"diff_ids", nlohmann::json::array()}};
  config["history"] = nlohmann::json::array();
  std::vector<nlohmann::json> descriptors;
  for (const auto& l : layers) {
    std::string plain = test::MakeTar(l.entries);
    std::string media = "application/vnd.oci.image.layer.v1.tar";
    if (l.filter == Filter::kGzip) media += "+gzip";
    if (l.filter == Filter::kZstd) media += "+zstd";
    descriptors.push_back(layout.AddBlob(media, test::Compress(plain, l.filter)));
    config["rootfs"]["diff_ids"].push_back("sha256:" + test::Sha256Hex(plain));
    config["history"].push_back({{"created_by", l.created_by}});
  }
  layout.WriteIndex({layout.AddImage(descriptors, config)});
}

std::string FakeSecret(std::string_view kind) { return fake::Make(*fake::ParseKind(kind)); }

class ScannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = TempDir::Create("scanner-test");
    ASSERT_TRUE(t);
    tmp_ = std::make_unique<TempDir>(std::move(*t));
  }

  ScanOutput Scan(const std::vector<LayerSpec>& layers,
                  const nlohmann::json& config = nlohmann::json::object()) {
    WriteImage(tmp_->path() / "img", layers, config);
    auto image = OpenOciLayout(tmp_->path() / "img", "");
    EXPECT_TRUE(image) << image.error();
    auto out = ScanImage(*image, Detector::Default());
    EXPECT_TRUE(out) << out.error();
    return out ? *out : ScanOutput{};
  }

  static const Finding* Find(const ScanOutput& out, const std::string& path) {
    auto it = std::find_if(out.findings.begin(), out.findings.end(),
                           [&](const Finding& f) { return f.path == path; });
    return it == out.findings.end() ? nullptr : &*it;
  }

  std::unique_ptr<TempDir> tmp_;
};

TEST_F(ScannerTest, ReportsFileDeletedByWhiteoutAsDeleted) {
  std::string tok = FakeSecret("NPM_TOKEN");
  auto out = Scan({{{Dir("app/"), File("app/.npmrc", "//r/:_authToken=" + tok + "\n")},
                    "COPY .npmrc /app/.npmrc"},
                   {{File("app/.wh..npmrc", "")}, "RUN rm /app/.npmrc"}});
  const Finding* f = Find(out, "/app/.npmrc");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->origin, Origin::kLayer);
  EXPECT_EQ(f->layer->index, 0);
  EXPECT_EQ(f->layer->created_by, "COPY .npmrc /app/.npmrc");
  EXPECT_TRUE(f->deleted.value());
  EXPECT_EQ(f->line, 1);
  EXPECT_EQ(out.stats.layers, 2);
}

TEST_F(ScannerTest, OpaqueMarkerAfterSiblingsHidesOnlyLowerLayers) {
  std::string pw = FakeSecret("PASSWORD");
  auto out = Scan({{{Dir("cfg/"), File("cfg/.netrc", "machine h login ci password " + pw)}},
                   {{Dir("cfg/"), File("cfg/placeholder", ""), File("cfg/.wh..wh..opq", "")}}});
  const Finding* f = Find(out, "/cfg/.netrc");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->deleted.value());
  EXPECT_EQ(out.findings.size(), 1u);
}

TEST_F(ScannerTest, DirectoryReplacedBySymlinkIsAnImplicitDelete) {
  std::string key = FakeSecret("GOOGLE_API_KEY");
  auto out = Scan({{{Dir("data/"), File("data/maps.conf", "GOOGLE_API_KEY=" + key + "\n")}},
                   {{Symlink("data", "/tmp")}}});
  const Finding* f = Find(out, "/data/maps.conf");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->deleted.value());
}

TEST_F(ScannerTest, HardlinkOutlivesItsDeletedOriginal) {
  std::string tok = FakeSecret("GITHUB_TOKEN");
  auto out = Scan({{{Dir("a/"), File("a/secret", "token=" + tok), Dir("b/"),
                     Hardlink("b/link", "a/secret")}},
                   {{File("a/.wh.secret", "")}}});
  const Finding* original = Find(out, "/a/secret");
  const Finding* link = Find(out, "/b/link");
  ASSERT_NE(original, nullptr);
  ASSERT_NE(link, nullptr);
  EXPECT_TRUE(original->deleted.value());
  EXPECT_FALSE(link->deleted.value());
}

// One layer may hold a path twice (a tar appended to, a hand-made
// layer): the later entry is what the layer leaves, so the earlier one's
// secret is deleted. So is a file under a directory that a later entry of
// the same layer replaces by a file.
TEST_F(ScannerTest, AnEntryALaterEntryOfItsLayerReplacesIsDeleted) {
  std::string first = FakeSecret("GITLAB_TOKEN");
  std::string kept = FakeSecret("GITHUB_TOKEN");
  std::string under = FakeSecret("NPM_TOKEN");
  auto out = Scan({{{Dir("a/"), File("a/dup.txt", first), File("a/dup.txt", "clean\n"),
                     File("a/kept.txt", kept), File("a/kept.txt", kept), Dir("d/"),
                     File("d/x.npmrc", "//r/:_authToken=" + under + "\n"),
                     File("d", "now a file")}}});
  Normalize(out.findings);  // as every report does: one finding of alike ones
  std::map<std::string, bool> deleted;
  for (const Finding& f : out.findings) {
    EXPECT_TRUE(deleted.emplace(f.path, f.deleted.value()).second) << f.path;
  }
  EXPECT_EQ(deleted, (std::map<std::string, bool>{
                         {"/a/dup.txt", true}, {"/a/kept.txt", false}, {"/d/x.npmrc", true}}));
}

TEST_F(ScannerTest, FileStillVisibleIsNotDeleted) {
  std::string tok = FakeSecret("GITLAB_TOKEN");
  auto out = Scan({{{File("etc/tok", tok)}, "RUN x", Filter::kZstd}, {{File("other", "x")}}});
  const Finding* f = Find(out, "/etc/tok");
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(f->deleted.value());
  EXPECT_EQ(f->rule, "gitlab-token");
}

// A key kept in DER is found where a layer holds it and inside an archive
// of the layer, each as the whole file.
TEST_F(ScannerTest, FindsABinaryKeyInALayerAndInANestedArchive) {
  const std::string dir = tmp_->path().string();
  ASSERT_TRUE(detect_test::Shell("openssl genpkey -algorithm ed25519 -outform DER -out '" +
                                 dir + "/ed.der'"));
  const std::string key = detect_test::ReadFile(tmp_->path() / "ed.der");
  const std::string nested =
      test::Compress(test::MakeTar({File("client.der", key)}), Filter::kGzip);
  auto out = Scan({{{File("app/server.der", key), File("app/keys.tgz", nested)}, "COPY . /app"}});
  ASSERT_EQ(out.findings.size(), 2u);
  for (const Finding& f : out.findings) {
    EXPECT_EQ(f.rule, "private-key") << f.path;
    EXPECT_EQ(f.severity, Severity::kCritical) << f.path;
  }
  EXPECT_NE(Find(out, "/app/server.der"), nullptr);
  const Finding* inner = Find(out, "/app/keys.tgz");
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->member, "client.der");
}

// What a limit cut inside a file that was read (packed blobs past what a
// file's may unpack to) is named in `skipped` with its detail, for a file,
// for an archive's member, and once for a file read in several windows.
TEST_F(ScannerTest, NamesWhatALimitCutInsideAFileWithItsDetail) {
  const std::string blob =
      test::Compress(test::MakeTar({File("f", std::string(960 << 10, 'a'))}), Filter::kGzip);
  std::string blobs;
  for (int i = 0; i < 10; ++i) blobs += "B" + std::to_string(i) + "=" + fake::Base64(blob) + "\n";
  const std::string nested = test::Compress(test::MakeTar({File("blobs.env", blobs)}),
                                            Filter::kGzip);
  // Past one 16 MiB window: the blobs are in the first and in the last.
  const std::string large = blobs + std::string(18 << 20, '#') + "\n" + blobs;
  auto out = Scan({{{File("srv/blobs.env", blobs), File("srv/bundle.tgz", nested),
                     File("srv/large.env", large), File("srv/clean.env", "A=1\n")},
                    "COPY . /srv"}});
  std::vector<std::string> skipped;
  for (const Skipped& k : out.stats.skipped) {
    skipped.push_back(k.path + "!" + k.member + " " + k.reason + ": " + k.detail);
  }
  const std::string cut =
      " size: a packed blob (tar, gzip) past what it may unpack to (1 MiB, 4096 files, 8 MiB a "
      "file)";
  const std::string past = " size: packed blobs past the 8 MiB that those of a file may unpack to";
  EXPECT_EQ(skipped, (std::vector<std::string>{
                         "/srv/blobs.env!" + cut, "/srv/blobs.env!" + past,
                         "/srv/bundle.tgz!blobs.env" + cut, "/srv/bundle.tgz!blobs.env" + past,
                         "/srv/large.env!" + cut, "/srv/large.env!" + past}));
  Report report;
  report.stats = out.stats;
  const nlohmann::json j = ToJson(report);
  EXPECT_EQ(j["skipped"][0]["detail"], cut.substr(7));
}

TEST_F(ScannerTest, LayerFindingsHaveTheirLineAndColumn) {
  std::string tok = FakeSecret("GITLAB_TOKEN");
  auto out = Scan({{{File("etc/app.js", "var a=1;\nvar t=\"" + tok + "\";\n")}, "RUN x"}});
  const Finding* f = Find(out, "/etc/app.js");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->line, 2);
  EXPECT_EQ(f->column, 8);
}

TEST_F(ScannerTest, ReadsEnvLabelsCmdAndHistory) {
  std::string key = FakeSecret("AWS_ACCESS_KEY_ID");
  std::string tok = FakeSecret("GITHUB_TOKEN");
  nlohmann::json cfg = {{"Env", {"PATH=/bin", "AWS_ACCESS_KEY_ID=" + key}},
                        {"Labels", {{"ci.token", tok}}},
                        {"Cmd", {"sh", "-c", "curl -H 'x: " + tok + "'"}}};
  auto out = Scan({{{File("x", "")}, "|1 GH_TOKEN=" + tok + " /bin/sh -c echo"}}, cfg);
  ASSERT_NE(Find(out, "Env/AWS_ACCESS_KEY_ID"), nullptr);
  ASSERT_NE(Find(out, "Labels/ci.token"), nullptr);
  ASSERT_NE(Find(out, "Cmd"), nullptr);
  const Finding* h = Find(out, "history/0");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->origin, Origin::kHistory);
  EXPECT_EQ(h->layer->index, 0);
  EXPECT_EQ(Find(out, "Env/PATH"), nullptr);
}

// `podman build --annotation` writes the manifest, MAINTAINER the config's
// author: both travel with the image.
TEST_F(ScannerTest, ReadsTheManifestAnnotationsAndTheAuthor) {
  std::string npm = FakeSecret("NPM_TOKEN");
  std::string tok = FakeSecret("GITHUB_TOKEN");
  OpenedImage image;
  image.annotations = {{"org.opencontainers.image.base.digest", "sha256:" + std::string(64, 'a')},
                       {"ci.npm", npm}};
  image.config = {{"author", "ops " + tok}};
  std::vector<Finding> found = ScanConfig(image, Detector::Default());
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].path, "Annotations/ci.npm");
  EXPECT_EQ(found[0].rule, "npm-token");
  EXPECT_EQ(found[0].origin, Origin::kConfig);
  EXPECT_EQ(found[1].path, "Author");
  EXPECT_EQ(found[1].rule, "github-classic-token");
}

// docker's legacy container_config (the container of the last step) and
// a history entry's author travel with the image as well.
TEST_F(ScannerTest, ReadsTheLegacyContainerConfigAndHistoryAuthors) {
  const std::string secret = fake::Make(fake::Kind::kAwsSecretAccessKey);
  const std::string tok = FakeSecret("GITLAB_TOKEN");
  OpenedImage image;
  image.config = {
      {"container_config",
       {{"Env", {"PATH=/bin", "AWS_SECRET_ACCESS_KEY=" + secret}},
        {"Cmd", {"/bin/sh", "-c", "#(nop) ENV AWS_SECRET_ACCESS_KEY=" + secret}}}},
      {"history", {{{"created_by", "/bin/sh -c #(nop) ADD file:x in /"}},
                   {{"created_by", "/bin/sh -c true"}, {"author", "ci <" + tok + ">"}}}}};
  std::vector<Finding> found = ScanConfig(image, Detector::Default());
  std::vector<std::string> paths;
  for (const Finding& f : found) paths.push_back(f.path + " " + f.rule);
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "container_config/Env/AWS_SECRET_ACCESS_KEY aws-secret-access-key",
                       "container_config/Cmd aws-secret-access-key",
                       "history/1 gitlab-token"}));
  EXPECT_EQ(found.back().origin, Origin::kHistory);
}

// A config key is a name, not a file: "TEST_", ".example." in it do not
// make its value an example.
TEST_F(ScannerTest, ConfigNamesThatLookLikeExamplesAreStillRead) {
  const std::string password = fake::RandomPassword(18);
  OpenedImage image;
  image.config = {{"config",
                   {{"Env", {"TEST_DB_PASSWORD=" + password}},
                    {"Labels", {{"com.example.api.token", password}}}}}};
  image.annotations = {{"org.example.registry.password", password}};
  std::vector<Finding> found = ScanConfig(image, Detector::Default());
  std::vector<std::string> paths;
  for (const Finding& f : found) paths.push_back(f.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"Env/TEST_DB_PASSWORD", "Labels/com.example.api.token",
                                             "Annotations/org.example.registry.password"}));
}

// Every string field of the config travels with the image too.
TEST_F(ScannerTest, ReadsWorkingDirUserStopSignalVolumesAndPorts) {
  std::vector<std::string> toks;
  for (int i = 0; i < 5; ++i) toks.push_back(FakeSecret("GITLAB_TOKEN"));
  OpenedImage image;
  image.config = {{"config",
                   {{"WorkingDir", "/srv/" + toks[0]},
                    {"User", toks[1]},
                    {"StopSignal", toks[2]},
                    {"Volumes", {{"/data/" + toks[3], nlohmann::json::object()}}},
                    {"ExposedPorts", {{"8080/tcp", nlohmann::json::object()},
                                      {toks[4], nlohmann::json::object()}}}}}};
  std::vector<Finding> found = ScanConfig(image, Detector::Default());
  std::vector<std::string> paths;
  for (const Finding& f : found) paths.push_back(f.path + " " + f.rule);
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "ExposedPorts gitlab-token", "StopSignal gitlab-token",
                       "User gitlab-token", "Volumes gitlab-token",
                       "WorkingDir gitlab-token"}));
}

// The findings whose value is in a name or a link target.
std::vector<const Finding*> FoundIn(const ScanOutput& out, const std::string& where) {
  std::vector<const Finding*> found;
  for (const Finding& f : out.findings) {
    if (f.found_in == where) found.push_back(&f);
  }
  return found;
}

bool AnyPathHolds(const ScanOutput& out, const std::string& secret) {
  return std::any_of(out.findings.begin(), out.findings.end(), [&](const Finding& f) {
    return f.path.find(secret) != std::string::npos;
  });
}

TEST_F(ScannerTest, ReportsATokenInAFileNameOnceWithThePathRedacted) {
  std::string gh = FakeSecret("GITHUB_TOKEN");
  std::string gl = FakeSecret("GITLAB_TOKEN");
  auto out = Scan({{{Dir("etc/"), File("etc/" + gh, "x\n"), Dir("etc/app/"),
                     File("etc/app/" + gh + ".conf", "token: " + gl + "\n")},
                    "COPY . /etc/"},
                   {{File("etc/.wh." + gh, "")}, "RUN rm /etc/ghp_*"}});
  std::vector<const Finding*> names = FoundIn(out, "name");
  ASSERT_EQ(names.size(), 2u);
  const Finding* deleted = Find(out, "/etc/" + Redact(gh));
  ASSERT_NE(deleted, nullptr);
  EXPECT_EQ(deleted->found_in, "name");
  EXPECT_EQ(deleted->rule, "github-classic-token");
  EXPECT_EQ(deleted->fingerprint, Fingerprint("github-classic-token", gh));
  EXPECT_EQ(deleted->redacted, Redact(gh));
  EXPECT_EQ(deleted->layer->index, 0);
  EXPECT_EQ(deleted->line, 0);
  EXPECT_TRUE(deleted->deleted.value());
  EXPECT_NE(deleted->message.find("name"), std::string::npos);
  const Finding* kept = Find(out, "/etc/app/" + Redact(gh) + ".conf");
  ASSERT_NE(kept, nullptr);
  EXPECT_FALSE(kept->deleted.value());
  // The file's content is found too, and its path shown redacted.
  ASSERT_EQ(out.findings.size(), 3u);
  EXPECT_FALSE(AnyPathHolds(out, gh));
}

// A directory named with a key ID: one finding for the name, whichever
// entries below it and however many layers list it again.
TEST_F(ScannerTest, ReportsATokenInADirectoryNameOnce) {
  std::string id = FakeSecret("AWS_ACCESS_KEY_ID");
  std::string dir = "srv/" + id + "/";
  auto out = Scan({{{Dir("srv/"), File(dir + "a", "a\n"), File(dir + "b", "b\n")}},
                   {{Dir(dir), File(dir + "c", "c\n")}}});
  std::vector<const Finding*> names = FoundIn(out, "name");
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0]->rule, "aws-access-key-id");
  EXPECT_EQ(names[0]->path, "/srv/" + Redact(id));
  EXPECT_EQ(names[0]->layer->index, 0);
  EXPECT_FALSE(names[0]->deleted.value());

  out = Scan({{{Dir("srv/"), Dir(dir), File(dir + "a", "a\n")}}, {{File("srv/.wh." + id, "")}}});
  names = FoundIn(out, "name");
  ASSERT_EQ(names.size(), 1u);
  EXPECT_TRUE(names[0]->deleted.value());
}

TEST_F(ScannerTest, ReportsATokenInASymlinkTarget) {
  std::string gl = FakeSecret("GITLAB_TOKEN");
  std::string npm = FakeSecret("NPM_TOKEN");
  auto out = Scan({{{Dir("app/"), Symlink("app/old", "/x/" + gl), Symlink("app/cfg", npm)}},
                   {{File("app/old", "replaced\n")}}});
  std::vector<const Finding*> links = FoundIn(out, "link-target");
  ASSERT_EQ(links.size(), 2u);
  const Finding* old = Find(out, "/app/old");
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(old->rule, "gitlab-token");
  EXPECT_EQ(old->fingerprint, Fingerprint("gitlab-token", gl));
  EXPECT_TRUE(old->deleted.value());
  EXPECT_NE(old->message.find("symlink target"), std::string::npos);
  const Finding* cfg = Find(out, "/app/cfg");
  ASSERT_NE(cfg, nullptr);
  EXPECT_FALSE(cfg->deleted.value());
}

// Names of packages and their files are no secrets.
TEST_F(ScannerTest, OrdinaryNamesAndLinksAreNoFindings) {
  auto out = Scan({{{Dir("usr/lib/x86_64-linux-gnu/"),
                     File("usr/lib/x86_64-linux-gnu/libssl.so.3", "x"),
                     Symlink("usr/lib/x86_64-linux-gnu/libssl.so", "libssl.so.3"),
                     File("app/node_modules/@aws-sdk/credential-provider-ini/package.json", "{}"),
                     File("etc/ssl/private/ssl-cert-snakeoil.key.example", "")}}});
  EXPECT_TRUE(out.findings.empty());
}

TEST_F(ScannerTest, CorruptLayerFailsTheScan) {
  test::OciLayout layout(tmp_->path() / "img");
  std::string zstd = test::Compress(test::MakeTar({File("a", std::string(100000, 'x'))}),
                                    Filter::kZstd);
  auto layer = layout.AddBlob("application/vnd.oci.image.layer.v1.tar+zstd", zstd.substr(0, 12));
  layout.WriteIndex({layout.AddImage({layer})});
  auto image = OpenOciLayout(tmp_->path() / "img", "");
  ASSERT_TRUE(image) << image.error();
  auto out = ScanImage(*image, Detector::Default());
  EXPECT_FALSE(out);
}

}  // namespace
}  // namespace safebuild
