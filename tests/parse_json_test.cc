// `safebuild parse` output: the parsed file as JSON, exact values.
#include "containerfile/parse_json.h"

#include <gtest/gtest.h>

namespace safebuild {
namespace {

using nlohmann::json;

json Parse(const std::string& text) {
  auto cf = ParseContainerfile(text, "Containerfile");
  EXPECT_TRUE(cf.ok()) << cf.error();
  return cf.ok() ? ParsedToJson(*cf) : json();
}

TEST(ParseJson, TopLevelNamesPathEscapeAndDirectives) {
  json j = Parse("# syntax=docker/dockerfile:1\n# escape=`\nFROM a\n");
  EXPECT_EQ(j["schema"], 1);
  EXPECT_EQ(j["path"], "Containerfile");
  // podman ignores an escape directive after another directive.
  EXPECT_EQ(j["escape"], "\\");
  EXPECT_EQ(j["ignored_escape"], json::parse(R"({"value": "`", "line": 2})"));
  EXPECT_EQ(Parse("# escape=`\nFROM a\n")["escape"], "`");
  EXPECT_FALSE(Parse("# escape=`\nFROM a\n").contains("ignored_escape"));
  EXPECT_EQ(j["directives"], json::parse(R"([
    {"name": "syntax", "value": "docker/dockerfile:1", "line": 1},
    {"name": "escape", "value": "`", "line": 2}])"));
}

TEST(ParseJson, ShellFormWithFlagsAndAContinuation) {
  json j = Parse("FROM a AS b\nRUN --mount=type=secret,id=x --network=none \\\n  echo hi\n");
  EXPECT_EQ(j["instructions"][1], json::parse(R"({
    "keyword": "RUN", "flags": [{"name": "mount", "value": "type=secret,id=x"},
                                {"name": "network", "value": "none"}],
    "args": "echo hi", "form": "shell", "start_line": 2, "end_line": 3,
    "stage": 0, "heredocs": []})"));
}

TEST(ParseJson, ExecFormAndItsFallbackToShellForm) {
  json j = Parse("FROM a\nCMD [\"sh\", \"-c\", \"x\"]\nCMD [\"sh\", 'bad']\n");
  EXPECT_EQ(j["instructions"][1]["form"], "exec");
  EXPECT_EQ(j["instructions"][1]["exec"], json({"sh", "-c", "x"}));
  EXPECT_EQ(j["instructions"][2]["form"], "shell");
  EXPECT_FALSE(j["instructions"][2].contains("exec"));
}

TEST(ParseJson, FlagWithoutValueHasNoValueKey) {
  json j = Parse("FROM a\nCOPY --link x /y\n");
  EXPECT_EQ(j["instructions"][1]["flags"], json::parse(R"([{"name": "link"}])"));
}

TEST(ParseJson, HeredocsKeepNameBodyExpansionAndLines) {
  json j = Parse(
      "FROM a\n"
      "RUN <<EOF cat <<-'END'\n"
      "echo $HOME\n"
      "EOF\n"
      "\tliteral $X\n"
      "\tEND\n"
      "FROM b\n");
  const json& run = j["instructions"][1];
  EXPECT_EQ(run["start_line"], 2);
  EXPECT_EQ(run["end_line"], 6);
  EXPECT_EQ(run["heredocs"], json::parse(R"([
    {"name": "EOF", "body": "echo $HOME\n", "expand": true, "strip_tabs": false,
     "start_line": 3, "end_line": 4},
    {"name": "END", "body": "literal $X\n", "expand": false, "strip_tabs": true,
     "start_line": 5, "end_line": 6}])"));
  EXPECT_EQ(j["instructions"][2]["stage"], 1);
}

TEST(ParseJson, OnbuildNamesTheWrappedKeyword) {
  json j = Parse("FROM a\nONBUILD RUN ls\n");
  EXPECT_EQ(j["instructions"][1]["keyword"], "ONBUILD");
  EXPECT_EQ(j["instructions"][1]["onbuild"], "RUN");
  EXPECT_EQ(j["instructions"][1]["args"], "ls");
}

}  // namespace
}  // namespace safebuild
