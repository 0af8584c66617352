// Parser tests: each grammar point of the Containerfile as podman 4.3 reads
// it, with exact arguments, lines, positions and error texts.
#include "containerfile/parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace safebuild {
namespace {

Containerfile MustParse(std::string_view text) {
  Expected<Containerfile> cf = ParseContainerfile(text, "Containerfile");
  EXPECT_TRUE(cf.ok()) << cf.error();
  return cf.ok() ? std::move(*cf) : Containerfile{};
}

std::string ParseError(std::string_view text) {
  Expected<Containerfile> cf = ParseContainerfile(text, "Containerfile");
  EXPECT_FALSE(cf.ok());
  return cf.ok() ? "" : cf.error();
}

// "L:C" of byte `i` of the instruction's args.
std::string Pos(const Instruction& ins, size_t i) {
  SourcePos p = ins.PosOf(i);
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

TEST(Parser, ReadsKeywordsArgumentsAndLines) {
  Containerfile cf = MustParse("FROM busybox\nrun echo hi\n");
  ASSERT_EQ(cf.instructions.size(), 2u);
  EXPECT_EQ(cf.instructions[0].keyword, "FROM");
  EXPECT_EQ(cf.instructions[0].args, "busybox");
  EXPECT_EQ(cf.instructions[1].keyword, "RUN");
  EXPECT_EQ(cf.instructions[1].args, "echo hi");
  EXPECT_EQ(cf.instructions[1].start_line, 2);
  EXPECT_EQ(cf.instructions[1].end_line, 2);
  EXPECT_EQ(Pos(cf.instructions[1], 0), "2:5");
  EXPECT_EQ(cf.lines,
            (std::vector<std::string>{"FROM busybox", "run echo hi"}));
}

TEST(Parser, PointsAtAnIndentedKeywordAndTrimsArguments) {
  Containerfile cf = MustParse("  FROM   busybox  \t\n");
  ASSERT_EQ(cf.instructions.size(), 1u);
  EXPECT_EQ(cf.instructions[0].args, "busybox");
  EXPECT_EQ(cf.instructions[0].keyword_pos.column, 3);
  EXPECT_EQ(Pos(cf.instructions[0], 0), "1:10");
}

TEST(Parser, JoinsContinuationLinesWithTheEscapeRemoved) {
  Containerfile cf = MustParse("FROM busybox\nRUN echo a \\\n    b\n");
  ASSERT_EQ(cf.instructions.size(), 2u);
  const Instruction& run = cf.instructions[1];
  EXPECT_EQ(run.args, "echo a     b");
  EXPECT_EQ(run.start_line, 2);
  EXPECT_EQ(run.end_line, 3);
  EXPECT_EQ(Pos(run, 5), "2:10");  // "a"
  EXPECT_EQ(Pos(run, 7), "3:1");   // first byte of line 3
  EXPECT_EQ(Pos(run, 11), "3:5");  // "b"
}

TEST(Parser, AllowsBlanksAfterTheEscape) {
  Containerfile cf = MustParse("RUN a \\  \t\nb\n");
  ASSERT_EQ(cf.instructions.size(), 1u);
  EXPECT_EQ(cf.instructions[0].args, "a b");
}

TEST(Parser, DropsCommentAndBlankLinesInsideAContinuation) {
  // Case 10, second part: the comment does not end the RUN.
  Containerfile cf = MustParse(
      "FROM busybox\n"
      "RUN echo a \\\n"
      "    # a comment inside a continuation\n"
      "\n"
      "   \n"
      "    b\n");
  ASSERT_EQ(cf.instructions.size(), 2u);
  EXPECT_EQ(cf.instructions[1].args, "echo a     b");
  EXPECT_EQ(cf.instructions[1].end_line, 6);
}

TEST(Parser, ACommentLineEndingInTheEscapeInsideAContinuationIsJustDropped) {
  Containerfile cf = MustParse("RUN a \\\n# note \\\nb\nRUN c\n");
  ASSERT_EQ(cf.instructions.size(), 2u);
  EXPECT_EQ(cf.instructions[0].args, "a b");
  EXPECT_EQ(cf.instructions[1].args, "c");
}

TEST(Parser, AHashInsideARunLineDoesNotStopTheContinuation) {
  // Case 10: the ENV line becomes part of the RUN.
  Containerfile cf = MustParse(
      "FROM busybox\n"
      "RUN echo hello # \\\n"
      "ENV API_TOKEN=value\n"
      "RUN echo a\n");
  ASSERT_EQ(cf.instructions.size(), 3u);
  const Instruction& run = cf.instructions[1];
  EXPECT_EQ(run.keyword, "RUN");
  EXPECT_EQ(run.args, "echo hello # ENV API_TOKEN=value");
  EXPECT_EQ(run.start_line, 2);
  EXPECT_EQ(run.end_line, 3);
  EXPECT_EQ(Pos(run, run.args.find("value")), "3:15");
}

TEST(Parser, ATopLevelCommentEndingInTheEscapeDoesNotContinue) {
  Containerfile cf = MustParse("FROM busybox\n# note \\\nRUN a\n");
  ASSERT_EQ(cf.instructions.size(), 2u);
  EXPECT_EQ(cf.instructions[1].args, "a");
  EXPECT_EQ(cf.instructions[1].start_line, 3);
}

// podman's continuation is any escape at the end of the line; BuildKit
// needs a byte other than the escape before it. Such lines are recorded.
TEST(Parser, ContinuesAfterADoubledEscapeAndRecordsTheLine) {
  Containerfile cf = MustParse(
      "FROM a\n"
      "RUN printf '%s' x\\\\  \n"
      "  done\n"
      "RUN y \\\n"
      "\\\\\n"
      "  z\n"
      "RUN end\\\\");
  ASSERT_EQ(cf.instructions.size(), 4u);
  EXPECT_EQ(cf.instructions[1].args, "printf '%s' x\\  done");
  EXPECT_EQ(cf.instructions[2].args, "y \\  z");
  EXPECT_EQ(cf.instructions[3].args, "end\\");
  EXPECT_EQ(cf.doubled_escape_lines, (std::vector<int>{2, 5}));
  Containerfile single = MustParse("RUN a \\\n b \\\n\\\n c\n");
  EXPECT_TRUE(single.doubled_escape_lines.empty());
  EXPECT_EQ(single.instructions[0].args, "a  b  c");
}

TEST(Parser, AContinuationAtEndOfFileEndsTheInstruction) {
  Containerfile cf = MustParse("FROM busybox\nRUN echo a \\");
  ASSERT_EQ(cf.instructions.size(), 2u);
  EXPECT_EQ(cf.instructions[1].args, "echo a");
  EXPECT_EQ(cf.instructions[1].end_line, 2);
}

// Go's unicode.IsSpace: podman trims a no-break space (U+00A0) or an
// ideographic space (U+3000) around lines and arguments like a blank.
TEST(Parser, TrimsUnicodeWhiteSpaceLikePodman) {
  Containerfile cf = MustParse(
      "\xC2\xA0# a comment\n"
      "\xE3\x80\x80" "FROM a\xC2\xA0\n"
      "RUN x \\\n"
      "\xE2\x80\x83 # dropped\n"
      "  y\xE3\x80\x80\n");
  ASSERT_EQ(cf.instructions.size(), 2u);
  EXPECT_EQ(cf.instructions[0].args, "a");
  EXPECT_EQ(Pos(cf.instructions[0], 0), "2:9");
  EXPECT_EQ(cf.instructions[1].args, "x   y");
  Containerfile kept = MustParse("RUN a\xC2\xA0" "b\n");
  EXPECT_EQ(kept.instructions[0].args, "a\xC2\xA0" "b");
}

TEST(Parser, AcceptsCrlfAndAByteOrderMark) {
  Containerfile cf = MustParse(
      "\xEF\xBB\xBF"
      "FROM busybox\r\nRUN a \\\r\n  b\r\n");
  ASSERT_EQ(cf.instructions.size(), 2u);
  EXPECT_EQ(cf.instructions[0].keyword, "FROM");
  EXPECT_EQ(cf.instructions[0].keyword_pos.column, 1);
  EXPECT_EQ(cf.instructions[1].args, "a   b");
  EXPECT_EQ(cf.lines[0], "FROM busybox");
  EXPECT_EQ(cf.lines[1], "RUN a \\");
}

TEST(Parser, EmptyFilesAndFilesWithoutFromAreFine) {
  EXPECT_TRUE(MustParse("").instructions.empty());
  EXPECT_TRUE(MustParse("\n# only a comment\n\n").instructions.empty());
  Containerfile cf = MustParse("RUN echo no base\n");
  ASSERT_EQ(cf.instructions.size(), 1u);
  EXPECT_EQ(cf.instructions[0].stage, -1);
}

TEST(Parser, NumbersStagesFromZero) {
  Containerfile cf = MustParse(
      "ARG V=1\nFROM a AS build\nRUN x\nFROM b\nCOPY --from=build /a /a\n");
  ASSERT_EQ(cf.instructions.size(), 5u);
  EXPECT_EQ(cf.instructions[0].stage, -1);
  EXPECT_EQ(cf.instructions[1].stage, 0);
  EXPECT_EQ(cf.instructions[2].stage, 0);
  EXPECT_EQ(cf.instructions[3].stage, 1);
  EXPECT_EQ(cf.instructions[4].stage, 1);
}

TEST(Parser, HonoursABacktickEscapeDirective) {
  // Case 09.
  Containerfile cf = MustParse(
      "# escape=`\n"
      "FROM busybox\n"
      "ENV A=1 `\n"
      "    DB_PASSWORD=pw\n"
      "RUN echo C:\\path\\not\\escapes\n");
  EXPECT_EQ(cf.escape, '`');
  ASSERT_EQ(cf.directives.size(), 1u);
  EXPECT_EQ(cf.directives[0].name, "escape");
  EXPECT_EQ(cf.directives[0].value, "`");
  EXPECT_EQ(cf.ignored_escape_line, 0);
  ASSERT_EQ(cf.instructions.size(), 3u);
  const Instruction& env = cf.instructions[1];
  EXPECT_EQ(env.args, "A=1     DB_PASSWORD=pw");
  EXPECT_EQ(env.start_line, 3);
  EXPECT_EQ(env.end_line, 4);
  EXPECT_EQ(Pos(env, env.args.find("pw")), "4:17");
  EXPECT_EQ(cf.instructions[2].args, "echo C:\\path\\not\\escapes");
}

TEST(Parser, DirectiveNamesAreCaseInsensitive) {
  Containerfile cf = MustParse("#  ESCAPE = `\nRUN a `\n b\n");
  EXPECT_EQ(cf.escape, '`');
  ASSERT_EQ(cf.instructions.size(), 1u);
  EXPECT_EQ(cf.instructions[0].args, "a  b");
}

TEST(Parser, PodmanIgnoresAnEscapeAfterASyntaxDirective) {
  Containerfile cf = MustParse(
      "# syntax=docker/dockerfile:1\n"
      "# escape=`\n"
      "FROM busybox\n"
      "RUN echo a\n");
  EXPECT_EQ(cf.escape, '\\');
  EXPECT_EQ(cf.ignored_escape_line, 2);
  EXPECT_EQ(cf.ignored_escape, '`');
  ASSERT_EQ(cf.directives.size(), 2u);
  EXPECT_EQ(cf.directives[0].name, "syntax");
  EXPECT_EQ(cf.directives[0].value, "docker/dockerfile:1");
  EXPECT_EQ(cf.directives[1].line, 2);
}

TEST(Parser, AnIgnoredEscapeIsNamedInTheErrorsItCauses) {
  std::string error = ParseError(
      "# syntax=docker/dockerfile:1\n"
      "# escape=`\n"
      "FROM busybox\n"
      "ENV A=1 `\n"
      "    DB_PASSWORD=hunter2\n");
  EXPECT_EQ(error,
            "Containerfile:4:9: syntax error: expected NAME=VALUE "
            "(podman ignored the \"# escape=\" on line 2)");
}

TEST(Parser, AnUnknownInstructionErrorDoesNotShowAValue) {
  EXPECT_EQ(ParseError("FROM a\nAPI_TOKEN=hunter2\n"),
            "Containerfile:2:1: unknown instruction \"API_TOKEN…\"");
}

TEST(Parser, DirectivesStopAtTheFirstOtherLine) {
  Containerfile blank = MustParse("\n# escape=`\nRUN a `\n");
  EXPECT_EQ(blank.escape, '\\');
  EXPECT_TRUE(blank.directives.empty());
  EXPECT_EQ(blank.instructions[0].args, "a `");
  Containerfile comment = MustParse("# hello\n# escape=`\nRUN a\n");
  EXPECT_EQ(comment.escape, '\\');
  EXPECT_TRUE(comment.directives.empty());
  EXPECT_EQ(comment.ignored_escape_line, 0);
}

TEST(Parser, RecordsCheckDirectives) {
  Containerfile cf = MustParse("# check=skip=JSONArgsRecommended\nFROM a\n");
  ASSERT_EQ(cf.directives.size(), 1u);
  EXPECT_EQ(cf.directives[0].name, "check");
  EXPECT_EQ(cf.directives[0].value, "skip=JSONArgsRecommended");
}

TEST(Parser, RejectsABadOrRepeatedEscapeDirective) {
  EXPECT_EQ(ParseError("# escape=x\nFROM a\n"),
            "Containerfile:1:1: invalid escape \"x\": must be ` or \\");
  EXPECT_EQ(ParseError("# escape=`\n# escape=\\\nFROM a\n"),
            "Containerfile:2:1: only one escape parser directive can be used");
}

TEST(Parser, ReportsUnknownInstructionsAtTheirPosition) {
  EXPECT_EQ(ParseError("FORM busybox\n"),
            "Containerfile:1:1: unknown instruction \"FORM\"");
  EXPECT_EQ(ParseError("FROM a\n  COPYY x y\n"),
            "Containerfile:2:3: unknown instruction \"COPYY\"");
}

TEST(Parser, RejectsAnInstructionWithOnlyFlags) {
  EXPECT_EQ(ParseError("FROM a\nRUN --mount=type=secret,id=tok\n"),
            "Containerfile:2:1: RUN requires at least one argument");
  EXPECT_EQ(ParseError("FROM a\nCOPY\n"),
            "Containerfile:2:1: COPY requires at least one argument");
}

TEST(Parser, AllowsAnEmptyCmd) {
  Containerfile cf = MustParse("FROM a\nCMD\n");
  EXPECT_EQ(cf.instructions[1].args, "");
}

TEST(Parser, AllowsABareHealthcheckAsBuildkitDoes) {
  Containerfile cf = MustParse("FROM a\nHEALTHCHECK\nHEALTHCHECK CMD\n");
  ASSERT_EQ(cf.instructions.size(), 3u);
  EXPECT_EQ(cf.instructions[1].keyword, "HEALTHCHECK");
  EXPECT_EQ(cf.instructions[1].args, "");
  EXPECT_EQ(cf.instructions[2].args, "CMD");
  EXPECT_FALSE(cf.instructions[2].exec_form);
}

TEST(Parser, ReadsFlagsUpToTheFirstOtherWord) {
  Containerfile cf = MustParse(
      "FROM --platform=linux/amd64 a\n"
      "RUN --mount=type=secret,id=tok --network=none echo --not-a-flag\n"
      "COPY --from=build --chown=1:1 --link /a /b\n");
  ASSERT_EQ(cf.instructions.size(), 3u);
  const Instruction& from = cf.instructions[0];
  ASSERT_EQ(from.flags.size(), 1u);
  EXPECT_EQ(from.flags[0].name, "platform");
  EXPECT_EQ(from.args, "a");
  const Instruction& run = cf.instructions[1];
  ASSERT_EQ(run.flags.size(), 2u);
  EXPECT_EQ(run.flags[0].name, "mount");
  EXPECT_EQ(run.flags[0].value, "type=secret,id=tok");
  EXPECT_TRUE(run.flags[0].has_value);
  EXPECT_EQ(run.flags[0].pos.column, 5);
  EXPECT_EQ(run.flags[1].name, "network");
  EXPECT_EQ(run.flags[1].pos.column, 32);
  EXPECT_EQ(run.args, "echo --not-a-flag");
  EXPECT_EQ(Pos(run, 0), "2:47");
  const Instruction& copy = cf.instructions[2];
  ASSERT_EQ(copy.flags.size(), 3u);
  EXPECT_EQ(copy.flags[0].value, "build");
  EXPECT_EQ(copy.flags[1].value, "1:1");
  EXPECT_EQ(copy.flags[2].name, "link");
  EXPECT_FALSE(copy.flags[2].has_value);
  EXPECT_EQ(copy.args, "/a /b");
}

TEST(Parser, FlagsMaySpanContinuationsAndUseQuotes) {
  Containerfile cf =
      MustParse("RUN \\\n  --mount=type=secret,\"id=a b\" \\\n  cat x\n");
  ASSERT_EQ(cf.instructions.size(), 1u);
  const Instruction& run = cf.instructions[0];
  ASSERT_EQ(run.flags.size(), 1u);
  EXPECT_EQ(run.flags[0].value, "type=secret,id=a b");
  EXPECT_EQ(run.flags[0].pos.line, 2);
  EXPECT_EQ(run.flags[0].pos.column, 3);
  EXPECT_EQ(run.args, "cat x");
}

TEST(Parser, ADoubleDashEndsTheFlags) {
  Containerfile cf = MustParse("RUN --network=none -- --version\n");
  EXPECT_EQ(cf.instructions[0].flags.size(), 1u);
  EXPECT_EQ(cf.instructions[0].args, "--version");
}

TEST(Parser, ReadsTheExecFormAndUnescapesStrings) {
  Containerfile cf = MustParse("CMD [\"sh\", \"-c\", \"echo \\\"hi\\\"\"]\n");
  const Instruction& cmd = cf.instructions[0];
  EXPECT_TRUE(cmd.exec_form);
  EXPECT_EQ(cmd.exec, (std::vector<std::string>{"sh", "-c", "echo \"hi\""}));
  ASSERT_EQ(cmd.exec_offsets.size(), 3u);
  ASSERT_EQ(cmd.exec_offsets[2].size(), 9u);
  EXPECT_EQ(cmd.args.substr(cmd.exec_offsets[2][0], 4), "echo");
  EXPECT_EQ(cmd.args[cmd.exec_offsets[2][5]], '\\');  // the \" escape
}

TEST(Parser, DecodesJsonEscapesLikeGo) {
  Containerfile cf = MustParse(
      "RUN [\"a\\u00e9\\/\\ud83d\\ude00\", \"\\ud800x\", \"\xff\"]\n");
  const Instruction& run = cf.instructions[0];
  ASSERT_TRUE(run.exec_form);
  EXPECT_EQ(run.exec[0], "a\xC3\xA9/\xF0\x9F\x98\x80");
  EXPECT_EQ(run.exec[1], "\xEF\xBF\xBDx");
  EXPECT_EQ(run.exec[2], "\xEF\xBF\xBD");
}

TEST(Parser, ReadsAnExecFormAcrossAContinuation) {
  // Case 11.
  Containerfile cf = MustParse(
      "FROM busybox\n"
      "CMD [\"sh\", \"-c\", \\\n"
      "     \"wget --header=\\\"Authorization: Bearer TOKEN\\\" "
      "http://example.invalid/\"]\n");
  const Instruction& cmd = cf.instructions[1];
  ASSERT_TRUE(cmd.exec_form);
  ASSERT_EQ(cmd.exec.size(), 3u);
  EXPECT_EQ(
      cmd.exec[2],
      "wget --header=\"Authorization: Bearer TOKEN\" http://example.invalid/");
  size_t token = cmd.exec[2].find("TOKEN");
  EXPECT_EQ(Pos(cmd, cmd.exec_offsets[2][token]), "3:45");
}

TEST(Parser, FallsBackToShellFormOnInvalidJson) {
  Containerfile cf = MustParse("CMD ['sh','-c','echo hi']\nRUN [\"a\",]\n");
  EXPECT_FALSE(cf.instructions[0].exec_form);
  EXPECT_EQ(cf.instructions[0].args, "['sh','-c','echo hi']");
  EXPECT_FALSE(cf.instructions[1].exec_form);
}

TEST(Parser, IgnoresTextAfterTheJsonArrayLikePodman) {
  Containerfile cf = MustParse("CMD [\"a\"] b\n");
  EXPECT_TRUE(cf.instructions[0].exec_form);
  EXPECT_EQ(cf.instructions[0].exec, (std::vector<std::string>{"a"}));
}

TEST(Parser, RejectsAJsonArrayOfNonStrings) {
  EXPECT_EQ(ParseError("FROM a\nCMD [\"a\", 1]\n"),
            "Containerfile:2:5: when using JSON array syntax, arrays must be "
            "comprised of strings only");
  EXPECT_EQ(ParseError("ENTRYPOINT [[], {\"k\": [null, true]}]\n"),
            "Containerfile:1:12: when using JSON array syntax, arrays must be "
            "comprised of strings only");
}

TEST(Parser, OnlyExecFormInstructionsReadJson) {
  Containerfile cf =
      MustParse("ENV [\"a\"]=1\nHEALTHCHECK --interval=5s CMD [\"true\"]\n");
  EXPECT_FALSE(cf.instructions[0].exec_form);
  const Instruction& hc = cf.instructions[1];
  EXPECT_TRUE(hc.exec_form);
  EXPECT_EQ(hc.exec, (std::vector<std::string>{"true"}));
  EXPECT_EQ(hc.args.substr(hc.exec_offsets[0][0], 4), "true");
}

TEST(Parser, ReadsTheInstructionThatOnbuildWraps) {
  Containerfile cf =
      MustParse("FROM a\nonbuild run --mount=type=secret,id=x cat y\n");
  const Instruction& ob = cf.instructions[1];
  EXPECT_EQ(ob.keyword, "ONBUILD");
  EXPECT_EQ(ob.onbuild_keyword, "RUN");
  EXPECT_EQ(ob.Effective(), "RUN");
  ASSERT_EQ(ob.flags.size(), 1u);
  EXPECT_EQ(ob.flags[0].name, "mount");
  EXPECT_EQ(ob.args, "cat y");
  EXPECT_EQ(Pos(ob, 0), "2:38");
}

TEST(Parser, RejectsBadOnbuildTriggers) {
  EXPECT_EQ(ParseError("ONBUILD ONBUILD RUN x\n"),
            "Containerfile:1:9: chaining ONBUILD via `ONBUILD ONBUILD` isn't "
            "allowed");
  EXPECT_EQ(ParseError("ONBUILD FROM x\n"),
            "Containerfile:1:9: FROM isn't allowed as an ONBUILD trigger");
  EXPECT_EQ(ParseError("ONBUILD FORM x\n"),
            "Containerfile:1:9: unknown instruction \"FORM\"");
}

TEST(Parser, ChecksEnvAndLabelSyntax) {
  EXPECT_EQ(ParseError("ENV K\n"),
            "Containerfile:1:5: ENV must have two arguments");
  EXPECT_EQ(ParseError("LABEL a=1 b\n"),
            "Containerfile:1:11: syntax error: expected NAME=VALUE");
}

TEST(Parser, ReadsHeredocBodiesSoThatTheyAreNotInstructions) {
  Containerfile cf = MustParse(
      "FROM a\n"
      "RUN <<EOF cat >/x && cat <<-'TWO'\n"
      "echo one\n"
      "EOF\n"
      "\tsecond\n"
      "\tTWO\n"
      "RUN b\n");
  ASSERT_EQ(cf.instructions.size(), 3u);
  const Instruction& run = cf.instructions[1];
  ASSERT_EQ(run.heredocs.size(), 2u);
  EXPECT_EQ(run.heredocs[0].name, "EOF");
  EXPECT_EQ(run.heredocs[0].content, "echo one\n");
  EXPECT_EQ(run.heredocs[0].start_line, 3);
  EXPECT_EQ(run.heredocs[0].args_offset, 0u);
  EXPECT_EQ(run.heredocs[1].name, "TWO");
  EXPECT_TRUE(run.heredocs[1].strip_tabs);
  EXPECT_EQ(run.heredocs[1].content, "\tsecond\n");
  SourcePos p = run.heredocs[1].PosOf(1);
  EXPECT_EQ(p.line, 5);
  EXPECT_EQ(p.column, 2);
  EXPECT_EQ(run.end_line, 6);
  EXPECT_EQ(cf.instructions[2].start_line, 7);
}

TEST(Parser, AnUnterminatedHeredocEndsAtEndOfFile) {
  Containerfile cf = MustParse("FROM a\nCOPY <<EOF /x\nbody\n");
  ASSERT_EQ(cf.instructions.size(), 2u);
  EXPECT_EQ(cf.instructions[1].heredocs[0].content, "body\n");
  EXPECT_EQ(cf.instructions[1].end_line, 3);
  Containerfile empty = MustParse("RUN <<EOF");
  EXPECT_EQ(empty.instructions[0].heredocs[0].content, "");
}

// BuildKit's delimiter word: blanks may follow "<<", any quoting (also of a
// part) makes the body literal, a backslash keeps the next byte.
TEST(Parser, ReadsHeredocDelimitersAsBuildkitDoes) {
  Containerfile cf = MustParse(
      "FROM a\n"
      "RUN <<  END_A > /a\none\nEND_A\n"
      "RUN << -dash\ntwo\n-dash\n"
      "RUN <<ma\"rk\"\nthree\nmark\n"
      "RUN <<it\\'s\nfour\nit's\n"
      "COPY <<'two words' /b\nfive\ntwo words\n"
      "RUN <<$VAR\nsix\n$VAR\n");
  ASSERT_EQ(cf.instructions.size(), 7u);
  struct Want {
    const char* name;
    bool expand;
    const char* body;
  };
  const Want want[] = {{"END_A", true, "one\n"},     {"-dash", true, "two\n"},
                       {"mark", false, "three\n"},   {"it's", true, "four\n"},
                       {"two words", false, "five\n"}, {"$VAR", true, "six\n"}};
  for (size_t i = 0; i < 6; ++i) {
    const Instruction& ins = cf.instructions[i + 1];
    ASSERT_EQ(ins.heredocs.size(), 1u) << ins.args;
    EXPECT_EQ(ins.heredocs[0].name, want[i].name);
    EXPECT_EQ(ins.heredocs[0].expand, want[i].expand) << want[i].name;
    EXPECT_EQ(ins.heredocs[0].content, want[i].body);
  }
  EXPECT_EQ(cf.instructions[1].heredocs[0].args_offset, 0u);
}

// BuildKit's lexer keeps blanks only right after "<<": `<<- X` is the word
// "<<-" and then X, so no heredoc; an unclosed quote is not one either.
TEST(Parser, ABlankAfterTheDashOrAnOpenQuoteIsNoHeredoc) {
  Containerfile cf = MustParse("RUN cat <<- X 'a\nRUN cat <<'X\n");
  EXPECT_TRUE(cf.instructions[0].heredocs.empty());
  EXPECT_TRUE(cf.instructions[1].heredocs.empty());
  EXPECT_EQ(cf.instructions.size(), 2u);
}

TEST(Parser, ShiftsAndHereStringsAreNotHeredocs) {
  Containerfile cf = MustParse("RUN echo $((1<<2)) <<<x a<<b\nRUN c\n");
  EXPECT_TRUE(cf.instructions[0].heredocs.empty());
  EXPECT_EQ(cf.instructions.size(), 2u);
}

TEST(Parser, RefusesFilesOverSixteenMebibytes) {
  std::string big(kMaxContainerfileSize + 1, '#');
  EXPECT_EQ(ParseError(big),
            "Containerfile:1:1: file is too large (16777217 bytes; the limit "
            "is 16 MiB)");
}

TEST(Parser, PosOfPastTheEndPointsAfterTheLastByte) {
  Containerfile cf = MustParse("RUN ab\n");
  EXPECT_EQ(Pos(cf.instructions[0], 2), "1:7");
}

TEST(SplitKeyValues, SplitsPairsAndUnquotesValues) {
  Containerfile cf =
      MustParse("ENV K=V K2=\"v 2\" K3='x \\y' K4=a\\ b K5=\"q\\\"\\n\"\n");
  std::vector<KeyValue> kv = SplitKeyValues(cf.instructions[0], cf.escape);
  ASSERT_EQ(kv.size(), 5u);
  EXPECT_EQ(kv[0].key, "K");
  EXPECT_EQ(kv[0].value, "V");
  EXPECT_EQ(kv[0].value_offset, 2u);
  EXPECT_EQ(kv[1].key, "K2");
  EXPECT_EQ(kv[1].value, "v 2");
  EXPECT_EQ(kv[1].value_offset, 7u);
  EXPECT_EQ(kv[1].value_offsets[0], 8u);
  EXPECT_EQ(kv[2].value, "x \\y");
  EXPECT_EQ(kv[3].value, "a b");
  EXPECT_EQ(kv[4].value, "q\"\\n");
  EXPECT_EQ(kv[4].key_offset, cf.instructions[0].args.find("K5"));
  for (const KeyValue& p : kv) EXPECT_TRUE(p.has_value);
}

TEST(SplitKeyValues, ReadsTheLegacyEnvForm) {
  Containerfile cf = MustParse("ENV GREETING hello  \"big\" world\n");
  std::vector<KeyValue> kv = SplitKeyValues(cf.instructions[0], cf.escape);
  ASSERT_EQ(kv.size(), 1u);
  EXPECT_EQ(kv[0].key, "GREETING");
  EXPECT_EQ(kv[0].value, "hello  big world");
  EXPECT_EQ(kv[0].value_offset, 9u);
  EXPECT_TRUE(kv[0].has_value);
}

TEST(SplitKeyValues, ReadsArgNamesWithAndWithoutDefaults) {
  Containerfile cf = MustParse("ARG NAME\nARG V=1 W=\nFROM a\n");
  std::vector<KeyValue> a = SplitKeyValues(cf.instructions[0], cf.escape);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].key, "NAME");
  EXPECT_FALSE(a[0].has_value);
  std::vector<KeyValue> b = SplitKeyValues(cf.instructions[1], cf.escape);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].value, "1");
  EXPECT_TRUE(b[1].has_value);
  EXPECT_EQ(b[1].value, "");
}

TEST(SplitKeyValues, UsesTheFileEscape) {
  Containerfile cf = MustParse("# escape=`\nENV P=C:\\dir A=`\"q`\"\n");
  std::vector<KeyValue> kv = SplitKeyValues(cf.instructions[0], cf.escape);
  ASSERT_EQ(kv.size(), 2u);
  EXPECT_EQ(kv[0].value, "C:\\dir");
  EXPECT_EQ(kv[1].value, "\"q\"");
}

}  // namespace
}  // namespace safebuild
