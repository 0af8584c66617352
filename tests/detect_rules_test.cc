// The built-in patterns compile on their own, as the detector compiles each
// one lazily when the set says it may match: a broken pattern must fail
// here, not in the middle of a user's scan.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <set>
#include <string>

#include "detect/rules.h"

namespace safebuild {
namespace {

TEST(BuiltinPatterns, EachCompilesWithAtMostThreeGroupsAndAUniqueShape) {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  std::set<std::string> seen;
  for (const detect::Pattern& p : detect::BuiltinPatterns()) {
    RE2 re(p.regex, options);
    EXPECT_TRUE(re.ok()) << p.rule << ": " << re.error();
    EXPECT_LE(re.NumberOfCapturingGroups(), 3) << p.rule;
    EXPECT_TRUE(seen.insert(std::string(p.regex)).second) << p.rule << ": duplicate regex";
  }
  EXPECT_GE(seen.size(), 150u);
}

}  // namespace
}  // namespace safebuild
