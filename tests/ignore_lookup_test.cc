// Which ignore file applies, in podman's order: --ignorefile,
// <Containerfile>.dockerignore / .containerignore, then the context's
// .containerignore and .dockerignore.
#include "containerfile/ignore_lookup.h"

#include <gtest/gtest.h>

#include <fstream>

#include "containerfile/lint.h"
#include "fake_secret.h"
#include "util/temp_dir.h"

namespace safebuild {
namespace {

namespace fs = std::filesystem;

class IgnoreLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create();
    ASSERT_TRUE(dir.ok());
    dir_.emplace(std::move(*dir));
    ctx_ = dir_->path() / "ctx";
    fs::create_directories(ctx_);
    Write("ctx/Containerfile", "FROM busybox\nCOPY . /app\n");
  }
  void Write(const std::string& rel, const std::string& text) {
    std::ofstream(dir_->path() / rel) << text;
  }
  // Which of a.txt, b.txt, c.txt, d.txt, e.txt the found file excludes.
  std::string Excluded(const IgnoreLookup& found) {
    std::string out;
    for (const char* f : {"a.txt", "b.txt", "c.txt", "d.txt", "e.txt"}) {
      if (found.rules.Excludes(f)) out += f[0];
    }
    return out;
  }
  IgnoreLookup Find(const fs::path& ignore_file = {}) {
    return FindIgnoreFile(ctx_, ctx_ / "Containerfile", ignore_file);
  }

  std::optional<TempDir> dir_;
  fs::path ctx_;
};

TEST_F(IgnoreLookupTest, NoIgnoreFileExcludesNothing) {
  IgnoreLookup found = Find();
  EXPECT_EQ(found.name, "");
  EXPECT_EQ(Excluded(found), "");
}

TEST_F(IgnoreLookupTest, ContextContainerignoreWinsOverDockerignore) {
  Write("ctx/.dockerignore", "e.txt\n");
  EXPECT_EQ(Excluded(Find()), "e");
  Write("ctx/.containerignore", "d.txt\n");
  IgnoreLookup found = Find();
  EXPECT_EQ(found.name, ".containerignore");
  EXPECT_EQ(Excluded(found), "d");
}

TEST_F(IgnoreLookupTest, PerContainerfileFilesComeFirstAndDockerignoreWinsBetweenThem) {
  Write("ctx/.containerignore", "d.txt\n");
  Write("ctx/Containerfile.containerignore", "c.txt\n");
  IgnoreLookup found = Find();
  EXPECT_EQ(found.name, "Containerfile.containerignore");
  EXPECT_EQ(Excluded(found), "c");
  Write("ctx/Containerfile.dockerignore", "b.txt\n");
  found = Find();
  EXPECT_EQ(found.name, "Containerfile.dockerignore");
  EXPECT_EQ(Excluded(found), "b");
}

TEST_F(IgnoreLookupTest, IgnorefileFlagWinsOverEverything) {
  Write("ctx/.containerignore", "d.txt\n");
  Write("ctx/Containerfile.dockerignore", "b.txt\n");
  Write("mine.ignore", "a.txt\n");
  IgnoreLookup found = Find(dir_->path() / "mine.ignore");
  EXPECT_EQ(found.name, "mine.ignore");
  EXPECT_EQ(found.path, dir_->path() / "mine.ignore");
  EXPECT_EQ(Excluded(found), "a");
}

TEST_F(IgnoreLookupTest, AMissingIgnorefileExcludesNothing) {
  Write("ctx/.containerignore", "d.txt\n");
  IgnoreLookup found = Find(dir_->path() / "missing.ignore");
  EXPECT_EQ(found.name, "missing.ignore");
  EXPECT_EQ(Excluded(found), "");
}

TEST_F(IgnoreLookupTest, StdinContainerfileUsesTheContextFiles) {
  Write("ctx/.containerignore", "d.txt\n");
  EXPECT_EQ(FindIgnoreFile(ctx_, "<stdin>", {}).name, ".containerignore");
}

TEST_F(IgnoreLookupTest, LintHonoursThePerContainerfileIgnoreFile) {
  Write("ctx/.npmrc", "//registry.npmjs.org/:_authToken=" + fake::Make(fake::Kind::kNpmToken));
  Write("ctx/.containerignore", "other\n");
  fs::path file = ctx_ / "Containerfile";
  auto lint = [&](const fs::path& ignore_file) {
    Expected<Containerfile> cf = ParseContainerfile("FROM busybox\nCOPY . /app\n", file);
    EXPECT_TRUE(cf.ok());
    LintInput input;
    input.file = &*cf;
    input.context = ctx_;
    input.ignore_file = ignore_file;
    return Lint(input, Detector::Default());
  };
  auto found = lint({});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, "context-credential-file");
  EXPECT_NE(found[0].message.find("add it to .containerignore"), std::string::npos);
  Write("ctx/Containerfile.containerignore", ".npmrc\n");
  EXPECT_TRUE(lint({}).empty());
  Write("flag.ignore", "nothing\n");
  found = lint(dir_->path() / "flag.ignore");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].message.find("add it to flag.ignore"), std::string::npos);
}

}  // namespace
}  // namespace safebuild
