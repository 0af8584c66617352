#include "podman/build_args.h"

#include <gtest/gtest.h>

namespace safebuild {
namespace {

using Args = std::vector<std::string>;

TEST(ParseBuildArgs, HoldsBackTagsAndPassesEverythingElseInOrder) {
  auto inv = ParseBuildArgs({"-t", "a:1", "--tag=b:2", "--no-cache", "--build-arg", "K=V",
                             "ctx", "--layers=false", "-tc:3"});
  ASSERT_TRUE(inv) << inv.error();
  EXPECT_EQ(inv->tags, (Args{"a:1", "b:2", "c:3"}));
  EXPECT_EQ(inv->passthrough,
            (Args{"--no-cache", "--build-arg", "K=V", "ctx", "--layers=false"}));
  EXPECT_EQ(inv->context, "ctx");
}

TEST(ParseBuildArgs, FindsContextAfterValueFlags) {
  auto inv = ParseBuildArgs({"-f", "Other", "--secret", "id=x,src=y", "--network", "host",
                             "dir"});
  ASSERT_TRUE(inv);
  EXPECT_EQ(inv->files, (Args{"Other"}));
  EXPECT_EQ(inv->context, "dir");
}

TEST(ParseBuildArgs, DefaultsContextToCurrentDirectory) {
  auto inv = ParseBuildArgs({"--pull=never", "-q"});
  ASSERT_TRUE(inv);
  EXPECT_EQ(inv->context, ".");
}

TEST(ParseBuildArgs, ReadsFileFromStdinMarker) {
  auto inv = ParseBuildArgs({"-f", "-", "."});
  ASSERT_TRUE(inv);
  EXPECT_EQ(inv->files, (Args{"-"}));
  EXPECT_EQ(inv->context, ".");
}

TEST(ParseBuildArgs, CollectsPersistentStorageFlags) {
  auto inv = ParseBuildArgs({"--root", "/r", "--runroot=/rr", "--storage-driver", "vfs",
                             "--runtime", "runc", "."});
  ASSERT_TRUE(inv);
  EXPECT_EQ(inv->global_flags,
            (Args{"--root", "/r", "--runroot=/rr", "--storage-driver", "vfs", "--runtime",
                  "runc"}));
  EXPECT_EQ(inv->passthrough.size(), 8u);
}

TEST(ParseBuildArgs, SplitsBuildArgsWithAndWithoutValues) {
  auto inv = ParseBuildArgs({"--build-arg", "A=1=2", "--build-arg=B", "."});
  ASSERT_TRUE(inv);
  ASSERT_EQ(inv->build_args.size(), 2u);
  EXPECT_EQ(inv->build_args[0].first, "A");
  EXPECT_EQ(inv->build_args[0].second.value(), "1=2");
  EXPECT_EQ(inv->build_args[1].first, "B");
  EXPECT_FALSE(inv->build_args[1].second.has_value());
}

TEST(ParseBuildArgs, RejectsValueFlagWithoutValue) {
  auto inv = ParseBuildArgs({".", "-f"});
  ASSERT_FALSE(inv);
  EXPECT_EQ(inv.error(), "flag needs an argument: -f");
}

TEST(ParseBuildArgs, KeepsUserIidfile) {
  auto inv = ParseBuildArgs({"--iidfile", "/tmp/x", "."});
  ASSERT_TRUE(inv);
  EXPECT_EQ(inv->iidfile.value(), "/tmp/x");
}

TEST(ParsePushArgs, FindsImageAndDestinationAmongFlags) {
  auto inv = ParsePushArgs({"--tls-verify=false", "--root", "/r", "img:1", "--creds", "u:p",
                            "docker://h/x:1"});
  ASSERT_TRUE(inv) << inv.error();
  EXPECT_EQ(inv->image, "img:1");
  EXPECT_EQ(inv->destination.value(), "docker://h/x:1");
  EXPECT_EQ(inv->global_flags, (Args{"--root", "/r"}));
  EXPECT_EQ(inv->passthrough.size(), 7u);
}

TEST(ParsePushArgs, RequiresAnImage) {
  auto inv = ParsePushArgs({"--tls-verify=false"});
  ASSERT_FALSE(inv);
  EXPECT_EQ(inv.error(), "push needs an IMAGE");
}

}  // namespace
}  // namespace safebuild
