// Golden tests of the parse error excerpt: the line and a caret.
#include "cli/source_error.h"

#include <gtest/gtest.h>

#include "containerfile/parser.h"

namespace safebuild {
namespace {

std::string ErrorOf(const std::string& text) {
  auto cf = ParseContainerfile(text, "Containerfile");
  EXPECT_FALSE(cf.ok());
  return cf.ok() ? "" : cf.error();
}

TEST(SourceError, UnknownInstructionGetsTheLineAndACaret) {
  std::string text = "FROM busybox\n\nFORM x\n";
  std::string error = ErrorOf(text);
  EXPECT_EQ(error, "Containerfile:3:1: unknown instruction \"FORM\"");
  EXPECT_EQ(SourceExcerpt(error, text),
            "    3 | FORM x\n"
            "      | ^\n");
}

TEST(SourceError, CaretFollowsIndentationAndKeepsTabs) {
  std::string text = "FROM a\n \tFORM x\r\n";
  std::string error = ErrorOf(text);
  EXPECT_EQ(error, "Containerfile:2:3: unknown instruction \"FORM\"");
  EXPECT_EQ(SourceExcerpt(error, text),
            "    2 |  \tFORM x\n"
            "      |  \t^\n");
}

TEST(SourceError, PathsWithColonsAndLinesPastTenAlign) {
  std::string text(10, '\n');
  text += "X y\n";
  EXPECT_EQ(SourceExcerpt("a:b/Containerfile:11:1: unknown instruction \"X\"", text),
            "    11 | X y\n"
            "       | ^\n");
}

TEST(SourceError, ErrorsWithoutAPositionOrOutsideTheTextGetNoExcerpt) {
  EXPECT_EQ(SourceExcerpt("Containerfile: file is too large", "FROM a\n"), "");
  EXPECT_EQ(SourceExcerpt("Containerfile:9:1: x", "FROM a\n"), "");
  EXPECT_EQ(SourceExcerpt("Containerfile:0:1: x", "FROM a\n"), "");
}

}  // namespace
}  // namespace safebuild
