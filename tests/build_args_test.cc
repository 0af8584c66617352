#include "podman/build_args.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

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

// Short flags in one entry read as podman reads them: every tag among them
// is held back, whatever its form, and the others pass on.
TEST(ParseBuildArgs, HoldsBackTagsInClustersOfShortFlags) {
  auto inv = ParseBuildArgs({"-qt", "a:1", "-qtb:2", "-qt=c:3", "-t=d:4", "-qf", "Other", "ctx"});
  ASSERT_TRUE(inv) << inv.error();
  EXPECT_EQ(inv->tags, (Args{"a:1", "b:2", "c:3", "d:4"}));
  EXPECT_EQ(inv->files, (Args{"Other"}));
  EXPECT_EQ(inv->passthrough, (Args{"-q", "-q", "-q", "-qf", "Other", "ctx"}));
  EXPECT_EQ(inv->context, "ctx");
  // The value flag takes the rest of its entry: "-tq" tags "q".
  inv = ParseBuildArgs({"-tq", "ctx"});
  ASSERT_TRUE(inv) << inv.error();
  EXPECT_EQ(inv->tags, (Args{"q"}));
  EXPECT_EQ(inv->passthrough, (Args{"ctx"}));
  EXPECT_FALSE(ParseBuildArgs({"-qt"}));
}

// What leaves podman before the scan (files, cache layers) is named.
TEST(ParseBuildArgs, NamesFlagsThatWriteTheImageOutBeforeTheGate) {
  auto inv = ParseBuildArgs({"-o", "type=local,dest=out", "--cache-to=127.0.0.1:5000/c", "ctx"});
  ASSERT_TRUE(inv) << inv.error();
  EXPECT_EQ(inv->before_gate, (Args{"-o", "--cache-to"}));
  inv = ParseBuildArgs({"-qo", "out", "--output=type=tar,dest=a.tar", "ctx"});
  ASSERT_TRUE(inv) << inv.error();
  EXPECT_EQ(inv->before_gate, (Args{"-o", "--output"}));
  inv = ParseBuildArgs({"--cache-from", "r/c", "-t", "x", "ctx"});
  ASSERT_TRUE(inv) << inv.error();
  EXPECT_TRUE(inv->before_gate.empty());
}

// Squashed or unlayered, the stage's instructions share one layer.
TEST(ParseBuildArgs, NotesWhenInstructionsShareOneLayer) {
  for (const Args& args : {Args{"--squash", "ctx"}, Args{"--squash-all", "ctx"},
                           Args{"--layers=false", "ctx"}, Args{"--squash=true", "ctx"}}) {
    auto inv = ParseBuildArgs(args);
    ASSERT_TRUE(inv) << inv.error();
    EXPECT_TRUE(inv->merged_layers) << args[0];
  }
  for (const Args& args : {Args{"ctx"}, Args{"--layers", "ctx"}, Args{"--squash=false", "ctx"},
                           Args{"--layers=true", "ctx"}}) {
    auto inv = ParseBuildArgs(args);
    ASSERT_TRUE(inv) << inv.error();
    EXPECT_FALSE(inv->merged_layers) << args[0];
  }
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

namespace safebuild {
namespace {

TEST(BuildArgFile, EntriesReplaceTheFlagAndTheirValuesLeaveTheCommandLine) {
  std::string path = ::testing::TempDir() + "build-arg-file-test.conf";
  std::ofstream(path) << "# versions\nVERSION=1.2 beta\n\nSB_TEST_FROM_ENV\r\nEMPTY=\n";
  auto inv = ParseBuildArgs({"--build-arg-file", path, "--no-cache", "ctx"});
  ASSERT_TRUE(inv);
  ASSERT_TRUE(ExpandBuildArgFiles(*inv));
  EXPECT_EQ(inv->passthrough, (Args{"--build-arg", "VERSION", "--build-arg", "SB_TEST_FROM_ENV",
                                    "--build-arg", "EMPTY", "--no-cache", "ctx"}));
  ASSERT_EQ(inv->build_args.size(), 3u);
  EXPECT_EQ(inv->build_args[0].second, "1.2 beta");
  EXPECT_EQ(inv->build_args[1].second, std::nullopt);
  EXPECT_EQ(inv->build_args[2].second, "");
  EXPECT_STREQ(std::getenv("VERSION"), "1.2 beta");
  EXPECT_TRUE(inv->build_arg_files.empty());
}

TEST(BuildArgFile, AMalformedLineIsAnErrorWithItsPlace) {
  std::string path = ::testing::TempDir() + "build-arg-file-bad.conf";
  std::ofstream(path) << "OK=1\nNOT A NAME=2\n";
  auto inv = ParseBuildArgs({"--build-arg-file=" + path});
  ASSERT_TRUE(inv);
  auto st = ExpandBuildArgFiles(*inv);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error(), path + ":2: expected NAME=VALUE");
  auto missing = ParseBuildArgs({"--build-arg-file", "/nonexistent/args.conf"});
  ASSERT_TRUE(missing);
  EXPECT_EQ(ExpandBuildArgFiles(*missing).error(),
            "--build-arg-file: cannot read /nonexistent/args.conf");
}

}  // namespace
}  // namespace safebuild
