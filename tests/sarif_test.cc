#include "report/sarif.h"

#include <gtest/gtest.h>

#include "report/rule_catalog.h"
#include "sarif/sample_report.h"

namespace safebuild {
namespace {

using nlohmann::json;

SarifOptions Options() { return {"/src/project"}; }

const json& FirstRun(const json& log) { return log["runs"][0]; }

TEST(Sarif, LogNamesTheSchemaAndTheTool) {
  json log = ToSarif(test::SampleReport(), Options());
  EXPECT_EQ(log["version"], "2.1.0");
  EXPECT_EQ(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
  const json& driver = FirstRun(log)["tool"]["driver"];
  EXPECT_EQ(driver["name"], "safebuild");
  EXPECT_EQ(driver["version"], SAFEBUILD_VERSION);
  // No public home page is known: no guessed URL.
  EXPECT_FALSE(driver.contains("informationUri"));
  EXPECT_EQ(FirstRun(log)["invocations"][0]["executionSuccessful"], true);
}

TEST(Sarif, RulesAreSortedByIdAndResultsPointAtThem) {
  json log = ToSarif(test::SampleReport(), Options());
  const json& rules = FirstRun(log)["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[0]["id"], "aws-access-key-id");
  EXPECT_EQ(rules[1]["id"], "context-credential-file");
  EXPECT_EQ(rules[2]["id"], "npm-token");
  EXPECT_EQ(rules[3]["id"], "secret-in-env");
  for (const json& r : FirstRun(log)["results"]) {
    EXPECT_EQ(rules[r["ruleIndex"].get<size_t>()]["id"], r["ruleId"]);
  }
}

TEST(Sarif, LintRuleMetadataComesFromTheCatalogue) {
  json log = ToSarif(test::SampleReport(), Options());
  const json& rule = FirstRun(log)["tool"]["driver"]["rules"][3];
  const RuleInfo* info = FindLintRule("secret-in-env");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(rule["shortDescription"]["text"], "secret as an ENV value");
  EXPECT_EQ(rule["help"]["text"], std::string(info->fix) + " (see safebuild-rules(7))");
  EXPECT_EQ(rule["fullDescription"]["text"], std::string(info->rationale));
  EXPECT_EQ(rule["defaultConfiguration"]["level"], "error");
  EXPECT_EQ(rule["properties"]["security-severity"], "8.0");
  EXPECT_EQ(rule["properties"]["tags"], json({"security", "secrets", "containerfile"}));
}

TEST(Sarif, DetectorRuleTakesItsTextFromTheFindingAndTheHighestSeverity) {
  json log = ToSarif(test::SampleReport(), Options());
  const json& rule = FirstRun(log)["tool"]["driver"]["rules"][2];
  EXPECT_EQ(rule["shortDescription"]["text"], "npm access token");
  EXPECT_EQ(rule["defaultConfiguration"]["level"], "error");
  EXPECT_EQ(rule["properties"]["security-severity"], "9.5");
  EXPECT_EQ(rule["properties"]["tags"], json({"security", "secrets", "secret-detector"}));
}

TEST(Sarif, ContainerfileResultIsRelativeToTheSourceRootWithARegion) {
  json log = ToSarif(test::SampleReport(), Options());
  const json& r = FirstRun(log)["results"][0];
  EXPECT_EQ(r["ruleId"], "secret-in-env");
  EXPECT_EQ(r["level"], "error");
  EXPECT_EQ(r["message"]["text"], "ENV sets TOKEN to a secret");
  const json& loc = r["locations"][0]["physicalLocation"];
  EXPECT_EQ(loc["artifactLocation"], json({{"uri", "Containerfile"}, {"uriBaseId", "%SRCROOT%"}}));
  EXPECT_EQ(loc["region"], json({{"startLine", 3}, {"startColumn", 11}}));
  EXPECT_EQ(r["partialFingerprints"], json({{"safebuild/v1", "f00d"}}));
  EXPECT_FALSE(r["locations"][0].contains("logicalLocations"));
  EXPECT_EQ(FirstRun(log)["originalUriBaseIds"]["%SRCROOT%"]["uri"], "file:///src/project/");
}

TEST(Sarif, ContextResultNamesTheContextFileWithoutARegion) {
  json log = ToSarif(test::SampleReport(), Options());
  const json& r = FirstRun(log)["results"][1];
  EXPECT_EQ(r["ruleId"], "context-credential-file");
  const json& loc = r["locations"][0]["physicalLocation"];
  EXPECT_EQ(loc["artifactLocation"]["uri"], "ctx/secrets/my%20key.pem");
  EXPECT_FALSE(loc.contains("region"));
  EXPECT_FALSE(r.contains("partialFingerprints"));
}

TEST(Sarif, LayerResultUsesTheImageBaseAndALogicalLocation) {
  json log = ToSarif(test::SampleReport(), Options());
  const json& r = FirstRun(log)["results"][3];
  EXPECT_EQ(r["ruleId"], "npm-token");
  const json& loc = r["locations"][0];
  EXPECT_EQ(loc["physicalLocation"]["artifactLocation"],
            json({{"uri", "app/.npmrc"}, {"uriBaseId", "IMAGE"}}));
  EXPECT_EQ(loc["physicalLocation"]["region"], json({{"startLine", 1}}));
  EXPECT_EQ(loc["logicalLocations"][0]["name"], "/app/.npmrc");
  EXPECT_EQ(loc["logicalLocations"][0]["fullyQualifiedName"],
            "layer 1 (sha256:" + std::string(64, 'a') + "):/app/.npmrc");
  EXPECT_EQ(r["properties"]["deleted"], true);
  EXPECT_EQ(r["properties"]["layer"]["index"], 1);
  EXPECT_EQ(r["properties"]["redacted"], "npm_…");
}

// A name that is not UTF-8: its URI encodes its own bytes, its logical
// name is shown escaped, and the log is valid JSON.
TEST(Sarif, ANameThatIsNotUtf8IsEncodedByItsBytes) {
  Report report = test::SampleReport();
  report.findings[3].path = "/app/caf\xe9\x1b.npmrc";
  json log = ToSarif(report, Options());
  EXPECT_NO_THROW(log.dump());
  const json& loc = FirstRun(log)["results"][3]["locations"][0];
  EXPECT_EQ(loc["physicalLocation"]["artifactLocation"]["uri"], "app/caf%E9%1B.npmrc");
  EXPECT_EQ(loc["logicalLocations"][0]["name"], "/app/caf\\xe9\\x1b.npmrc");
}

TEST(Sarif, LayerResultPointsAtTheInstructionThatMadeTheLayer) {
  json log = ToSarif(test::SampleReport(), Options());
  const json& related = FirstRun(log)["results"][3]["relatedLocations"];
  ASSERT_EQ(related.size(), 1u);
  EXPECT_EQ(related[0]["physicalLocation"]["artifactLocation"],
            json({{"uri", "Containerfile"}, {"uriBaseId", "%SRCROOT%"}}));
  EXPECT_EQ(related[0]["physicalLocation"]["region"], json({{"startLine", 2}}));
  EXPECT_FALSE(FirstRun(log)["results"][0].contains("relatedLocations"));
}

TEST(Sarif, ConfigResultUsesTheImageConfigBase) {
  json log = ToSarif(test::SampleReport(), Options());
  const json& r = FirstRun(log)["results"][2];
  EXPECT_EQ(r["ruleId"], "aws-access-key-id");
  EXPECT_EQ(r["level"], "warning");
  const json& loc = r["locations"][0];
  EXPECT_EQ(loc["physicalLocation"]["artifactLocation"],
            json({{"uri", "Env/AWS_KEY"}, {"uriBaseId", "IMAGE_CONFIG"}}));
  EXPECT_EQ(loc["logicalLocations"][0]["fullyQualifiedName"], "config:Env/AWS_KEY");
  EXPECT_EQ(loc["logicalLocations"][0]["kind"], "property");
}

TEST(Sarif, FileOutsideTheSourceRootGetsAnAbsoluteFileUri) {
  Report report;
  Finding f = test::SampleReport().findings[0];
  f.path = "/elsewhere/Container file";
  report.findings.push_back(f);
  json log = ToSarif(report, Options());
  EXPECT_EQ(FirstRun(log)["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"],
            json({{"uri", "file:///elsewhere/Container%20file"}}));
}

TEST(Sarif, IncompleteScanIsAFailedInvocationWithItsErrors) {
  Report report;
  report.complete = false;
  report.errors.push_back("cannot read layer 2");
  json inv = FirstRun(ToSarif(report, Options()))["invocations"][0];
  EXPECT_EQ(inv["executionSuccessful"], false);
  EXPECT_EQ(inv["toolExecutionNotifications"][0]["message"]["text"], "cannot read layer 2");
  EXPECT_EQ(FirstRun(ToSarif(report, Options()))["results"], json::array());
}

// What the scan did not read in full is a warning of the run, as the
// JSON report's "skipped" lists it: its reason, file, member and layer.
TEST(Sarif, WhatWasNotReadInFullIsAWarningOfTheRun) {
  Report report;
  ScanStats stats;
  stats.skipped.push_back({"size", "/app/.git/objects/ab/cd", "", 2, ""});
  stats.skipped.push_back({"ratio", "/app/a.zip", "bomb.bin", 3, ""});
  for (int i = 0; i < 120; ++i) stats.skipped.push_back({"depth", "/x.zip", "y", 3, ""});
  report.stats = stats;
  json notes = FirstRun(ToSarif(report, Options()))["invocations"][0]["toolExecutionNotifications"];
  ASSERT_EQ(notes.size(), 101u);
  EXPECT_EQ(notes[0]["level"], "warning");
  EXPECT_EQ(notes[0]["message"]["text"],
            "not read in full (size): /app/.git/objects/ab/cd in layer 2");
  EXPECT_EQ(notes[1]["message"]["text"],
            "not read in full (ratio): /app/a.zip!bomb.bin in layer 3");
  EXPECT_EQ(notes[1]["properties"]["member"], "bomb.bin");
  EXPECT_EQ(notes[1]["descriptor"]["id"], "skipped-ratio");
  EXPECT_EQ(notes[100]["message"]["text"], "22 more not read in full");
  EXPECT_EQ(FirstRun(ToSarif(report, Options()))["invocations"][0]["executionSuccessful"], true);
}

TEST(Sarif, ImageBaseIdsAreListedOnlyWhenUsed) {
  json all = FirstRun(ToSarif(test::SampleReport(), Options()))["originalUriBaseIds"];
  EXPECT_TRUE(all.contains("IMAGE"));
  EXPECT_TRUE(all.contains("IMAGE_CONFIG"));
  Report lint_only;
  lint_only.findings.push_back(test::SampleReport().findings[0]);
  json some = FirstRun(ToSarif(lint_only, Options()))["originalUriBaseIds"];
  EXPECT_EQ(some, json({{"%SRCROOT%", {{"uri", "file:///src/project/"}}}}));
}

TEST(Sarif, LevelsAndScoresFollowSeverity) {
  EXPECT_EQ(SarifLevel(Severity::kCritical), "error");
  EXPECT_EQ(SarifLevel(Severity::kHigh), "error");
  EXPECT_EQ(SarifLevel(Severity::kMedium), "warning");
  EXPECT_EQ(SarifLevel(Severity::kLow), "note");
  EXPECT_EQ(SarifLevel(Severity::kInfo), "note");
  EXPECT_EQ(SecuritySeverity(Severity::kCritical), "9.5");
  EXPECT_EQ(SecuritySeverity(Severity::kInfo), "1.0");
}

TEST(Sarif, UriEncodingKeepsPathCharactersAndEscapesTheRest) {
  EXPECT_EQ(UriEncodePath("a/b-c_d.e~f"), "a/b-c_d.e~f");
  EXPECT_EQ(UriEncodePath("a b#c?d%e"), "a%20b%23c%3Fd%25e");
  EXPECT_EQ(UriEncodePath("<stdin>"), "%3Cstdin%3E");
  EXPECT_EQ(UriEncodePath("\xc3\xa9"), "%C3%A9");
}

TEST(RuleCatalog, IsSortedAndEveryEntryIsComplete) {
  auto rules = LintRules();
  ASSERT_EQ(rules.size(), 23u);
  for (size_t i = 0; i < rules.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(rules[i - 1].id, rules[i].id);
    }
    EXPECT_FALSE(rules[i].title.empty()) << rules[i].id;
    EXPECT_FALSE(rules[i].rationale.empty()) << rules[i].id;
    EXPECT_FALSE(rules[i].fix.empty()) << rules[i].id;
    EXPECT_EQ(FindLintRule(rules[i].id), &rules[i]);
  }
  EXPECT_EQ(FindLintRule("npm-token"), nullptr);
}

}  // namespace
}  // namespace safebuild
