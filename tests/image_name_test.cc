#include "podman/image_name.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace safebuild {
namespace {

// Each name below was given to `podman build -t` (podman 4.3.1); the ones
// here it accepted.
TEST(CheckImageName, AcceptsWhatPodmanBuildAccepts) {
  using Names = std::vector<std::string>;
  for (const std::string& name :
       Names{"ok:tag", "localhost:5000/a/b:v1", "a__b", "x:Tag_1.2-3", "docker.io/library/x",
        "a/b/c/d:1", "Registry.Example:443/team/app:1", "localhost/app", "a.b-c_d",
        std::string(237, 'a'), "a/" + std::string(243, 'a'), "l.x/" + std::string(251, 'a')}) {
    EXPECT_TRUE(CheckImageName(name)) << name;
  }
}

// And these it refused (exit 125) with "invalid reference format".
TEST(CheckImageName, RefusesWhatPodmanBuildRefuses) {
  const std::string digest = "@sha256:" + std::string(64, 'a');
  for (const std::string& name :
       std::vector<std::string>{"a b", "x:", "foo@sha256:abc", "-x", "a..b", "a___b", ":tag",
                                "app/", "/app", "a//b", "app:-x", "host:port/app",
                                "[::1]:5000/app:latest", "app" + digest,
        "app:v1" + digest, std::string(238, 'a'), "a/" + std::string(244, 'a'),
        "l.x/" + std::string(252, 'a')}) {
    EXPECT_FALSE(CheckImageName(name)) << name;
  }
  EXPECT_FALSE(CheckImageName("x:" + std::string(129, 'a')));
  EXPECT_TRUE(CheckImageName("x:" + std::string(128, 'a')));
}

TEST(CheckImageName, SaysWhenOnlyTheCaseIsWrong) {
  auto st = CheckImageName("Bad:tag");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error(), "invalid reference format: repository name must be lowercase");
  st = CheckImageName("UPPER/x");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error(), "invalid reference format: repository name must be lowercase");
  st = CheckImageName("a b");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error(), "invalid reference format");
}

TEST(CheckImageName, LimitsTheNormalisedNameTo255Characters) {
  // "docker.io/library/" + 237 characters is 255.
  EXPECT_TRUE(CheckImageName(std::string(237, 'a') + ":1"));
  auto st = CheckImageName(std::string(238, 'a') + ":1");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().find("255"), std::string::npos);
}

}  // namespace
}  // namespace safebuild
