// False alarms seen on a real Debian image's documentation: test logs and
// netrc examples in manuals are not secrets, while the same shapes in a
// real .netrc file or with a generated value still are.
#include <gtest/gtest.h>

#include "detect/detector.h"
#include "fake_secret.h"

namespace safebuild {
namespace {

TEST(DetectorDocs, TestLogVerdictsAreNotPasswords) {
  std::string log =
      "PASS: binutils-all/i386/empty\n"
      "PASS: gdb.arch/amd64-init-x87-values.exp: check_x87_regs_around_init\n"
      "FAIL: ld-elf/shared\n";
  EXPECT_TRUE(Detector::Default().Scan(log, "/usr/share/doc/binutils/test-summary").empty());
}

TEST(DetectorDocs, RelativeLowerCasePathIsNotASecretValue) {
  EXPECT_TRUE(Detector::Default().Scan("token=build-tools/x86_64/release.txt").empty());
}

TEST(DetectorDocs, NetrcExampleInAManualIsNotAFinding) {
  std::string man = "machine example.org\nlogin apt\npassword debian\n";
  EXPECT_TRUE(Detector::Default().Scan(man, "/usr/share/man/man5/apt_auth.conf.5").empty());
}

TEST(DetectorDocs, WeakPasswordInARealNetrcFileIsStillReported) {
  std::string netrc = "machine git.example.invalid login ci password debian\n";
  auto found = Detector::Default().Scan(netrc, "/root/.netrc");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, "netrc-password");
}

TEST(DetectorDocs, GeneratedPasswordInAnyNetrcTextIsReported) {
  std::string pw = fake::Make(fake::Kind::kPassword);
  std::string text = "machine h.example.invalid login ci password " + pw + "\n";
  auto found = Detector::Default().Scan(text, "history/3");
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
  auto found = Detector::Default().Scan(readme, "/usr/share/doc/app/README.md");
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
  auto found = Detector::Default().Scan(text, "/usr/share/doc/app/examples.txt");
  EXPECT_TRUE(found.empty()) << found.size() << " " << (found.empty() ? "" : found[0].rule);
}

// Base64 runs of certificates and data URIs hold every short prefix by
// chance; a shape found inside one is no token.
TEST(DetectorDocs, TokenPrefixesInsideBase64RunsAreNotFindings) {
  std::string blob = fake::Random(fake::kBase64, 100);
  for (std::string_view prefix : {"EAAB", "EAAA", "dapi", "AKCp", "SK", "oy2"}) {
    std::string text = "data:image/png;base64," + blob + "+" + std::string(prefix) +
                       fake::Random(fake::kBase62, 90) + "/" + blob + "\n";
    auto found = Detector::Default().Scan(text, "/srv/www/index.html");
    EXPECT_TRUE(found.empty()) << prefix << ": " << (found.empty() ? "" : found[0].rule);
  }
}

TEST(DetectorDocs, CommitHashesNextToRegionNamesAreNotMailchimpKeys) {
  std::string sha = fake::Random("0123456789abcdef", 40);
  EXPECT_TRUE(Detector::Default().Scan("deployed " + sha + "-us1 ok\n").empty());
}

TEST(DetectorDocs, Utf16DocumentationWithPlaceholdersIsNotAFinding) {
  std::string plain = "Set DB_PASSWORD=<your password> and TOKEN=changeme\r\n";
  std::string wide = "\xFF\xFE";
  for (char c : plain) wide += std::string(1, c) + '\0';
  EXPECT_TRUE(Detector::Default().Scan(wide, "C:/docs/setup.txt").empty());
}

}  // namespace
}  // namespace safebuild
