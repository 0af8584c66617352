// The "secrets" section of the config file and the sources it names: how
// each is parsed, what --secret flag it becomes, and how a failing source
// fails without showing a value.
#include "cli/secret_sources.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "report/policy.h"

namespace safebuild {
namespace {

const Podman kNoPodman({"/nonexistent/podman", {}});

Policy MustParse(const std::string& text) {
  auto p = ParsePolicy(text, ".safebuild.json");
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error());
  return p.ok() ? *p : Policy{};
}

std::string ParseError(const std::string& text) {
  auto p = ParsePolicy(text, ".safebuild.json");
  return p.ok() ? "" : p.error();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(SecretSources, EachKindOfSourceIsReadFromTheConfig) {
  Policy p = MustParse(R"({"secrets": {
      "npm": {"env": "CI_NPM_TOKEN"},
      "npmrc": {"file": "secrets/npmrc"},
      "db": {"podman": "db-password"},
      "gh": {"command": ["pass", "show", "github/token"]}}})");
  ASSERT_EQ(p.secrets.size(), 4u);
  // nlohmann orders object keys: db, gh, npm, npmrc.
  EXPECT_EQ(p.secrets[0].id, "db");
  EXPECT_EQ(p.secrets[0].kind, SecretSource::kPodman);
  EXPECT_EQ(p.secrets[0].name, "db-password");
  EXPECT_EQ(p.secrets[1].kind, SecretSource::kCommand);
  EXPECT_EQ(p.secrets[1].argv, (std::vector<std::string>{"pass", "show", "github/token"}));
  EXPECT_EQ(p.secrets[2].kind, SecretSource::kEnv);
  EXPECT_EQ(p.secrets[2].name, "CI_NPM_TOKEN");
  EXPECT_EQ(p.secrets[3].kind, SecretSource::kFile);
  EXPECT_EQ(p.secrets[3].name, "secrets/npmrc");
}

TEST(SecretSources, MalformedSourcesAreErrorsThatNameTheSecret) {
  EXPECT_EQ(ParseError(R"({"secrets": {"a": {"env": "X", "file": "y"}}})"),
            ".safebuild.json: secret a: needs one of env, file, podman or command");
  EXPECT_EQ(ParseError(R"({"secrets": {"a": {"vault": "x"}}})"),
            ".safebuild.json: secret a: unknown source \"vault\" (env, file, podman or command)");
  EXPECT_EQ(ParseError(R"({"secrets": {"a": {"command": "pass show x"}}})"),
            ".safebuild.json: secret a: \"command\" must be a non-empty array of strings");
  EXPECT_EQ(ParseError(R"({"secrets": {"a/b": {"env": "X"}}})"),
            ".safebuild.json: secret id \"a/b\" must be letters, digits, _ - .");
  EXPECT_EQ(ParseError(R"({"secrets": ["a"]})"),
            ".safebuild.json: \"secrets\" must be an object of id: source");
}

TEST(SecretSources, CommandOutputIsTheValueWithoutItsLastNewline) {
  auto out = RunSecretCommand({"printf", "%s\\n", "s3cr3t value"});
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(*out, "s3cr3t value\n");
  auto failed = RunSecretCommand({"sh", "-c", "exit 3"});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error(), "`sh -c exit 3` exited with 3");
  auto missing = RunSecretCommand({"/nonexistent/pass", "show"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), "cannot run /nonexistent/pass: No such file or directory");
}

TEST(SecretSources, WantedSecretsBecomeFlagsAndCommandValuesGoIntoPrivateFiles) {
  auto scratch = TempDir::Create("secret-sources-test");
  ASSERT_TRUE(scratch.ok());
  ::setenv("SAFEBUILD_TEST_TOKEN", "from-env", 1);
  std::ofstream(scratch->path() / "npmrc") << "//r/:_authToken=x\n";
  std::vector<SecretSource> sources = {
      {"tok", SecretSource::kEnv, "SAFEBUILD_TEST_TOKEN", {}},
      {"npmrc", SecretSource::kFile, "npmrc", {}},
      {"cmd", SecretSource::kCommand, "", {"printf", "%s\\n", "from-command"}},
      {"unused", SecretSource::kCommand, "", {"false"}}};
  auto flags = SecretSourceFlags(sources, {"tok", "npmrc", "cmd"}, scratch->path(), kNoPodman,
                                 *scratch);
  ASSERT_TRUE(flags.ok()) << flags.error();
  std::string cmd_file = (scratch->path() / "secret-cmd").string();
  EXPECT_EQ(*flags, (std::vector<std::string>{
                        "--secret", "id=tok,type=env,env=SAFEBUILD_TEST_TOKEN",
                        "--secret", "id=npmrc,type=file,src=" +
                                        (scratch->path() / "npmrc").string(),
                        "--secret", "id=cmd,type=file,src=" + cmd_file}));
  EXPECT_EQ(ReadAll(cmd_file), "from-command");
  struct stat st {};
  ASSERT_EQ(::stat(cmd_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(SecretSources, AFailingSourceFailsWithTheReasonAndNoValue) {
  auto scratch = TempDir::Create("secret-sources-test");
  ASSERT_TRUE(scratch.ok());
  ::unsetenv("SAFEBUILD_TEST_UNSET");
  auto env = SecretSourceFlags({{"a", SecretSource::kEnv, "SAFEBUILD_TEST_UNSET", {}}}, {"a"},
                               ".", kNoPodman, *scratch);
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.error(), "secret a: SAFEBUILD_TEST_UNSET is not set");
  auto cmd = SecretSourceFlags(
      {{"b", SecretSource::kCommand, "", {"sh", "-c", "echo half-a-secret; exit 1"}}}, {"b"},
      ".", kNoPodman, *scratch);
  ASSERT_FALSE(cmd.ok());
  EXPECT_EQ(cmd.error(), "secret b: `sh -c echo half-a-secret; exit 1` exited with 1");
  auto file = SecretSourceFlags({{"c", SecretSource::kFile, "missing", {}}}, {"c"}, "/nonexist",
                                kNoPodman, *scratch);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error(), "secret c: no file /nonexist/missing");
  auto store = SecretSourceFlags({{"d", SecretSource::kPodman, "x", {}}}, {"d"}, ".", kNoPodman,
                                 *scratch);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error(), "secret d: no podman secret named x");
}

TEST(SecretSources, GivenSecretIdsAreReadFromBothFlagForms) {
  EXPECT_EQ(GivenSecretIds({"--secret", "id=a,src=f", "--secret=type=env,id=b", "-t", "x"}),
            (std::set<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace safebuild
