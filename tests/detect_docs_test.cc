// False alarms seen on a real image (Debian's documentation and logs, npm
// packages' grammars, API models, tests and READMEs): test logs, netrc and
// URL examples in manuals, scope names and paginator keys are not secrets,
// while the same shapes in a real credential file or with a generated
// value still are.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "detect/detector.h"
#include "detect/filters.h"
#include "detect_test_util.h"
#include "fake_secret.h"

namespace safebuild {
namespace {

TEST(DetectorDocs, TestLogVerdictsAreNotPasswords) {
  std::string log =
      "PASS: binutils-all/i386/empty\n"
      "PASS: gdb.arch/amd64-init-x87-values.exp: check_x87_regs_around_init\n"
      "FAIL: ld-elf/shared\n";
  EXPECT_TRUE(detect_test::Scan(log, "/usr/share/doc/binutils/test-summary").empty());
}

TEST(DetectorDocs, RelativeLowerCasePathIsNotASecretValue) {
  EXPECT_TRUE(detect_test::Scan("token=build-tools/x86_64/release.txt").empty());
}

TEST(DetectorDocs, NetrcExampleInAManualIsNotAFinding) {
  std::string man = "machine example.org\nlogin apt\npassword debian\n";
  EXPECT_TRUE(detect_test::Scan(man, "/usr/share/man/man5/apt_auth.conf.5").empty());
}

TEST(DetectorDocs, WeakPasswordInARealNetrcFileIsStillReported) {
  std::string netrc = "machine git.example.invalid login ci password debian\n";
  auto found = detect_test::Scan(netrc, "/root/.netrc");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, "netrc-password");
}

TEST(DetectorDocs, GeneratedPasswordInAnyNetrcTextIsReported) {
  std::string pw = fake::Make(fake::Kind::kPassword);
  std::string text = "machine h.example.invalid login ci password " + pw + "\n";
  auto found = detect_test::Scan(text, "history/3");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, "netrc-password");
}

// Token formats as manuals and READMEs quote them: shortened, filled with
// x, or spelled out as what to put there.
TEST(DetectorDocs, TokenExamplesInReadmesAreNotFindings) {
  std::string readme =
      "export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
      "export GITLAB_TOKEN=glpat-XXXXXXXXXXXXXXXXXXXX\n"
      "OPENAI_API_KEY=sk-proj-...\n"
      "HF_TOKEN=hf_...\n"
      "SLACK_BOT_TOKEN=xoxb-your-bot-token\n"
      "DIGITALOCEAN_TOKEN=dop_v1_0000000000000000000000000000000000000000000000000000000000000000\n"
      "VAULT_TOKEN=hvs.<your-token>\n"
      "bot = Bot(token='123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11')\n"
      "stripe.api_key = 'sk_live_...'\n"
      "NEW_RELIC_LICENSE_KEY=<license key>NRAL\n";
  auto found = detect_test::Scan(readme, "/usr/share/doc/app/README.md");
  EXPECT_TRUE(found.empty()) << found.size() << " " << (found.empty() ? "" : found[0].rule);
}

TEST(DetectorDocs, EmulatorKeysAndConnectionStringTemplatesAreNotFindings) {
  std::string text =
      "AzureWebJobsStorage=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
      "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/"
      "K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;\n"
      "Server=myServerAddress;Database=myDataBase;User Id=myUsername;Password=myPassword;\n"
      "jdbc:postgresql://localhost:5432/db?user=postgres&password=${PGPASSWORD}\n"
      "# hostname:port:database:username:password\n"
      "localhost:5432:*:postgres:password\n";
  auto found = detect_test::Scan(text, "/usr/share/doc/app/examples.txt");
  EXPECT_TRUE(found.empty()) << found.size() << " " << (found.empty() ? "" : found[0].rule);
}

// Base64 runs of certificates and data URIs hold every short prefix by
// chance; a shape found inside one is no token.
TEST(DetectorDocs, TokenPrefixesInsideBase64RunsAreNotFindings) {
  std::string blob = fake::Random(fake::kBase64, 100);
  for (std::string_view prefix : {"EAAB", "EAAA", "dapi", "AKCp", "SK", "oy2"}) {
    std::string text = "data:image/png;base64," + blob + "+" + std::string(prefix) +
                       fake::Random(fake::kBase62, 90) + "/" + blob + "\n";
    auto found = detect_test::Scan(text, "/srv/www/index.html");
    EXPECT_TRUE(found.empty()) << prefix << ": " << (found.empty() ? "" : found[0].rule);
  }
}

TEST(DetectorDocs, CommitHashesNextToRegionNamesAreNotMailchimpKeys) {
  std::string sha = fake::Random("0123456789abcdef", 40);
  EXPECT_TRUE(detect_test::Scan("deployed " + sha + "-us1 ok\n").empty());
}

TEST(DetectorDocs, Utf16DocumentationWithPlaceholdersIsNotAFinding) {
  std::string plain = "Set DB_PASSWORD=<your password> and TOKEN=changeme\r\n";
  std::string wide = "\xFF\xFE";
  for (char c : plain) wide += std::string(1, c) + '\0';
  EXPECT_TRUE(detect_test::Scan(wide, "C:/docs/setup.txt").empty());
}

std::vector<Match> ScanAt(std::string_view text, std::string_view path) {
  return detect_test::Scan(text, path);
}

std::string Rules(const std::vector<Match>& found) {
  std::string out;
  for (const Match& m : found) out += m.rule + "@" + std::to_string(m.line) + " ";
  return out;
}

// dpkg.log lines hold colons between their blanks; only a file made of
// host:port:db:user:password entries is a .pgpass.
TEST(DetectorDocs, PgpassRuleNeedsAPgpassShapedFile) {
  std::string pw = fake::Mixed(22);
  std::string log =
      "2024-11-20 09:41:07 install bsdutils:amd64 <none> 1:2.38.1-5\n"
      "2024-11-20 09:41:07 status half-installed bsdutils:amd64 1:2.38.1-5\n"
      "2024-11-20 09:41:08 status unpacked bsdutils:amd64 1:2.38.1-5\n"
      "2024-11-20 09:41:09 startup archives unpack\n"
      "db.internal:5432:app:svc:" + pw + "\n";
  EXPECT_EQ(Rules(ScanAt(log, "/var/log/dpkg.log")), "");
  std::string pw2 = fake::Mixed(22);
  std::string pgpass = "# backups\n\ndb1.internal:5432:app:svc:" + pw +
                       "\n*:*:*:replicator:" + pw2 + "\n";
  std::vector<Match> found = ScanAt(pgpass, "/etc/backup/pgpass.conf");
  ASSERT_EQ(found.size(), 2u) << Rules(found);
  EXPECT_EQ(found[0].rule, "pgpass-password");
  EXPECT_EQ(found[0].offset, pgpass.find(pw));
  EXPECT_EQ(found[1].offset, pgpass.find(pw2));
}

// Monarch and TextMate grammars name token scopes with capture slots.
TEST(DetectorDocs, GrammarScopeNamesWithSlotsAreNotTokens) {
  std::string grammar =
      "cases: { \"if|unless\": { token: \"keyword.$0\", next: \"@modifier.$0\" },\n"
      "  for: { token: \"keyword.$2\" }, \"@default\": { token: \"keyword.$0x\" },\n"
      "  def: { token: \"support.function.${1}\" }, tag: { token: \"meta.%s.begin\" },\n"
      "  v: { token: \"variable.{name}\" } }\n";
  const std::string path = "/srv/app/node_modules/monaco-editor/esm/vs/ruby/ruby.js";
  EXPECT_EQ(Rules(ScanAt(grammar, path)), "");
  std::string pw = fake::Make(fake::Kind::kPassword);
  std::string slotted = pw.substr(0, 10) + "$1" + pw.substr(10);
  for (const std::string& value : {pw, slotted}) {
    std::string text = grammar + "const client = { token: \"" + value + "\" };\n";
    std::vector<Match> found = ScanAt(text, path);
    ASSERT_EQ(found.size(), 1u) << Rules(found);
    EXPECT_EQ(found[0].rule, "generic-secret-assignment");
    EXPECT_EQ(found[0].offset, text.find(value));
  }
}

TEST(DetectorDocs, PaginatorKeysAreNotTokens) {
  std::string json =
      "{\"pagination\": {\"DescribeStream\": {\n"
      "  \"input_token\": \"ExclusiveStartShardId\",\n"
      "  \"output_token\": \"LastEvaluatedTableName\",\n"
      "  \"more_results\": \"StreamDescription.HasMoreShards\"}}}\n";
  const std::string path = "/srv/app/node_modules/aws-sdk/apis/kinesis.paginators.json";
  EXPECT_EQ(Rules(ScanAt(json, path)), "");
  std::string token = fake::Mixed(24);
  std::string real = "{\"input_token\": \"" + token + "\"}\n";
  std::vector<Match> found = ScanAt(real, path);
  ASSERT_EQ(found.size(), 1u) << Rules(found);
  EXPECT_EQ(found[0].offset, real.find(token));
}

// About 1 in 4000 random 20-letter strings splits into PascalCase words
// (few capitals, a vowel in every hump); a generated password, which has
// digits or symbols, never does. 2000 draws exceed 4 about once in 10^4.
TEST(DetectorDocs, RandomLettersAreRarelyPascalCaseIdentifiers) {
  const std::string letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  int letters_taken = 0;
  int passwords_taken = 0;
  for (int i = 0; i < 2000; ++i) {
    letters_taken += detect::LooksLikeIdentifier(fake::Random(letters, 20));
    passwords_taken += detect::LooksLikeIdentifier(fake::Make(fake::Kind::kPassword));
  }
  EXPECT_LE(letters_taken, 4);
  // About 1 random password in 2 million is taken ("MelKyiawQkyrck.yrhXac6":
  // pronounceable humps, a joint): 2000 draws hit one about once in 1000
  // runs, and two about once in 2 million.
  EXPECT_LE(passwords_taken, 1);
}

TEST(DetectorDocs, ValuesInExampleAndTestDataAreNotSecrets) {
  std::string token = fake::Mixed(32);
  std::string json = "{\"output\": {\"SessionToken\": \"" + token + "\"}}\n";
  for (const char* path :
       {"/srv/app/node_modules/aws-sdk/apis/sts-2011-06-15.examples.json",
        "/srv/app/node_modules/url/test/fixtures/session.json",
        "/usr/lib/python3/dist-packages/botocore/data/iam/2010-05-08/examples-1.json",
        "/srv/app/src/client.spec.ts"}) {
    EXPECT_EQ(Rules(ScanAt(json, path)), "") << path;
  }
  EXPECT_EQ(ScanAt(json, "/srv/app/config/session.json").size(), 1u);
  // A provider's token format is judged by itself, wherever it is.
  std::string github = "{\"token\": \"" + fake::Make(fake::Kind::kGithubToken) + "\"}\n";
  std::vector<Match> found =
      ScanAt(github, "/srv/app/node_modules/aws-sdk/apis/x.examples.json");
  ASSERT_EQ(found.size(), 1u) << Rules(found);
  EXPECT_NE(found[0].rule, "generic-secret-assignment");
}

// A CloudFormation resource type or a C++/Perl/Ruby scope ends in a word
// such as AccessKey or Token: a type's name, not a key's.
TEST(DetectorDocs, ScopedTypeNamesAreNoKeys) {
  const std::string value = fake::Random("0123456789abcdef", 16);
  EXPECT_EQ(Rules(ScanAt("    \"AWS::IAM::AccessKey\": \"" + value + "\",\n",
                         "/usr/lib/python3/dist-packages/cfnlint/data/providers/x.py")),
            "");
  EXPECT_EQ(Rules(ScanAt("Auth::Token = \"" + fake::Mixed(20) + "\"\n", "/srv/a.conf")), "");
  EXPECT_EQ(Rules(ScanAt("IAM_AccessKey = \"" + fake::Mixed(20) + "\"\n", "/srv/a.conf")),
            "generic-secret-assignment@1 ");
}

TEST(DetectorDocs, ExampleAndTestPathsAreRecognised) {
  EXPECT_TRUE(detect::IsExampleOrTestPath("/a/apis/account-2021-02-01.examples.json"));
  EXPECT_TRUE(detect::IsExampleOrTestPath("/srv/app/node_modules/url/test.js"));
  EXPECT_TRUE(detect::IsExampleOrTestPath("/src/pkg/client_test.go"));
  EXPECT_TRUE(detect::IsExampleOrTestPath("/src/tests/conftest.py"));
  EXPECT_FALSE(detect::IsExampleOrTestPath("/etc/app/config.json"));
  EXPECT_FALSE(detect::IsExampleOrTestPath("/srv/app/latest/contest.js"));
  EXPECT_FALSE(detect::IsExampleOrTestPath("/srv/app/examplesapp.json"));
}

TEST(DetectorDocs, SourceMapsAreReadAsTheSourcesTheyMap) {
  std::string map =
      "{\"sourcesContent\":[\"const tokenValue = options?.addSuffix ? x : y;\\n\"]}";
  EXPECT_EQ(Rules(ScanAt(map, "/srv/app/node_modules/date-fns/locale/de/cdn.js.map")), "");
  // Outside source code a bare value counts, as in a config file.
  std::string pw = fake::Make(fake::Kind::kPassword);
  std::string conf = "tokenValue = " + pw + "\n";
  EXPECT_EQ(Rules(ScanAt(conf, "/srv/app/app.map")), "generic-secret-assignment@1 ");
  EXPECT_EQ(Rules(ScanAt(conf, "/srv/app/app.js.map")), "");
}

// A status badge's token reads nothing but a public image.
TEST(DetectorDocs, BadgeTokensInReadmesAreNotSecrets) {
  std::string token = fake::Mixed(10);
  std::string readme = "[![codecov](https://codecov.io/gh/o/r/branch/main/graph/badge.svg?token=" +
                       token + ")](https://codecov.io/gh/o/r)\n";
  EXPECT_EQ(Rules(ScanAt(readme, "/srv/app/node_modules/flat-cache/README.md")), "");
  std::string api_token = fake::Mixed(24);
  std::string curl = "curl https://api.example.org/v1/items?token=" + api_token + "\n";
  std::vector<Match> found = ScanAt(curl, "/srv/app/README.md");
  ASSERT_EQ(found.size(), 1u) << Rules(found);
  EXPECT_EQ(found[0].offset, curl.find(api_token));
}

TEST(DetectorDocs, UrlCredentialsOfManualsAndTestsAreExamples) {
  std::string man =
      "deb https://apt:debian@example\\&.org/debian bookworm main\n"
      "\\fIhttp://user:pass@server:port/\\fR\n"
      "\\fIhttp://Benutzer:Passwort@Server:Port/\\fR\n"
      "\\fIhttp://gebruiker:wachtwoord@server:poort/\\fR\n"
      "https://username:password@example.org https://login:secret@example.org\n";
  EXPECT_EQ(Rules(ScanAt(man, "/usr/share/man/man5/sources.list.5.gz")), "");
  std::string test =
      "'http://user:pw@www.example.com/' : {\n"
      "'http://atpass:foo%40bar@127.0.0.1:8080/path?search=foo#bar' : {\n"
      "'http://atslash%2F%40:%2F%40@foo/' : {\n";
  EXPECT_EQ(Rules(ScanAt(test, "/srv/app/node_modules/url/test.js")), "");
  std::string pw = fake::Mixed(20);
  for (const char* path : {"/srv/app/node_modules/url/test.js", "/etc/apt/sources.list"}) {
    std::string text = "'https://deploy:" + pw + "@git.example.org/a.git'\n";
    std::vector<Match> found = ScanAt(text, path);
    ASSERT_EQ(found.size(), 1u) << path;
    EXPECT_EQ(found[0].rule, "url-credentials");
    EXPECT_EQ(found[0].offset, text.find(pw));
  }
}

}  // namespace
}  // namespace safebuild
