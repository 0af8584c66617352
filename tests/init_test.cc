#include "cli/init_command.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "util/temp_dir.h"

namespace safebuild {
namespace {

namespace fs = std::filesystem;

void Touch(const fs::path& p, const std::string& text = "") {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class InitTest : public ::testing::Test {
 protected:
  void SetUp() override { ::unsetenv("SAFEBUILD_TEMPLATES"); }
  void TearDown() override { ::unsetenv("SAFEBUILD_TEMPLATES"); }
  fs::path dir() const { return tmp_.path(); }
  TempDir tmp_ = std::move(*TempDir::Create("init-test"));
};

TEST_F(InitTest, PackageJsonMeansNode) {
  Touch(dir() / "package.json", "{}");
  auto s = DetectStack(dir());
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->stack, "node");
  EXPECT_EQ(s->marker, "package.json");
}

TEST_F(InitTest, EachPythonMarkerMeansPython) {
  for (const char* marker : {"requirements.txt", "pyproject.toml", "setup.py"}) {
    auto tmp = TempDir::Create("init-test");
    ASSERT_TRUE(tmp);
    Touch(tmp->path() / marker);
    auto s = DetectStack(tmp->path());
    ASSERT_TRUE(s) << marker << ": " << s.error();
    EXPECT_EQ(s->stack, "python") << marker;
    EXPECT_EQ(s->marker, marker);
  }
}

TEST_F(InitTest, GoModMeansGoAndPomMeansMaven) {
  Touch(dir() / "go" / "go.mod");
  Touch(dir() / "mvn" / "pom.xml");
  EXPECT_EQ(DetectStack(dir() / "go")->stack, "go");
  EXPECT_EQ(DetectStack(dir() / "mvn")->stack, "maven");
}

TEST_F(InitTest, SeveralMarkersOfOneStackAreOneStack) {
  Touch(dir() / "setup.py");
  Touch(dir() / "pyproject.toml");
  auto s = DetectStack(dir());
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->stack, "python");
  EXPECT_EQ(s->marker, "pyproject.toml");
}

TEST_F(InitTest, NoMarkerIsAnErrorThatListsTheChoices) {
  auto s = DetectStack(dir());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), "cannot tell the stack of " + dir().string() +
                           ": no package.json (node), requirements.txt, pyproject.toml, "
                           "setup.py (python), go.mod (go) or pom.xml (maven); choose one "
                           "with --stack node, python, go or maven");
}

TEST_F(InitTest, TwoStacksAreAnErrorThatNamesBoth) {
  Touch(dir() / "package.json");
  Touch(dir() / "pom.xml");
  auto s = DetectStack(dir());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error(), dir().string() +
                           " looks like more than one stack: node (package.json), maven "
                           "(pom.xml); choose one with --stack node, python, go or maven");
}

TEST_F(InitTest, PlanCopiesContainerfileIgnoreFileAndMakefileInclude) {
  auto plan = PlanInit("go", std::nullopt);
  ASSERT_TRUE(plan) << plan.error();
  ASSERT_EQ(plan->size(), 3u);
  EXPECT_EQ((*plan)[0].source, "containerfiles/go.Containerfile");
  EXPECT_EQ((*plan)[0].target, "Containerfile");
  EXPECT_EQ((*plan)[0].shadowed_by, "Dockerfile");
  EXPECT_EQ((*plan)[1].source, "containerignore");
  EXPECT_EQ((*plan)[1].target, ".containerignore");
  EXPECT_EQ((*plan)[1].shadowed_by, ".dockerignore");
  EXPECT_EQ((*plan)[2].target, "safebuild.mk");
}

TEST_F(InitTest, EachCiFileGoesWhereItsSystemReadsIt) {
  std::vector<std::pair<std::string, std::string>> want = {
      {"github", ".github/workflows/safebuild.yml"},
      {"gitlab", ".gitlab-ci.yml"},
      {"tekton", "tekton/safebuild-task.yaml"}};
  for (const auto& [ci, target] : want) {
    auto plan = PlanInit("node", ci);
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->size(), 4u);
    EXPECT_EQ(plan->back().target, target);
  }
  EXPECT_EQ(PlanInit("node", "github")->back().source, "ci/github-actions.yml");
}

TEST_F(InitTest, UnknownStackOrCiIsRejected) {
  EXPECT_EQ(PlanInit("rust", std::nullopt).error(),
            "--stack must be node, python, go or maven, not \"rust\"");
  EXPECT_EQ(PlanInit("node", "jenkins").error(),
            "--ci must be github, gitlab or tekton, not \"jenkins\"");
}

TEST_F(InitTest, ArgumentsTakeBothOptionFormsAndOneDirectory) {
  auto a = ParseInitArgs({"--stack", "go", "--ci=gitlab", "proj"});
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->stack, "go");
  EXPECT_EQ(a->ci, "gitlab");
  EXPECT_EQ(a->dir, "proj");
  EXPECT_EQ(ParseInitArgs({}).value().dir, ".");
  EXPECT_EQ(ParseInitArgs({"a", "b"}).error(), "takes at most one DIR");
  EXPECT_EQ(ParseInitArgs({"--stack"}).error(), "--stack needs a value");
  EXPECT_EQ(ParseInitArgs({"--force"}).error(), "unknown option --force");
  EXPECT_TRUE(ParseInitArgs({"-h"})->help);
}

TEST_F(InitTest, NewFileGetsTheTextAndNoTemporaryIsLeft) {
  fs::path target = dir() / "Containerfile";
  auto r = CreateNewFile(target, "FROM x\n");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, CreateResult::kCreated);
  EXPECT_EQ(Slurp(target), "FROM x\n");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir())) ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST_F(InitTest, NewFileFollowsTheUmask) {
  mode_t old = ::umask(077);
  auto r = CreateNewFile(dir() / "a", "x");
  ::umask(old);
  ASSERT_TRUE(r) << r.error();
  struct stat st {};
  ASSERT_EQ(::stat((dir() / "a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(InitTest, ExistingFileIsKeptByteForByte) {
  fs::path target = dir() / "safebuild.mk";
  Touch(target, "mine\n");
  auto r = CreateNewFile(target, "template\n");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, CreateResult::kExisted);
  EXPECT_EQ(Slurp(target), "mine\n");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir())) ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST_F(InitTest, DanglingSymlinkIsKeptAndItsTargetNotCreated) {
  fs::path target = dir() / ".containerignore";
  fs::create_symlink(dir() / "elsewhere", target);
  auto r = CreateNewFile(target, "x");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, CreateResult::kExisted);
  EXPECT_FALSE(fs::exists(dir() / "elsewhere"));
  EXPECT_TRUE(fs::is_symlink(target));
}

TEST_F(InitTest, MissingDirectoryIsAnError) {
  auto r = CreateNewFile(dir() / "no" / "file", "x");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("cannot create a file in " + (dir() / "no").string()),
            std::string::npos);
}

void MakeTemplates(const fs::path& at) {
  Touch(at / "safebuild.mk");
  fs::create_directories(at / "containerfiles");
}

TEST_F(InitTest, TemplatesFromTheEnvironmentComeFirst) {
  MakeTemplates(dir() / "env");
  MakeTemplates(dir() / "src");
  ::setenv("SAFEBUILD_TEMPLATES", (dir() / "env").c_str(), 1);
  EXPECT_EQ(FindTemplates(dir() / "bin", dir() / "src").value(), dir() / "env");
}

TEST_F(InitTest, AnEnvironmentPathWithoutTemplatesIsAnError) {
  MakeTemplates(dir() / "src");
  ::setenv("SAFEBUILD_TEMPLATES", (dir() / "none").c_str(), 1);
  auto t = FindTemplates(dir() / "bin", dir() / "src");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error(), "SAFEBUILD_TEMPLATES=" + (dir() / "none").string() +
                           " holds no safebuild templates (safebuild.mk, containerfiles/)");
}

TEST_F(InitTest, InstalledTemplatesBesideTheBinaryComeBeforeTheSourceTree) {
  MakeTemplates(dir() / "usr" / "share" / "safebuild" / "templates");
  MakeTemplates(dir() / "src");
  EXPECT_EQ(FindTemplates(dir() / "usr" / "bin", dir() / "src").value(),
            dir() / "usr" / "share" / "safebuild" / "templates");
  EXPECT_EQ(FindTemplates(dir() / "build", dir() / "src").value(), dir() / "src");
  EXPECT_FALSE(FindTemplates(dir() / "build", dir() / "nowhere"));
}

}  // namespace
}  // namespace safebuild
