#include "image/image_ref.h"

#include <gtest/gtest.h>

namespace safebuild {
namespace {

using Kind = ImageRef::Kind;

TEST(ParseImageRef, OciArchiveSplitsPathAndReferenceAtTheFirstColon) {
  Expected<ImageRef> ref = ParseImageRef("oci-archive:/tmp/app.tar:v1:extra");
  ASSERT_TRUE(ref.ok()) << ref.error();
  EXPECT_EQ(ref->kind, Kind::kOciArchive);
  EXPECT_EQ(ref->path, "/tmp/app.tar");
  EXPECT_EQ(ref->tag, "v1:extra");
}

TEST(ParseImageRef, OciDirWithoutReferenceHasAnEmptyTag) {
  Expected<ImageRef> ref = ParseImageRef("oci:./layout");
  ASSERT_TRUE(ref.ok()) << ref.error();
  EXPECT_EQ(ref->kind, Kind::kOciDir);
  EXPECT_EQ(ref->path, "./layout");
  EXPECT_EQ(ref->tag, "");
}

TEST(ParseImageRef, DockerArchiveIgnoresItsReference) {
  Expected<ImageRef> ref = ParseImageRef("docker-archive:img.tar:app:1");
  ASSERT_TRUE(ref.ok()) << ref.error();
  EXPECT_EQ(ref->kind, Kind::kDockerArchive);
  EXPECT_EQ(ref->path, "img.tar");
  EXPECT_EQ(ref->tag, "");
}

TEST(ParseImageRef, ContainersStorageNamesALocalImage) {
  Expected<ImageRef> ref = ParseImageRef("containers-storage:localhost/app:1");
  ASSERT_TRUE(ref.ok()) << ref.error();
  EXPECT_EQ(ref->kind, Kind::kLocal);
  EXPECT_EQ(ref->name, "localhost/app:1");
}

TEST(ParseImageRef, BareNamesAndIdsAreLocal) {
  for (const char* text :
       {"localhost/app:1", "sha256:0123abcd", "abc123", "busybox",
        "registry.example.invalid:5000/team/app@sha256:00ff",
        "docker:latest"}) {
    Expected<ImageRef> ref = ParseImageRef(text);
    ASSERT_TRUE(ref.ok()) << text << ": " << ref.error();
    EXPECT_EQ(ref->kind, Kind::kLocal) << text;
    EXPECT_EQ(ref->name, text);
  }
}

TEST(ParseImageRef, EmptyReferenceIsAnError) {
  EXPECT_EQ(ParseImageRef("").error(), "empty image reference");
  EXPECT_EQ(ParseImageRef("  ").error(), "empty image reference");
}

TEST(ParseImageRef, DockerTransportNamesARemoteImage) {
  auto ref = ParseImageRef("docker://127.0.0.1:5000/team/app:1");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->kind, ImageRef::Kind::kRemote);
  EXPECT_EQ(ref->name, "127.0.0.1:5000/team/app:1");
}

TEST(ParseImageRef, RemoteNameThatLooksLikeAnOptionIsRefused) {
  EXPECT_EQ(ParseImageRef("docker://--src-creds=x").error(),
            "invalid image name '--src-creds=x': must start with a letter or digit");
  EXPECT_EQ(ParseImageRef("docker://").error(), "empty image name in 'docker://'");
}

TEST(ParseImageRef, DirTransportIsNotSupported) {
  EXPECT_EQ(ParseImageRef("dir:/tmp/img").error(),
            "the dir transport is not supported: dir:/tmp/img");
}

TEST(ParseImageRef, UnknownSchemeIsAnError) {
  EXPECT_EQ(ParseImageRef("ftp://host/x").error(),
            "unknown transport 'ftp' in image reference 'ftp://host/x'");
}

TEST(ParseImageRef, ArchiveWithoutPathIsAnError) {
  EXPECT_EQ(ParseImageRef("oci-archive:").error(),
            "missing path in image reference 'oci-archive:'");
  EXPECT_FALSE(ParseImageRef("oci::tag").ok());
}

TEST(ParseImageRef, NameThatPodmanWouldReadAsAnOptionIsRefused) {
  EXPECT_EQ(ParseImageRef("--root=/").error(),
            "invalid image name '--root=/': must start with a letter or digit");
  EXPECT_FALSE(ParseImageRef("containers-storage:-x").ok());
  EXPECT_FALSE(ParseImageRef("app name").ok());
  EXPECT_FALSE(ParseImageRef("containers-storage:[overlay@/x]app").ok());
}

}  // namespace
}  // namespace safebuild
