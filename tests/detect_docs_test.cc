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

}  // namespace
}  // namespace safebuild
