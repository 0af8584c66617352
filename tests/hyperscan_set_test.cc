// The Hyperscan pass against the RE2 one: the set carried by the binary is
// the one made from these patterns, it matches at least what RE2::Set
// matches, and the key-name starts it finds hold every match of the
// patterns that open with a key name. (Every detector test also compares
// the two engines' findings: see detect_test_util.h.)
#include "detect/hyperscan_set.h"

#include <gtest/gtest.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "detect/rules.h"
#include "detect_test_util.h"
#include "fake_secret.h"

namespace safebuild {
namespace {

using detect::HyperscanSet;

std::vector<std::string_view> BuiltinRegexes() {
  std::vector<std::string_view> regexes;
  for (const detect::Pattern& p : detect::BuiltinPatterns()) regexes.push_back(p.regex);
  return regexes;
}

RE2::Options Latin1() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  return o;
}

// Lines in the shapes the patterns look for, with generated values, and
// random runs of the pieces they are made of: key names, separators,
// quotes, newlines and the prefixes of token formats.
std::vector<std::string> SampleTexts() {
  std::vector<std::string> texts;
  for (const fake::TokenFormat& f : fake::kTokenFormats) {
    const std::string token = fake::Make(f);
    texts.push_back(token);
    texts.push_back("export API_KEY=" + token + "\n");
    texts.push_back("{\"token\": \"" + token + "\"}");
  }
  const std::string password = fake::RandomPassword(16);
  for (std::string_view line : {"db_password = '{}'\n", "PASSWORD={}", "masterauth {}\n",
                                "password: |\n  {}\n", "<Password>{}</Password>",
                                "auth_token := \"{}\"", "secret_key => \"{}\",",
                                "postgres://app:{}@db:5432/app", "ENV.fetch('API_TOKEN', '{}')",
                                "--password {} \\\n", "set PGPASSWORD={}\r\n"}) {
    std::string text(line);
    text.replace(text.find("{}"), 2, password);
    texts.push_back(text);
  }
  const std::vector<std::string> pieces = {
      "pass", "PASSWORD", "_PAT", "token", "Auth", "api_key", "secret", "psk", "rootpw",
      "=", ":", " ", "\t", "\n", "\r\n", "\"", "'", "`", "\\", "$", "{", "}", "(", ")",
      "<", ">", "/", "@", "-", "_", ".", ",", "ghp_", "xoxb-", "AKIA", "sk-", "eyJ",
      "-----BEGIN ", "PRIVATE KEY-----", password, "0123456789abcdef", "QUJDRA=="};
  std::mt19937 random(20261206);
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const int count = 1 + static_cast<int>(random() % 24);
    for (int j = 0; j < count; ++j) text += pieces[random() % pieces.size()];
    texts.push_back(text);
  }
  return texts;
}

std::vector<size_t> NaiveKeyNameStarts(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::vector<size_t> starts;
  for (size_t i = 0; i < lower.size(); ++i) {
    for (std::string_view word : detect::KeyNameStarts()) {
      if (std::string_view(lower).substr(i).starts_with(word)) {
        starts.push_back(i);
        break;
      }
    }
  }
  return starts;
}

TEST(HyperscanSet, TheSetInTheBinaryWasMadeFromThesePatternsAndLoads) {
#if defined(__x86_64__)
  ASSERT_TRUE(detect::HaveHyperscan()) << "an amd64 build must have Hyperscan";
#endif
  if (!detect::HaveHyperscan()) {
    EXPECT_TRUE(detect::EmbeddedHyperscanSet().empty());
    return;
  }
  EXPECT_EQ(detect::EmbeddedHyperscanDigest(), detect::RegexesDigest(BuiltinRegexes()));
  std::string error;
  EXPECT_NE(HyperscanSet::Load(detect::EmbeddedHyperscanSet(), &error), nullptr) << error;
}

TEST(HyperscanSet, ASetThatIsNotOneIsRefused) {
  std::string error;
  EXPECT_EQ(HyperscanSet::Load("", &error), nullptr);
  EXPECT_FALSE(error.empty());
  error.clear();
  EXPECT_EQ(HyperscanSet::Load(std::string(4096, '\x07'), &error), nullptr);
  EXPECT_FALSE(error.empty());
}

TEST(HyperscanSet, TheDigestTellsRegexesApartByOrderAndBoundaries) {
  const std::vector<std::string_view> ab_c = {"ab", "c"};
  const std::vector<std::string_view> a_bc = {"a", "bc"};
  const std::vector<std::string_view> c_ab = {"c", "ab"};
  EXPECT_NE(detect::RegexesDigest(ab_c), detect::RegexesDigest(a_bc));
  EXPECT_NE(detect::RegexesDigest(ab_c), detect::RegexesDigest(c_ab));
  const std::vector<std::string_view> copy(ab_c);
  EXPECT_EQ(detect::RegexesDigest(ab_c), detect::RegexesDigest(copy));
}

TEST(HyperscanSet, MatchesEveryPatternThatTheRe2SetMatches) {
  if (!detect::HaveHyperscan()) GTEST_SKIP() << "no Hyperscan in this build";
  std::string error;
  auto set = HyperscanSet::Load(detect::EmbeddedHyperscanSet(), &error);
  ASSERT_NE(set, nullptr) << error;
  RE2::Options options = Latin1();
  options.set_max_mem(int64_t{128} << 20);
  RE2::Set re2_set(options, RE2::UNANCHORED);
  for (std::string_view regex : BuiltinRegexes()) ASSERT_GE(re2_set.Add(regex, nullptr), 0);
  ASSERT_TRUE(re2_set.Compile());
  size_t matched = 0;
  for (const std::string& text : SampleTexts()) {
    std::vector<int> by_re2;
    re2_set.Match(text, &by_re2);
    std::vector<int> by_hyperscan;
    ASSERT_TRUE(set->Match(text, &by_hyperscan));
    for (int index : by_re2) {
      EXPECT_TRUE(std::binary_search(by_hyperscan.begin(), by_hyperscan.end(), index))
          << "pattern " << index << " (" << detect::BuiltinPatterns()[index].rule
          << ") in " << text;
    }
    matched += by_re2.size();
  }
  EXPECT_GT(matched, 500u);  // the samples do reach the patterns
}

TEST(HyperscanSet, FindsEveryStartOfAWordInAnyCaseOverlappingOnesToo) {
  if (!detect::HaveHyperscan()) GTEST_SKIP() << "no Hyperscan in this build";
  const std::vector<std::string_view> words = {"pass", "passwd", "sword", "_pat"};
  std::string error;
  auto set = HyperscanSet::CompileWords(words, &error);
  ASSERT_NE(set, nullptr) << error;
  std::vector<size_t> starts;
  //                       0123456789012345678901
  ASSERT_TRUE(set->Starts("x PaSSwORD passpass _PAT", 100, &starts));
  EXPECT_EQ(starts, (std::vector<size_t>{2, 5, 11, 15, 20}));
  // More than the limit: none, rather than a vector as large as the text.
  EXPECT_FALSE(set->Starts(std::string(4000, 'p') + "passpasspass", 2, &starts));
}

TEST(HyperscanSet, EveryMatchOfAPatternThatOpensWithAKeyNameStartsAtOne) {
  size_t opening = 0;
  size_t checked = 0;
  for (const detect::Pattern& p : detect::BuiltinPatterns()) {
    if (!detect::OpensWithKeyName(p)) continue;
    ++opening;
    RE2 re(p.regex, Latin1());
    ASSERT_TRUE(re.ok()) << p.regex;
    for (const std::string& text : SampleTexts()) {
      const std::vector<size_t> starts = NaiveKeyNameStarts(text);
      re2::StringPiece match;
      for (size_t pos = 0;
           pos <= text.size() && re.Match(text, pos, text.size(), RE2::UNANCHORED, &match, 1);) {
        const size_t start = static_cast<size_t>(match.data() - text.data());
        EXPECT_TRUE(std::binary_search(starts.begin(), starts.end(), start))
            << p.regex << " matched at " << start << " of " << text;
        ++checked;
        pos = start + 1;
      }
    }
  }
  EXPECT_GE(opening, 6u);  // the generic key=value patterns
  EXPECT_GT(checked, 100u);
}

TEST(HyperscanSet, KeyNamesTriedAtTheirStartsFindWhatAnUnanchoredSearchFinds) {
  // detect_test::Scan() compares the two engines; these texts are where
  // trying each start could go wrong or take quadratic time: dense starts,
  // starts on a very long line, starts inside a rejected value.
  const std::string password = fake::RandomPassword(20);
  std::string dense;
  for (int i = 0; i < 200000; ++i) dense += "pass";
  std::string long_line = "var a=1;";
  for (int i = 0; i < 20000; ++i) long_line += "x.token=y;auth(pass);";
  long_line += "const db_password=\"" + password + "\";";
  std::string many_lines;
  for (int i = 0; i < 20000; ++i) many_lines += "auth_mode=basic\npassthrough: yes\n";
  many_lines += "api_token: " + password + "\n";
  const std::string nested = "export TOKEN=\"${TOKEN:-" + password + "}\"\n";
  const std::string unclosed = "token=\"" + std::string(300000, 'a') + " password=" + password;
  for (const std::string& text : {dense + "=" + password, long_line, many_lines, nested,
                                  unclosed, dense + "\n" + many_lines}) {
    detect_test::Scan(text, "app/config.js");
    detect_test::Scan(text, "etc/app.conf");
  }
  EXPECT_EQ(detect_test::Scan(many_lines, "etc/app.conf").size(), 1u);
  EXPECT_EQ(detect_test::Scan(nested, "etc/profile").size(), 1u);
}

// Hyperscan's \s (PCRE's) takes the vertical tab, RE2's does not; the RE2
// engine is given the same meaning, so that both find the same (a fuzzer
// found a URL whose password held one).
TEST(HyperscanSet, BothEnginesReadAVerticalTabAsABlank) {
  const std::string password = fake::RandomPassword(12);
  for (const std::string& text :
       {"https://deploy:" + password.substr(0, 6) + "\v" + password.substr(6) + "@db.internal/\n",
        "db_password=" + password.substr(0, 6) + "\v" + password.substr(6) + "\n",
        "requirepass\v" + password + "\n"}) {
    detect_test::Scan(text, "app/main.py");  // fails when the engines differ
    detect_test::Scan(text, "etc/redis/redis.conf");
  }
}

}  // namespace
}  // namespace safebuild
