// The scrubber replaces every remembered secret value in lint's output
// texts by its redacted form, in one pass.
#include "containerfile/scrubber.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/fingerprint.h"

namespace safebuild {
namespace {

TEST(Scrubber, ReplacesEveryOccurrenceOfEveryValue) {
  Scrubber s({"alpha-value-1", "beta-value-22"});
  std::string text = "x alpha-value-1 y beta-value-22 z alpha-value-1";
  s.Scrub(text);
  EXPECT_EQ(text, "x " + Redact("alpha-value-1") + " y " +
                      Redact("beta-value-22") + " z " +
                      Redact("alpha-value-1"));
}

TEST(Scrubber, PrefersTheLongestValueAtAPosition) {
  Scrubber s({"abcd", "abcdefgh"});
  std::string text = "[abcdefgh]";
  s.Scrub(text);
  EXPECT_EQ(text, "[" + Redact("abcdefgh") + "]");
}

TEST(Scrubber, FindsAValueThatStartsInsideAnotherCandidate) {
  // "xxab" fails after "xxa"; the automaton must still see "xab…".
  Scrubber s({"xxaz", "xabc"});
  std::string text = "xxabc";
  s.Scrub(text);
  EXPECT_EQ(text, "x" + Redact("xabc"));
}

TEST(Scrubber, LeavesTextWithoutValuesAlone) {
  Scrubber none({});
  Scrubber some({"secret-value"});
  std::string a = "nothing to see";
  std::string b = a;
  none.Scrub(a);
  some.Scrub(b);
  EXPECT_EQ(a, "nothing to see");
  EXPECT_EQ(b, "nothing to see");
}

TEST(Scrubber, StaysFastWithThousandsOfValues) {
  std::vector<std::string> values;
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    values.push_back("value-" + std::to_string(i) + "-end");
    text += values.back() + " ";
  }
  Scrubber s(values);
  s.Scrub(text);  // linear: a quadratic scrub takes minutes here
  EXPECT_EQ(text.find("value-"), std::string::npos);
}

}  // namespace
}  // namespace safebuild
