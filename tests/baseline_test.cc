#include "report/baseline.h"

#include <gtest/gtest.h>

#include <fstream>

#include "image_fixtures.h"

namespace safebuild {
namespace {

Finding Make(std::string rule, Origin origin, std::string path, std::string fp,
             std::string member = "") {
  Finding f;
  f.rule = std::move(rule);
  f.origin = origin;
  f.path = std::move(path);
  f.fingerprint = std::move(fp);
  f.member = std::move(member);
  f.layer = LayerRef{3, "sha256:aaa", "RUN x"};
  return f;
}

TEST(BaselineTest, WritesOneSortedEntryPerFindingWithoutLayerOrValue) {
  std::vector<Finding> fs = {Make("npm-token", Origin::kLayer, "/app/.npmrc", "f2"),
                             Make("github-classic-token", Origin::kConfig, "Env/GH", "f1"),
                             Make("npm-token", Origin::kLayer, "/app/.npmrc", "f2"),
                             Make("gitlab-token", Origin::kLayer, "/a.jar", "f3", "c/p")};
  EXPECT_EQ(Baseline::ToJson(fs).dump(),
            R"({"baseline":[)"
            R"({"fingerprint":"f1","origin":"config","path":"Env/GH",)"
            R"("rule":"github-classic-token"},)"
            R"({"fingerprint":"f2","origin":"layer","path":"/app/.npmrc","rule":"npm-token"},)"
            R"({"fingerprint":"f3","member":"c/p","origin":"layer","path":"/a.jar",)"
            R"("rule":"gitlab-token"}],"schema":1})");
}

TEST(BaselineTest, RemovesOnlyFindingsMatchingRuleOriginPathMemberAndFingerprint) {
  std::vector<Finding> accepted = {Make("npm-token", Origin::kLayer, "/app/.npmrc", "f2"),
                                   Make("gitlab-token", Origin::kLayer, "/a.jar", "f3", "c/p")};
  auto b = Baseline::Parse(Baseline::ToJson(accepted).dump());
  ASSERT_TRUE(b) << b.error();
  std::vector<Finding> now = {
      Make("npm-token", Origin::kLayer, "/app/.npmrc", "f2"),   // accepted
      Make("npm-token", Origin::kLayer, "/app/.npmrc", "f9"),   // new value
      Make("npm-token", Origin::kLayer, "/srv/.npmrc", "f2"),   // moved
      Make("npm-token", Origin::kHistory, "/app/.npmrc", "f2"), // other origin
      Make("gitlab-token", Origin::kLayer, "/a.jar", "f3", "c/p"),  // accepted
      Make("gitlab-token", Origin::kLayer, "/a.jar", "f3", "c/q")};  // other member
  now[4].layer->digest = "sha256:rebuilt";  // a rebuild changes digests only
  EXPECT_EQ(b->Remove(now), 2u);
  ASSERT_EQ(now.size(), 4u);
  EXPECT_EQ(now[0].fingerprint, "f9");
  EXPECT_EQ(now[1].path, "/srv/.npmrc");
  EXPECT_EQ(now[2].origin, Origin::kHistory);
  EXPECT_EQ(now[3].member, "c/q");
}

TEST(BaselineTest, RejectsMalformedFiles) {
  EXPECT_EQ(Baseline::Parse("[]").error(), "not a JSON object");
  EXPECT_EQ(Baseline::Parse("{\"schema\":2,\"baseline\":[]}").error(),
            "unknown baseline schema (expected 1)");
  EXPECT_EQ(Baseline::Parse("{\"schema\":1}").error(), "no \"baseline\" list");
  EXPECT_EQ(Baseline::Parse(R"({"schema":1,"baseline":[{"rule":"x","origin":"moon",)"
                            R"("path":"p","fingerprint":"f"}]})")
                .error(),
            "a baseline entry needs rule, fingerprint and a known origin");
}

TEST(BaselineTest, ApplyingAFileSetsTheBaselinedCountInTheReport) {
  TempDir tmp = test::MakeTempDir();
  std::string file = (tmp.path() / "base.json").string();
  std::ofstream(file) << Baseline::ToJson({Make("r", Origin::kConfig, "Env/A", "f")}).dump();
  Report report;
  report.findings = {Make("r", Origin::kConfig, "Env/A", "f"),
                     Make("r", Origin::kConfig, "Env/B", "g")};
  ASSERT_TRUE(ApplyBaselineFile(file, report));
  EXPECT_EQ(report.baselined, 1u);
  EXPECT_EQ(ToJson(report)["baselined"], 1);
  EXPECT_EQ(report.findings.size(), 1u);
  EXPECT_NE(RenderText(report, {}).find("1 finding (1 high), 1 in the baseline;"),
            std::string::npos);
  Report untouched;
  ASSERT_TRUE(ApplyBaselineFile(std::nullopt, untouched));
  EXPECT_FALSE(ToJson(untouched).contains("baselined"));
  Status missing = ApplyBaselineFile((tmp.path() / "nope").string(), untouched);
  EXPECT_EQ(missing.error(), "cannot read the baseline " + (tmp.path() / "nope").string());
}

}  // namespace
}  // namespace safebuild
