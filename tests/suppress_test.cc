// Suppression: inline "# safebuild:ignore" comments and the project policy
// (.safebuild.json / --config). Suppressed findings stay in the report,
// marked and counted, and never fail the gate.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "containerfile/inline_ignore.h"
#include "containerfile/lint.h"
#include "fake_secret.h"
#include "report/policy.h"
#include "report/report.h"
#include "report/sarif.h"
#include "util/temp_dir.h"

namespace safebuild {
namespace {

std::vector<Finding> LintWithIgnores(const std::string& text) {
  Expected<Containerfile> cf = ParseContainerfile(text, "Containerfile");
  EXPECT_TRUE(cf.ok()) << cf.error();
  if (!cf.ok()) return {};
  LintInput input;
  input.file = &*cf;
  std::vector<Finding> found = Lint(input, Detector::Default());
  ApplyInlineIgnores(*cf, found);
  return found;
}

const Finding* Find(const std::vector<Finding>& findings, std::string_view rule) {
  for (const Finding& f : findings) {
    if (f.rule == rule) return &f;
  }
  return nullptr;
}

TEST(InlineIgnore, CommentAboveSuppressesTheNamedRuleWithItsReason) {
  auto found = LintWithIgnores(
      "FROM busybox\n"
      "# safebuild:ignore secret-name-in-env the value is set at run time\n"
      "ENV API_TOKEN=${API_TOKEN}\n");
  const Finding* f = Find(found, "secret-name-in-env");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->suppressed, "inline (line 2): the value is set at run time");
}

TEST(InlineIgnore, OtherCommentLinesMayStandBetween) {
  auto found = LintWithIgnores(
      "FROM busybox\n"
      "# safebuild:ignore secret-name-in-env,secret-arg\n"
      "# a note about the next line\n"
      "ENV API_TOKEN=${API_TOKEN}\n");
  const Finding* f = Find(found, "secret-name-in-env");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->suppressed, "inline (line 2)");
}

TEST(InlineIgnore, ABlankLineEndsItsReach) {
  auto found = LintWithIgnores(
      "FROM busybox\n"
      "# safebuild:ignore secret-name-in-env reason\n"
      "\n"
      "ENV API_TOKEN=${API_TOKEN}\n");
  const Finding* f = Find(found, "secret-name-in-env");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->suppressed, "");
}

TEST(InlineIgnore, OtherRulesAreNotSuppressed) {
  auto found = LintWithIgnores(
      "FROM busybox\n"
      "# safebuild:ignore secret-in-env reason\n"
      "ENV API_TOKEN=${API_TOKEN}\n");
  const Finding* f = Find(found, "secret-name-in-env");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->suppressed, "");
}

TEST(InlineIgnore, ACommentOnTheInstructionSuppressesAll) {
  std::string token = fake::Make(fake::Kind::kGithubToken);
  auto found = LintWithIgnores(
      "FROM busybox\n"
      "RUN curl -H \"Authorization: token " + token + "\" \\\n"
      "    https://example.invalid/x # safebuild:ignore * revoked test token\n");
  ASSERT_FALSE(found.empty());
  for (const Finding& f : found) {
    EXPECT_EQ(f.suppressed, "inline (line 3): revoked test token") << f.rule;
  }
}

TEST(InlineIgnore, WordsThatOnlyContainTheMarkerDoNotCount) {
  auto found = LintWithIgnores(
      "FROM busybox\n"
      "# see safebuild:ignore-docs secret-name-in-env\n"
      "ENV API_TOKEN=${API_TOKEN}\n");
  const Finding* f = Find(found, "secret-name-in-env");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->suppressed, "");
}

Finding Sample(std::string rule, Severity s, std::string fingerprint) {
  Finding f;
  f.rule = std::move(rule);
  f.severity = s;
  f.origin = Origin::kLayer;
  f.path = "/app/x";
  f.fingerprint = std::move(fingerprint);
  f.message = "m";
  return f;
}

TEST(Policy, ParsesOverridesDisabledRulesAndAllowedFingerprints) {
  auto p = ParsePolicy(R"({"severity": {"secret-arg": "high"},
                          "disable": ["heredoc-unsupported"],
                          "allow": [{"fingerprint": "ab12", "reason": "fixture"}]})",
                       "p.json");
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->severity.at("secret-arg"), Severity::kHigh);
  EXPECT_EQ(p->disabled.count("heredoc-unsupported"), 1u);
  EXPECT_EQ(p->allow.at("ab12"), "fixture");
}

TEST(Policy, RejectsUnknownKeysBadSeveritiesAndAllowEntriesWithoutReason) {
  EXPECT_EQ(ParsePolicy(R"({"disabled": []})", "p.json").error(),
            "p.json: unknown key \"disabled\"");
  EXPECT_EQ(ParsePolicy(R"({"severity": {"secret-arg": "severe"}})", "p.json").error(),
            "p.json: severity of secret-arg must be info, low, medium, high or critical");
  EXPECT_EQ(ParsePolicy(R"({"allow": [{"fingerprint": "ab"}]})", "p.json").error(),
            "p.json: each \"allow\" entry needs a fingerprint and a reason, nothing else");
  EXPECT_EQ(ParsePolicy("[1]", "p.json").error(), "p.json: not a JSON object");
}

TEST(Policy, NamesTheLineAndColumnOfInvalidJson) {
  EXPECT_EQ(ParsePolicy("{\n  \"disable\": [\"a\",]\n}", "p.json").error(),
            "p.json:2:19: invalid JSON: syntax error while parsing value - unexpected ']'; "
            "expected '[', '{', or a literal");
  EXPECT_EQ(ParsePolicy("[1", "p.json").error(),
            "p.json:1:3: invalid JSON: syntax error while parsing array - unexpected end of "
            "input; expected ']'");
}

TEST(Policy, RejectsRuleIdsThatNoRuleHas) {
  EXPECT_EQ(ParsePolicy(R"({"disable": ["secret-in-evn"]})", "p.json").error(),
            "p.json: \"disable\": unknown rule id \"secret-in-evn\" (did you mean "
            "\"secret-in-env\"?)");
  EXPECT_EQ(ParsePolicy(R"({"severity": {"no-such-thing": "low"}})", "p.json").error(),
            "p.json: \"severity\": unknown rule id \"no-such-thing\" (safebuild-rules(7) "
            "lists them)");
  // Lint rules, token formats and credential file rules are all known.
  EXPECT_TRUE(ParsePolicy(R"({"disable": ["secret-arg", "github-classic-token",
                                          "credential-file-npmrc"]})", "p.json"));
}

TEST(Policy, SuppressesAndOverridesButNeverDrops) {
  auto p = ParsePolicy(R"({"severity": {"secret-arg": "low"}, "disable": ["secret-in-env"],
                          "allow": [{"fingerprint": "f3", "reason": "test key"}]})",
                       "/ctx/.safebuild.json");
  ASSERT_TRUE(p.ok());
  std::vector<Finding> findings = {Sample("secret-arg", Severity::kHigh, "f1"),
                                   Sample("secret-in-env", Severity::kHigh, "f2"),
                                   Sample("github-classic-token", Severity::kCritical, "f3"),
                                   Sample("npm-token", Severity::kHigh, "")};
  ApplyPolicy(*p, findings);
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings[0].severity, Severity::kLow);
  EXPECT_EQ(findings[0].suppressed, "");
  EXPECT_EQ(findings[1].suppressed, "config: rule disabled in /ctx/.safebuild.json");
  EXPECT_EQ(findings[2].suppressed, "config: test key");
  EXPECT_EQ(findings[3].suppressed, "");

  Report r;
  r.findings = findings;
  r.findings.erase(r.findings.begin() + 3);
  EXPECT_FALSE(Fails(r));
  nlohmann::json j = ToJson(r);
  EXPECT_EQ(j["verdict"], "pass");
  EXPECT_EQ(j["suppressed"], 2);
  EXPECT_EQ(j["findings"].size(), 3u);
  EXPECT_EQ(j["findings"][1]["suppressed"], true);
  EXPECT_EQ(j["findings"][1]["suppression"], "config: rule disabled in /ctx/.safebuild.json");
  EXPECT_FALSE(j["findings"][0].contains("suppressed"));
  std::string text = RenderText(r, {});
  EXPECT_NE(text.find("safebuild: 1 finding (1 low), 2 suppressed; verdict: pass"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("config: test key"), std::string::npos);
  TextStyle verbose;
  verbose.verbose = true;
  EXPECT_NE(RenderText(r, verbose).find("    suppressed: config: test key\n"),
            std::string::npos);
  nlohmann::json sarif = ToSarif(r, SarifOptions{"/"});
  EXPECT_EQ(sarif["runs"][0]["results"][2]["suppressions"],
            nlohmann::json::parse(
                R"([{"kind": "external", "justification": "config: test key"}])"));
}

TEST(Policy, LoadsTheContextFileOrTheGivenOneOrNothing) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.ok());
  auto none = LoadPolicy("", dir->path());
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->disabled.empty());
  std::ofstream(dir->path() / ".safebuild.json") << R"({"disable": ["secret-arg"]})";
  auto found = LoadPolicy("", dir->path());
  ASSERT_TRUE(found.ok()) << found.error();
  EXPECT_EQ(found->disabled.count("secret-arg"), 1u);
  std::ofstream(dir->path() / "other.json") << R"({"disable": ["secret-in-env"]})";
  auto given = LoadPolicy(dir->path() / "other.json", dir->path());
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->disabled.count("secret-in-env"), 1u);
  EXPECT_EQ(given->disabled.count("secret-arg"), 0u);
  EXPECT_FALSE(LoadPolicy(dir->path() / "missing.json", "").ok());
}

}  // namespace
}  // namespace safebuild
