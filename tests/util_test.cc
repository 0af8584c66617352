#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "util/fingerprint.h"
#include "util/text.h"

namespace safebuild {
namespace {

TEST(Text, ChangesCaseOfAsciiLettersOnly) {
  EXPECT_EQ(ToLower("DB_Password-1\xC3\x84"), "db_password-1\xC3\x84");
  EXPECT_EQ(ToUpper("db_password-1"), "DB_PASSWORD-1");
}

TEST(Text, ComparesPrefixesAndSuffixes) {
  EXPECT_TRUE(StartsWith("ghp_abc", "ghp_"));
  EXPECT_TRUE(StartsWith("abc", ""));
  EXPECT_FALSE(StartsWith("gh", "ghp_"));
  EXPECT_TRUE(EndsWith("id_rsa.pub", ".pub"));
  EXPECT_FALSE(EndsWith("pub", ".pub"));
}

TEST(Text, TrimsAllAsciiWhitespace) {
  EXPECT_EQ(Trim(" \t\r\n value \f\v"), "value");
  EXPECT_EQ(Trim(" \n "), "");
  EXPECT_EQ(Trim(""), "");
}

TEST(Text, SplitKeepsEmptyFields) {
  EXPECT_EQ(Split("a//b/", '/'),
            (std::vector<std::string>{"a", "", "b", ""}));
  EXPECT_EQ(Split("", '/'), (std::vector<std::string>{""}));
}

TEST(Text, ReplaceAllDoesNotLookAgainAtWhatItPutIn) {
  EXPECT_EQ(ReplaceAll("id=NAME,x=NAME", "NAME", "A_NAME_B"), "id=A_NAME_B,x=A_NAME_B");
  EXPECT_EQ(ReplaceAll("aaa", "a", "aa"), "aaaaaa");
  EXPECT_EQ(ReplaceAll("abc", "", "x"), "abc");
  EXPECT_EQ(ReplaceAll("abc", "d", "x"), "abc");
}

TEST(Text, PrintableEscapesWhatIsNotPrintableUtf8) {
  EXPECT_EQ(Printable("/app/.env"), "/app/.env");
  EXPECT_EQ(Printable("/Ärger/日本/🔑"), "/Ärger/日本/🔑");
  EXPECT_EQ(Printable("caf\xe9"), "caf\\xe9");                  // Latin-1
  EXPECT_EQ(Printable("a\x1b[2Kb\n\r\x7f"), "a\\x1b[2Kb\\x0a\\x0d\\x7f");
  EXPECT_EQ(Printable("a\tb"), "a\\x09b");
  EXPECT_EQ(Printable("a\tb", true), "a\tb");
  EXPECT_EQ(Printable("\xc2\x9b" "2J"), "\\xc2\\x9b" "2J");  // C1 CSI
  EXPECT_EQ(Printable("\xc2\xa0"), "\xc2\xa0");                // no-break space
  EXPECT_EQ(Printable("\xc0\xaf"), "\\xc0\\xaf");            // overlong "/"
  EXPECT_EQ(Printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(Printable("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
  EXPECT_EQ(Printable("ab\xe6\x97"), "ab\\xe6\\x97");         // cut short
  EXPECT_EQ(Printable(std::string_view("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(Printable(Printable("caf\xe9\x1b")), Printable("caf\xe9\x1b"));
  // Marks that reorder what follows: "invoice\u202Etxt.exe" shows as
  // "invoiceexe.txt" on a terminal.
  EXPECT_EQ(Printable("invoice\xe2\x80\xaetxt.exe"), "invoice\\xe2\\x80\\xaetxt.exe");
  for (const char* mark : {"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad",
                           "\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9",
                           "\xe2\x80\x8e", "\xe2\x80\x8f", "\xd8\x9c"}) {
    EXPECT_EQ(Printable(mark).find('\\'), 0u) << Printable(mark);
  }
  EXPECT_EQ(Printable("\xe2\x80\x94 \xe2\x81\xa0"), "\xe2\x80\x94 \xe2\x81\xa0");  // a dash
}

// Two names never show the same: a newline and the text "\x0a" differ.
TEST(Text, PrintableNamesOfTwoFilesDiffer) {
  EXPECT_EQ(PrintableName("/app/n\nl.txt"), "/app/n\\x0al.txt");
  EXPECT_EQ(PrintableName("/app/n\\x0al.txt"), "/app/n\\x5cx0al.txt");
  EXPECT_EQ(PrintableName("C:\\dir\\file"), "C:\\dir\\file");
  EXPECT_EQ(PrintableName("\\x\\x"), "\\x5cx\\x5cx");
  EXPECT_EQ(PrintableName("caf\xe9\\x"), "caf\\xe9\\x5cx");
}

TEST(Text, LineColAtCountsFromOne) {
  const std::string text = "ab\ncd\r\nef";
  EXPECT_EQ(LineColAt(text, 0).line, 1);
  EXPECT_EQ(LineColAt(text, 0).column, 1);
  EXPECT_EQ(LineColAt(text, 2).line, 1);  // the newline itself
  EXPECT_EQ(LineColAt(text, 2).column, 3);
  EXPECT_EQ(LineColAt(text, 3).line, 2);
  EXPECT_EQ(LineColAt(text, 3).column, 1);
  EXPECT_EQ(LineColAt(text, 8).line, 3);
  EXPECT_EQ(LineColAt(text, 8).column, 2);
}

TEST(Text, LineColAtClampsPastTheEnd) {
  EXPECT_EQ(LineColAt("ab\n", 99).line, 2);
  EXPECT_EQ(LineColAt("ab\n", 99).column, 1);
}

TEST(Text, LineAtReturnsTheWholeLineWithoutItsNewline) {
  const std::string text = "first\nsecond\r\nthird";
  EXPECT_EQ(LineAt(text, 0), "first");
  EXPECT_EQ(LineAt(text, 5), "first");  // the newline belongs to its line
  EXPECT_EQ(LineAt(text, 6), "second");
  EXPECT_EQ(LineAt(text, 9), "second");
  EXPECT_EQ(LineAt(text, 14), "third");
  EXPECT_EQ(LineAt(text, 99), "third");
}

TEST(Text, LineAtOfALeadingNewlineIsTheEmptyFirstLine) {
  // Was "abc": the old code skipped the newline at offset 0.
  EXPECT_EQ(LineAt("\nabc", 0), "");
  EXPECT_EQ(LineAt("\nabc", 1), "abc");
  EXPECT_EQ(LineAt("\n\n", 1), "");
}

TEST(Text, LineAtOfEmptyTextIsEmpty) {
  EXPECT_EQ(LineAt("", 0), "");
  EXPECT_EQ(LineAt("abc\n", 4), "");
}

TEST(Text, EntropyIsBitsPerCharacter) {
  EXPECT_DOUBLE_EQ(Entropy(""), 0.0);
  EXPECT_DOUBLE_EQ(Entropy("aaaa"), 0.0);
  EXPECT_DOUBLE_EQ(Entropy("abab"), 1.0);
  EXPECT_DOUBLE_EQ(Entropy("abcdefgh"), 3.0);
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_DOUBLE_EQ(Entropy(all), 8.0);
}

// Restores SAFEBUILD_FINGERPRINT_KEY when a test changed it.
class FingerprintKeyGuard {
 public:
  FingerprintKeyGuard() {
    const char* old = std::getenv("SAFEBUILD_FINGERPRINT_KEY");
    had_ = old != nullptr;
    if (had_) old_ = old;
  }
  ~FingerprintKeyGuard() {
    if (had_) {
      setenv("SAFEBUILD_FINGERPRINT_KEY", old_.c_str(), 1);
    } else {
      unsetenv("SAFEBUILD_FINGERPRINT_KEY");
    }
  }

 private:
  bool had_ = false;
  std::string old_;
};

TEST(Fingerprint, IsStableHexOfRuleAndSecret) {
  FingerprintKeyGuard guard;
  unsetenv("SAFEBUILD_FINGERPRINT_KEY");
  std::string a = Fingerprint("npm-token", "value-one");
  EXPECT_EQ(a, Fingerprint("npm-token", "value-one"));
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, Fingerprint("npm-token", "value-two"));
  EXPECT_NE(a, Fingerprint("github-classic-token", "value-one"));
}

TEST(Fingerprint, SeparatesRuleFromSecret) {
  FingerprintKeyGuard guard;
  unsetenv("SAFEBUILD_FINGERPRINT_KEY");
  EXPECT_NE(Fingerprint("ab", "c"), Fingerprint("a", "bc"));
}

TEST(Fingerprint, DependsOnTheOrganisationKey) {
  FingerprintKeyGuard guard;
  unsetenv("SAFEBUILD_FINGERPRINT_KEY");
  std::string project_key = Fingerprint("rule", "secret");
  setenv("SAFEBUILD_FINGERPRINT_KEY", "our-own-key", 1);
  std::string own_key = Fingerprint("rule", "secret");
  EXPECT_NE(project_key, own_key);
  setenv("SAFEBUILD_FINGERPRINT_KEY", "", 1);  // empty: the project's key
  EXPECT_EQ(Fingerprint("rule", "secret"), project_key);
}

TEST(Redact, ShowsAtMostFourCharacters) {
  EXPECT_EQ(Redact("0123456789abcdef"), "0123…");
  EXPECT_EQ(Redact("0123456789ab"), "0123…");
}

// A binary key's first bytes are no text: nothing of them is shown.
TEST(Redact, ShowsNothingOfABinarySecret) {
  EXPECT_EQ(Redact(std::string("\xff,f\x98", 4) + "0123456789abcdef"), "…");
  EXPECT_EQ(Redact(std::string("ab\0c", 4) + "0123456789abcdef"), "…");
}

TEST(Redact, ShowsNothingOfShortSecrets) {
  EXPECT_EQ(Redact("0123456789a"), "…");
  EXPECT_EQ(Redact(""), "…");
}

}  // namespace
}  // namespace safebuild

#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "util/atomic_file.h"
#include "util/temp_dir.h"

namespace safebuild {
namespace {

TEST(ReplaceFile, WritesNewContentWithModeAndLeavesNoTemporaryFile) {
  auto dir = TempDir::Create("atomic-test");
  ASSERT_TRUE(dir);
  auto target = dir->path() / "report.json";
  ASSERT_TRUE(ReplaceFile(target, "old\n"));
  ASSERT_TRUE(ReplaceFile(target, "new\n", 0600));
  std::ifstream in(target);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "new\n");
  struct stat st {};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir->path())) files += e.exists();
  EXPECT_EQ(files, 1);
}

TEST(ReplaceFile, FailsWhenTheDirectoryIsMissing) {
  auto st = ReplaceFile("/nonexistent-safebuild-dir/report.json", "x");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error(), "cannot create a file beside /nonexistent-safebuild-dir/report.json");
}

}  // namespace
}  // namespace safebuild
