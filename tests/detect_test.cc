// Tests of the secret detector. Every secret here is generated at run time:
// tokens by fake_secret.h, private keys by openssl and ssh-keygen into a
// temporary directory. The only literals that look like secrets are the
// published documentation examples that must NOT be reported.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <cctype>
#include <sstream>
#include <string>
#include <tuple>
#include <thread>
#include <vector>

#include "detect/codec.h"
#include "detect/detector.h"
#include "detect/filters.h"
#include "detect/sqlite_cells.h"
#include "detect_test_util.h"
#include "fake_secret.h"
#include "util/fingerprint.h"
#include "util/temp_dir.h"
#include "util/text.h"

namespace safebuild {
namespace {

using fake::Kind;

std::string Fake(Kind kind) { return fake::Make(kind); }

using detect_test::ReadFile;
using detect_test::RulesOf;
using detect_test::Scan;
using detect_test::Shell;

std::string Base64(std::string_view in) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += kDigits[(n >> 18) & 63];
    out += kDigits[(n >> 12) & 63];
    out += i + 1 < in.size() ? kDigits[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kDigits[n & 63] : '=';
  }
  return out;
}

// Checks what every match must hold: the value's span, its fingerprint,
// and nothing of the value beyond a 4-character redacted prefix. A provider's
// description may name what its tokens start with ("Shippo" in
// "shippo_live_…"): `check_description` off leaves that to the caller.
void ExpectLeaksNothing(const Match& m, std::string_view text,
                        bool check_description = true) {
  std::string_view value = text.substr(m.offset, m.length);
  EXPECT_EQ(m.fingerprint, Fingerprint(m.rule, value));
  std::string shown = m.redacted;
  size_t ellipsis = shown.find("…");
  ASSERT_NE(ellipsis, std::string::npos) << m.redacted;
  shown.erase(ellipsis);
  EXPECT_LE(shown.size(), 4u);
  EXPECT_TRUE(StartsWith(value, shown));
  for (size_t i = 0; i + 5 <= value.size(); ++i) {
    std::string_view window = value.substr(i, 5);
    EXPECT_EQ(m.redacted.find(window), std::string::npos);
    if (check_description) {
      EXPECT_EQ(m.description.find(window), std::string::npos);
    }
  }
  EXPECT_EQ(m.fingerprint.find(value), std::string::npos);
  LineCol at = LineColAt(text, m.offset);
  EXPECT_EQ(m.line, at.line);
  EXPECT_EQ(m.column, at.column);
}

// Expects exactly one finding in `text`: `rule` at `severity`, spanning the
// first occurrence of `value`.
void ExpectOnly(std::string_view text, std::string_view rule,
                Severity severity, std::string_view value,
                std::string_view path = {}) {
  std::vector<Match> matches = Scan(text, path);
  ASSERT_EQ(matches.size(), 1u) << RulesOf(matches) << " in\n" << text;
  const Match& m = matches[0];
  EXPECT_EQ(m.rule, rule);
  EXPECT_EQ(m.severity, severity);
  EXPECT_EQ(m.offset, text.find(value));
  EXPECT_EQ(m.length, value.size());
  ExpectLeaksNothing(m, text);
}

void ExpectNone(std::string_view text, std::string_view path = {}) {
  std::vector<Match> matches = Scan(text, path);
  EXPECT_TRUE(matches.empty()) << RulesOf(matches) << " in\n" << text;
}

// ---------------------------------------------------------------------------
// Token formats

TEST(Detector, ReportsChecksummedGithubTokenAsCritical) {
  const std::pair<std::string_view, std::string_view> kinds[] = {
      {"ghp_", "github-classic-token"}, {"gho_", "github-oauth-token"},
      {"ghu_", "github-user-token"},    {"ghs_", "github-app-token"},
      {"ghr_", "github-refresh-token"}};
  for (const auto& [prefix, rule] : kinds) {
    std::string token = fake::Checksummed(prefix);
    ExpectOnly("export GH=" + token + "\n", rule, Severity::kCritical, token);
  }
}

// No token works with a checksum that fails: listed, low, not blocking.
TEST(Detector, ReportsGithubTokenWithBadChecksumAsLow) {
  std::string token = Fake(Kind::kGithubToken);
  token.back() = token.back() == 'a' ? 'b' : 'a';
  ASSERT_FALSE(detect::Base62ChecksumValid(token.substr(4)));
  ExpectOnly("token: " + token, "github-classic-token", Severity::kLow, token);
}

TEST(Detector, IgnoresGithubShapedPlaceholders) {
  ExpectNone("GITHUB_TOKEN=ghp_" + std::string(36, 'x'));
  ExpectNone("GITHUB_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyz");
  ExpectNone("see ghp_" + std::string(35, 'a') + " (too short)");
}

TEST(Detector, ReportsFineGrainedGithubToken) {
  std::string token = Fake(Kind::kGithubFineGrainedPat);
  ExpectOnly("RUN git clone https://" + token + "@github.com/o/r\n",
             "github-fine-grained-token", Severity::kCritical, token);
}

TEST(Detector, IgnoresFineGrainedGithubPlaceholder) {
  ExpectNone("github_pat_" + std::string(22, 'X') + "_" +
             std::string(59, 'X'));
}

TEST(Detector, ReportsGitlabToken) {
  std::string token = Fake(Kind::kGitlabToken);
  ExpectOnly("CI_TOKEN: '" + token + "'\n", "gitlab-token",
             Severity::kCritical, token);
}

TEST(Detector, IgnoresGitlabPlaceholderAndNearMiss) {
  ExpectNone("glpat-xxxxxxxxxxxxxxxxxxxx");
  ExpectNone("glpat-" + fake::Random(fake::kBase62, 19));
}

TEST(Detector, ReportsChecksummedNpmTokenAsCritical) {
  std::string token = Fake(Kind::kNpmToken);
  ExpectOnly("NPM=" + token, "npm-token", Severity::kCritical, token);
}

TEST(Detector, ReportsNpmTokenWithBadChecksumAsLow) {
  std::string token = Fake(Kind::kNpmToken);
  token.back() = token.back() == '0' ? '1' : '0';
  ExpectOnly("NPM=" + token, "npm-token", Severity::kLow, token);
}

TEST(Detector, IgnoresNpmPlaceholder) {
  ExpectNone("npm_" + std::string(36, '0'));
}

TEST(Detector, ReportsPypiToken) {
  std::string token = Fake(Kind::kPypiToken);
  ExpectOnly("[pypi]\nusername = __token__\npassword = " + token + "\n",
             "pypi-token", Severity::kCritical, token);
}

TEST(Detector, IgnoresTruncatedPypiToken) {
  ExpectNone("pypi-AgEIcHlwaS5vcmc" + fake::Random(fake::kUrlSafe, 20));
}

TEST(Detector, ReportsSlackToken) {
  std::string token = Fake(Kind::kSlackBotToken);
  ExpectOnly("SLACK=" + token + "\n", "slack-bot-token", Severity::kCritical,
             token);
}

TEST(Detector, ReportsSlackUserAndAppTokens) {
  std::string user = "xoxp-" + fake::Random(fake::kDigits, 11) + "-" +
                     fake::Random(fake::kDigits, 11) + "-" +
                     fake::Random(fake::kDigits, 12) + "-" +
                     fake::Random("0123456789abcdef", 32);
  ExpectOnly(user, "slack-user-token", Severity::kCritical, user);
  std::string app = "xapp-1-A" + fake::Random(fake::kBase32, 10) + "-" +
                    fake::Random(fake::kDigits, 13) + "-" +
                    fake::Random("0123456789abcdef", 64);
  ExpectOnly(app, "slack-app-token", Severity::kCritical, app);
}

TEST(Detector, IgnoresSlackPlaceholder) {
  ExpectNone("xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx");
}

TEST(Detector, ReportsStripeLiveKey) {
  std::string key = Fake(Kind::kStripeSecretKey);
  ExpectOnly("stripe.api_key = \"" + key + "\"", "stripe-secret-key",
             Severity::kCritical, key);
  std::string restricted = "rk_live_" + fake::Random(fake::kBase62, 40);
  ExpectOnly(restricted, "stripe-restricted-key", Severity::kCritical,
             restricted);
}

// A fresh token of format `f` that the placeholder filter passes: about one
// random draw in 500 holds "abcdef", "eeeeeee" or a segment "-Test-",
// and rightly reads as written by hand.
std::string FreshToken(const fake::TokenFormat& f) {
  std::string token = fake::Make(f);
  for (int i = 0; i < 10 && IsPlaceholder(token); ++i) token = fake::Make(f);
  return token;
}

// Every provider token format: fresh tokens are found under their own rule,
// at their exact span, at high severity or above, leaking nothing. A random
// body with too little variety ("dkPksithLLkktzhk") fails the randomness
// gate about once in a million draws; one such miss in the 2,800 draws here
// is allowed, so the test fails by chance about once in a million runs.
TEST(Detector, ReportsEveryProviderTokenFormat) {
  int missed = 0;
  for (const fake::TokenFormat& f : fake::kTokenFormats) {
    SCOPED_TRACE(std::string(f.rule));
    std::string description;
    for (int i = 0; i < 20; ++i) {
      std::string token = FreshToken(f);
      std::string text = "config:\n  value: " + std::string(f.before) + token + "\n";
      std::vector<Match> matches = Scan(text);
      if (matches.empty() && ++missed <= 1) continue;
      ASSERT_EQ(matches.size(), 1u) << RulesOf(matches) << " in\n" << text;
      if (description.empty()) description = matches[0].description;
      EXPECT_EQ(matches[0].rule, f.rule);
      EXPECT_GE(matches[0].severity, Severity::kHigh);
      EXPECT_EQ(matches[0].offset, text.find(token));
      EXPECT_EQ(matches[0].length, token.size());
      ExpectLeaksNothing(matches[0], text, false);
      // The description is the format's, the same for every token.
      EXPECT_EQ(matches[0].description, description);
      EXPECT_EQ(description.find(token.substr(token.size() - 5)), std::string::npos);
    }
  }
}

TEST(Detector, FindsATelegramBotTokenInTheBotApiUrl) {
  for (const fake::TokenFormat& f : fake::kTokenFormats) {
    if (f.rule != std::string_view("telegram-bot-token")) continue;
    std::string token = fake::Make(f);
    std::string text = "curl https://api.telegram.org/bot" + token + "/sendMessage\n";
    std::vector<Match> matches = Scan(text);
    ASSERT_EQ(matches.size(), 1u) << RulesOf(matches);
    EXPECT_EQ(matches[0].rule, "telegram-bot-token");
    EXPECT_EQ(matches[0].offset, text.find(token));
    EXPECT_EQ(matches[0].length, token.size());
    ExpectLeaksNothing(matches[0], text, false);
  }
}

TEST(Detector, HasOneTokenFormatPerProviderRuleAndOverAHundredInAll) {
  std::set<std::string_view> rules;
  for (const fake::TokenFormat& f : fake::kTokenFormats) {
    EXPECT_TRUE(rules.insert(f.rule).second) << f.rule;
  }
  EXPECT_GE(rules.size(), 140u);
}

// The same shapes with every random field filled with 'x' (or '0' where
// the alphabet has no 'x') are placeholders: no rule may fire.
std::string PlaceholderOf(std::string_view shape, char fill) {
  std::string out;
  for (size_t i = 0; i < shape.size(); ++i) {
    size_t close = shape.find('}', i);
    if (shape[i] != '{' || close == std::string_view::npos) {
      out += shape[i];
      continue;
    }
    std::string_view field = shape.substr(i + 1, close - i - 1);
    i = close;
    size_t n = field == "crc" ? 6 : field == "uuid" ? 36 : 0;
    if (n == 0 && field.size() > 1 && std::isdigit(field[1])) {
      n = std::stoul(std::string(field.substr(1)));
    }
    out.append(n == 0 ? 60 : n, fill);
  }
  return out;
}

TEST(Detector, IgnoresPlaceholdersInEveryProviderTokenFormat) {
  for (const fake::TokenFormat& f : fake::kTokenFormats) {
    for (char fill : {'x', 'X', '0', 'a'}) {
      ExpectNone("value: " + std::string(f.before) + PlaceholderOf(f.shape, fill) + "\n");
    }
  }
}

TEST(Detector, ChecksumsSeparateRealFromRandomGithubAndAgeTokens) {
  std::string age = fake::AgeKey();
  ExpectOnly("AGE=" + age, "age-secret-key", Severity::kCritical, age);
  std::string broken = age;
  broken[20] = broken[20] == 'Q' ? 'P' : 'Q';
  // As for GitHub's and npm's: no working key, low (listed, not blocking).
  ExpectOnly("AGE=" + broken, "age-secret-key", Severity::kLow, broken);
  EXPECT_EQ(Scan("AGE=" + broken)[0].description,
            "age-shaped secret key (checksum does not verify: no working key, low)");
  EXPECT_TRUE(detect::Bech32Valid(age));
  EXPECT_FALSE(detect::Bech32Valid(broken));
  for (std::string_view prefix : {"gho_", "ghu_", "ghs_", "ghr_"}) {
    std::string token = fake::Checksummed(prefix);
    token.back() = token.back() == 'a' ? 'b' : 'a';
    ASSERT_EQ(Scan(token).size(), 1u);
    EXPECT_EQ(Scan(token)[0].severity, Severity::kLow);
  }
}

// Samples made by hand fail their checksum and show it: filler runs, or a
// package's docs and tests, where a token that fails is no finding.
TEST(Detector, TokensWithAFailedChecksumInSamplesAreNoFindings) {
  ExpectNone("auth: ghp_PersonalAccessToken01245678900000000\n");
  ExpectNone("auth: ghs_InstallallationOrActionToken00000000\n");
  std::string token = fake::Checksummed("ghp_");
  token.back() = token.back() == 'a' ? 'b' : 'a';
  for (const Match& m : Scan("const token = '" + token + "'\n",
                             "/app/node_modules/@octokit/auth-token/README.md")) {
    EXPECT_EQ(m.severity, Severity::kLow) << m.rule;  // as any value in a package's docs
  }
  ExpectNone("const token = '" + token + "'\n", "/app/node_modules/x/test/auth.test.js");
  ExpectOnly("const token = '" + token + "'\n", "github-classic-token", Severity::kLow, token,
             "/app/src/auth.js");
  // Under a secret's name too: the checksum says no token works so.
  for (const Match& m : Scan("GITHUB_TOKEN=" + token + "\n", "/app/.env")) {
    EXPECT_EQ(m.severity, Severity::kLow) << m.rule;
  }
}

TEST(Detector, IgnoresTokenPrefixesGluedToWordsOrInsideBase64) {
  std::string twilio = "SK" + fake::Random("0123456789abcdef", 32);
  ExpectNone("MASK" + twilio.substr(2));
  ExpectNone(fake::Random(fake::kBase64, 40) + twilio + fake::Random(fake::kBase64, 40));
  ExpectNone("xdop_v1_" + fake::Random("0123456789abcdef", 64));
  ExpectNone("hf_" + fake::Random(fake::kBase62.substr(10), 33));  // one short
}

// The storage emulator's account, whatever key is quoted with it.
TEST(Detector, TheStorageEmulatorsAccountIsNoFinding) {
  const std::string key = Base64(fake::Random(fake::kBase62, 64));
  ExpectNone("AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=http;"
             "AccountName=devstoreaccount1;AccountKey=" + key +
             ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;\n");
}

// An Azure storage account key (base64 of 64 bytes) in a connection
// string, or under a key of its own in JSON or YAML.
TEST(Detector, ReportsAzureStorageAccountKeysWhereverTheyAreNamed) {
  const std::string key = Base64(fake::Random(fake::kBase62, 64));
  ASSERT_EQ(key.size(), 88u);
  for (const std::string& text :
       {"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + key +
            ";EndpointSuffix=core.windows.net\n",
        "{\"StorageAccountKey\": \"" + key + "\"}\n", "storage:\n  accountKey: " + key + "\n",
        "AZURE_STORAGE_ACCOUNTKEY='" + key + "'\n"}) {
    SCOPED_TRACE(text);
    std::vector<Match> m = Scan(text, "/app/appsettings.json");
    ASSERT_EQ(RulesOf(m), "azure-storage-account-key");
    EXPECT_EQ(m[0].offset, text.find(key));
  }
}

TEST(Detector, IgnoresAzureShapesThatDoNotDecode) {
  // A signature of the right length that is not 32 bytes of base64.
  ExpectNone("https://demo.blob.core.windows.net/c?sv=2022-11-02&sig=" +
             fake::Random(fake::kBase64, 50) + "%3D");
  ExpectNone("AccountKey=" + fake::Random(fake::kBase64, 85) + "==;");
}

TEST(Detector, IgnoresStripeTestKey) {
  ExpectNone("STRIPE_SECRET_KEY=sk_test_" + fake::Random(fake::kBase62, 99));
}

TEST(Detector, ReportsGoogleApiKeyAsHigh) {
  std::string key = Fake(Kind::kGoogleApiKey);
  ExpectOnly("https://maps.example.org/api?key=" + key + "&q=1",
             "google-api-key", Severity::kHigh, key);
}

TEST(Detector, IgnoresGoogleShapeInsideBase64) {
  std::string blob = fake::Random(fake::kBase64, 40) + "AIza" +
                     fake::Random(fake::kBase62, 35) +
                     fake::Random(fake::kBase64, 40);
  ExpectNone("\"data\": \"" + blob + "\"");
  ExpectNone("AIza" + fake::Random(fake::kBase62, 34));
}

TEST(Detector, ReportsSendgridKey) {
  std::string key = Fake(Kind::kSendgridApiKey);
  ExpectOnly("SENDGRID=" + key, "sendgrid-api-key", Severity::kCritical, key);
}

TEST(Detector, IgnoresSendgridNearMiss) {
  ExpectNone("SG." + fake::Random(fake::kBase62, 21) + "." +
             fake::Random(fake::kBase62, 43));
}

TEST(Detector, ReportsDockerhubToken) {
  std::string token = Fake(Kind::kDockerhubPat);
  ExpectOnly("echo " + token + " | docker login -u bob --password-stdin",
             "dockerhub-pat", Severity::kCritical, token);
}

TEST(Detector, IgnoresDockerhubPlaceholder) {
  ExpectNone("dckr_pat_" + std::string(27, 'x'));
}

TEST(Detector, ReportsAwsAccessKeyId) {
  std::string id = Fake(Kind::kAwsAccessKeyId);
  ExpectOnly("aws_access_key_id = " + id + "\n", "aws-access-key-id",
             Severity::kCritical, id);
}

TEST(Detector, IgnoresAwsDocumentedExamples) {
  ExpectNone(
      "[default]\n"
      "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
  ExpectNone("AKIA" + fake::Random(fake::kBase32, 15));
}

TEST(Detector, ReportsAwsSecretNextToItsName) {
  for (std::string_view shape :
       {"aws_secret_access_key = %s\n", "AWS_SECRET_ACCESS_KEY=%s\n",
        "\"SecretAccessKey\": \"%s\",\n", "ENV AWS_SECRET_ACCESS_KEY %s\n"}) {
    std::string secret = Fake(Kind::kAwsSecretAccessKey);
    std::string text(shape);
    text.replace(text.find("%s"), 2, secret);
    ExpectOnly(text, "aws-secret-access-key", Severity::kCritical, secret);
  }
}

TEST(Detector, IgnoresAwsSecretShapeWithoutItsName) {
  // Nothing but 40 base64 characters: could be anything.
  ExpectNone("checksum " + Fake(Kind::kAwsSecretAccessKey) + "\n");
}

// ---------------------------------------------------------------------------
// Credentials in URLs, headers and tool config files

TEST(Detector, ReportsOnlyThePasswordOfAUrl) {
  std::string password = fake::Mixed(20);
  std::string text =
      "RUN git clone https://deploy:" + password + "@git.example.org/a.git";
  ExpectOnly(text, "url-credentials", Severity::kHigh, password);
}

TEST(Detector, IgnoresUrlsWithoutRealPasswords) {
  ExpectNone("RUN git clone https://user:${TOKEN}@github.com/o/r.git");
  ExpectNone("RUN git clone https://user:$TOKEN@github.com/o/r.git");
  ExpectNone("postgres://app:@db:5432/app");
  ExpectNone("postgres://app:password@db:5432/app");
  ExpectNone("amqp://guest:guest@rabbitmq:5672/");
  ExpectNone("https://user:<pass>@example.org https://u:%s@h https://u:***@h");
  ExpectNone("https://ci:{{token}}@example.org https://ci:xxxxxxxx@h.org");
  ExpectNone("https://registry.example.org:5000/v2/ http://[::1]:8080/");
}

// Passwords as people type them into a URL, without percent-encoding: the
// userinfo ends at the last "@" before the host, whatever it holds.
TEST(Detector, ReportsUrlPasswordsWithRawHashPercentAtAndSlash) {
  auto part = [] { return fake::Random(fake::kBase62, 7) + "9"; };
  const std::string a = part();
  const std::string b = part();
  const std::pair<std::string, std::string> cases[] = {
      {"https://deploy:", a + "#" + b},
      {"https://deploy:", a + "%q" + b},
      {"https://deploy:", a + "%" + b + "%"},
      {"https://deploy:", a + "@" + b},
      {"https://deploy:", a + "/" + b},
      {"https://deploy:", a + "#@/%" + b},
      {"https://deploy:", "#" + a},
  };
  for (const auto& [prefix, password] : cases) {
    ExpectOnly("RUN git clone " + prefix + password + "@git.example.org/o/r.git && make",
               "url-credentials", Severity::kHigh, password);
    ExpectOnly(prefix + password + "@git.example.org", "url-credentials", Severity::kHigh,
               password);
    ExpectOnly("url = \"" + prefix + password + "@10.0.0.7:8443/x@y#frag\"\n",
               "url-credentials", Severity::kHigh, password);
  }
  // The host's own path may hold "@" again (npm scopes): it is not the password's.
  ExpectOnly("https://ci:" + a + "@registry.example.org/@scope/pkg/-/pkg-1.0.tgz",
             "url-credentials", Severity::kHigh, a);
  ExpectOnly("https://ci:" + a + "@h.example.org/p#x@y", "url-credentials", Severity::kHigh, a);
}

TEST(Detector, IgnoresUrlsWhoseAtAndColonAreNoPassword) {
  ExpectNone("see https://example.org/docs/page#section and https://example.org/a%20b/c%2Fd\n");
  ExpectNone("git clone git@github.com:org/repo.git; ssh://git@github.com:22/org/repo.git\n");
  ExpectNone("ssh://deploy@host.example.org:2222/srv/repo.git#main@v1\n");
  ExpectNone("http://localhost:8080/users/@me http://127.0.0.1:5000/#/login@home\n");
  ExpectNone("https://registry.npmjs.org:443/@babel%2fcore https://h:8443?next=a@b.c\n");
  ExpectNone("mongodb://h1:27017,h2:27017/db?replicaSet=rs0&authSource=admin@x\n");
  ExpectNone("https://www.npmjs.com/package/@babel/core https://maps.example.com/@51.5,-0.1\n");
  ExpectNone("file://C:/Users/someone/docs/notes@home.txt\n");
  ExpectNone("cvs://:pserver:anoncvs@sources.redhat.com:/cvs/src\n");
  ExpectNone("https://user:${PASS}@example.org https://user:${PASS}#x@example.org\n");
  ExpectNone("https://user:$PASS@example.org https://u:%PASSWORD%@example.org\n");
  ExpectNone("https://user:<password>@example.org/x@y https://u:p@ss@example.org\n");
}

TEST(Detector, ReportsNetrcPasswordOnOneLineOrSeveral) {
  std::string one = Fake(Kind::kPassword);
  ExpectOnly("machine github.com login bob password " + one + "\n",
             "netrc-password", Severity::kHigh, one);
  std::string several = Fake(Kind::kPassword);
  ExpectOnly("machine example.org\n  login bob\n  password " + several +
                 "\n",
             "netrc-password", Severity::kHigh, several, "/root/.netrc");
}

TEST(Detector, IgnoresNetrcPlaceholders) {
  ExpectNone("machine example.org login bob password ${NETRC_PASSWORD}\n");
  ExpectNone("machine example.org login bob password changeme\n");
}

TEST(Detector, ReportsNpmrcLegacyUuidToken) {
  std::string uuid = fake::Uuid();
  ExpectOnly("//registry.npmjs.org/:_authToken=" + uuid + "\n",
             "npmrc-auth-token", Severity::kCritical, uuid, "/app/.npmrc");
}

TEST(Detector, ReportsNpmrcBasicAuth) {
  std::string auth = Base64("bob:" + Fake(Kind::kPassword));
  ExpectOnly("_auth=" + auth + "\nalways-auth=true\n", "npmrc-auth-token",
             Severity::kCritical, auth);
  std::string password = Base64(Fake(Kind::kPassword));
  ExpectOnly("//npm.example.org/:_password=\"" + password + "\"\n",
             "npmrc-auth-token", Severity::kCritical, password);
}

TEST(Detector, PrefersNpmTokenRuleInsideNpmrc) {
  std::string token = Fake(Kind::kNpmToken);
  ExpectOnly("//registry.npmjs.org/:_authToken=" + token + "\n", "npm-token",
             Severity::kCritical, token);
}

TEST(Detector, IgnoresNpmrcTokenFromEnvironment) {
  ExpectNone("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n");
  ExpectNone("//registry.npmjs.org/:_authToken=\"${NPM_TOKEN}\"\n");
}

TEST(Detector, ReportsDockerConfigAuth) {
  std::string auth = Base64("bob:" + Fake(Kind::kPassword));
  std::string text =
      "{\n  \"auths\": {\n    \"registry.example.org\": {\n"
      "      \"auth\": \"" + auth + "\"\n    }\n  }\n}\n";
  ExpectOnly(text, "docker-config-auth", Severity::kCritical, auth,
             "/root/.docker/config.json");
  EXPECT_EQ(Scan(text)[0].line, 4);
}

TEST(Detector, IgnoresDockerConfigAuthWithoutPassword) {
  ExpectNone("{\"auths\": {\"r\": {\"auth\": \"" + Base64("bob:") + "\"}}}");
  ExpectNone("{\"auths\": {\"r\": {\"auth\": \"" + Base64("bob:${PASS}") +
             "\"}}}");
  ExpectNone("{\"auth\": \"" + Base64("no colon here") + "\"}");
  ExpectNone("{\"auth\": \"true\"}");
}

TEST(Detector, ReportsBasicAuthorizationHeader) {
  std::string b64 = Base64("deploy:" + fake::Mixed(20));
  ExpectOnly("RUN curl --header=\"Authorization: Basic " + b64 +
                 "\" https://example.org/x",
             "basic-auth-header", Severity::kHigh, b64);
}

TEST(Detector, IgnoresBasicHeaderWithPlaceholderPassword) {
  ExpectNone("Authorization: Basic " + Base64("user:password"));
  ExpectNone("Authorization: Basic $(echo -n \"$U:$P\" | base64)");
}

TEST(Detector, ReportsBearerTokenInCurlAndWgetHeaders) {
  std::string token = fake::Mixed(40);
  ExpectOnly("RUN wget --header=\"Authorization: Bearer " + token +
                 "\" https://example.org/f",
             "bearer-token", Severity::kHigh, token);
  std::string other = fake::Mixed(32);
  ExpectOnly("RUN curl -H 'Authorization: token " + other +
                 "' https://example.org",
             "bearer-token", Severity::kHigh, other);
}

// The example token of jwt.io (and its "admin" variant), copied into many
// READMEs: a documented example, not a secret. Another JWT still counts.
// Found by a false-alarm hunt over Debian's man pages and docs.
TEST(Detector, IgnoresScopesSystemdValuesAndProseAfterASecretName) {
  ExpectNone("Token::ProcessInstruction\n");
  ExpectNone("See HTML::TokeParser::Simple::Token::Declaration\n");
  ExpectNone("[IPv6AddressLabel]\nToken=static:::1a:2b:3c:4d\n");
  ExpectNone("auth-data\t : LISTofCARD8 or None\n");
  ExpectNone("secret_host=::1\n");
  // A value followed by a comment or by nothing is still one.
  ExpectOnly("auth_token: Kq82hZp4Lw9xT3\n", "generic-secret-assignment", Severity::kHigh,
             "Kq82hZp4Lw9xT3");
  ExpectOnly("PASSWORD=Kq82hZp4Lw9x # or so\n", "generic-secret-assignment", Severity::kHigh,
             "Kq82hZp4Lw9x");
  ExpectOnly("password = \"Kq82hZp4Lw9x\" or something\n", "generic-secret-assignment",
             Severity::kHigh, "Kq82hZp4Lw9x");
}

// Found by a false-alarm hunt over 800 MB of npm packages (auth0,
// googleapis, next) and Debian's Python and docs.
TEST(Detector, IgnoresPackageSpecsSelfNamedSamplesAndAdjacentStrings) {
  ExpectNone("  \"dependencies\": {\n    \"auth0-legacy\": \"npm:auth0@^4.37.1\"\n",
             "/app/node_modules/auth0/package.json");
  ExpectNone(" *   \"updatedPassJwtSignature\": \"my_updatedPassJwtSignature\"\n");
  ExpectNone("{DefaultRestParameter:\"Unexpected token =\",DuplicateBinding:\"Duplicate\"}\n");
  ExpectNone("headers: { Authorization: \"Bearer PRIMARY_ACCOUNT_JWT\" }\n");
  ExpectNone("export type ConnectionAccessTokenUrloAuth1 = Management.ConnectionHttps255;\n",
             "/app/node_modules/auth0/dist/esm/types.d.mts");
  ExpectNone("throw new Error('Must be like dotenv://:key_1234@dotenv.org/vault/.env')\n");
  // PyJWT's README, in its PKG-INFO.
  ExpectNone("    eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzb21lIjoicGF5bG9hZCJ9."
             "4twFt5NiznN84AWoo1d7KO1T_yoc0Z6XOpOVswacPZg\n");
}

// Found by a second hunt: 613 npm packages (@aws-sdk, prisma, effect,
// typeorm, dotenv) and Debian's info pages, fpc sources and docs.
TEST(Detector, IgnoresCursorsSchemesSigilsTemplatesAndIndexEntries) {
  ExpectNone(" *   NextContinuationToken: \"1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI/"
             "EyIJg==\",\n");
  ExpectNone("  nextPageToken: 'CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA'\n");
  ExpectNone("export const S3_EXPRESS_AUTH_SCHEME = \"sigv4-s3express\";\n");
  ExpectNone("nextLastSignificantToken = \"?NonExpressionParenEnd\"\n");
  ExpectNone(" *   apiKey: \"12345-abcde\"\n");
  ExpectNone("const u = \"postgresql://johndoe:randompassword@localhost:5432/mydb\"\n");
  ExpectNone("like dotenv://:key_7890@dotenvx.com/vault/.env.vault\n");
  ExpectNone("      password: \"Admin12345\",\n");
  ExpectNone("  DBUS_ERROR_AUTH_FAILED = 'org.freedesktop.DBus.Error.AuthFailed';\n");
  ExpectNone("* pass8: Combination.\n");
  ExpectNone("/etc/passwd:eli:x:2098:1000:Eli Smith:/home/eli:/bin/bash\n");
  const std::string bearer = "Authorization: Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9x\n";
  ExpectOnly(bearer, "bearer-token", Severity::kLow, "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9x",
             "/usr/share/doc/docker-registry/spec/auth/jwt.md");
  // Their real counterparts are still found.
  ExpectOnly("DB_PASSWORD=Admin82647\n", "generic-secret-assignment", Severity::kHigh,
             "Admin82647");
  ExpectOnly("const u = \"postgresql://app:Zq83kLp2Xw9R@db:5432/app\"\n", "url-credentials",
             Severity::kHigh, "Zq83kLp2Xw9R");
}

// WordPress salts, Rails' secret_key_base in hex, setx /M.
TEST(Detector, FindsWordPressSaltsHexSecretsAndMachineWideSetx) {
  const std::string salt =
      fake::Random(fake::kBase64, 40) + "!|<{" + fake::Random(fake::kBase62, 20);
  for (std::string_view name : {"AUTH_KEY", "LOGGED_IN_KEY", "NONCE_SALT", "SECURE_AUTH_SALT"}) {
    ExpectOnly("define( '" + std::string(name) + "', '" + salt + "' );\n",
               "generic-secret-assignment", Severity::kHigh, salt, "/var/www/html/wp-config.php");
  }
  ExpectNone("define( 'LOGGED_IN_KEY', 'put your unique phrase here' );\n",
             "/var/www/html/wp-config-sample.php");
  // WordPress's own generator (api.wordpress.org/secret-key) draws from an
  // alphabet with '$', '<>', '{}' and '[]'; every salt it makes is found.
  constexpr std::string_view kWordPressAlphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
      "!@#$%^&*()-_ []{}<>~`+=,.;:/?|";
  for (int i = 0; i < 200; ++i) {
    const std::string generated = fake::Random(kWordPressAlphabet, 64);
    SCOPED_TRACE(generated);
    ExpectOnly("define('AUTH_KEY',         '" + generated + "');\n", "generic-secret-assignment",
               Severity::kHigh, generated, "/var/www/html/wp-config.php");
  }
  ExpectNone("define( 'AUTH_KEY', '{your-auth-key}' );\n", "/var/www/html/wp-config.php");
  const std::string hex = fake::Random(fake::kHexDigits, 128);
  ExpectOnly("production:\n  secret_key_base: " + hex + "\n", "generic-secret-assignment",
             Severity::kHigh, hex, "/app/config/secrets.yml");
  ExpectNone("commit_token: " + fake::Random(fake::kHexDigits, 40) + "\n");
  ExpectOnly("setx /M DB_PASSWORD Kq82hZp4Lw9xT3\n", "generic-secret-assignment",
             Severity::kHigh, "Kq82hZp4Lw9xT3");
}

// RFC 6750's bearer token, wg(8)'s and systemd.netdev(5)'s WireGuard keys.
TEST(Detector, IgnoresTokensAndKeysOfStandardsAndManuals) {
  ExpectNone("curl --oauth2-bearer \"mF_9.B5f-4.1JqM\" https://example.com\n");
  ExpectNone("[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n");
  ExpectNone("[WireGuard]\nPrivateKey=EEGlnEPYJV//kbvvIqxKkQwOiS+UENyPncC4bF46ong=\n");
  const std::string key = fake::Random(fake::kBase64, 43) + "=";
  ExpectOnly("[WireGuard]\nPrivateKey=" + key + "\n", "generic-secret-assignment",
             Severity::kHigh, key);
}

std::string Jwt(std::string_view header, std::string_view payload) {
  return fake::Base64(header, true) + "." + fake::Base64(payload, true) + "." +
         fake::Random(fake::kUrlSafe, 43);
}

TEST(Detector, JsonWebTokensAreHighUnlessExpiredPublicOrUnsigned) {
  const std::string hs256 = R"({"alg":"HS256","typ":"JWT"})";
  const std::string service = Jwt(hs256, R"({"iss":"supabase","role":"service_role"})");
  ExpectOnly("SUPABASE_KEY=" + service + "\n", "jwt", Severity::kHigh, service);
  const std::string expired = Jwt(hs256, R"({"sub":"42","exp":1500000000})");
  ExpectOnly("t: " + expired + "\n", "jwt", Severity::kLow, expired);
  const std::string anon = Jwt(hs256, R"({"iss":"supabase","role":"anon","exp":4102444800})");
  ExpectOnly("const k = '" + anon + "';\n", "jwt", Severity::kLow, anon);
  ExpectOnly("t: " + service + "\n", "jwt", Severity::kLow, service, "/app/test/auth.test.js");
  ExpectNone("t: " + service + "\n",
             "/app/node_modules/aws-sdk/apis/sso-oidc-2019-06-10.examples.json");
  ExpectNone("t: " + service + "\n", "/app/node_modules/jsonwebtoken/README.md");
  ExpectNone(Jwt(R"({"alg":"none"})", R"({"sub":"42"})") + "\n");
  ExpectNone(Jwt(R"({"typ":"JWT"})", R"({"sub":"42"})") + "\n");  // no algorithm
  // A signature of one repeated character is a placeholder.
  ExpectNone(fake::Base64(hs256, true) + "." + fake::Base64(R"({"sub":"42"})", true) + "." +
             std::string(43, 'x') + "\n");
}

TEST(Detector, FindsAKaggleKey) {
  const std::string key = fake::Random(fake::kHexDigits, 32);
  ExpectOnly(R"({"username":"bob","key":")" + key + "\"}\n", "kaggle-api-key",
             Severity::kHigh, key, "/root/.kaggle/kaggle.json");
}

// The name quoted, as code and config files hold it.
TEST(Detector, FindsSecretsNamedInQuotesInCallsSubscriptsAndXml) {
  const std::string pw = "Kq82hZp4Lw9xT3";
  for (const std::string& text :
       {"define('DB_PASSWORD', '" + pw + "');\n", "define(\"AUTH_KEY\", \"" + pw + "\");\n",
        "os.environ['DB_PASSWORD'] = '" + pw + "'\n", "$config['db_pass'] = '" + pw + "';\n",
        "config('password','" + pw + "')\n",
        "<add key=\"ApiSecret\" value=\"" + pw + "\" />\n", "setx API_TOKEN " + pw + "\n"}) {
    ExpectOnly(text, "generic-secret-assignment", Severity::kHigh, pw);
  }
  ExpectOnly("define('DB_PASSWORD', '" + pw + "');\n", "generic-secret-assignment",
             Severity::kHigh, pw, "/var/www/html/wp-config.php");
  for (std::string_view text :
       {"t('password', 'Password')\n", "fields = ['password', 'username']\n",
        "[\"token\", \"refresh_token\"]\n", "headers.set('Authorization', token)\n",
        "define('DB_PASSWORD', getenv('DB_PASSWORD'));\n",
        "x['token'] = compute(1)\n"}) {
    ExpectNone(text, "/app/src/settings.php");
  }
}

// JSON escapes '/' as "\/": a webhook or a URL with a password is as
// readable there.
TEST(Detector, FindsWebhooksAndUrlPasswordsWithEscapedSlashes) {
  const std::string hook = "https:\\/\\/hooks.slack.com\\/services\\/T04" +
                           fake::Random(fake::kBase32, 7) + "\\/B05" +
                           fake::Random(fake::kBase32, 7) + "\\/" +
                           fake::Random(fake::kBase62, 24);
  ExpectOnly("{\"hook\": \"" + hook + "\"}\n", "slack-webhook", Severity::kHigh, hook);
  std::vector<Match> url = Scan(R"({"url":"https:\/\/deploy:Zq83kLp2Xw9R@git.corp.test\/r"})");
  ASSERT_EQ(url.size(), 1u) << RulesOf(url);
  EXPECT_EQ(url[0].rule, "url-credentials");
}

TEST(Detector, IgnoresJwtIoExampleToken) {
  auto jwt = [](const std::string& payload_json) {
    std::string payload = Base64(payload_json);
    while (!payload.empty() && payload.back() == '=') payload.pop_back();
    return "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + payload + "." +
           fake::Random(fake::kBase62, 43);
  };
  for (const char* payload : {"{\"sub\":\"1234567890\",\"name\":\"John Doe\",\"iat\":1516239022}",
                              "{\"sub\":\"1234567890\",\"name\":\"John Doe\",\"admin\":true}"}) {
    std::string example = jwt(payload);
    ExpectNone("curl -H 'Authorization: Bearer " + example + "' https://api.example.org/");
    ExpectNone("token: " + example + "\n", "/app/README.md");
  }
  std::string other = jwt("{\"sub\":\"svc-deploy-1\",\"iat\":1716239022}");
  EXPECT_FALSE(Scan("curl -H 'Authorization: Bearer " + other + "' https://x.org").empty());
}

TEST(Detector, IgnoresBearerTokenFromVariable) {
  ExpectNone("curl -H \"Authorization: Bearer $TOKEN\" https://example.org");
  ExpectNone("curl -H \"Authorization: Bearer ${TOKEN}\" https://x.org");
  ExpectNone("Authorization: Bearer xxxxxxxxxxxxxxxxxxxxxxxx");
}

// ---------------------------------------------------------------------------
// Generic assignments: the value decides, not the name alone

TEST(Detector, ReportsRandomPasswordInEveryAssignmentShape) {
  for (std::string_view shape :
       {"ENV DB_PASSWORD=%s\n", "ARG DB_PASSWORD=\"%s\"\n",
        "db.password: '%s'\n", "  \"client_secret\": \"%s\",\n",
        "ENV ADMIN_PASSWORD %s\n", "RUN login --password %s registry\n",
        "<password>%s</password>\n", "spring.datasource.password=%s\n",
        "const dbPassword = \"%s\";\n", "ci.token = '%s'\n",
        "{\\\"api_key\\\":\\\"%s\\\"}\n"}) {
    std::string password = Fake(Kind::kPassword);
    std::string text(shape);
    text.replace(text.find("%s"), 2, password);
    ExpectOnly(text, "generic-secret-assignment", Severity::kHigh, password);
  }
}

TEST(Detector, ReportsSecretsInDotenvFile) {
  std::string password = Fake(Kind::kPassword);
  std::string text = "# production\nAPP_NAME=shop\nDEBUG=false\n"
                     "DATABASE_PASSWORD=" + password + "\nLOG_LEVEL=info\n";
  ExpectOnly(text, "generic-secret-assignment", Severity::kHigh, password,
             "/app/.env");
  EXPECT_EQ(Scan(text)[0].line, 4);
}

TEST(Detector, ReportsQuotedSecretInSourceCodeOnly) {
  std::string password = Fake(Kind::kPassword);
  ExpectOnly("DB_PASSWORD = \"" + password + "\"\n",
             "generic-secret-assignment", Severity::kHigh, password,
             "/app/settings.py");
  ExpectNone("token = Keyword.Type\npassword := FPasswordEdit.Text;\n",
             "/app/lexer.py");
}

TEST(Detector, IgnoresNameAloneCase08) {
  const std::string containerfile =
      "FROM busybox\n"
      "ENV GPG_KEY=0123456789ABCDEF0123456789ABCDEF01234567 \\\n"
      "    KEYCLOAK_ADMIN=admin \\\n"
      "    PASSWORD_FILE=/run/secrets/db \\\n"
      "    API_TOKEN=${API_TOKEN} \\\n"
      "    DB_PASSWORD=changeme\n"
      "RUN echo \"libcrypto3=3.1.4-r1 libssl3\"\n";
  ExpectNone(containerfile, "Containerfile");
  for (std::string_view value :
       {"0123456789ABCDEF0123456789ABCDEF01234567", "admin",
        "/run/secrets/db", "${API_TOKEN}", "changeme", "3.1.4-r1"}) {
    EXPECT_FALSE(Detector::Default().LooksLikeSecret(value)) << value;
  }
}

TEST(Detector, IgnoresValuesThatOnlyLookSecretByName) {
  ExpectNone(
      "DB_PASSWORD=my-secret-password-here\n"
      "SECRET_KEY_FILE=/run/secrets/key\n"
      "API_TOKEN_URL=https://auth.example.org/oauth/token\n"
      "AUTH_TYPE=oauth2-bearer\n"
      "TOKENIZERS_PARALLELISM=false\n"
      "PASSWORD_HASH=sha256:" + fake::Random("0123456789abcdef", 64) + "\n"
      "NPM_TOKEN=$(cat /run/secrets/npm)\n"
      "password: ${{ secrets.DB_PASSWORD }}\n"
      "\"author\": \"Jane Doe <jane@example.org>\",\n"
      "AUTH_PLUGIN_VERSION=3.1.4-r1\n"
      "SESSION_SECRET=" + fake::Uuid() + "\n"
      "auth_token=response.json_body\n"
      "credentials_provider=DefaultAzureCredential\n"
      "secretName: my-tls-secret\n"
      "TOKEN_TTL=3600s\n"
      "PGPASSWORD=$PGPASSWORD\n");
}

TEST(Detector, IgnoresMostlyCodeLikeValues) {
  ExpectNone("password=os.getenv(\"DB_PASSWORD\")\n");
  ExpectNone("token = self.token\n");
  ExpectNone("api_key=settings.API_KEY\n");
  ExpectNone("auth: &Auth{}\n");
}

// ---------------------------------------------------------------------------
// Private keys (case 06)

// Keys generated once per test run; empty when a tool is missing.
struct TestKeys {
  std::string ed25519;      // PKCS#8, "BEGIN PRIVATE KEY"
  std::string rsa;          // PKCS#8
  std::string rsa_legacy;   // "BEGIN RSA PRIVATE KEY"
  std::string ec;           // "BEGIN EC PRIVATE KEY"
  std::string rsa_legacy_encrypted;  // with Proc-Type and DEK-Info headers
  std::string encrypted;    // "BEGIN ENCRYPTED PRIVATE KEY"
  std::string public_pem;   // "BEGIN PUBLIC KEY"
  std::string certificate;  // "BEGIN CERTIFICATE"
  std::string openssh;      // "BEGIN OPENSSH PRIVATE KEY"
  std::string openssh_pub;  // "ssh-ed25519 AAAA…"
};

// Every key and certificate, made by the tools in the current directory.
constexpr char kMakeKeys[] =
    "openssl genpkey -algorithm ed25519 -out ed.pem"
    " && openssl genrsa -out rsa.pem 2048"
    " && openssl pkey -in rsa.pem -traditional -out rsa1.pem"
    " && openssl pkey -in rsa.pem -traditional -aes128 -passout pass:test"
    "    -out rsa2.pem"
    " && openssl ecparam -name prime256v1 -genkey -noout -out ec.pem"
    " && openssl pkey -in ed.pem -aes256 -passout pass:test -out enc.pem"
    " && openssl pkey -in ed.pem -pubout -out pub.pem"
    " && openssl req -x509 -key ed.pem -subj /CN=safebuild-test -days 1"
    "    -out cert.pem"
    " && ssh-keygen -q -t ed25519 -N '' -C test -f id_ed25519";

TestKeys GenerateKeys() {
  TestKeys keys;
  auto dir = TempDir::Create("detect-test");
  if (!dir || !Shell("cd '" + dir->path().string() + "' && " + kMakeKeys)) {
    return keys;
  }
  auto read = [&dir](const char* name) { return ReadFile(dir->path() / name); };
  keys.ed25519 = read("ed.pem");
  keys.rsa = read("rsa.pem");
  keys.rsa_legacy = read("rsa1.pem");
  keys.rsa_legacy_encrypted = read("rsa2.pem");
  keys.ec = read("ec.pem");
  keys.encrypted = read("enc.pem");
  keys.public_pem = read("pub.pem");
  keys.certificate = read("cert.pem");
  keys.openssh = read("id_ed25519");
  keys.openssh_pub = read("id_ed25519.pub");
  return keys;
}

const TestKeys& Keys() {
  static const TestKeys keys = GenerateKeys();
  return keys;
}

#define REQUIRE_KEYS()                                              \
  if (Keys().openssh.empty()) {                                     \
    GTEST_SKIP() << "openssl or ssh-keygen could not generate keys"; \
  }

// The key block as it appears in `text`: BEGIN to the end of the END line.
std::string_view KeyBlock(std::string_view key) {
  size_t end = key.rfind("-----");
  return key.substr(0, end + 5);
}

TEST(Detector, ReportsEachKindOfPrivateKeyAtItsFirstLine) {
  REQUIRE_KEYS();
  const TestKeys& k = Keys();
  for (const std::string* key :
       {&k.ed25519, &k.rsa, &k.rsa_legacy, &k.ec, &k.encrypted,
        &k.rsa_legacy_encrypted, &k.openssh}) {
    std::string text = "# deploy key\nexport A=1\n" + *key + "echo done\n";
    ExpectOnly(text, "private-key", Severity::kCritical, KeyBlock(*key));
    EXPECT_EQ(Scan(text)[0].line, 3);
    EXPECT_EQ(Scan(text)[0].column, 1);
    const bool encrypted = key == &k.encrypted || key == &k.rsa_legacy_encrypted;
    EXPECT_EQ(Scan(text)[0].description,
              encrypted ? "private key (encrypted with a passphrase)" : "private key");
  }
}

TEST(Detector, ReportsOnlyTheKeyOfACertificateBundle) {
  REQUIRE_KEYS();
  std::string text = Keys().certificate + Keys().ed25519;
  ExpectOnly(text, "private-key", Severity::kCritical, KeyBlock(Keys().ed25519),
             "/etc/ssl/private/server.pem");
  EXPECT_EQ(Scan(text)[0].line,
            static_cast<int>(std::count(Keys().certificate.begin(),
                                        Keys().certificate.end(), '\n')) + 1);
}

// CPython's test/certdata, a package's tests/fixtures: keys a package
// manager installed for a test suite are seen (low), not blocking; the
// image's own tests and a package's other files are not test data.
TEST(Detector, KeysAPackageShipsForItsTestsAreLow) {
  REQUIRE_KEYS();
  std::string text = Keys().certificate + Keys().rsa;
  for (std::string_view path :
       {"/usr/lib/python3.11/test/certdata/keycert.pem",
        "usr/local/lib/python3.12/test/certdata/keycert.pem",
        "/opt/conda/lib/python3.11/test/certdata/keycert.pem",
        "/root/.pyenv/versions/3.11.7/lib/python3.11/test/certdata/keycert.pem",
        "/root/.local/share/uv/python/cpython-3.11.7-linux-x86_64-gnu/lib/python3.11/test/"
        "certdata/keycert.pem",
        "/app/node_modules/ws/test/fixtures/key.pem",
        "/usr/local/lib/python3.11/site-packages/tornado/test/test.key",
        "/usr/local/bundle/gems/puma-6.4.0/test/rackup/ssl/server.key",
        "/root/go/pkg/mod/golang.org/x/crypto@v0.1.0/ssh/testdata/keys.pem",
        "/usr/lib/google-cloud-sdk/platform/gsutil/third_party/requests/tests/certs/server.key"}) {
    SCOPED_TRACE(path);
    ExpectOnly(text, "private-key", Severity::kLow, KeyBlock(Keys().rsa), path);
    EXPECT_EQ(Scan(text, path)[0].description,
              "private key in a package's test data (shipped for its tests: low)");
  }
  // The examples of a package's documentation: Debian's docs, OpenSSL's
  // demos, a README in node_modules.
  ExpectOnly(text, "private-key", Severity::kLow, KeyBlock(Keys().rsa),
             "/usr/share/doc/libnet-ssleay-perl/examples/server_key.pem");
  for (std::string_view path : {"/usr/share/doc/libssl-dev/demos/certs/apps/rootkey.pem",
                                "/usr/share/doc/libssl-dev/demos/cms/signer.pem",
                                "/app/node_modules/node-rsa/README.md"}) {
    SCOPED_TRACE(path);
    ExpectOnly(text, "private-key", Severity::kLow, KeyBlock(Keys().rsa), path);
  }
  // An application's own demo/ is no package's: its key still blocks.
  ExpectOnly(text, "private-key", Severity::kCritical, KeyBlock(Keys().rsa),
             "/srv/app/demo/server.key");
  for (std::string_view path : {"/app/test/fixtures/key.pem", "/srv/tests/server.key",
                                "/app/node_modules/x/lib/key.pem",
                                "/app/lib/python_tools/test/key.pem",
                                "/usr/lib/python3/dist-packages/certifi/cacert.key"}) {
    SCOPED_TRACE(path);
    ExpectOnly(text, "private-key", Severity::kCritical, KeyBlock(Keys().rsa), path);
  }
}

// A key in the code of a published package is public with it: ssh2's
// constants.js tests what the crypto library can do with one. Go's own
// tests and their testdata, wherever a Go toolchain is installed, are a
// package's tests. The image's own code, and GOPATH's /go/src/ (an app's
// own code), are not a package's.
TEST(Detector, KeysInAPackagesCodeAndGosOwnTestsAreLow) {
  REQUIRE_KEYS();
  const std::string text = "const KEY = `" + Keys().rsa + "`;\n";
  for (std::string_view path : {"/app/node_modules/ssh2/lib/protocol/constants.js",
                                "/usr/lib/python3/dist-packages/paramiko/keys.py",
                                "/usr/local/go/src/crypto/tls/tls.go"}) {
    SCOPED_TRACE(path);
    ExpectOnly(text, "private-key", Severity::kLow, KeyBlock(Keys().rsa), path);
    EXPECT_EQ(Scan(text, path)[0].description,
              "private key in a package's code (published with it: low)");
  }
  for (std::string_view path : {"/usr/local/go/src/crypto/tls/example_test.go",
                                "/usr/lib/go-1.19/src/crypto/x509/testdata/example-key.pem",
                                "/root/sdk/go1.22.1/src/net/http/internal/testcert/x_test.go"}) {
    SCOPED_TRACE(path);
    ExpectOnly(text, "private-key", Severity::kLow, KeyBlock(Keys().rsa), path);
  }
  for (std::string_view path : {"/app/src/keys.js", "/go/src/app/keys.go",
                                "/usr/local/golang-tools/keys.go", "/app/node_modules/x/key.pem"}) {
    SCOPED_TRACE(path);
    ExpectOnly(text, "private-key", Severity::kCritical, KeyBlock(Keys().rsa), path);
  }
}

// twilio's type definitions show the shape of a key with its first line
// and an end: the DER header inside declares 1,193 bytes, the body holds 48.
TEST(Detector, IgnoresAKeyCutShortForADocument) {
  REQUIRE_KEYS();
  const std::string& key = Keys().rsa_legacy;
  const size_t body = key.find('\n') + 1;
  const std::string first_line = key.substr(body, 64);
  const std::string cut = "    /** e.g. `-----BEGIN RSA PRIVATE KEY-----" + first_line +
                          "\\\\n.-----END RSA PRIVATE KEY-----` */\n";
  ExpectNone(cut, "/app/node_modules/twilio/lib/rest/notify/v1/credential.d.ts");
  ExpectNone(cut);
  // Its first and last lines, the middle left out.
  const size_t footer = key.find("-----END");
  const size_t last = key.rfind('\n', footer - 2) + 1;
  ExpectNone(key.substr(0, body + 65) + key.substr(last));
  // The whole key, its line ends escaped twice (JSON inside a string), is one.
  std::string escaped;
  for (char c : KeyBlock(key)) escaped += c == '\n' ? std::string("\\\\n") : std::string(1, c);
  ExpectOnly("\"key\": \"" + escaped + "\"\n", "private-key", Severity::kCritical, escaped);
}

// An armored block shaped like a PGP secret key: headers, base64 lines and
// a checksum line. Random, so no key at all, but the detector reads shape.
TEST(Detector, ReportsPgpPrivateKeyBlock) {
  std::string block = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n"
                      "Comment: generated for a test\n\n";
  for (int i = 0; i < 8; ++i) block += fake::Random(fake::kBase64, 64) + "\n";
  block += "=" + fake::Random(fake::kBase64, 4) + "\n";
  block += "-----END PGP PRIVATE KEY BLOCK-----";
  ExpectOnly("key:\n" + block + "\n", "private-key", Severity::kCritical,
             block);
}

TEST(Detector, ReportsOneLinePrivateKeyCase06) {
  REQUIRE_KEYS();
  std::string one_line(KeyBlock(Keys().ed25519));
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  std::string text = "APP_ENV=prod\nprivate_key=" + one_line + "\n";
  ExpectOnly(text, "private-key", Severity::kCritical, one_line,
             "/etc/app/env");
  EXPECT_EQ(Scan(text)[0].line, 2);
  EXPECT_EQ(Scan(text)[0].column, 13);
}

TEST(Detector, ReportsPrivateKeyInServiceAccountJsonCase06) {
  REQUIRE_KEYS();
  std::string escaped;
  for (char c : KeyBlock(Keys().rsa)) {
    escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  escaped += "\\n";
  std::string text =
      "{\n"
      "  \"type\": \"service_account\",\n"
      "  \"project_id\": \"demo-project\",\n"
      "  \"private_key_id\": \"" + fake::Random("0123456789abcdef", 40) +
      "\",\n"
      "  \"private_key\": \"" + escaped + "\",\n"
      "  \"client_email\": \"app@demo-project.iam.gserviceaccount.com\",\n"
      "  \"client_id\": \"" + fake::Random(fake::kDigits, 21) + "\",\n"
      "  \"auth_uri\": \"https://accounts.google.com/o/oauth2/auth\",\n"
      "  \"token_uri\": \"https://oauth2.googleapis.com/token\"\n"
      "}\n";
  std::string block = escaped.substr(0, escaped.size() - 2);
  ExpectOnly(text, "private-key", Severity::kCritical, block,
             "/etc/app/sa.json");
  EXPECT_EQ(Scan(text)[0].line, 5);
}

TEST(Detector, ReportsOpensshKeyFileCase06) {
  REQUIRE_KEYS();
  ExpectOnly(Keys().openssh, "private-key", Severity::kCritical,
             KeyBlock(Keys().openssh), "/root/.ssh/id_ed25519");
}

// Private keys in formats of their own, each with a secret part made at
// run time as the format writes it: a JWK's "d", an OpenVPN static key,
// gpg-agent's key files (extended and canonical), a Tor onion service
// key, .NET's RSAKeyValue. Their public halves and examples are none.
TEST(Detector, ReportsPrivateKeysInFormatsOtherThanPem) {
  const std::string d = fake::Random(fake::kUrlSafe, 43);
  const std::string jwk = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" +
                          fake::Random(fake::kUrlSafe, 43) + "\",\"y\":\"" +
                          fake::Random(fake::kUrlSafe, 43) + "\",\"d\":\"" + d + "\"}";
  std::string ovpn = "#\n# 2048 bit OpenVPN static key\n#\n-----BEGIN OpenVPN Static key V1-----\n";
  for (int i = 0; i < 16; ++i) ovpn += fake::Random(fake::kHexDigits, 32) + "\n";
  ovpn += "-----END OpenVPN Static key V1-----\n";
  const std::string gpg_d = fake::Random(fake::kHexDigits, 64);
  const std::string gpg = "Created: 20240101T000000\nKey: (private-key (ecc (curve Ed25519)"
                          "(flags eddsa)(q #40" + fake::Random(fake::kHexDigits, 64) +
                          "#)(d #" + gpg_d + "#)))\n";
  // RSA in the extended format: long numbers wrap, "(d" can end a line.
  auto wrapped = [](size_t hex) {
    std::string out;
    for (size_t i = 0; i < hex; i += 64) out += "\n  " + fake::Random(fake::kHexDigits, 64);
    return out;
  };
  const std::string rsa_gpg_d = fake::Random(fake::kHexDigits, 60) + wrapped(704);
  const std::string rsa_gpg = "Created: 20240101T000000\nKey: (private-key (rsa (n #00" +
                              wrapped(768) + "#)(e #010001#)(d" + "\n #" + rsa_gpg_d +
                              "#)(p #" + wrapped(384) + "#)))\n";
  const std::string canonical_d = fake::Random(fake::kBase62, 256);
  const std::string canonical = "(11:private-key(3:rsa(1:n257:" +
                                fake::Random(fake::kBase62, 257) +
                                std::string(")(1:e3:\x01\x00\x01)(1:d256:", 19) + canonical_d +
                                "))";
  const std::string tor_secret = fake::Random(fake::kBase62, 64);
  const std::string tor = std::string("== ed25519v1-secret: type0 ==\0\0\0", 32) + tor_secret;
  const std::string rsa_d = fake::Random(fake::kBase64, 172) + "==";
  const std::string dotnet = "<RSAKeyValue><Modulus>" + fake::Random(fake::kBase64, 172) +
                             "==</Modulus><Exponent>AQAB</Exponent><D>" + rsa_d +
                             "</D></RSAKeyValue>";
  const std::vector<std::tuple<std::string, std::string, std::string>> kKeys = {
      {"/etc/letsencrypt/accounts/acme/private_key.json", jwk, jwk},
      {"/etc/openvpn/ta.key", ovpn,
       ovpn.substr(ovpn.find("-----BEGIN"), ovpn.size() - ovpn.find("-----BEGIN") - 1)},
      {"/root/.gnupg/private-keys-v1.d/0A1B.key", gpg, gpg_d},
      {"/root/.gnupg/private-keys-v1.d/0B1C.key", rsa_gpg, rsa_gpg_d},
      {"/root/.gnupg/private-keys-v1.d/0C2D.key", canonical, canonical_d.substr(0, 32)},
      {"/var/lib/tor/hidden_service/hs_ed25519_secret_key", tor, tor_secret},
      {"/app/keys.xml", dotnet, rsa_d},
  };
  for (const auto& [path, text, value] : kKeys) {
    SCOPED_TRACE(path);
    std::vector<Match> m = Scan(text, path);
    ASSERT_EQ(RulesOf(m), "private-key");
    EXPECT_EQ(m[0].severity, Severity::kCritical);
    EXPECT_EQ(m[0].offset, text.find(value));
    EXPECT_EQ(m[0].length, value.size());
  }
  // The public halves, and the shapes a format's documentation shows.
  ExpectNone("{\"kty\":\"RSA\",\"n\":\"" + fake::Random(fake::kUrlSafe, 342) +
             "\",\"e\":\"AQAB\"}");
  ExpectNone("{\"kty\":\"EC\",\"d\":\"...\"}");
  ExpectNone("Key: (protected-private-key (ecc (curve Ed25519)(q #40AB#)(protected "
             "openpgp-s2k3-ocb-aes ((sha1 #A1B2#\"20000000\")#00#)#D00D#)))\n");
  ExpectNone(
      "-----BEGIN OpenVPN Static key V1-----\nxxxxxxxx\n-----END OpenVPN Static key V1-----\n");
  ExpectNone("<RSAKeyValue><Modulus>" + fake::Random(fake::kBase64, 172) +
             "==</Modulus><Exponent>AQAB</Exponent></RSAKeyValue>");
  ExpectNone("<D>" + fake::Random(fake::kBase64, 60) + "</D>");  // no RSAKeyValue around it
}

TEST(Detector, ReportsPuttyPrivateKey) {
  std::string text =
      "PuTTY-User-Key-File-3: ssh-ed25519\n"
      "Encryption: none\n"
      "Comment: test\n"
      "Public-Lines: 2\n" +
      fake::Random(fake::kBase64, 64) + "\n" + fake::Random(fake::kBase64, 4) +
      "\nPrivate-Lines: 1\n" + fake::Random(fake::kBase64, 48) +
      "\nPrivate-MAC: " + fake::Random("0123456789abcdef", 64) + "\n";
  std::vector<Match> matches = Scan("\n" + text);
  ASSERT_EQ(matches.size(), 1u) << RulesOf(matches);
  EXPECT_EQ(matches[0].rule, "private-key");
  EXPECT_EQ(matches[0].line, 2);
}

TEST(Detector, IgnoresPrivateKeyMarkersWithoutABody) {
  ExpectNone("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n");
  ExpectNone("-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n"
             "-----END RSA PRIVATE KEY-----\n");
  ExpectNone("-----BEGIN OPENSSH PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF"
             "\n-----END OPENSSH PRIVATE KEY-----\n");
  ExpectNone("if (line == \"-----BEGIN PRIVATE KEY-----\") return true;\n");
}

TEST(Detector, IgnoresPublicKeysAndCertificates) {
  REQUIRE_KEYS();
  ExpectNone(Keys().public_pem);
  ExpectNone(Keys().certificate);
  ExpectNone(Keys().openssh_pub, "/root/.ssh/id_ed25519.pub");
  ExpectNone("root@host " + Keys().openssh_pub, "/root/.ssh/authorized_keys");
}

TEST(Detector, ReportsDsaAndSsh2AndRsaPemKeysFromSshKeygen) {
  auto dir = TempDir::Create("detect-keys");
  ASSERT_TRUE(static_cast<bool>(dir));
  const std::string d = dir->path().string();
  if (!Shell("cd '" + d + "' && openssl dsaparam -genkey -noout -out dsa0.pem 1024"
             " && openssl pkey -in dsa0.pem -traditional -out dsa.pem"
             " && ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -f rsa_pem"
             " && ssh-keygen -q -t ecdsa -N 'pass phrase' -f ecdsa_enc"
             " && ssh-keygen -e -f ecdsa_enc.pub > ecdsa.ssh2pub")) {
    GTEST_SKIP() << "openssl or ssh-keygen could not generate keys";
  }
  for (const char* name : {"dsa.pem", "rsa_pem", "ecdsa_enc"}) {
    std::string key = ReadFile(dir->path() / name);
    SCOPED_TRACE(name);
    ExpectOnly(key, "private-key", Severity::kCritical, KeyBlock(key),
               std::string("/root/.ssh/") + name);
  }
  EXPECT_NE(ReadFile(dir->path() / "dsa.pem").find("BEGIN DSA PRIVATE KEY"),
            std::string::npos);
  // The public half in RFC 4716 form is no finding.
  ExpectNone(ReadFile(dir->path() / "ecdsa.ssh2pub"));
}

// The ssh.com export has no tool here; its shape is built around a body of
// random base64 lines, as the format has.
TEST(Detector, ReportsSsh2EncryptedPrivateKey) {
  std::string block = "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\n"
                      "Comment: \"2048-bit rsa, test\"\n";
  for (int i = 0; i < 12; ++i) block += fake::Random(fake::kBase64, 70) + "\n";
  block += "---- END SSH2 ENCRYPTED PRIVATE KEY ----";
  ExpectOnly("\n" + block + "\n", "private-key", Severity::kCritical, block);
}

// A PuTTY v2 file around a real public key from ssh-keygen; puttygen is
// not installed here, so the private blob is random base64 of its size.
TEST(Detector, ReportsPuttyV2KeyAroundARealPublicKey) {
  REQUIRE_KEYS();
  std::string pub = Keys().openssh_pub;
  std::string blob = pub.substr(pub.find(' ') + 1);
  blob = blob.substr(0, blob.find(' '));
  std::string text = "PuTTY-User-Key-File-2: ssh-ed25519\r\n"
                     "Encryption: aes256-cbc\r\n"
                     "Comment: ed25519-key-test\r\n"
                     "Public-Lines: 2\r\n" + blob.substr(0, 64) + "\r\n" +
                     blob.substr(64) + "\r\nPrivate-Lines: 1\r\n" +
                     fake::Random(fake::kBase64, 64) + "\r\nPrivate-MAC: " +
                     fake::Random("0123456789abcdef", 40) + "\r\n";
  std::vector<Match> matches = Scan(text, "/home/u/key.ppk");
  ASSERT_EQ(matches.size(), 1u) << RulesOf(matches);
  EXPECT_EQ(matches[0].rule, "private-key");
  EXPECT_EQ(matches[0].offset, 0u);
  ExpectLeaksNothing(matches[0], text, false);  // "PuTTY" names the format
}

TEST(Detector, ReportsOpensshKeyWithEscapedNewlinesInJson) {
  REQUIRE_KEYS();
  std::string escaped;
  for (char c : KeyBlock(Keys().openssh)) {
    escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  std::string text = "{\"deploy\": {\"ssh_key\": \"" + escaped + "\"}}";
  ExpectOnly(text, "private-key", Severity::kCritical, escaped,
             "/app/config.json");
  std::string one_line(KeyBlock(Keys().ec));
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  ExpectOnly("tls_key: " + one_line + "\n", "private-key", Severity::kCritical,
             one_line, "/app/values.yaml");
}

// ---------------------------------------------------------------------------
// Lockfiles and digests (case 07)

std::string Integrity() {
  return "sha512-" + fake::Random(fake::kBase64, 86) + "==";
}

std::string GoSum() { return "h1:" + fake::Random(fake::kBase64, 43) + "="; }

std::string Sha1() { return fake::Random("0123456789abcdef", 40); }

// Package names that carry the detector's keywords, as real projects do.
constexpr std::string_view kPackages[] = {
    "jsonwebtoken", "passport", "passport-oauth2", "@octokit/auth-token",
    "secret-handshake", "tokenizer", "keytar", "basic-auth", "credential",
    "aws-sdk", "google-auth-library", "oauth", "bcrypt", "password-hash"};

std::string PackageLock() {
  std::string s = "{\n  \"name\": \"app\",\n  \"lockfileVersion\": 3,\n"
                  "  \"packages\": {\n";
  for (std::string_view p : kPackages) {
    std::string name(p);
    s += "    \"node_modules/" + name + "\": {\n"
         "      \"version\": \"1.2.3\",\n"
         "      \"resolved\": \"https://registry.npmjs.org/" + name + "/-/" +
         name.substr(name.rfind('/') + 1) + "-1.2.3.tgz\",\n"
         "      \"integrity\": \"" + Integrity() + "\",\n"
         "      \"dependencies\": {\"jws\": \"^3.2.2\", \"" + name +
         "\": \"~1.0.0\"}\n    },\n";
  }
  return s + "  }\n}\n";
}

std::string YarnLock() {
  std::string s = "# THIS IS AN AUTOGENERATED FILE.\n# yarn lockfile v1\n\n";
  for (std::string_view p : kPackages) {
    std::string name(p);
    s += "\"" + name + "@^1.2.0\":\n  version \"1.2.3\"\n"
         "  resolved \"https://registry.yarnpkg.com/" + name + "/-/" +
         name.substr(name.rfind('/') + 1) + "-1.2.3.tgz#" + Sha1() + "\"\n"
         "  integrity " + Integrity() + "\n  dependencies:\n"
         "    safe-buffer \"^5.0.1\"\n\n";
  }
  return s;
}

std::string PnpmLock() {
  std::string s = "lockfileVersion: '6.0'\n\npackages:\n\n";
  for (std::string_view p : kPackages) {
    std::string name(p);
    s += "  /" + name + "@1.2.3:\n    resolution: {integrity: " + Integrity() +
         "}\n    engines: {node: '>=12'}\n    dependencies:\n"
         "      jws: 3.2.2\n    dev: false\n\n";
  }
  return s;
}

std::string GoSumFile() {
  std::string s;
  for (std::string_view mod :
       {"golang.org/x/oauth2", "github.com/golang-jwt/jwt/v5",
        "github.com/aws/aws-sdk-go-v2/credentials", "golang.org/x/crypto",
        "cloud.google.com/go/secretmanager", "github.com/99designs/keyring"}) {
    s += std::string(mod) + " v0.8.0 " + GoSum() + "\n";
    s += std::string(mod) + " v0.8.0/go.mod " + GoSum() + "\n";
  }
  return s;
}

TEST(Detector, FindsNothingInLockfilesCase07) {
  for (int round = 0; round < 20; ++round) {
    ExpectNone(PackageLock(), "/app/package-lock.json");
    ExpectNone(YarnLock(), "/app/yarn.lock");
    ExpectNone(PnpmLock(), "/app/pnpm-lock.yaml");
    ExpectNone(GoSumFile(), "/src/go.sum");
    // Nor when the scanner does not say which file it is.
    ExpectNone(PackageLock());
    ExpectNone(YarnLock());
    ExpectNone(PnpmLock());
    ExpectNone(GoSumFile());
  }
}

TEST(Detector, IgnoresIntegrityHashContainingAws) {
  std::string hash = "sha512-" + fake::Random(fake::kBase64, 20) + "aWs" +
                     fake::Random(fake::kBase64, 63) + "==";
  ExpectNone("\"aws-sdk\": {\n  \"integrity\": \"" + hash + "\"\n}\n");
  ExpectNone("AWS_SECRET_ACCESS_KEY_SHA512=" + hash);
}

TEST(Detector, StillReportsTokensAndUrlPasswordsInLockfiles) {
  std::string password = fake::Mixed(20);
  std::string text = YarnLock() + "\"private-pkg@^1.0.0\":\n  resolved "
                     "\"https://ci:" + password +
                     "@npm.example.org/private-pkg-1.0.0.tgz\"\n";
  ExpectOnly(text, "url-credentials", Severity::kHigh, password,
             "/app/yarn.lock");
}

TEST(Detector, IgnoresUuidsDigestsAndFingerprints) {
  ExpectNone(
      "\"id\": \"" + fake::Uuid() + "\",\n"
      "TOKEN_ID=" + fake::Uuid() + "\n"
      "\"digest\": \"sha256:" + fake::Random("0123456789abcdef", 64) + "\",\n"
      "API_KEY_SHA256=" + fake::Random("0123456789abcdef", 64) + "\n"
      "SECRET_CHECKSUM=" + fake::Random("0123456789ABCDEF", 40) + "\n"
      "ssh_host_key_fingerprint: SHA256:" + fake::Random(fake::kBase64, 43) +
      "\n");
}

// ---------------------------------------------------------------------------
// Several findings, overlaps, positions

TEST(Detector, KeepsOnlyTheMostSpecificOfOverlappingMatches) {
  std::string gh = Fake(Kind::kGithubToken);
  ExpectOnly("ENV GITHUB_TOKEN=" + gh, "github-classic-token",
             Severity::kCritical, gh);
  ExpectOnly("https://x-access-token:" + gh + "@github.com/o/r.git",
             "github-classic-token", Severity::kCritical, gh);
  std::string slack = Fake(Kind::kSlackBotToken);
  ExpectOnly("\"slack_token\": \"" + slack + "\"", "slack-bot-token",
             Severity::kCritical, slack);
  std::string aws = Fake(Kind::kAwsSecretAccessKey);
  ExpectOnly("AWS_SECRET_ACCESS_KEY=" + aws, "aws-secret-access-key",
             Severity::kCritical, aws);
}

TEST(Detector, ReportsEverySecretSortedWithItsLineAndColumn) {
  std::string gh = Fake(Kind::kGithubToken);
  std::string id = Fake(Kind::kAwsAccessKeyId);
  std::string pw = Fake(Kind::kPassword);
  std::string text = "FROM busybox\r\n"
                     "ENV A=" + gh + " B=" + id + "\r\n"
                     "\r\n"
                     "ENV DB_PASSWORD=\"" + pw + "\"\r\n";
  std::vector<Match> m = Scan(text);
  ASSERT_EQ(m.size(), 3u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "github-classic-token");
  EXPECT_EQ(m[0].line, 2);
  EXPECT_EQ(m[0].column, 7);
  EXPECT_EQ(m[1].rule, "aws-access-key-id");
  EXPECT_EQ(m[1].line, 2);
  EXPECT_EQ(m[1].column, static_cast<int>(7 + gh.size() + 3));
  EXPECT_EQ(m[2].rule, "generic-secret-assignment");
  EXPECT_EQ(m[2].line, 4);
  EXPECT_EQ(m[2].column, 18);
  for (const Match& match : m) ExpectLeaksNothing(match, text);
}

std::string EverySecretOnItsOwnLine() {
  std::string text = "# generated\n";
  for (const fake::KindName& k : fake::kKinds) {
    text += std::string(k.name) + "=" + Fake(k.kind) + "\n";
  }
  return text;
}

TEST(Detector, FindsEveryFakeKindWithoutOverlapsOrLeaks) {
  std::string text = EverySecretOnItsOwnLine();
  std::vector<Match> matches = Scan(text);
  EXPECT_EQ(matches.size(), fake::kKinds.size()) << RulesOf(matches);
  for (size_t i = 0; i < matches.size(); ++i) {
    EXPECT_EQ(matches[i].line, static_cast<int>(i) + 2);
    if (i > 0) {
      EXPECT_GE(matches[i].offset,
                matches[i - 1].offset + matches[i - 1].length);
    }
    ExpectLeaksNothing(matches[i], text);
  }
}

TEST(Detector, ScansSafelyFromSeveralThreads) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += EverySecretOnItsOwnLine();
  const std::vector<Match> expected = Scan(text);
  std::vector<std::vector<Match>> results(4);
  std::vector<std::thread> threads;
  for (auto& r : results) {
    threads.emplace_back([&text, &r] { r = Scan(text); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_EQ(r.size(), expected.size());
    for (size_t i = 0; i < r.size(); ++i) {
      EXPECT_EQ(r[i].offset, expected[i].offset);
      EXPECT_EQ(r[i].fingerprint, expected[i].fingerprint);
    }
  }
}

TEST(Detector, FindsTokensInBinaryButNotNameValuePairs) {
  std::string token = Fake(Kind::kGithubToken);
  std::string binary("\x7f" "ELF\x02\x01\x01\0\0\0", 10);
  for (int i = 0; i < 4096; ++i) binary.push_back(static_cast<char>(i * 7));
  binary += token + '\0' + "password=" + Fake(Kind::kPassword) + '\0';
  std::vector<Match> matches = Scan(binary, "/usr/bin/app");
  ASSERT_EQ(matches.size(), 1u) << RulesOf(matches);
  EXPECT_EQ(matches[0].rule, "github-classic-token");
  EXPECT_EQ(matches[0].offset, binary.find(token));
}

TEST(Detector, FindsNothingInEmptyText) { ExpectNone(""); }

// How fast such text goes is measured by tests/bench (detect-bench), not
// here: a bound on time would fail on a slower machine, not on a fault.
TEST(Detector, FindsNothingInLargeTextWithoutKeywords) {
  const std::string line =
      "The quick brown fox jumps over the lazy dog; 0123456789 lorem ipsum.\n";
  std::string text;
  text.reserve(100u << 20);
  while (text.size() + line.size() <= (100u << 20)) text += line;
  EXPECT_TRUE(Scan(text).empty());
}

TEST(Detector, DefaultIsOneSharedInstance) {
  EXPECT_EQ(&Detector::Default(), &Detector::Default());
}

// ---------------------------------------------------------------------------
// Connection strings, credential files, UTF-16

TEST(Detector, ReportsPasswordsOfDatabaseConnectionUrls) {
  const std::pair<std::string_view, std::string_view> urls[] = {
      {"postgres://app:", "@db.internal:5432/app"},
      {"postgresql://app:", "@db/app?sslmode=require"},
      {"mysql://root:", "@mysql:3306/shop"},
      {"mongodb+srv://svc:", "@cluster0.ab1cd.mongodb.net/db"},
      {"mongodb://svc:", "@m1:27017,m2:27017/db?replicaSet=rs0"},
      {"redis://:", "@cache:6379/0"},
      {"amqp://worker:", "@rabbit:5672/vhost"},
      {"sqlserver://sa:", "@mssql:1433?database=app"}};
  for (const auto& [head, tail] : urls) {
    std::string pw = fake::Mixed(20);  // no '@' or '/' to escape
    std::string text = "DATABASE_URL=" + std::string(head) + pw + std::string(tail) + "\n";
    SCOPED_TRACE(text);
    std::vector<Match> m = Scan(text);
    ASSERT_EQ(m.size(), 1u) << RulesOf(m);
    EXPECT_EQ(m[0].rule, "url-credentials");
    EXPECT_EQ(m[0].offset, text.find(pw));
    EXPECT_EQ(m[0].length, pw.size());
    EXPECT_NE(m[0].description.find("connection URL"), std::string::npos);
  }
}

TEST(Detector, ReportsPasswordsOfKeyValueConnectionStrings) {
  const std::pair<std::string_view, std::string_view> forms[] = {
      {"Server=tcp:db.example.invalid,1433;Initial Catalog=app;User ID=sa;Password=",
       ";Encrypt=True;"},
      {"\"Db\": \"Data Source=db;Database=app;Uid=app;Pwd=", ";\""},
      {"jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=", ";"},
      {"jdbc:mysql://db:3306/app?user=app&password=", "&useSSL=true"},
      {"host=db port=5432 dbname=app user=app password=", " sslmode=require"},
      {"Driver={ODBC Driver 18 for SQL Server};Server=db;UID=sa;PWD={", "};"}};
  for (const auto& [head, tail] : forms) {
    // Weaker than a generated token, as people choose them.
    std::string pw = "Tr0ub4dor" + fake::Random(fake::kDigits, 3);
    std::string text = std::string(head) + pw + std::string(tail) + "\n";
    SCOPED_TRACE(text);
    ExpectOnly(text, "connection-string-password", Severity::kHigh, pw);
  }
}

TEST(Detector, IgnoresConnectionStringsWithoutRealPasswords) {
  ExpectNone("Server=db;User Id=sa;Password=${DB_PASSWORD};\n");
  ExpectNone("Server=db;User Id=sa;Password=<password>;\n");
  ExpectNone("Server=db;User Id=sa;Password=changeme;\n");
  ExpectNone("host=db user=app password=%s dbname=app\n");
  ExpectNone("postgres://user:password@localhost/db\n");
  ExpectNone("mysql://root:changeme@db/app\n");
  ExpectNone("redis://:${REDIS_PASSWORD}@cache:6379\n");
  // A program's member, written into the string it builds (twisted's tests).
  ExpectNone("    \"host=%s dbname=%s user=%s password=self.DB_PASS\"\n");
  ExpectNone("dsn = f\"host=db user=app password=settings.db_password\"\n");
  // "password=" without any server key is the generic rule's to judge.
  EXPECT_EQ(RulesOf(Scan("Remember=yes; password=Tr0ub4dor12\n")),
            "generic-secret-assignment");
  ExpectNone("Remember=yes; password=Summer2024\n");
}

TEST(Detector, ReportsPgpassPasswordsInThePgpassFile) {
  std::string strong = fake::Make(Kind::kPassword);
  std::string text = "# hostname:port:database:username:password\n"
                     "db.internal:5432:app:app:" + strong + "\n"
                     "*:*:*:replicator:Summer2024\n";
  std::vector<Match> m = Scan(text, "/root/.pgpass");
  ASSERT_EQ(m.size(), 2u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "pgpass-password");
  EXPECT_EQ(m[0].offset, text.find(strong));
  EXPECT_EQ(m[0].line, 2);
  EXPECT_EQ(m[1].rule, "pgpass-password");
  EXPECT_EQ(m[1].offset, text.find("Summer2024"));
  for (const Match& match : m) ExpectLeaksNothing(match, text);
}

TEST(Detector, ReportsGeneratedPgpassLineInAnyFileButNotLogLines) {
  std::string pw = fake::Mixed(22);  // a ':' would need "\\:"
  std::string line = "10.0.0.5:5432:billing:svc:" + pw + "\n";
  ExpectOnly(line, "pgpass-password", Severity::kHigh, pw, "/opt/backup/pgpass.conf");
  ExpectNone("12:30:45:INFO:started worker pool\n");
  ExpectNone("db:5432:app:app:Summer2024\n", "/usr/share/doc/app/README");
  ExpectNone("*:*:*:postgres:changeme\n", "/root/.pgpass");
}

TEST(Detector, ReportsWeakPasswordsOnlyInCredentialFiles) {
  std::string mycnf = "[client]\nuser=root\npassword=Summer2024\n";
  ExpectOnly(mycnf, "generic-secret-assignment", Severity::kHigh, "Summer2024",
             "/root/.my.cnf");
  ExpectNone(mycnf, "/usr/share/doc/mysql/example.cnf");
  std::string pypirc = "[pypi]\nusername = alice\npassword = Summer2024\n";
  ExpectOnly(pypirc, "generic-secret-assignment", Severity::kHigh, "Summer2024",
             "/home/alice/.pypirc");
  std::string gitcred = "https://alice:hunt3@git.example.invalid\n";
  ExpectOnly(gitcred, "url-credentials", Severity::kHigh, "hunt3",
             "/root/.git-credentials");
  ExpectNone(gitcred, "/usr/share/doc/git/example.txt");
  std::string tfstate = "{\"resources\": [{\"instances\": [{\"attributes\": "
                        "{\"password\": \"Summer2024\"}}]}]}\n";
  ExpectOnly(tfstate, "generic-secret-assignment", Severity::kHigh, "Summer2024",
             "/infra/terraform.tfstate");
  ExpectNone("[client]\npassword=changeme\n", "/root/.my.cnf");
}

TEST(Detector, ReportsKubeconfigClientKeyData) {
  REQUIRE_KEYS();
  std::string data = Base64(Keys().ec);
  std::string cert = Base64(Keys().certificate);
  std::string text = "users:\n- name: admin\n  user:\n"
                     "    client-certificate-data: " + cert + "\n"
                     "    client-key-data: " + data + "\n";
  ExpectOnly(text, "kubeconfig-client-key", Severity::kCritical, data,
             "/root/.kube/config");
  ExpectNone("    client-certificate-data: " + cert + "\n", "/root/.kube/config");
  ExpectNone("    client-key-data: " + cert + "\n", "/root/.kube/config");
}

// Text as Windows tools write it: UTF-16 with a byte order mark either way,
// or without one (also every window after the first of a big file).
std::string Utf16(std::string_view text, bool big_endian, bool bom) {
  std::string out;
  if (bom) out = big_endian ? std::string("\xFE\xFF") : std::string("\xFF\xFE");
  for (char c : text) {
    out += big_endian ? std::string(1, '\0') + c : std::string(1, c) + '\0';
  }
  return out;
}

TEST(Detector, ReportsSecretsInUtf16TextAtTheirBytePositions) {
  std::string token = fake::Make(fake::kTokenFormats[0]);
  std::string pw = fake::Make(Kind::kPassword);
  std::string plain = "# settings\r\nGH=" + token + "\r\nDB_PASSWORD=" + pw + "\r\n";
  for (bool big : {false, true}) {
    for (bool bom : {true, false}) {
      std::string wide = Utf16(plain, big, bom);
      std::vector<Match> m = Scan(wide, "/app/settings.ps1.txt");
      ASSERT_EQ(m.size(), 2u) << RulesOf(m) << " big=" << big << " bom=" << bom;
      EXPECT_EQ(m[0].rule, "github-classic-token");
      EXPECT_EQ(m[0].offset, (bom ? 2 : 0) + 2 * plain.find(token));
      EXPECT_EQ(m[0].length, 2 * token.size());
      EXPECT_EQ(m[0].line, 2);
      EXPECT_EQ(m[0].fingerprint, Fingerprint("github-classic-token", token));
      EXPECT_EQ(m[1].rule, "generic-secret-assignment");
      EXPECT_EQ(m[1].line, 3);
      EXPECT_EQ(m[1].redacted, Redact(pw));
    }
  }
}

TEST(Detector, ReportsPgpassPasswordInUtf16File) {
  std::string pw = fake::Mixed(22);
  std::string wide = Utf16("db:5432:app:app:" + pw + "\n", false, true);
  std::vector<Match> m = Scan(wide, "C:/Users/u/AppData/Roaming/postgresql/pgpass.conf");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "pgpass-password");
}

TEST(Detector, DoesNotTakeBinaryForUtf16) {
  std::string token = Fake(Kind::kGithubToken);
  std::string binary("\x7f" "ELF\x02\x01\x01\0\0\0", 10);
  for (int i = 0; i < 4096; ++i) binary.push_back(static_cast<char>(i % 3 ? 0 : i));
  binary += token + '\0';
  std::vector<Match> m = Scan(binary, "/usr/bin/app");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].offset, binary.find(token));
  EXPECT_FALSE(detect::DetectUtf16(binary).has_value());
}

// A token encoded once (an env value, a Kubernetes Secret's data) is found
// at the encoded span, with the token's own fingerprint.
// A directory's name of base64 letters before a token is a path, not a
// blob around it: the token is found at any depth.
TEST(Detector, ATokenIsFoundAsAPathSegmentAfterAnyDirectories) {
  for (Kind kind : {Kind::kSlackBotToken, Kind::kGitlabToken, Kind::kAwsAccessKeyId}) {
    const std::string token = Fake(kind);
    for (const std::string& dir : {std::string("/a/"), "/" + std::string(14, 'd') + "/",
                                   std::string("/app/cache/tokens/"),
                                   std::string("/a/b/c/d/e/f/g/h/i/")}) {
      SCOPED_TRACE(dir + token);
      EXPECT_EQ(Detector::Default().ScanName(dir + token + ".json").size(), 1u);
      EXPECT_EQ(Detector::Default().ScanName(dir + token + "/config").size(), 1u);
      EXPECT_EQ(Scan("cache: " + dir + token + ".json\n").size(), 1u);
    }
  }
}

// A token's prefix letters repeated through a long base64 literal (a
// data table in minified JS) start a candidate at every letter; each is
// judged once, not searched again letter by letter. Before, this 560 KB
// shape took minutes.
TEST(Detector, ALongRunOfATokensPrefixLettersIsJudgedOnce) {
  std::string blob = "const data = Buffer.from('AAHg" + std::string(300000, 'A') + "Q" +
                     fake::Random(fake::kBase64, 200000) + "', 'base64');\n";
  EXPECT_TRUE(Scan(blob, "/app/node_modules/x/dist/data.js").empty());
}

TEST(Detector, ReportsTokensHiddenInBase64) {
  std::string gh = Fake(Kind::kGithubToken);
  std::string npm = fake::Make(fake::Kind::kNpmToken);
  std::string env = "# deploy\nGH_CREDS=" + Base64(gh) + "\n";
  std::vector<Match> m = Scan(env, "/app/.env.production");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "github-classic-token");
  EXPECT_EQ(m[0].offset, env.find(Base64(gh)));
  EXPECT_EQ(m[0].length, Base64(gh).size());
  EXPECT_EQ(m[0].line, 2);
  EXPECT_EQ(m[0].fingerprint, Fingerprint("github-classic-token", gh));
  EXPECT_EQ(m[0].redacted, Redact(gh));
  EXPECT_NE(m[0].description.find("base64"), std::string::npos);

  std::string secret = "apiVersion: v1\nkind: Secret\ndata:\n  gh: " + Base64(gh) +
                       "\n  npmrc: " + Base64("//registry.npmjs.org/:_authToken=" + npm + "\n") +
                       "\n";
  m = Scan(secret, "/deploy/secret.yaml");
  ASSERT_EQ(m.size(), 2u) << RulesOf(m);
  EXPECT_EQ(m[0].line, 4);
  EXPECT_EQ(m[1].line, 5);
  EXPECT_EQ(m[1].fingerprint, Fingerprint(m[1].rule, npm));
}

// A base64 value under a secret-sounding key is one finding: the token it
// decodes to, with that token's fingerprint, not the generic rule's
// finding on the encoded text.
TEST(Detector, PrefersTheDecodedTokenToTheGenericRuleOfItsKey) {
  std::string gh = Fake(Kind::kGithubToken);
  std::string yaml = "app:\n  token: " + Base64(gh) + "\n  password: \"" +
                     Base64(Fake(Kind::kPassword)) + "\"\n";
  std::vector<Match> m = Scan(yaml, "/etc/app/config.yml");
  ASSERT_EQ(m.size(), 2u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "github-classic-token");
  EXPECT_EQ(m[0].line, 2);
  EXPECT_EQ(m[0].offset, yaml.find(Base64(gh)));
  EXPECT_EQ(m[0].fingerprint, Fingerprint("github-classic-token", gh));
  EXPECT_EQ(m[0].redacted, Redact(gh));
  // Encoded text that holds no token format stays the generic finding.
  EXPECT_EQ(m[1].rule, "generic-secret-assignment");
  EXPECT_EQ(m[1].line, 3);
}

// Long base64 that is no text (an image, a font), long identifiers and
// digests, and encoded key=value text with no token format: not findings.
// Decoded base64 counts for token formats, and for assignments when it
// decodes to them (a config hidden in a value); data and names are none.
TEST(Detector, DecodedBase64CountsForTokenFormatsAndAssignments) {
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  png += fake::Random(fake::kBase64, 300);
  ExpectNone("background: url(data:image/png;base64," + Base64(png) + ");");
  ExpectNone("class AbstractSingletonProxyFactoryBeanConfigurationProvider {}");
  ExpectNone("sha256:" + std::string(64, 'a') + " " + fake::Random("0123456789abcdef", 64));
  EXPECT_EQ(RulesOf(Scan("X=" + Base64("password=" + fake::Mixed(20)))),
            "generic-secret-assignment");
}

// A Kubernetes Secret holds its values in base64: a placeholder or a word
// encoded so is no more a secret than written plain; a password is.
TEST(Detector, KubernetesSecretDataInBase64IsJudgedByWhatItHolds) {
  const std::string head = "apiVersion: v1\nkind: Secret\ndata:\n";
  for (const char* plain : {"changeme", "password", "<your-token>", "${API_KEY}",
                            "{{ .Values.password }}", "mysecretvalue"}) {
    ExpectNone(head + "  password: " + Base64(plain) + "\n");
  }
  const std::string real = Base64("hunter2-" + fake::Random(fake::kBase62, 12));
  EXPECT_EQ(RulesOf(Scan(head + "  password: " + real + "\n", "/k8s/secret.yaml")),
            "generic-secret-assignment");
}

// A token glued into a longer base64 run at any alignment: "user:token".
TEST(Detector, ReportsTokenInsideEncodedUserColonToken) {
  std::string gl = fake::Make(fake::kTokenFormats[0]);
  for (std::string user : {"u", "ci", "bot"}) {
    std::string text = "creds: " + Base64(user + ":" + gl) + "\n";
    std::vector<Match> m = Scan(text, "/etc/app/config.yml");
    ASSERT_EQ(m.size(), 1u) << RulesOf(m) << " user=" << user;
    EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, gl));
  }
}

// marshal writes a str as a type byte, its length and its bytes, and the
// next object's type byte right after: often a letter, which a token's
// word boundary rejects. The strings of a .pyc are read on their own.
TEST(Detector, ReportsTokensInTheStringsOfACompiledPythonFile) {
  std::string key_id = Fake(Kind::kAwsAccessKeyId);
  std::string gh = Fake(Kind::kGithubToken);
  std::string pyc("\xcb\r\r\n\0\0\0\0\0\0\0\0\0\0\0\0\xe3", 17);
  pyc += std::string(20, '\0');
  const size_t key_at = pyc.size() + 2;
  pyc += std::string("\xda") + static_cast<char>(key_id.size()) + key_id + "Z\x06KEY_ID";
  const size_t gh_at = pyc.size() + 5;
  pyc += std::string("\xe1", 1) + static_cast<char>(gh.size()) + std::string(3, '\0') + gh +
         "N)\x02";
  std::vector<Match> m = Scan(pyc, "/app/__pycache__/settings.cpython-311.pyc");
  ASSERT_EQ(m.size(), 2u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "aws-access-key-id");
  EXPECT_EQ(m[0].offset, key_at);
  EXPECT_EQ(m[0].length, key_id.size());
  EXPECT_EQ(m[0].fingerprint, Fingerprint("aws-access-key-id", key_id));
  EXPECT_EQ(m[1].rule, "github-classic-token");
  EXPECT_EQ(m[1].offset, gh_at);
  // The same bytes in a file that is no .pyc: the letters after the key ID
  // leave it unreported, as in any other binary; the GitHub token's
  // checksum tells where it ends.
  EXPECT_EQ(RulesOf(Scan(pyc, "/usr/lib/libx.so")), "github-classic-token");
}

// `source` compiled by the python3 of this machine, as pip and the
// interpreter write __pycache__ files.
// A Java class file with `strings` as its constant pool's Utf8 entries
// (and a Long between them, which takes two slots).
std::string ClassFile(const std::vector<std::string>& strings) {
  auto u16 = [](size_t n) { return std::string{static_cast<char>(n >> 8), static_cast<char>(n)}; };
  std::string pool;
  for (const std::string& s : strings) pool += '\x01' + u16(s.size()) + s;
  pool += std::string("\x05", 1) + std::string(8, '\0');
  return std::string("\xCA\xFE\xBA\xBE", 4) + u16(0) + u16(52) + u16(strings.size() + 3) +
         pool + std::string("\x00\x21\x00\x00", 4);
}

// Each string constant follows its two-byte length; when the length's low
// byte is a letter or digit, it is glued to the string ('E' before a
// SendGrid key of 69 characters), and was taken for part of the token.
TEST(Detector, ReadsEachStringOfAJavaClassFileOnItsOwn) {
  for (size_t pad : {0u, 3u, 12u, 21u}) {  // lengths 69 'E', 72 'H', 81 'Q', 90 'Z'
    SCOPED_TRACE(pad);
    const std::string token = Fake(Kind::kSendgridApiKey);
    ASSERT_EQ(token.size(), 69u);
    const std::string constant = token + std::string(pad, ' ');
    const std::string cls = ClassFile({"com/acme/Mailer", "java/lang/Object", constant, "run"});
    std::vector<Match> m = Scan(cls, "/app/classes/com/acme/Mailer.class");
    ASSERT_EQ(RulesOf(m), "sendgrid-api-key");
    EXPECT_EQ(m[0].offset, cls.find(token));
    EXPECT_EQ(m[0].fingerprint, Fingerprint("sendgrid-api-key", token));
    EXPECT_EQ(m[0].line, 1);
  }
  // A fat Mach-O binary starts with the same magic: no class file.
  std::string fat = std::string("\xCA\xFE\xBA\xBE\x00\x00\x00\x02", 8) + "Aghp_x";
  EXPECT_TRUE(Scan(fat).empty());
}

// A class file whose pool holds `names` (Utf8 entries) and `constants`
// (each a String entry and the Utf8 it names), in the order given: a
// constant is "=value", a name is itself.
std::string ClassWithConstants(const std::vector<std::string>& entries) {
  auto u16 = [](size_t n) { return std::string{static_cast<char>(n >> 8), static_cast<char>(n)}; };
  std::string pool;
  size_t index = 1;
  for (const std::string& e : entries) {
    if (e.starts_with("=")) {
      pool += '\x08' + u16(index + 1);  // a String naming the Utf8 after it
      ++index;
      pool += '\x01' + u16(e.size() - 1) + e.substr(1);
    } else {
      pool += '\x01' + u16(e.size()) + e;
    }
    ++index;
  }
  return std::string("\xCA\xFE\xBA\xBE", 4) + u16(0) + u16(61) + u16(index) + pool +
         std::string("\x00\x21\x00\x00", 4);
}

// A draw of `make` that the gate for compiled constants and the generic
// rule's gate both take. They refuse about 1 random value of 16 characters
// in 60 (Filters.ConstantGateTakesRandomValuesOfEveryShape) and letters
// alone ("BuRgwSrFiBGuBEBs"), which a test of where a value is found must
// not depend on.
template <typename Make>
std::string Passing(Make make) {
  for (;;) {
    std::string value = make();
    if (detect::PassesConstantGate(value) && detect::PassesGenericGate(value)) return value;
  }
}

// A field and the constant assigned to it stand apart in the pool, as
// javac writes them: `private String awsSecretKey = "…"` puts the value,
// the class's name, then the field's name.
TEST(Detector, ReadsAClassFilesConstantsAsAssignedToTheFieldsNearThem) {
  const std::string secret = Passing([] { return Fake(Kind::kAwsSecretAccessKey); });
  const std::string password = Passing([] { return fake::RandomPassword(16); });
  const std::string cls = ClassWithConstants(
      {"java/lang/Object", "<init>", "()V", "=" + secret, "com/acme/Cfg", "awsSecretKey",
       "Ljava/lang/String;", "region", "=us-east-1", "DB_PASSWORD", "ConstantValue",
       "=" + password, "Code"});
  std::vector<Match> m = Scan(cls, "/app/classes/com/acme/Cfg.class");
  ASSERT_EQ(m.size(), 2u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "aws-secret-access-key");
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, secret));
  EXPECT_EQ(m[0].offset, cls.find(secret));
  EXPECT_EQ(m[1].rule, "generic-secret-assignment");
  EXPECT_EQ(m[1].fingerprint, Fingerprint(m[1].rule, password));
  // A dotted name says what its last part says: "db.password" names a
  // secret, a registry key ("SecretKeyFactory.…") an algorithm.
  const std::string other = Passing([] { return fake::RandomPassword(20); });
  m = Scan(ClassWithConstants({"db.password", "=" + other, "Code"}), "/app/Db.class");
  EXPECT_EQ(RulesOf(m), "generic-secret-assignment");
  EXPECT_TRUE(Scan(ClassWithConstants({"SecretKeyFactory.PBEWITHHMACSHA256", "=" + other}),
                   "/app/Mappings.class")
                  .empty());
  // Words, versions and paths among the constants are no secrets.
  EXPECT_TRUE(Scan(ClassWithConstants({"com/acme/Login", "password", "=Enter your password",
                                       "token", "=application/json", "apiKey", "=v1.2.3",
                                       "secret", "=/etc/app/secret.key"}),
                   "/app/classes/com/acme/Login.class")
                  .empty());
}

// An SQLite database made by running `sql`, as its file holds it; in WAL
// mode, checkpointed first so that the file holds every row.
std::string SqliteFile(const std::string& sql, bool wal = false) {
  auto dir = TempDir::Create("sqlite-test");
  EXPECT_TRUE(dir) << dir.error();
  if (!dir) return "";
  const std::string file = (dir->path() / "app.db").string();
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  const std::string all = (wal ? "PRAGMA journal_mode=WAL;" : "") + sql +
                          (wal ? "PRAGMA wal_checkpoint(TRUNCATE);" : "");
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, all.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
  return ReadFile(file);
}

// A password in a database is a cell under a column named "password": its
// bytes hold no name. The cell is read with its column's name, and found
// where the file holds it; hashes, names and placeholders are no finding.
TEST(Detector, ReadsDatabaseCellsWithTheirColumnsNames) {
  const std::string password = Passing([] { return fake::RandomPassword(18); });
  const std::string token = Passing([] { return fake::Random(fake::kBase62, 32); });
  const std::string gh = Fake(Kind::kGithubToken);
  const std::string sql =
      "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, password TEXT, password_hash TEXT);"
      "INSERT INTO users VALUES (1, 'alice', '" + password + "', '$2b$12$" +
      fake::Random(fake::kBase62, 53) + "');"
      "INSERT INTO users VALUES (2, 'bob', 'changeme', NULL);"
      // Django and Rails keep a password's hash in a column named "password".
      "INSERT INTO users VALUES (3, 'carol', 'pbkdf2_sha256$600000$" +
      fake::Random(fake::kBase62, 22) + "$" + fake::Random(fake::kBase64, 43) + "=', NULL);"
      "INSERT INTO users VALUES (4, 'dave', '$2a$12$" + fake::Random(fake::kBase62, 53) +
      "', NULL);"
      "INSERT INTO users VALUES (5, 'erin', '$argon2id$v=19$m=65536,t=3,p=4$" +
      fake::Random(fake::kBase64, 22) + "$" + fake::Random(fake::kBase64, 43) + "', NULL);"
      "CREATE TABLE \"api keys\" (service TEXT, \"api token\" TEXT, note TEXT);"
      "INSERT INTO \"api keys\" VALUES ('ci', '" + token + "', 'rotated yearly');"
      "INSERT INTO \"api keys\" VALUES ('gh', '" + gh + "', NULL);"
      "CREATE INDEX users_name ON users(name);"
      "CREATE TABLE files (id INTEGER PRIMARY KEY, body BLOB);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
      "INSERT INTO files SELECT i, randomblob(1500) FROM n;";
  for (bool wal : {false, true}) {
    SCOPED_TRACE(wal ? "WAL" : "rollback journal");
    const std::string db = SqliteFile(sql, wal);
    ASSERT_TRUE(detect::LooksLikeSqlite(db));
    std::vector<ScanCut> cuts;
    std::vector<Match> m = Detector::Default().Scan(db, "/var/lib/app/app.db", &cuts);
    EXPECT_TRUE(cuts.empty()) << cuts.size();
    ASSERT_EQ(m.size(), 3u) << RulesOf(m);
    std::map<std::string, const Match*> by_value;
    for (const Match& f : m) {
      by_value[db.substr(f.offset, f.length)] = &f;
      // Lines and columns, counted once through the cells, as the file has them.
      EXPECT_EQ(f.line, LineColAt(db, f.offset).line);
      EXPECT_EQ(f.column, LineColAt(db, f.offset).column);
    }
    ASSERT_TRUE(by_value.count(password)) << RulesOf(m);
    EXPECT_EQ(by_value[password]->rule, "generic-secret-assignment");
    EXPECT_EQ(by_value[password]->fingerprint, Fingerprint("generic-secret-assignment", password));
    ASSERT_TRUE(by_value.count(token)) << RulesOf(m);
    EXPECT_EQ(by_value[token]->rule, "generic-secret-assignment");
    ASSERT_TRUE(by_value.count(gh)) << RulesOf(m);
    EXPECT_EQ(by_value[gh]->rule, "github-classic-token");
  }
  // Without the header, the same bytes are no database. One cut short, as
  // a large file's first window is, gives the cells of the pages it holds;
  // a damaged one what it still can, and never fails the scan.
  const std::string db = SqliteFile(sql);
  ASSERT_GT(db.size(), 200u * 1500);
  EXPECT_TRUE(detect::SecretColumnCells(db.substr(1)).empty());
  for (size_t keep : {db.size() / 2, db.size() / 2 + 1000, db.size() - 1}) {
    SCOPED_TRACE(keep);
    std::vector<ScanCut> cuts;
    std::vector<Match> m =
        Detector::Default().Scan(db.substr(0, keep), "/var/lib/app/app.db", &cuts);
    EXPECT_TRUE(std::any_of(m.begin(), m.end(), [&](const Match& f) {
      return f.fingerprint == Fingerprint("generic-secret-assignment", password);
    })) << RulesOf(m);
    // The pages past the cut are named.
    ASSERT_EQ(cuts.size(), 1u);
    EXPECT_EQ(cuts[0].reason, "size");
    EXPECT_EQ(cuts[0].what, "SQLite pages past those the file holds");
  }
  for (size_t keep : {size_t{16}, size_t{100}, size_t{4096}}) {
    EXPECT_NO_THROW(Scan(db.substr(0, keep), "/var/lib/app/app.db"));
  }
  std::string damaged = db;
  for (size_t i = 100; i < damaged.size(); i += 97) {
    damaged[i] = static_cast<char>(damaged[i] ^ 0x5A);
  }
  EXPECT_NO_THROW(Scan(damaged, "/var/lib/app/app.db"));
}

// A table of settings keeps a name and its value in one row: the value is
// read as assigned to the name, and a token there is found though the
// name's cell is glued to it in the file's bytes.
TEST(Detector, ReadsASettingsTablesValuesWithTheirRowsNames) {
  const std::string akia = "AKIA" + fake::Random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  const std::string secret = fake::Make(Kind::kAwsSecretAccessKey);
  const std::string password = fake::Mixed(20);
  const std::string db = SqliteFile(
      "CREATE TABLE settings (name TEXT, value TEXT);"
      "INSERT INTO settings VALUES ('site_name', 'My blog');"
      "INSERT INTO settings VALUES ('aws_access_key_id', '" + akia + "');"
      "INSERT INTO settings VALUES ('aws_secret_access_key', '" + secret + "');"
      "INSERT INTO settings VALUES ('smtp_password', '" + password + "');"
      "INSERT INTO settings VALUES ('admin_email', 'admin@example.org');"
      "CREATE TABLE wp_options (option_id INTEGER, option_name TEXT, option_value TEXT);"
      "INSERT INTO wp_options VALUES (1, 'blogname', 'Notes');");
  std::vector<Match> m = Scan(db, "/var/lib/app/app.db");
  std::map<std::string, std::string> rules;  // value -> rule
  for (const Match& f : m) rules[db.substr(f.offset, f.length)] = f.rule;
  EXPECT_EQ(rules, (std::map<std::string, std::string>{
                       {akia, "aws-access-key-id"},
                       {secret, "aws-secret-access-key"},
                       {password, "generic-secret-assignment"}}))
      << RulesOf(m);
}

// A schema cannot make the scan loop: a view or trigger is never run, and
// the cells read are bounded.
TEST(SqliteCells, ReadsBoundedCellsOfTablesOnly) {
  std::string sql =
      "CREATE TABLE t (secret TEXT);"
      "CREATE VIEW v AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) "
      "SELECT x AS password FROM r;"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
      "INSERT INTO t SELECT 'value-' || i || '-' || hex(randomblob(12)) FROM n;";
  const std::string db = SqliteFile(sql);
  std::string cut;
  const std::vector<detect::SqliteCell> cells = detect::SecretColumnCells(db, &cut);
  EXPECT_EQ(cells.size(), 4096u);
  for (const detect::SqliteCell& c : cells) EXPECT_EQ(c.column, "secret");
  // The cells past the limit are named, through the detector too.
  EXPECT_EQ(cut, "SQLite cells past the first 4096");
  std::vector<ScanCut> cuts;
  Detector::Default().Scan(db, "/var/lib/app/app.db", &cuts);
  EXPECT_EQ(cuts, (std::vector<ScanCut>{{"entries", "SQLite cells past the first 4096"}}));
  // As many cells as the limit: nothing is left.
  const std::string exact = SqliteFile(
      "CREATE TABLE t (secret TEXT);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4096) "
      "INSERT INTO t SELECT 'value-' || i FROM n;");
  EXPECT_EQ(detect::SecretColumnCells(exact, &cut).size(), 4096u);
  EXPECT_EQ(cut, "");
}

std::string CompilePython(const std::string& source) {
  auto dir = TempDir::Create("pyc-test");
  EXPECT_TRUE(dir) << dir.error();
  if (!dir) return "";
  const std::filesystem::path py = dir->path() / "settings.py";
  const std::filesystem::path pyc = dir->path() / "settings.pyc";
  std::ofstream(py) << source;
  const std::string command =
      "python3 -c 'import py_compile, sys; py_compile.compile(sys.argv[1], sys.argv[2], "
      "doraise=True)' " + py.string() + " " + pyc.string();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return ReadFile(pyc);
}

// `n` random characters that change class at every step, as the values a
// .pyc pairs with a nearby name must (see PassesConstantGate): no chance that a
// draw reads as words.
std::string Alternating(std::string_view symbols, size_t n) {
  const std::string_view classes[] = {"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789",
                                      "abcdefghijklmnopqrstuvwxyz", symbols};
  std::string out;
  for (size_t i = 0; i < n; ++i) out += fake::Random(classes[i % 4], 1);
  return out;
}

// In a .pyc a name and the value assigned to it are two strings of one
// code object (a constant, and a name or a keyword argument's name), with
// other strings in between: the value is read as assigned to the name, so
// the rules that need a key name see both.
TEST(Detector, ReadsValuesOfACompiledPythonFileWithTheirNames) {
  std::string secret = Alternating("+/", 40);  // an AWS secret access key's alphabet
  std::string key_id = Fake(Kind::kAwsAccessKeyId);
  std::string password = Alternating("!#^~", 22);
  std::string build = Alternating("-_", 24);
  std::string pyc = CompilePython(
      "import os\n"
      "REGION = 'eu-west-1'\n"
      "AWS_ACCESS_KEY_ID = '" + key_id + "'\n"
      "aws_secret_access_key = '" + secret + "'\n"
      "def connect(db):\n"
      "    return db.open(user='app', password=os.environ.get('X'))\n"
      "def fallback(db):\n"
      "    return db.open(user='app', password='" + password + "')\n"
      "def build_id():\n"
      "    return '" + build + "'\n");
  ASSERT_FALSE(pyc.empty());
  std::vector<Match> m = Scan(pyc, "/app/__pycache__/settings.cpython-311.pyc");
  ASSERT_EQ(m.size(), 3u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "aws-access-key-id");
  EXPECT_EQ(m[1].rule, "aws-secret-access-key");
  EXPECT_EQ(m[1].offset, pyc.find(secret));
  EXPECT_EQ(m[1].length, secret.size());
  EXPECT_EQ(m[1].fingerprint, Fingerprint("aws-secret-access-key", secret));
  EXPECT_EQ(m[1].redacted, Redact(secret));
  // "password" is written once, in connect(); fallback() refers back to it.
  // The random build ID is in a code object of its own, with no such name.
  EXPECT_EQ(m[2].rule, "generic-secret-assignment");
  EXPECT_EQ(m[2].offset, pyc.find(password));
  EXPECT_EQ(m[2].fingerprint, Fingerprint("generic-secret-assignment", password));
}

// The same values under names that say nothing of a secret, and a secret
// name with no value near it, are no finding.
TEST(Detector, IgnoresValuesOfACompiledPythonFileWithoutASecretName) {
  std::string pyc = CompilePython(
      "import hashlib\n"
      "BUILD_ID = '" + Alternating("-_", 24) + "'\n"
      "CACHE_KEY = '" + Alternating("+/", 40) + "'\n"
      "def check(token):\n"
      "    \"Compares the token with the stored one.\"\n"
      "    return hashlib.sha256(token.encode()).hexdigest() == 'x'\n");
  ASSERT_FALSE(pyc.empty());
  EXPECT_EQ(RulesOf(Scan(pyc, "/app/__pycache__/check.cpython-311.pyc")), "");
}

// The marshal reader yields every string, a back-reference as the string
// it names, each with its code object; other data is not marshal.
TEST(PycStrings, ReadsStringsReferencesAndCodeObjects) {
  std::string pyc = CompilePython(
      "def a(password):\n    return password\n"
      "def b(password):\n    return 'literal-' + password\n");
  ASSERT_FALSE(pyc.empty());
  std::optional<std::vector<detect::PycString>> strings = detect::ReadPycStrings(pyc);
  ASSERT_TRUE(strings);
  std::map<std::string, std::set<uint32_t>> codes;
  for (const detect::PycString& s : *strings) {
    codes[pyc.substr(s.offset, s.length)].insert(s.code);
  }
  EXPECT_EQ(codes["password"].size(), 2u);  // in a() and, by reference, in b()
  EXPECT_EQ(codes["literal-"].size(), 1u);
  EXPECT_FALSE(detect::ReadPycStrings(pyc.substr(0, pyc.size() - 3)));
  EXPECT_FALSE(detect::ReadPycStrings("not a compiled file at all"));
}

// A .NET assembly keeps its string literals as UTF-16LE inside the binary,
// at any alignment. The token is reported at its bytes there, with the
// fingerprint and redaction of the text it spells.
TEST(Detector, ReportsTokensInUtf16StringsInsideABinary) {
  std::string token = Fake(Kind::kGithubToken);
  for (size_t pad : {0u, 1u}) {
    std::string binary("MZ\x90\0\x03\0\0\0", 8);
    for (int i = 0; i < 3000; ++i) binary.push_back(static_cast<char>((i * 7) % 251));
    binary.append(pad, '\x01');
    const size_t at = binary.size();
    binary += Utf16(token, false, false);
    binary += std::string("\0\0\x05", 3) + Utf16("Authorization", false, false);
    std::vector<Match> m = Scan(binary, "/app/Service.dll");
    ASSERT_EQ(m.size(), 1u) << RulesOf(m) << " pad=" << pad;
    EXPECT_EQ(m[0].rule, "github-classic-token");
    EXPECT_EQ(m[0].offset, at);
    EXPECT_EQ(m[0].length, 2 * token.size());
    EXPECT_EQ(m[0].fingerprint, Fingerprint("github-classic-token", token));
    EXPECT_EQ(m[0].redacted, Redact(token));
  }
}

// Key=value rules stay off in binaries, in their UTF-16 strings too: a
// resource string "Password=%s" is a format, not a secret.
TEST(Detector, KeyValueRulesStayOffInUtf16StringsOfABinary) {
  std::string binary("\x7f" "ELF\x02\x01\x01\0", 8);
  binary += Utf16("DB_PASSWORD=" + Fake(Kind::kPassword) + "\n", false, false);
  binary += std::string(16, '\0');
  EXPECT_TRUE(Scan(binary, "/usr/lib/libapp.so").empty());
}

// ---------------------------------------------------------------------------
// LooksLikeSecret, IsPlaceholder, CredentialFileRule

TEST(LooksLikeSecret, AcceptsEveryFakeKind) {
  for (const fake::KindName& k : fake::kKinds) {
    for (int i = 0; i < 5; ++i) {
      std::string value = Fake(k.kind);
      EXPECT_TRUE(Detector::Default().LooksLikeSecret(value))
          << k.name << " " << value.substr(0, 4);
    }
  }
}

TEST(LooksLikeSecret, AcceptsPrivateKeys) {
  REQUIRE_KEYS();
  EXPECT_TRUE(Detector::Default().LooksLikeSecret(Keys().openssh));
}

TEST(LooksLikeSecret, RejectsWhatOnlyLooksSecretByName) {
  for (std::string_view value :
       {"", "changeme", "admin", "/run/secrets/db", "${API_TOKEN}", "$TOKEN",
        "3.1.4-r1", "v2.14.0", "0123456789ABCDEF0123456789ABCDEF01234567",
        "123e4567-e89b-12d3-a456-426614174000", "https://example.org/token",
        "MySecretPassword", "correct-horse-battery-staple", "xxxxxxxxxxxx",
        "your_token_here", "<password>", "{{ .Values.password }}", "%s",
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}) {
    EXPECT_FALSE(Detector::Default().LooksLikeSecret(value)) << value;
  }
  EXPECT_FALSE(Detector::Default().LooksLikeSecret(Integrity()));
  EXPECT_FALSE(Detector::Default().LooksLikeSecret(GoSum()));
}

TEST(IsPlaceholder, RecognisesPlaceholdersAndDocumentedExamples) {
  for (std::string_view value :
       {"", "changeme", "CHANGEME", "example", "dummy", "redacted",
        "your_token_here", "<token>", "${NPM_TOKEN}", "$NPM_TOKEN",
        "$(cat /run/secrets/x)", "{{ secret }}", "%s", "%(password)s",
        "%DB_PASSWORD%", "@DB_PASSWORD@", "xxxx", "0000000000", "********",
        "my-fake-key", "sk_test_key", "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "'changeme'",
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "abcdefgh12345678"}) {
    EXPECT_TRUE(IsPlaceholder(value)) << value;
  }
}

TEST(IsPlaceholder, NeverTakesGeneratedSecretsForPlaceholders) {
  for (const fake::KindName& k : fake::kKinds) {
    for (int i = 0; i < 50; ++i) {
      std::string value = Fake(k.kind);
      EXPECT_FALSE(IsPlaceholder(value)) << k.name << " " << value.substr(0, 4);
    }
  }
}

TEST(CredentialFileRule, NamesCredentialFiles) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"/app/.npmrc", "credential-file-npmrc"},
      {"root/.pypirc", "credential-file-pypirc"},
      {"/root/.netrc", "credential-file-netrc"},
      {"C/Users/bob/_netrc", "credential-file-netrc"},
      {"/home/bob/.git-credentials", "credential-file-git-credentials"},
      {"/root/.docker/config.json", "credential-file-docker-config"},
      {"/root/.ssh/id_rsa", "credential-file-ssh-key"},
      {"/root/.ssh/id_ed25519", "credential-file-ssh-key"},
      {"/etc/ssh/ssh_host_ed25519_key", "credential-file-ssh-key"},
      {"/etc/ssl/private/server.key", "credential-file-private-key"},
      {"/app/tls/server.pem", "credential-file-private-key"},
      {"/app/client.p12", "credential-file-private-key"},
      {"/app/.env", "credential-file-dotenv"},
      {"/app/.env.production", "credential-file-dotenv"},
      {"/app/production.env", "credential-file-dotenv"},
      {"/etc/app/app.env", "credential-file-dotenv"},
      {"/root/.aws/credentials", "credential-file-aws"},
      {"/root/.azure/msal_token_cache.json", "credential-file-azure"},
      {"/root/.config/gcloud/application_default_credentials.json",
       "credential-file-gcloud"},
      {"/app/credentials.json", "credential-file-gcp-credentials"},
      {"/root/.kube/config", "credential-file-kubeconfig"},
      {"/app/kubeconfig", "credential-file-kubeconfig"},
      {"/root/.terraformrc", "credential-file-terraformrc"},
      {"/infra/terraform.tfstate", "credential-file-terraform-state"},
      {"/root/.vault-token", "credential-file-vault-token"},
      {"/root/.pgpass", "credential-file-pgpass"},
      {"/root/.my.cnf", "credential-file-mysql"},
  };
  for (const auto& [path, rule] : cases) {
    EXPECT_EQ(CredentialFileRule(path), rule) << path;
  }
}

TEST(CredentialFileRule, IgnoresOrdinaryAndPublicFiles) {
  for (std::string_view path :
       {"/app/main.py", "/root/.ssh/id_rsa.pub", "/root/.ssh/known_hosts",
        "/app/.env.example", "/app/.env.sample", "/app/.env.template",
        "/app/example.env", "/app/sample.env", "/app/default.env", "/app/env",
        "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs/Foo_Root.pem",
        "/usr/lib/python3/dist-packages/certifi/cacert.pem",
        "/app/server.crt", "/app/config.json", "/root/.aws/config",
        "/usr/share/keyrings/debian-archive-keyring.gpg", "", "/",
        "/app/npmrc", "/etc/apt/trusted.gpg.d/repo.key"}) {
    EXPECT_EQ(CredentialFileRule(path), "") << path;
  }
}

// ---------------------------------------------------------------------------
// Internals with a contract of their own

TEST(Codec, ComputesZlibCrc32) {
  EXPECT_EQ(detect::Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(detect::Crc32(""), 0u);
}

TEST(Codec, AgreesWithTheFakeSecretChecksum) {
  for (int i = 0; i < 100; ++i) {
    std::string body = fake::Random(fake::kBase62, 30);
    EXPECT_EQ(detect::Crc32(body), fake::Crc32(body));
    EXPECT_EQ(detect::Base62(fake::Crc32(body), 6),
              fake::Base62(fake::Crc32(body), 6));
  }
  EXPECT_EQ(detect::Base62(0, 6), "000000");
  EXPECT_EQ(detect::Base62(61, 2), "0z");
}

TEST(Codec, DecodesBothBase64Alphabets) {
  EXPECT_EQ(detect::Base64Decode(Base64("user:pa55")), "user:pa55");
  EXPECT_EQ(detect::Base64Decode("-_8"), "\xfb\xff");
  EXPECT_EQ(detect::Base64Decode("+/8="), "\xfb\xff");
  EXPECT_FALSE(detect::Base64Decode("a"));
  EXPECT_FALSE(detect::Base64Decode("ab!c"));
}

// ODBC's PWD is its password; the shell's PWD is a directory, which no
// value gate passes.
TEST(Detector, OdbcPwdIsAPasswordAndTheShellsPwdIsNot) {
  const std::string password = fake::RandomPassword(16);
  std::vector<Match> m =
      Scan("[prod]\nDriver=FreeTDS\nServer=sql01\nUID=sa\nPWD=" + password + "\n", "etc/odbc.ini");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, password));
  m = Scan("Server=sql01;Database=app;Uid=sa;Pwd=" + password + ";\n", "app/appsettings.ini");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  ExpectNone("PWD=/home/app\nOLDPWD=/root\nPWD=C:\\Users\\app\n", "proc/1/environ.txt");
}

TEST(Filters, TellsNamesOfSecretsFromNamesMentioningThem) {
  for (std::string_view name :
       {"DB_PASSWORD", "dbPassword", "client_secret", "ci.token", "API_KEY",
        "apiKey", "GITHUB_TOKEN", "DB_PASS", "DB_PWD", "private_key",
        "credentials", "AUTH", "oauth_token", "--password", "\"secret\"", "PWD", "Pwd"}) {
    EXPECT_TRUE(detect::NameSuggestsSecret(name)) << name;
  }
  for (std::string_view name :
       {"AUTHOR", "author", "TOKENIZERS_PARALLELISM", "secretary",
        "PASSWORD_FILE", "TOKEN_URL", "SECRET_NAME", "AUTH_TYPE", "bypass",
        "OLDPWD", "compass", "AWS_ACCESS_KEY_ID", "PASSWORD_HASH",
        "--export-secret-key--lsm-mount-context",
        // Java's classes for keys: their names are constants of compiled code.
        "SecretKeyFactory", "SecretKeySpec", "PrivateKeyGenerator"}) {
    EXPECT_FALSE(detect::NameSuggestsSecret(name)) << name;
  }
}

TEST(Filters, PassesRandomPasswordsThroughTheGenericGate) {
  int rejected = 0;
  for (int i = 0; i < 2000; ++i) {
    rejected += !detect::PassesGenericGate(Fake(Kind::kPassword));
  }
  // About 2 in 10^5 random passwords are rejected (letters only in long
  // runs of one case, a "..." at the end, …); 2000 draws hit three of them
  // about once in 10^5 runs.
  EXPECT_LE(rejected, 2);
}

// Generators that put '$' among their characters (Django's
// get_random_secret_key, pwgen -y): a '$' before letters names no
// variable when random characters stand around it.
TEST(Filters, PasswordsWithADollarBeforeLettersPassTheGenericGate) {
  constexpr std::string_view kDjango = "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)";
  constexpr std::string_view kSymbols =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!$%&*()#@^-_=+";
  int django = 0;
  int symbols = 0;
  for (int i = 0; i < 2000; ++i) {
    django += !detect::PassesGenericGate(fake::Random(kDjango, 50));
    symbols += !detect::PassesGenericGate(fake::Random(kSymbols, 16));
  }
  // Measured: about 2 and 4 in 2000 (a value in parentheses, "***");
  // before, 90 and 80, for every '$' before a letter.
  EXPECT_LE(django, 12);
  EXPECT_LE(symbols, 20);
  EXPECT_TRUE(detect::PassesGenericGate("xTYGwhNS$jjjRVdxFRzfV"));
  // Variables, commands and what little stands around them are no secret.
  for (const char* v : {"$HOME", "${X}", "$(cat /run/secrets/db)", "$DB_PASSWORD", "pre$VAR",
                        "$password", "$dbPass", "$this->pass", "$USER@host", "Bearer $TOKEN",
                        "$USER:$PASS", "$config->db_password", "$HOME/.config/app/key"}) {
    EXPECT_FALSE(detect::PassesGenericGate(v)) << v;
  }
}

// "_password = _messages.StringField(1)" in generated Python is code, not
// an .npmrc line.
TEST(Detector, NpmrcKeysInCodeAreNoCredentials) {
  ExpectNone("  _password = _messages.StringField(1)\n", "/sdk/apigee_v1_messages.py");
  ExpectNone("_auth = make_auth(user, pw)\n", "/app/client.py");
}

// PASSWORD_HASHER = "pbkdf2_sha256": a secret-sounding name, and the name
// of an algorithm as its value.
TEST(Filters, AlgorithmNamesAreNoSecrets) {
  for (const char* a : {"pbkdf2_sha256", "argon2id_v19", "bcrypt_sha256", "scrypt_n16384",
                        "aes256_gcm_sha384", "TLS_AES_256_GCM_SHA384", "hmac-sha512"}) {
    EXPECT_TRUE(detect::IsAlgorithmName(a)) << a;
    EXPECT_FALSE(detect::PassesGenericGate(a)) << a;
  }
  ExpectNone("PASSWORD_HASHER: str = \"pbkdf2_sha256\"\n", "/app/settings.py");
  ExpectNone("        - name: TOKEN_CIPHER\n          value: aes256_gcm_sha384\n",
             "/k8s/app.yaml");
  for (const char* p : {"Sha256_Kx9mQ2", "x9k2m4p8q1w7", "pbkdf2_Sha256", "ab_cd.ef"}) {
    EXPECT_FALSE(detect::IsAlgorithmName(p)) << p;
  }
}

// A constant of compiled code near a secret's name is judged by how random
// it is. Random values of the alphabets tokens use pass nearly always,
// whatever their mix of classes: before, one of 13 random passwords, 6 of 10 hex keys
// and 8 of 10 keys of small letters and digits were refused for changing
// class too seldom or holding runs of small letters, and a random value
// holding "pw" or "Key" for sounding like a secret's name.
TEST(Filters, ConstantGateTakesRandomValuesOfEveryShape) {
  struct Shape {
    std::string_view alphabet;
    size_t length;
    int most_refused;  // of 2000 draws
  };
  // Bounds about twice the mean refused and more, far beyond chance.
  const Shape shapes[] = {
      {fake::kPasswordChars, 16, 65}, {fake::kPasswordChars, 24, 30}, {fake::kBase64, 40, 12},
      {fake::kBase62, 20, 55},        {fake::kBase62, 32, 20},        {fake::kHexDigits, 32, 10},
      {fake::kHexDigits, 40, 6},      {"abcdefghijklmnopqrstuvwxyz0123456789", 32, 60},
      {"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 24, 110}};
  for (const Shape& shape : shapes) {
    SCOPED_TRACE(std::string(shape.alphabet) + " x" + std::to_string(shape.length));
    int refused = 0;
    for (int i = 0; i < 2000; ++i) {
      refused += detect::PassesConstantGate(fake::Random(shape.alphabet, shape.length)) ? 0 : 1;
    }
    EXPECT_LE(refused, shape.most_refused);
  }
}

// What compiled code holds near such names and is no secret: names,
// paths, format strings, versions, words.
TEST(Filters, ConstantGateRefusesNamesAndFormats) {
  for (const char* v :
       {"Ljava/lang/String;", "application/json", "_Ed448PrivateKey", "+i6t-use-option",
        "getSecretKeyFactoryInstance", "HTTPServerConfiguration", "SSLContextFactory",
        "org.apache.commons.lang3", "META-INF/MANIFEST.MF", "%Y-%m-%dT%H:%M:%S",
        "%Y%m%d%H%M%S%f", "%08x-%04x-%04x-%012x", "0123456789abcdef",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "aaaa1111bbbb2222", "AWS_SECRET_ACCESS_KEY",
        "/etc/app/secret.key", "Enter your password", "v1.2.3-beta.4+build.5",
        "2012-05-08T01:02:03+02:00", "${DATABASE_PASSWORD}", "x-amz-security-token",
        // Debian's bcprov and python3-cryptography hold these near secret names.
        "SecretKeyFactory.PBEWITHHMACSHA256", "Cipher.PBEWITHSHAAND128BITRC2-CBC",
        "_Ed25519PrivateKey", "_ED25519_KEY_SIZE",
        // python3-cryptography's hpke and ssh modules (from PyPI): the
        // names of public keys' types, near those of private keys.
        "MLKEM768X25519PublicKey", "MLKEM1024P384PublicKey", "ed25519.Ed25519PublicKey",
        "rsa.RSAPublicNumbers", "X448PublicKeyCert", "dh.DHParameterNumbers"}) {
    EXPECT_FALSE(detect::PassesConstantGate(v)) << v;
  }
  // A random password with a '%' before a letter, twice, is no format.
  EXPECT_TRUE(detect::PassesConstantGate("6%Wx%QxW@gd9fnYPu"));
}

// A user table's "password" column often holds the hash: no finding.
TEST(Filters, PasswordHashesAreNoSecrets) {
  const std::string salt = fake::Random(fake::kBase62, 16);
  for (const std::string& h :
       {"$6$" + salt + "$" + fake::Random(fake::kBase62, 86),
        "$2b$12$" + fake::Random(fake::kBase62, 53), "$y$j9T$" + salt + "$" + salt,
        "$argon2id$v=19$m=65536,t=3,p=4$" + salt + "$" + fake::Random(fake::kBase64, 43),
        "pbkdf2_sha256$600000$" + salt + "$" + fake::Random(fake::kBase64, 43) + "=",
        "{SSHA}" + fake::Random(fake::kBase64, 32), "$apr1$" + salt.substr(0, 8) + "$" + salt}) {
    EXPECT_TRUE(detect::IsPasswordHash(h)) << h;
    EXPECT_FALSE(detect::PassesGenericGate(h)) << h;
  }
  // What a database keeps: PostgreSQL's md5 and SCRAM, MySQL's native hash,
  // as pg_dumpall --roles-only and mysqldump write them.
  const std::string md5 = "md5" + fake::Random(fake::kHexDigits, 32);
  const std::string scram = "SCRAM-SHA-256$4096:" + fake::Random(fake::kBase64, 24) + "$" +
                            fake::Random(fake::kBase64, 44) + ":" +
                            fake::Random(fake::kBase64, 44);
  const std::string mysql = "*" + fake::Random("0123456789ABCDEF", 40);
  for (const std::string& h : {md5, scram, mysql}) EXPECT_TRUE(detect::IsPasswordHash(h)) << h;
  ExpectNone("ALTER ROLE app WITH LOGIN PASSWORD '" + md5 + "';\n"
             "ALTER ROLE web WITH LOGIN PASSWORD '" + scram + "';\n"
             "CREATE USER 'app'@'%' IDENTIFIED BY PASSWORD '" + mysql + "';\n",
             "/docker-entrypoint-initdb.d/roles.sql");
  for (const std::string& p : {"$ecretPa55$" + salt, "S3cr3t$" + salt, "{" + salt + "}x",
                               "$" + salt, "$$" + salt}) {
    EXPECT_FALSE(detect::IsPasswordHash(p)) << p;
  }
}

// moto's sample data, a pyc's constants: a date and time is never a secret.
TEST(Filters, TimestampsAreNoSecrets) {
  for (const char* t : {"2010-05-08T01:02:03.004Z", "2024-02-29 23:59:59", "2019-08-14",
                        "2012-05-08T01:02:03+02:00", "2012-05-08T01:02:03,5-0700"}) {
    EXPECT_TRUE(detect::IsTimestamp(t)) << t;
    EXPECT_FALSE(detect::PassesGenericGate(t)) << t;
  }
  for (const char* t : {"2010-05-08Tx", "20100508T010203", "2010-05-08T01:02:03Zq", "abcd-ef-gh",
                        "2010-05-08T01"}) {
    EXPECT_FALSE(detect::IsTimestamp(t)) << t;
  }
}

}  // namespace
}  // namespace safebuild
