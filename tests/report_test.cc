#include "report/report.h"

#include <gtest/gtest.h>

namespace safebuild {
namespace {

Finding LayerFinding(int layer, bool deleted) {
  Finding f;
  f.rule = "npm-token";
  f.severity = Severity::kCritical;
  f.origin = Origin::kLayer;
  f.path = "/app/.npmrc";
  f.line = 1;
  f.layer = LayerRef{layer, "sha256:" + std::string(64, 'a'), "COPY .npmrc /app/.npmrc"};
  f.deleted = deleted;
  f.fingerprint = "0123";
  f.redacted = "npm_…";
  f.message = "npm access token";
  return f;
}

TEST(Report, JsonHasTheDocumentedShape) {
  Report r;
  r.image = ReportImage{"sha256:abc", {"localhost/x:1"}};
  r.findings.push_back(LayerFinding(1, true));
  auto j = ToJson(r);
  EXPECT_EQ(j["schema"], 1);
  EXPECT_EQ(j["verdict"], "fail");
  EXPECT_EQ(j["image"]["id"], "sha256:abc");
  const auto& f = j["findings"][0];
  EXPECT_EQ(f["rule"], "npm-token");
  EXPECT_EQ(f["severity"], "critical");
  EXPECT_EQ(f["origin"], "layer");
  EXPECT_EQ(f["path"], "/app/.npmrc");
  EXPECT_EQ(f["line"], 1);
  EXPECT_EQ(f["layer"]["index"], 1);
  EXPECT_EQ(f["layer"]["created_by"], "COPY .npmrc /app/.npmrc");
  EXPECT_EQ(f["deleted"], true);
  EXPECT_EQ(f["fingerprint"], "0123");
  EXPECT_EQ(f["redacted"], "npm_…");
  EXPECT_FALSE(f.contains("member"));
}

// A name from an image is any bytes: Latin-1 (not UTF-8), an escape
// sequence that would redraw the terminal. Every output shows it escaped,
// and JSON never fails on it.
TEST(Report, NamesThatAreNotPrintableUtf8AreShownEscaped) {
  Report r;
  Finding f = LayerFinding(0, false);
  f.path = "/srv/caf\xe9.env";
  f.member = "conf/\x1b[2K\x1b[1Averdict: pass\n.env";
  r.findings.push_back(f);
  Finding lint;
  lint.rule = "build-arg-secret";
  lint.origin = Origin::kContainerfile;
  lint.path = "Containerfile";
  lint.excerpt = "ARG A=\xff\xfe B=ghp_…";
  lint.excerpt_column = 11;  // at "B", after the two bytes escaped
  r.findings.push_back(lint);
  r.stats = ScanStats{};
  r.stats->skipped.push_back({"unsupported", "/srv/sch\xfcssel.7z", "", 0, ""});
  r.stats->skipped.push_back({"size", "/srv/a.txt", "", 0, "a packed blob (tar, \x1b[2K)"});
  r.errors.push_back("/srv/\xe9: cannot read it");

  const nlohmann::json j = ToJson(r);
  EXPECT_NO_THROW(j.dump());
  ASSERT_EQ(j["findings"].size(), 2u);
  for (const nlohmann::json& one : j["findings"]) {
    if (one["rule"] != "npm-token") continue;
    EXPECT_EQ(one["path"], "/srv/caf\\xe9.env");
    EXPECT_EQ(one["member"], "conf/\\x1b[2K\\x1b[1Averdict: pass\\x0a.env");
  }
  EXPECT_EQ(j["skipped"][0]["path"], "/srv/sch\\xfcssel.7z");
  EXPECT_FALSE(j["skipped"][0].contains("detail"));
  EXPECT_EQ(j["skipped"][1]["detail"], "a packed blob (tar, \\x1b[2K)");
  EXPECT_EQ(j["errors"][0], "/srv/\\xe9: cannot read it");
  EXPECT_EQ(Shown(lint).excerpt, "ARG A=\\xff\\xfe B=ghp_…");
  // A name that holds "\x" as typed is not shown as one with a newline.
  Finding typed = lint;
  typed.path = "/srv/n\\x0al.txt";
  typed.member = "n\nl.txt";
  EXPECT_EQ(Shown(typed).path, "/srv/n\\x5cx0al.txt");
  EXPECT_EQ(Shown(typed).member, "n\\x0al.txt");
  EXPECT_EQ(Shown(lint).excerpt_column, 17);

  const std::string text = RenderText(r, {});
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("/srv/caf\\xe9.env"), std::string::npos) << text;
}

TEST(Report, PassesWhenFindingsStayBelowFailOn) {
  Report r;
  Finding f = LayerFinding(1, false);
  f.severity = Severity::kMedium;
  r.findings.push_back(f);
  EXPECT_FALSE(Fails(r));
  r.fail_on = Severity::kMedium;
  EXPECT_TRUE(Fails(r));
}

TEST(Report, WithFailOnSkippedAnythingNotReadInFullFails) {
  Report r;
  r.stats = ScanStats{};
  r.stats->skipped.push_back({"unsupported", "/srv/a.7z", "", 1, ""});
  EXPECT_FALSE(Fails(r));
  r.fail_on_skipped = true;
  EXPECT_TRUE(Fails(r));
  EXPECT_EQ(ToJson(r)["verdict"], "fail");
  EXPECT_EQ(ToJson(r)["fail_on_skipped"], true);
  r.stats->skipped.clear();
  EXPECT_FALSE(Fails(r));
}

TEST(Report, IncompleteScanNeverPasses) {
  Report r;
  r.complete = false;
  EXPECT_TRUE(Fails(r));
  EXPECT_EQ(ToJson(r)["verdict"], "fail");
  // The summary says why it fails with no finding.
  EXPECT_NE(RenderText(r, {}).find("0 findings; the scan is incomplete; verdict: fail"),
            std::string::npos)
      << RenderText(r, {});
}

TEST(Report, TextGroupsByLayerAndShowsWhetherDeleted) {
  Report r;
  r.findings.push_back(LayerFinding(2, false));
  r.findings.push_back(LayerFinding(1, true));
  Normalize(r.findings);
  std::string text = RenderText(r, {});
  auto l1 = text.find("Layer 1 sha256:aaaaaaaaaaaa (COPY .npmrc /app/.npmrc)");
  auto l2 = text.find("Layer 2 ");
  ASSERT_NE(l1, std::string::npos) << text;
  ASSERT_NE(l2, std::string::npos);
  EXPECT_LT(l1, l2);
  EXPECT_NE(text.find("/app/.npmrc:1: critical: npm access token (npm_…) [npm-token] "
                      "deleted later, still in the image"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("verdict: fail (--fail-on high)"), std::string::npos);
}

TEST(Report, LintFindingShowsLineAndCaret) {
  Report r;
  Finding f;
  f.rule = "secret-in-env";
  f.origin = Origin::kContainerfile;
  f.path = "Containerfile";
  f.line = 4;
  f.column = 17;
  f.message = "ENV sets a secret";
  f.excerpt = "ENV DB_PASSWORD=Xy7…";
  f.excerpt_column = 17;
  f.fix = "pass it at run time";
  r.findings.push_back(f);
  std::string text = RenderText(r, {});
  EXPECT_NE(text.find("  Containerfile:4:17: high: ENV sets a secret [secret-in-env]\n"
                      "    4 | ENV DB_PASSWORD=Xy7…\n"
                      "      |                 ^\n"
                      "    fix: pass it at run time\n"),
            std::string::npos)
      << text;
}

TEST(Report, CaretCountsCharactersNotBytesOfAShortenedExcerpt) {
  Report r;
  Finding f;
  f.rule = "secret-in-run";
  f.origin = Origin::kContainerfile;
  f.path = "Containerfile";
  f.line = 2;
  f.column = 3001;
  f.message = "a secret";
  f.excerpt = "…x\tghp_…";
  f.excerpt_column = 6;  // "…" is 3 bytes, one character
  r.findings.push_back(f);
  std::string text = RenderText(r, {});
  EXPECT_NE(text.find("    2 | …x\tghp_…\n"
                      "      |   \t^\n"),
            std::string::npos)
      << text;
}

TEST(Report, NormalizeDropsExactRepeats) {
  std::vector<Finding> v = {LayerFinding(1, true), LayerFinding(1, true)};
  Normalize(v);
  EXPECT_EQ(v.size(), 1u);
}

}  // namespace
}  // namespace safebuild
