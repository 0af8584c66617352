// The built-in patterns compile on their own, as the detector compiles each
// one lazily when the set says it may match: a broken pattern must fail
// here, not in the middle of a user's scan.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <array>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "detect/detector.h"
#include "detect/rules.h"
#include "detect_test_util.h"
#include "fake_secret.h"

namespace safebuild {
namespace {

// The detector's own options: any byte sequence, no logging.
RE2::Options Latin1() {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  return options;
}

TEST(BuiltinPatterns, EachCompilesWithAtMostThreeGroupsAndAUniqueShape) {
  const RE2::Options options = Latin1();
  std::set<std::string> seen;
  for (const detect::Pattern& p : detect::BuiltinPatterns()) {
    RE2 re(p.regex, options);
    EXPECT_TRUE(re.ok()) << p.rule << ": " << re.error();
    EXPECT_LE(re.NumberOfCapturingGroups(), 3) << p.rule;
    EXPECT_TRUE(seen.insert(std::string(p.regex)).second) << p.rule << ": duplicate regex";
  }
  EXPECT_GE(seen.size(), 150u);
}

// The literals of a pattern's keyword alternation ("ghp_|gho_", "(?i)key").
std::vector<std::string> KeywordLiterals(std::string_view keywords) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < keywords.size(); ++i) {
    if (keywords.substr(i, 4) == "(?i)") {
      i += 3;
    } else if (keywords[i] == '|') {
      out.emplace_back();
    } else if (keywords[i] != '\\') {
      out.back() += keywords[i];
    }
  }
  return out;
}

// Validators see only what their regex matched; on degenerate matches (a
// run of one byte, as in base64 of zero bytes, fonts and padding) they must
// decide, not fail: every pattern is run over such texts and its validator
// called on each match, as the detector calls it.
TEST(BuiltinPatterns, ValidatorsDecideOnDegenerateMatches) {
  const RE2::Options options = Latin1();
  constexpr std::array<char, 12> kFills = {'A', '0', 'a', 'f', '%', '-',
                                           '_', '.', '=', '/', '$', '+'};
  constexpr std::array<size_t, 10> kLengths = {0, 1, 8, 16, 32, 40, 49, 64, 81, 200};
  size_t validated = 0;
  for (const detect::Pattern& p : detect::BuiltinPatterns()) {
    RE2 re(p.regex, options);
    ASSERT_TRUE(re.ok()) << p.rule;
    const int count = re.NumberOfCapturingGroups() + 1;
    for (const std::string& keyword : KeywordLiterals(p.keywords)) {
      for (char fill : kFills) {
        for (size_t length : kLengths) {
          for (const std::string& text :
               {keyword + std::string(length, fill), std::string(length, fill) + keyword,
                "x=" + keyword + std::string(length, fill) + "\n"}) {
            std::array<re2::StringPiece, 4> groups;
            if (!re.Match(text, 0, text.size(), RE2::UNANCHORED, groups.data(), count)) continue;
            int value = 0;
            for (int g = 1; g < count; ++g) {
              if (g != p.name_group && groups[g].data() != nullptr) {
                value = g;
                break;
              }
            }
            detect::Candidate c;
            c.text = text;
            c.match_begin = static_cast<size_t>(groups[0].data() - text.data());
            c.begin = static_cast<size_t>(groups[value].data() - text.data());
            c.end = c.begin + groups[value].size();
            if (p.name_group != 0 && groups[p.name_group].data() != nullptr) {
              c.name = std::string_view(groups[p.name_group].data(), groups[p.name_group].size());
            }
            c.severity = p.severity;
            EXPECT_NO_THROW(p.validate(c)) << p.rule << " on \"" << text << "\"";
            ++validated;
          }
        }
      }
    }
  }
  EXPECT_GT(validated, 1000u);
}

// A run of 'A's (base64 of zero bytes) once ended every scan that met one.
TEST(BuiltinPatterns, ARunOfOneLetterIsNoSecretAndNoError) {
  for (size_t n : {80u, 81u, 200u, 5000u}) {
    EXPECT_TRUE(detect_test::Scan(std::string(n, 'A') + "\n", "font.txt").empty()) << n;
    EXPECT_TRUE(detect_test::Scan("X=" + std::string(n, 'A')).empty()) << n;
  }
}

// Kubernetes keeps an image pull secret's Docker config base64-encoded.
TEST(Detector, ReportsTheEncodedDockerConfigOfAKubernetesSecret) {
  std::string config = "{\"auths\":{\"ghcr.io\":{\"auth\":\"" +
                       fake::Base64("bot:" + fake::Make(fake::Kind::kPassword)) + "\"}}}";
  std::string encoded = fake::Base64(config);
  for (const std::string& text :
       {"apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n"
        "  .dockerconfigjson: " + encoded + "\n",
        "{\"data\": {\".dockerconfigjson\": \"" + encoded + "\"}}"}) {
    std::vector<Match> found = detect_test::Scan(text, "k8s/pull-secret.yaml");
    ASSERT_EQ(found.size(), 1u) << text;
    EXPECT_EQ(found[0].rule, "kubernetes-dockerconfig");
    EXPECT_EQ(text.substr(found[0].offset, found[0].length), encoded);
  }
  // Without a password in it, or a placeholder, it is no finding.
  std::string empty = fake::Base64("{\"auths\":{\"ghcr.io\":{\"auth\":\"" +
                                   fake::Base64("bot:") + "\"}}}");
  EXPECT_TRUE(detect_test::Scan("  .dockerconfigjson: " + empty + "\n").empty());
  std::string placeholder = fake::Base64("{\"auths\":{\"r\":{\"auth\":\"" +
                                         fake::Base64("bot:${PASSWORD}") + "\"}}}");
  EXPECT_TRUE(detect_test::Scan("  .dockerconfigjson: " + placeholder + "\n").empty());
}

// Lines of Debian changelogs and NEWS files that read like assignments.
TEST(Detector, ChangelogFileNamesAndEncodedPhrasesAreNoAssignments) {
  for (const char* text :
       {" man/{readpassphrase.3 => readpassphrase.3bsd}   |  0\n",
        "15. src/sltoken.c: _pSLparse_error: Use the line number\n",
        "4. src/sltoken.c:SLang_load_object: Do not reset it.\n",
        "security/sasl/digest/AuthRealmChoices.java: DigestMD5Client has not checked\n",
        "pkcs11:token=Root%20CA%20Certificates;serial=1%3AROOTS%3ADEFAULT;model=1%2E0\n"}) {
    EXPECT_TRUE(detect_test::Scan(text, "usr/share/doc/x/changelog").empty()) << text;
  }
  // A secret-named key of a config file still counts.
  std::string password = fake::Make(fake::Kind::kPassword);
  EXPECT_FALSE(detect_test::Scan("db_password: " + password + "\n", "app.yml").empty());
}

}  // namespace
}  // namespace safebuild
