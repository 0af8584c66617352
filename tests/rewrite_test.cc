// Rewrite tests: each rewrite kind with the exact text it produces, the
// flags and notes it reports, idempotence, what it keeps (comments, the
// escape directive, untouched lines) and why it leaves a file alone.
#include "rewrite/rewrite.h"

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "containerfile/lint.h"
#include "containerfile/parser.h"
#include "detect/detector.h"
#include "containerfile/shell_lex.h"
#include "fake_secret.h"
#include "util/text.h"

namespace safebuild {
namespace {

// As `fix` rewrites: the users of the base images are not known.
RewriteResult RewriteAsFix(const std::string& text, const RewriteOptions& options = {}) {
  auto r = RewriteContainerfile(text, "Containerfile", options);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
  return r.ok() ? *r : RewriteResult{};
}

// As a build rewrites, which asks podman for the user of each base image:
// here root's (busybox's), unless the test names one.
RewriteResult MustRewrite(const std::string& text, RewriteOptions options = {}) {
  for (const BaseImage& base : BaseImages(text, options)) {
    options.base_users.try_emplace(base.ref, "");
  }
  return RewriteAsFix(text, options);
}

// Rewriting the rewrite must change nothing.
void ExpectIdempotent(const RewriteResult& once, const RewriteOptions& options = {}) {
  RewriteResult twice = MustRewrite(once.text, options);
  EXPECT_EQ(twice.text, once.text);
  EXPECT_FALSE(twice.changed);
}

// Options for a build whose one --build-arg is `name`=`value`; ARGs
// without a value are not taken for secrets by their name alone.
RewriteOptions OnlyBuildArg(const std::string& name, const std::string& value) {
  RewriteOptions o;
  o.build_args = {{name, value}};
  o.require_values = true;
  return o;
}

// `r` needs one secret, from the environment, in place of --build-arg
// `name` with `value`.
void ExpectOneSecretFromBuildArg(const RewriteResult& r, const std::string& name,
                                 const std::string& value) {
  EXPECT_EQ(BuildFlags(r.secrets),
            std::vector<std::string>{"--secret id=" + name + ",type=env,env=" + name});
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.secrets[0].replaces_build_arg, name);
  EXPECT_EQ(r.secrets[0].value, value);
}

const char kArgPrelude[] =
    "test -s /run/secrets/GH_TOKEN || { echo 'secret GH_TOKEN is missing or empty' >&2; "
    "exit 1; }; GH_TOKEN=\"$(cat /run/secrets/GH_TOKEN)\" || exit 1; export GH_TOKEN; ";

TEST(Rewrite, ArgWithSecretBuildArgBecomesSecretMountOnTheRunThatUsesIt) {
  std::string token = fake::Make(fake::Kind::kGithubToken);
  RewriteOptions o;
  o.build_args = {{"GH_TOKEN", token}};
  RewriteResult r = MustRewrite(
      "FROM busybox\n"
      "ARG GH_TOKEN\n"
      "RUN echo building\n"
      "RUN echo \"t=$GH_TOKEN\" > /a.txt && rm /a.txt\n",
      o);
  EXPECT_EQ(r.text, std::string("FROM busybox\n"
                                "RUN echo building\n"
                                "RUN --mount=type=secret,id=GH_TOKEN ") +
                        kArgPrelude + "echo \"t=$GH_TOKEN\" > /a.txt && rm /a.txt\n");
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].line, 2);
  EXPECT_EQ(r.changes[0].rule, "rewrite-arg-secret");
  EXPECT_EQ(r.changes[0].message,
            "ARG GH_TOKEN removed; RUN at line 4 read it from a secret mount");
  ExpectOneSecretFromBuildArg(r, "GH_TOKEN", token);
  ExpectIdempotent(r, o);
}

TEST(Rewrite, ArgThatNoRunNamesIsMountedOnEveryLaterRunOfItsStage) {
  RewriteResult r = MustRewrite(
      "FROM busybox AS a\nARG NPM_TOKEN\nRUN npm ci\nRUN npm test\nFROM busybox\nRUN true\n");
  EXPECT_EQ(r.text,
            "FROM busybox AS a\n"
            "RUN --mount=type=secret,id=NPM_TOKEN test -s /run/secrets/NPM_TOKEN || { echo "
            "'secret NPM_TOKEN is missing or empty' >&2; exit 1; }; NPM_TOKEN=\"$(cat "
            "/run/secrets/NPM_TOKEN)\" || exit 1; export NPM_TOKEN; npm ci\n"
            "RUN --mount=type=secret,id=NPM_TOKEN test -s /run/secrets/NPM_TOKEN || { echo "
            "'secret NPM_TOKEN is missing or empty' >&2; exit 1; }; NPM_TOKEN=\"$(cat "
            "/run/secrets/NPM_TOKEN)\" || exit 1; export NPM_TOKEN; npm test\n"
            "FROM busybox\nRUN true\n");
  ExpectIdempotent(r);
}

TEST(Rewrite, ArgWithAHarmlessDefaultOverriddenBySecretBuildArgIsRewritten) {
  RewriteOptions o;
  o.build_args = {{"GH_TOKEN", fake::Make(fake::Kind::kGithubToken)}};
  o.require_values = true;
  RewriteResult r = MustRewrite("FROM busybox\nARG GH_TOKEN=none\nRUN echo $GH_TOKEN\n", o);
  EXPECT_EQ(r.text, std::string("FROM busybox\nRUN --mount=type=secret,id=GH_TOKEN ") +
                        kArgPrelude + "echo $GH_TOKEN\n");
  ExpectIdempotent(r, o);
}

TEST(Rewrite, ApplyModeLeavesAnArgWithoutValueAlone) {
  RewriteOptions o;
  o.require_values = true;
  RewriteResult r = MustRewrite("FROM busybox\nARG GH_TOKEN\nRUN echo $GH_TOKEN\n", o);
  EXPECT_FALSE(r.changed);
  EXPECT_TRUE(r.secrets.empty());
}

TEST(Rewrite, NewerPodmanGetsEnvOnTheSecretMount) {
  RewriteOptions o;
  o.target = {5, 8};
  RewriteResult r = MustRewrite("FROM busybox\nARG GH_TOKEN\nRUN echo ${GH_TOKEN}\n", o);
  EXPECT_EQ(r.text,
            "FROM busybox\n"
            "RUN --mount=type=secret,id=GH_TOKEN,env=GH_TOKEN test -n \"$GH_TOKEN\" || { echo "
            "'secret GH_TOKEN is missing or empty' >&2; exit 1; }; echo ${GH_TOKEN}\n");
}

TEST(Rewrite, SecretLiteralsInEnvAndLabelAreRemovedKeepingTheOtherPairs) {
  std::string key = fake::Make(fake::Kind::kAwsAccessKeyId);
  std::string token = fake::Make(fake::Kind::kGithubToken);
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "# keep me\n"
                                "ENV A=1 AWS_ACCESS_KEY_ID=" + key + " B=\"two words\"\n"
                                "LABEL ci.token=\"" + token + "\"\n"
                                "RUN echo \"$AWS_ACCESS_KEY_ID\" | wc -c\n");
  EXPECT_EQ(r.text,
            "FROM busybox\n"
            "# keep me\n"
            "ENV A=1 B=\"two words\"\n"
            "RUN --mount=type=secret,id=AWS_ACCESS_KEY_ID test -s "
            "/run/secrets/AWS_ACCESS_KEY_ID || { echo 'secret AWS_ACCESS_KEY_ID is missing or "
            "empty' >&2; exit 1; }; AWS_ACCESS_KEY_ID=\"$(cat "
            "/run/secrets/AWS_ACCESS_KEY_ID)\" || exit 1; export AWS_ACCESS_KEY_ID; "
            "echo \"$AWS_ACCESS_KEY_ID\" | wc -c\n");
  ASSERT_EQ(r.changes.size(), 2u);
  EXPECT_EQ(r.changes[0].rule, "rewrite-literal-secret");
  EXPECT_EQ(r.changes[0].message,
            "ENV AWS_ACCESS_KEY_ID: secret value removed; RUN at line 5 read it from a secret "
            "mount");
  EXPECT_EQ(r.changes[1].message, "LABEL ci.token: secret value removed");
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.secrets[0].value, key);
  EXPECT_EQ(r.advice.size(), 3u);
  EXPECT_EQ(r.advice[2],
            "rotate the value of LABEL ci.token (line 4): it was written in the Containerfile");
  ExpectIdempotent(r);
}

TEST(Rewrite, UnusedEnvSecretGetsRunTimeAdvice) {
  std::string pw = fake::Make(fake::Kind::kGithubToken);
  RewriteResult r = MustRewrite("FROM busybox\nENV API_TOKEN=" + pw + "\n");
  EXPECT_EQ(r.text, "FROM busybox\n");
  EXPECT_TRUE(r.secrets.empty());
  ASSERT_EQ(r.advice.size(), 2u);
  EXPECT_EQ(r.advice[0],
            "if the container needs API_TOKEN at run time, pass it then: printf %s "
            "\"$API_TOKEN\" | podman secret create api_token - && podman run --secret "
            "api_token,type=env,target=API_TOKEN IMAGE");
}

TEST(Rewrite, EscapeDirectiveCommentsAndBackslashesAreKept) {
  std::string pw = fake::Make(fake::Kind::kGithubToken);
  RewriteResult r = MustRewrite("# escape=`\n"
                                "FROM busybox\n"
                                "# a comment\n"
                                "RUN echo C:\\path\\not\\escapes `\n"
                                "    && true\n"
                                "ENV A=1 `\n"
                                "    DB_PASSWORD=" + pw + "\n");
  EXPECT_EQ(r.text,
            "# escape=`\n"
            "FROM busybox\n"
            "# a comment\n"
            "RUN echo C:\\path\\not\\escapes `\n"
            "    && true\n"
            "ENV A=1\n");
  ExpectIdempotent(r);
}

TEST(Rewrite, CopiedThenDeletedCredentialFileBecomesATargetMount) {
  RewriteOptions o;
  o.context = "ctx";
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "COPY .npmrc /app/.npmrc\n"
                                "RUN cat /app/.npmrc > /dev/null\n"
                                "RUN rm /app/.npmrc\n",
                                o);
  EXPECT_EQ(r.text,
            "FROM busybox\n"
            "RUN --mount=type=secret,id=npmrc,target=/app/.npmrc test -s /app/.npmrc || { echo "
            "'secret npmrc is missing or empty' >&2; exit 1; }; cat /app/.npmrc > /dev/null\n");
  EXPECT_EQ(BuildFlags(r.secrets),
            std::vector<std::string>{"--secret id=npmrc,type=file,src=ctx/.npmrc"});
  EXPECT_EQ(r.ignore_lines, std::vector<std::string>{".npmrc"});
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].rule, "rewrite-copied-credential");
  ExpectIdempotent(r, o);

  // An exec-form RUN between the COPY and the rm takes the mount too, its
  // argv run through /bin/sh -c; an exec-form rm cannot lose its rm.
  r = MustRewrite("FROM busybox\n"
                  "COPY .npmrc /app/.npmrc\n"
                  "RUN [\"cat\", \"/app/.npmrc\"]\n"
                  "RUN rm /app/.npmrc\n",
                  o);
  EXPECT_EQ(r.text,
            "FROM busybox\n"
            "RUN --mount=type=secret,id=npmrc,target=/app/.npmrc [\"/bin/sh\", \"-c\", \"test -s "
            "/app/.npmrc || { echo 'secret npmrc is missing or empty' >&2; exit 1; }; exec "
            "\\\"$@\\\"\", \"sh\", \"cat\", \"/app/.npmrc\"]\n");
  ExpectIdempotent(r, o);
  r = MustRewrite("FROM busybox\nCOPY .npmrc /app/.npmrc\nRUN [\"rm\", \"/app/.npmrc\"]\n", o);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_NE(r.skipped[0].message.find("left as is"), std::string::npos) << r.skipped[0].message;
}

// A context directory of its own, removed afterwards.
class ContextDir {
 public:
  ContextDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("rewrite-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(path_);
  }
  ~ContextDir() { std::filesystem::remove_all(path_); }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(Rewrite, CopiedFileThatHoldsASecretIsMountedThoughItsNameIsNoCredentials) {
  ContextDir ctx;
  std::string pass = fake::UrlEncoded(fake::Make(fake::Kind::kPassword));
  ctx.Write("pip.conf", "[global]\nindex-url = https://deploy:" + pass + "@pypi.invalid/simple\n");
  RewriteOptions o;
  o.context = ctx.path();
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "COPY pip.conf /etc/pip.conf\n"
                                "RUN grep -q index-url /etc/pip.conf && rm /etc/pip.conf\n",
                                o);
  EXPECT_EQ(r.text,
            "FROM busybox\n"
            "RUN --mount=type=secret,id=pip.conf,target=/etc/pip.conf test -s /etc/pip.conf || "
            "{ echo 'secret pip.conf is missing or empty' >&2; exit 1; }; "
            "grep -q index-url /etc/pip.conf\n");
  EXPECT_EQ(r.ignore_lines, std::vector<std::string>{"pip.conf"});
}

TEST(Rewrite, CredentialFileSentByCopyOfTheContextIsMountedAndIgnored) {
  ContextDir ctx;
  ctx.Write(".npmrc", "//registry.npmjs.org/:_authToken=" + fake::Make(fake::Kind::kNpmToken) +
                          "\n");
  ctx.Write("package.json", "{}\n");
  RewriteOptions o;
  o.context = ctx.path();
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "WORKDIR /app\n"
                                "COPY . .\n"
                                "RUN npm ci && rm /app/.npmrc\n",
                                o);
  EXPECT_EQ(r.text,
            "FROM busybox\n"
            "WORKDIR /app\n"
            "COPY . .\n"
            "RUN --mount=type=secret,id=npmrc,target=/app/.npmrc test -s /app/.npmrc || "
            "{ echo 'secret npmrc is missing or empty' >&2; exit 1; }; npm ci\n");
  EXPECT_EQ(r.ignore_lines, std::vector<std::string>{".npmrc"});
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].message,
            "COPY . sends .npmrc (line 3): the rm of /app/.npmrc removed; the file is left out "
            "of the build context (ignore file); mounted as secret npmrc at /app/.npmrc");
}

TEST(Rewrite, RmInsideALongerRunIsCutOut) {
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "COPY .npmrc /root/\n"
                                "RUN npm ci && rm -f /root/.npmrc && echo done\n");
  EXPECT_EQ(r.text,
            "FROM busybox\n"
            "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc test -s /root/.npmrc || { "
            "echo 'secret npmrc is missing or empty' >&2; exit 1; }; npm ci && echo done\n");
}

TEST(Rewrite, SshKeyForGitCloneBecomesTheSshAgent) {
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "COPY id_ed25519 /root/.ssh/id_ed25519\n"
                                "RUN git clone git@example.invalid:a/b.git /src\n"
                                "RUN rm /root/.ssh/id_ed25519\n");
  EXPECT_EQ(r.text,
            "FROM busybox\n"
            "RUN --mount=type=ssh test -S \"$SSH_AUTH_SOCK\" || { echo 'no ssh agent: build "
            "with --ssh default' >&2; exit 1; }; git clone git@example.invalid:a/b.git /src\n");
  EXPECT_EQ(BuildFlags(r.secrets), std::vector<std::string>{"--ssh default"});
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].rule, "rewrite-ssh-key");
}

const char kNpmrcMount[] =
    "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc test -s /root/.npmrc || { echo "
    "'secret npmrc is missing or empty' >&2; exit 1; }; ";

// The RUN that `script` becomes once the copied /root/.npmrc is a mount.
std::string RunAfterCopy(const std::string& script) {
  RewriteResult r = MustRewrite("FROM busybox\nCOPY .npmrc /root/.npmrc\nRUN " + script + "\n");
  EXPECT_TRUE(r.skipped.empty()) << r.skipped[0].message;
  ExpectIdempotent(r);
  const std::string head = std::string("FROM busybox\n") + kNpmrcMount;
  if (!StartsWith(r.text, head)) return r.text;
  return r.text.substr(head.size(), r.text.size() - head.size() - 1);
}

TEST(Rewrite, RmOperandsOfTheMountedFileLeaveTheShellListValidAndMeaningTheSame) {
  // The rm always succeeded, so it goes with the operator that keeps the
  // connector between its neighbours.
  EXPECT_EQ(RunAfterCopy("npm ci && rm /root/.npmrc"), "npm ci");
  EXPECT_EQ(RunAfterCopy("npm ci && rm -f /root/.npmrc && echo ok"), "npm ci && echo ok");
  EXPECT_EQ(RunAfterCopy("npm ci && rm -rf /root/.npmrc; echo ok"), "npm ci; echo ok");
  EXPECT_EQ(RunAfterCopy("npm ci; rm -f /root/.npmrc && echo ok"), "npm ci; echo ok");
  EXPECT_EQ(RunAfterCopy("npm ci;rm /root/.npmrc;echo ok"), "npm ci;echo ok");
  // Last after `;`: the list's status was rm's, 0; `true` keeps it.
  EXPECT_EQ(RunAfterCopy("npm ci; rm /root/.npmrc"), "npm ci; true");
  EXPECT_EQ(RunAfterCopy("rm -f /root/.npmrc && npm ci"), "npm ci");
  // Other operands stay; quotes, `--`, ~ and $HOME are read as the shell does.
  EXPECT_EQ(RunAfterCopy("npm ci && rm -rf /tmp/cache '/root/.npmrc' /tmp/b && echo ok"),
            "npm ci && rm -rf /tmp/cache /tmp/b && echo ok");
  EXPECT_EQ(RunAfterCopy("npm ci && rm -- \"/root/.npmrc\" && echo ok"), "npm ci && echo ok");
  EXPECT_EQ(RunAfterCopy("npm ci && rm -f ~/.npmrc $HOME/.npmrc"), "npm ci");
  EXPECT_EQ(RunAfterCopy("npm ci && rm -f ${HOME}/.npmrc /tmp/a"), "npm ci && rm -f /tmp/a");
  // Two rm commands in a row go as one.
  EXPECT_EQ(RunAfterCopy("npm ci && rm -f /root/.npmrc && rm -f /root/.npmrc && echo ok"),
            "npm ci && echo ok");
  EXPECT_EQ(RunAfterCopy("(npm ci && rm /root/.npmrc) && echo ok"), "(npm ci) && echo ok");
  EXPECT_EQ(RunAfterCopy("npm ci && rm -f /root/.npmrc 2>/dev/null"), "npm ci");
  // A longer path that merely starts with the file's is another file.
  EXPECT_EQ(RunAfterCopy("npm ci && rm -f /root/.npmrc.bak /root/.npmrc"),
            "npm ci && rm -f /root/.npmrc.bak");
}

TEST(Rewrite, ShellLexerGivesTheRawSpanOfEachWordAndTheOperatorsAroundEachCommand) {
  Segment script;
  script.text = "a && rm -f '/x y' \"$H\"/z 2>/dev/null; (b) || c";
  for (size_t i = 0; i < script.text.size(); ++i) {
    script.pos.push_back({1, static_cast<int>(i) + 1});
  }
  std::vector<ShellCommand> cmds = LexCommands(script);
  ASSERT_EQ(cmds.size(), 4u);
  const ShellCommand& rm = cmds[1];
  ASSERT_EQ(rm.words.size(), 4u);
  auto raw = [&](size_t i) {
    return script.text.substr(rm.raw_begin[i], rm.raw_end[i] - rm.raw_begin[i]);
  };
  EXPECT_EQ(raw(2), "'/x y'");
  EXPECT_EQ(raw(3), "\"$H\"/z");
  EXPECT_EQ(rm.words[2].text, "/x y");
  EXPECT_EQ(rm.op_before, "&&");
  EXPECT_EQ(rm.op_before_at, 2u);
  EXPECT_EQ(rm.op_after, ";");
  EXPECT_EQ(script.text.substr(rm.op_after_at, 1), ";");
  EXPECT_EQ(cmds[0].op_before, "");
  EXPECT_EQ(cmds[2].op_before, "(");
  EXPECT_EQ(cmds[2].op_after, ")");
  EXPECT_EQ(cmds[3].op_before, "||");
  EXPECT_EQ(cmds[3].op_after, "");
}

TEST(Rewrite, RmOnALineOfItsOwnGoesWithThatLine) {
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "COPY .npmrc /root/.npmrc\n"
                                "RUN npm ci \\\n"
                                "    && rm -f /root/.npmrc \\\n"
                                "    && echo ok\n"
                                "RUN echo next\n");
  EXPECT_EQ(r.text, std::string("FROM busybox\n") + kNpmrcMount +
                        "npm ci \\\n"
                        "    && echo ok\n"
                        "RUN echo next\n");
  EXPECT_EQ(r.line_origin, (std::vector<int>{1, 3, 5, 6}));
  ExpectIdempotent(r);
  // Last on its line: the continuation must not swallow the next RUN.
  r = MustRewrite("FROM busybox\n"
                  "COPY .npmrc /root/.npmrc\n"
                  "RUN npm ci && \\\n"
                  "    rm -f /root/.npmrc\n"
                  "RUN echo next\n");
  EXPECT_EQ(r.text, std::string("FROM busybox\n") + kNpmrcMount +
                        "npm ci && \\\n"
                        "    true\n"
                        "RUN echo next\n");
  ExpectIdempotent(r);
}

TEST(Rewrite, RmOfTwoCopiedFilesInOneCommandGoesWhole) {
  ContextDir ctx;
  ctx.Write(".netrc", "machine h.invalid login u password " +
                          fake::Make(fake::Kind::kPassword) + "\n");
  ctx.Write("pip.conf", "[global]\nindex-url = https://u:" + fake::Make(fake::Kind::kGithubToken) +
                            "@pypi.invalid/simple\n");
  RewriteOptions o;
  o.context = ctx.path();
  RewriteResult r = MustRewrite(
      "FROM tools\n"
      "COPY .netrc /root/.netrc\n"
      "COPY pip.conf /etc/pip.conf\n"
      "RUN curl -s --netrc file:///etc/passwd -o /f.txt && grep -q index-url /etc/pip.conf "
      "&& rm /root/.netrc /etc/pip.conf\n",
      o);
  EXPECT_EQ(r.text,
            "FROM tools\n"
            "RUN --mount=type=secret,id=netrc,target=/root/.netrc "
            "--mount=type=secret,id=pip.conf,target=/etc/pip.conf "
            "test -s /root/.netrc || { echo 'secret netrc is missing or empty' >&2; exit 1; }; "
            "test -s /etc/pip.conf || { echo 'secret pip.conf is missing or empty' >&2; exit 1; "
            "}; curl -s --netrc file:///etc/passwd -o /f.txt && grep -q index-url /etc/pip.conf\n");
  EXPECT_EQ(r.changes.size(), 2u);
  EXPECT_TRUE(r.skipped.empty());
  ExpectIdempotent(r, o);
}

TEST(Rewrite, RmThatCannotGoSafelyLeavesTheCopyWithTheReason) {
  auto reason = [](const std::string& script) {
    RewriteResult r =
        MustRewrite("FROM busybox\nCOPY .npmrc /root/.npmrc\nRUN " + script + "\n");
    EXPECT_FALSE(r.changed) << script;
    return r.skipped.empty() ? std::string() : r.skipped[0].message;
  };
  EXPECT_EQ(reason("npm ci && rm /root/.npmrc || echo failed"),
            "COPY .npmrc (line 2) left as is: line 3: rm is joined by `||`; only && and ; "
            "lists are edited");
  EXPECT_EQ(reason("npm ci | rm -f /root/.npmrc"),
            "COPY .npmrc (line 2) left as is: line 3: rm is joined by `|`; only && and ; "
            "lists are edited");
  EXPECT_EQ(reason("npm ci && (rm /root/.npmrc)"),
            "COPY .npmrc (line 2) left as is: line 3: rm is alone in a subshell");
  EXPECT_EQ(reason("npm ci && rm -rf /root"),
            "COPY .npmrc (line 2) left as is: line 3: rm `/root` reaches /root/.npmrc, which "
            "becomes a read-only mount");
  EXPECT_EQ(reason("npm ci && rm -f /root/.npmrc > /log"),
            "COPY .npmrc (line 2) left as is: line 3: rm writes to `/log`, so it cannot go");
}

TEST(Rewrite, ChmodAndChownOfTheMountedFileBecomeItsModeAndOwner) {
  ContextDir ctx;
  ctx.Write(".netrc", "machine h.invalid login u password x\n");
  std::filesystem::permissions(ctx.path() + "/.netrc", std::filesystem::perms(0644));
  RewriteOptions o;
  o.context = ctx.path();
  RewriteResult r = MustRewrite("FROM tools\n"
                                "COPY .netrc /root/.netrc\n"
                                "RUN chown root:0 /root/.netrc && chmod go-rwx,u-w /root/.netrc\n"
                                "RUN curl --netrc -o /f http://h.invalid/f && rm /root/.netrc\n",
                                o);
  const std::string mount =
      "RUN --mount=type=secret,id=netrc,target=/root/.netrc,mode=0400,uid=0,gid=0 test -s "
      "/root/.netrc || { echo 'secret netrc is missing or empty' >&2; exit 1; }; ";
  EXPECT_EQ(r.text, "FROM tools\n" + mount + "curl --netrc -o /f http://h.invalid/f\n");
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].message,
            "COPY .netrc (line 2) and its rm removed; mounted as secret netrc at /root/.netrc "
            "with mode 0400");
  ExpectIdempotent(r, o);

  r = MustRewrite("FROM tools\n"
                  "COPY .netrc /root/.netrc\n"
                  "RUN chmod 600 /root/.netrc /tmp/a && curl --netrc -o /f http://h.invalid/f"
                  " && rm /root/.netrc\n",
                  o);
  EXPECT_NE(r.text.find("target=/root/.netrc,mode=0600 test -s"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("; chmod 600 /tmp/a && curl --netrc -o /f http://h.invalid/f\n"),
            std::string::npos)
      << r.text;
  // A mode that depends on the umask is not guessed.
  r = MustRewrite("FROM tools\nCOPY .netrc /root/.netrc\n"
                  "RUN chmod +r /root/.netrc && rm /root/.netrc\n",
                  o);
  EXPECT_FALSE(r.changed);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].message,
            "COPY .netrc (line 2) left as is: line 3: chmod `+r` is not a mode safebuild can "
            "work out");
}

// Not a key: the OpenSSH header with the cipher in clear, and filler.
std::string FakeOpensshKey(const std::string& cipher_b64) {
  return "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA" + cipher_b64 +
         fake::Make(fake::Kind::kPassword) + "\n-----END OPENSSH PRIVATE KEY-----\n";
}

TEST(Rewrite, SshKeyNamedOnlyByChmodAndRmIsServedFromTheKeyFileByTheBuildsAgent) {
  ContextDir ctx;
  ctx.Write("id_ed25519", FakeOpensshKey("BG5vbmUAAAAEbm9uZQ"));
  RewriteOptions o;
  o.context = ctx.path();
  RewriteResult r = MustRewrite(
      "FROM tools\n"
      "COPY id_ed25519 /root/.ssh/\n"
      "RUN chmod 600 /root/.ssh/id_ed25519 && (GIT_SSH_COMMAND=\"ssh -o ConnectTimeout=2\" "
      "git clone ssh://git@127.0.0.1:9/r.git /src || mkdir -p /src) && "
      "rm -f /root/.ssh/id_ed25519\n",
      o);
  EXPECT_EQ(r.text,
            "FROM tools\n"
            "RUN --mount=type=ssh test -S \"$SSH_AUTH_SOCK\" || { echo 'no ssh agent: build "
            "with --ssh default' >&2; exit 1; }; (GIT_SSH_COMMAND=\"ssh -o ConnectTimeout=2\" "
            "git clone ssh://git@127.0.0.1:9/r.git /src || mkdir -p /src)\n");
  std::string key = (std::filesystem::absolute(ctx.path()) / "id_ed25519").string();
  EXPECT_EQ(BuildFlags(r.secrets), std::vector<std::string>{"--ssh default=" + key});
  EXPECT_TRUE(r.advice.empty());
  ExpectIdempotent(r, o);

  // A key with a passphrase needs the user's agent.
  ctx.Write("id_ed25519", FakeOpensshKey("CmFlczI1Ni1jdHIAAAAGYmNyeXB0"));
  r = MustRewrite("FROM tools\nCOPY id_ed25519 /root/.ssh/id_ed25519\n"
                  "RUN git clone git@h.invalid:a/b.git /src && rm /root/.ssh/id_ed25519\n",
                  o);
  EXPECT_EQ(BuildFlags(r.secrets), std::vector<std::string>{"--ssh default"});
  EXPECT_EQ(r.advice.size(), 1u);
}

TEST(Rewrite, SshKeyThatTheCommandNamesIsMountedWhereItNamesItWithMode0600) {
  RewriteResult r = MustRewrite(
      "FROM tools\n"
      "COPY id_rsa /keys/id_rsa\n"
      "RUN chmod 0600 /keys/id_rsa && GIT_SSH_COMMAND='ssh -i /keys/id_rsa' "
      "git clone git@h.invalid:a/b.git /src; rm -f /keys/id_rsa\n");
  EXPECT_EQ(r.text,
            "FROM tools\n"
            "RUN --mount=type=secret,id=id_rsa,target=/keys/id_rsa,mode=0600 test -s "
            "/keys/id_rsa || { echo 'secret id_rsa is missing or empty' >&2; exit 1; }; "
            "GIT_SSH_COMMAND='ssh -i /keys/id_rsa' git clone git@h.invalid:a/b.git /src; true\n");
  ExpectIdempotent(r);
}

TEST(Rewrite, SshKeyWhoseDirectoryTheStepWritesToIsMountedThere) {
  RewriteResult r = MustRewrite(
      "FROM tools\n"
      "COPY id_rsa /root/.ssh/id_rsa\n"
      "RUN chmod 700 /root/.ssh && ssh-keyscan h.invalid >> ~/.ssh/known_hosts && "
      "git clone git@h.invalid:a/b.git /src && rm /root/.ssh/id_rsa\n");
  EXPECT_EQ(r.text,
            "FROM tools\n"
            "RUN --mount=type=secret,id=id_rsa,target=/root/.ssh/id_rsa test -s /root/.ssh/id_rsa "
            "|| { echo 'secret id_rsa is missing or empty' >&2; exit 1; }; chmod 700 /root/.ssh "
            "&& ssh-keyscan h.invalid >> ~/.ssh/known_hosts && git clone git@h.invalid:a/b.git "
            "/src\n");
  ExpectIdempotent(r);
}

TEST(Rewrite, CredentialFileThatStaysInTheImageIsLeftWithTheReason) {
  RewriteResult r = MustRewrite("FROM busybox\nCOPY .npmrc /app/.npmrc\nRUN npm ci\n");
  EXPECT_FALSE(r.changed);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].message,
            "COPY .npmrc (line 2) left as is: no later RUN removes /app/.npmrc, so the image "
            "may need it at run time (use podman run --secret)");
}

TEST(Rewrite, ArgUsedOutsideRunIsLeftWithTheReason) {
  // Not a copy of the value: the ENV would need the secret itself.
  RewriteResult r = MustRewrite("FROM busybox\nARG GH_TOKEN\nENV T=x$GH_TOKEN\nRUN true\n");
  EXPECT_FALSE(r.changed);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].message, "ARG GH_TOKEN left as is: ENV at line 3 uses $GH_TOKEN "
                                  "outside RUN");
}

TEST(Rewrite, ExecFormRunsReadTheSecretThroughAShellPrelude) {
  std::string token = fake::Make(fake::Kind::kGithubToken);
  RewriteOptions o;
  o.build_args = {{"GH_TOKEN", token}};
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "ARG GH_TOKEN\n"
                                "RUN [\"sh\", \"-c\", \"curl -H \\\"token $GH_TOKEN\\\" x\"]\n"
                                "RUN [\"/usr/local/bin/fetch\", \\\n"
                                "     \"--all\"]\n",
                                o);
  // The script of `sh -c` starts with the prelude; any other argv is run
  // by a /bin/sh that reads the secret, then execs it ("$@").
  const std::string prelude =
      "test -s /run/secrets/GH_TOKEN || { echo 'secret GH_TOKEN is missing or empty' >&2; "
      "exit 1; }; GH_TOKEN=\\\"$(cat /run/secrets/GH_TOKEN)\\\" || exit 1; export GH_TOKEN; ";
  EXPECT_EQ(r.text, "FROM busybox\n"
                    "RUN --mount=type=secret,id=GH_TOKEN [\"sh\", \"-c\", \"" + prelude +
                        "curl -H \\\"token $GH_TOKEN\\\" x\"]\n"
                        "RUN --mount=type=secret,id=GH_TOKEN [\"/bin/sh\", \"-c\", \"" +
                        prelude + "exec \\\"$@\\\"\", \"sh\", \"/usr/local/bin/fetch\", "
                        "\"--all\"]\n");
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].message,
            "ARG GH_TOKEN removed; RUN at line 3, 4 read it from a secret mount");
  auto parsed = ParseContainerfile(r.text, "Containerfile");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->instructions.size(), 3u);
  EXPECT_TRUE(parsed->instructions[2].exec_form);
  EXPECT_EQ(parsed->instructions[2].exec.size(), 6u);
  EXPECT_EQ(parsed->instructions[2].exec[2], std::string(kArgPrelude) + "exec \"$@\"");
  EXPECT_EQ(parsed->instructions[2].exec[5], "--all");
  ExpectIdempotent(r, o);
}

TEST(Rewrite, ExecFormRunWithNoShellKnownIsLeftWithTheReason) {
  RewriteResult r = MustRewrite("FROM scratch\nCOPY fetch /fetch\nARG GH_TOKEN\n"
                                "RUN [\"/fetch\"]\n");
  EXPECT_FALSE(r.changed);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].message,
            "ARG GH_TOKEN left as is: RUN at line 4 is in exec form in a stage that starts "
            "FROM scratch or a distroless image, where /bin/sh, which would read the secret "
            "for it, is not known to exist");
  // A stage built FROM a stage of a base image has its shell.
  r = MustRewrite("FROM busybox AS b\nFROM b\nARG GH_TOKEN\nRUN [\"/fetch\"]\n");
  EXPECT_TRUE(r.changed);
  EXPECT_TRUE(r.skipped.empty());
}

TEST(Rewrite, HeredocsOnOldPodmanLeaveTheWholeFileAlone) {
  RewriteResult r = MustRewrite("FROM busybox\nARG GH_TOKEN\nRUN <<EOF\necho $GH_TOKEN\nEOF\n");
  EXPECT_FALSE(r.changed);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].message, "file left as is: line 3: heredocs need podman 4.8 or later");
}

TEST(Rewrite, ContinuationsAndExistingFlagsOfARunAreKept) {
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "ARG GH_TOKEN\n"
                                "RUN --network=none \\\n"
                                "    echo $GH_TOKEN \\\n"
                                "    && true\n");
  EXPECT_EQ(r.text,
            "FROM busybox\n"
            "RUN --mount=type=secret,id=GH_TOKEN --network=none \\\n"
            "    " + std::string(kArgPrelude) + "echo $GH_TOKEN \\\n"
            "    && true\n");
  ExpectIdempotent(r);
}

TEST(Rewrite, TwoLiteralsOfOneNameAreTwoSecrets) {
  std::string a = fake::Make(fake::Kind::kGithubToken);
  std::string b = fake::Make(fake::Kind::kGithubToken);
  RewriteResult r = MustRewrite("FROM busybox AS one\nENV GH_TOKEN=" + a +
                                "\nRUN echo $GH_TOKEN\nFROM busybox\nENV GH_TOKEN=" + b +
                                "\nRUN echo $GH_TOKEN\n");
  // The step reads GH_TOKEN, from the second secret.
  const std::string second =
      "test -s /run/secrets/GH_TOKEN_2 || { echo 'secret GH_TOKEN_2 is missing or empty' >&2; "
      "exit 1; }; GH_TOKEN=\"$(cat /run/secrets/GH_TOKEN_2)\" || exit 1; export GH_TOKEN; ";
  EXPECT_EQ(r.text, std::string("FROM busybox AS one\nRUN --mount=type=secret,id=GH_TOKEN ") +
                        kArgPrelude + "echo $GH_TOKEN\nFROM busybox\n"
                        "RUN --mount=type=secret,id=GH_TOKEN_2 " + second + "echo $GH_TOKEN\n");
  ASSERT_EQ(r.secrets.size(), 2u);
  EXPECT_EQ(r.secrets[0].id, "GH_TOKEN");
  EXPECT_EQ(r.secrets[0].value, a);
  EXPECT_EQ(r.secrets[1].id, "GH_TOKEN_2");
  EXPECT_EQ(r.secrets[1].value, b);
  ExpectIdempotent(r);
  // The same value twice is one secret.
  r = MustRewrite("FROM busybox AS one\nENV GH_TOKEN=" + a +
                  "\nRUN echo $GH_TOKEN\nFROM busybox\nENV GH_TOKEN=" + a +
                  "\nRUN echo $GH_TOKEN\n");
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.text.find("GH_TOKEN_2"), std::string::npos) << r.text;
}

// The builds FROM the image run an ONBUILD step: without the ENV it would
// read an empty value there, with no error.
TEST(Rewrite, EnvSecretThatAnOnbuildStepUsesIsLeftWithTheReason) {
  std::string token = fake::Make(fake::Kind::kGithubToken);
  for (std::string trigger : {"ONBUILD RUN echo $GH_TOKEN > /a", "ONBUILD ENV B=${GH_TOKEN}"}) {
    SCOPED_TRACE(trigger);
    std::string text = "FROM busybox\nENV GH_TOKEN=" + token + "\n" + trigger + "\nRUN true\n";
    RewriteResult r = MustRewrite(text);
    EXPECT_EQ(r.text, text);
    ASSERT_FALSE(r.skipped.empty());
    EXPECT_EQ(r.skipped[0].line, 2);
    EXPECT_EQ(r.skipped[0].message,
              "ENV GH_TOKEN left as is: ONBUILD at line 3 uses $GH_TOKEN in the builds FROM "
              "this image, which this rewrite does not see");
  }
  // No step names it: gh in the later build may read it from its environment.
  std::string text = "FROM busybox\nENV GH_TOKEN=" + token + "\nONBUILD RUN gh release list\n"
                     "RUN gh auth status\n";
  RewriteResult r = MustRewrite(text);
  EXPECT_EQ(r.text, text);
  ASSERT_FALSE(r.skipped.empty());
  EXPECT_EQ(r.skipped[0].message,
            "ENV GH_TOKEN left as is: ONBUILD at line 3 may read $GH_TOKEN from the image's ENV "
            "in the builds FROM it, which this rewrite does not see");
  // An ARG is not in the later builds' environment: its stage is rewritten.
  RewriteOptions o = OnlyBuildArg("GH_TOKEN", token);
  r = MustRewrite("FROM busybox\nARG GH_TOKEN\nONBUILD RUN gh release list\nRUN gh auth status\n",
                  o);
  EXPECT_TRUE(r.changed);
  EXPECT_EQ(r.text.find("ARG GH_TOKEN"), std::string::npos) << r.text;
}

// An ONBUILD RUN is moved like a RUN: the builds FROM the image run it, so
// they pass the secret, whichever user they run it as (mode 0444).
TEST(Rewrite, SecretInAnOnbuildRunMovesIntoAMountTheLaterBuildsPass) {
  std::string token = fake::Make(fake::Kind::kGithubToken);
  RewriteResult r = MustRewrite("FROM busybox\nONBUILD RUN --network=none curl -fsS -H "
                                "'Authorization: token " + token + "' -o /f http://h.invalid/f\n"
                                "USER 1000\n");
  EXPECT_EQ(r.text,
            "FROM busybox\nONBUILD RUN --network=none --mount=type=secret,id=auth_header,"
            "mode=0444 test -s /run/secrets/auth_header || { echo 'secret auth_header is "
            "missing or empty' >&2; exit 1; }; curl -fsS -H @/run/secrets/auth_header -o /f "
            "http://h.invalid/f\nUSER 1000\n");
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.secrets[0].value, "Authorization: token " + token + "\n");
  EXPECT_NE(std::find(r.advice.begin(), r.advice.end(),
                      "ONBUILD RUN at line 2 reads secret auth_header from a mount: each build "
                      "FROM this image runs it and must pass --secret id=auth_header (this "
                      "build does not run it)"),
            r.advice.end());
  ExpectIdempotent(r);
}

TEST(Rewrite, LengthExpansionCountsAsAUse) {
  std::string token = fake::Make(fake::Kind::kGithubToken);
  RewriteResult r = MustRewrite("FROM busybox\nENV GH_TOKEN=" + token +
                                "\nRUN echo ${#GH_TOKEN}\nRUN true\n");
  EXPECT_EQ(r.text, std::string("FROM busybox\nRUN --mount=type=secret,id=GH_TOKEN ") +
                        kArgPrelude + "echo ${#GH_TOKEN}\nRUN true\n");
}

TEST(Rewrite, CurlUrlCredentialsMoveIntoANetrcSecret) {
  // Letters and digits: the next test takes the characters that URLs and
  // netrc treat specially.
  std::string pw = fake::Mixed(22);
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "RUN curl -fsSL \"https://deploy:" + pw +
                                "@files.example.invalid/a.tgz\" -o /a.tgz\n");
  EXPECT_EQ(r.text,
            "FROM busybox\n"
            "RUN --mount=type=secret,id=netrc test -s /run/secrets/netrc || { echo 'secret "
            "netrc is missing or empty' >&2; exit 1; }; curl -fsSL --netrc-file "
            "/run/secrets/netrc \"https://files.example.invalid/a.tgz\" -o /a.tgz\n");
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.secrets[0].value,
            "machine files.example.invalid login deploy password " + pw + "\n");
  EXPECT_EQ(BuildFlags(r.secrets),
            std::vector<std::string>{"--secret id=netrc,type=file,src=netrc"});
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].rule, "rewrite-download-credentials");
  ExpectIdempotent(r);
}

TEST(Rewrite, UrlCredentialsAreDecodedAndQuotedForNetrc) {
  // The URL holds them percent-encoded; curl reads a netrc word that starts
  // with '#' as a comment, so that one is quoted, its '"' escaped.
  std::string pw = "#" + fake::Mixed(16) + "%\"";
  RewriteResult r = MustRewrite("FROM busybox\nRUN curl -fsSL https://" +
                                fake::UrlEncoded("ci@corp") + ":" + fake::UrlEncoded(pw) +
                                "@files.example.invalid/a.tgz -o /a.tgz\n");
  ASSERT_EQ(r.secrets.size(), 1u) << r.text;
  EXPECT_EQ(r.secrets[0].value, "machine files.example.invalid login ci@corp password \"#" +
                                    pw.substr(1, 16) + "%\\\"\"\n");
  EXPECT_EQ(r.text.find('#'), std::string::npos) << r.text;
  ExpectIdempotent(r);
}

TEST(Rewrite, CurlAuthorizationHeaderMovesIntoAHeaderFileSecret) {
  std::string token = fake::Make(fake::Kind::kGithubToken);
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "RUN curl -H 'Authorization: Bearer " + token +
                                "' https://api.example.invalid/x -o /x\n");
  EXPECT_EQ(r.text,
            "FROM busybox\n"
            "RUN --mount=type=secret,id=auth_header test -s /run/secrets/auth_header || { echo "
            "'secret auth_header is missing or empty' >&2; exit 1; }; curl -H "
            "@/run/secrets/auth_header https://api.example.invalid/x -o /x\n");
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.secrets[0].value, "Authorization: Bearer " + token + "\n");
  ExpectIdempotent(r);
}

std::string Prelude(const std::string& id) {
  return "test -s /run/secrets/" + id + " || { echo 'secret " + id +
         " is missing or empty' >&2; exit 1; }; " + id + "=\"$(cat /run/secrets/" + id +
         ")\" || exit 1; export " + id + "; ";
}

// podman mounts a secret as root's 0400 file: a step after USER gets it as
// its own (numeric) or readable (a name, whose uid only the image knows).
TEST(Rewrite, SecretMountOfAStepUnderUserIsReadableByThatUser) {
  RewriteOptions o;
  o.build_args = {{"GH_TOKEN", fake::Make(fake::Kind::kGithubToken)}};
  for (auto [user, attrs] : {std::pair<std::string, std::string>{"65534", ",uid=65534"},
                             {"1000:1001", ",uid=1000,gid=1001"},
                             {"node", ",mode=0444"},
                             {"root", ""},
                             {"0:0", ""}}) {
    RewriteResult r = MustRewrite("FROM busybox\nARG GH_TOKEN\nUSER " + user +
                                      "\nRUN echo ${#GH_TOKEN} > /tmp/len\n",
                                  o);
    EXPECT_NE(r.text.find("RUN --mount=type=secret,id=GH_TOKEN" + attrs + " test -s"),
              std::string::npos)
        << user << "\n" << r.text;
    ExpectIdempotent(r, o);
  }
  // A USER of an earlier stage does not count.
  RewriteResult r = MustRewrite(
      "FROM busybox AS a\nUSER 65534\nFROM busybox\nARG GH_TOKEN\nRUN echo ${#GH_TOKEN}\n", o);
  EXPECT_NE(r.text.find("RUN --mount=type=secret,id=GH_TOKEN test -s"), std::string::npos)
      << r.text;
}

// The mount's attributes in the rewrite of `text` (the RUN that reads
// GH_TOKEN last): what follows "id=GH_TOKEN" up to the next space.
std::string GhTokenMountAttrs(const RewriteResult& r) {
  const std::string mount = "--mount=type=secret,id=GH_TOKEN";
  size_t at = r.text.rfind(mount);
  if (at == std::string::npos) return "<no mount>";
  at += mount.size();
  return r.text.substr(at, r.text.find(' ', at) - at);
}

RewriteOptions WithGhToken() {
  RewriteOptions o;
  o.build_args = {{"GH_TOKEN", fake::Make(fake::Kind::kGithubToken)}};
  return o;
}

// A base image made with USER 65534 (or podman import --change 'USER …')
// runs its steps as that user though the file names none: the build asks
// podman, and the mount follows as it does for a USER in the file.
TEST(Rewrite, SecretMountOfAStepRunAsTheBaseImagesUserIsReadableByThatUser) {
  const std::string file = "FROM localhost/base\nARG GH_TOKEN\nRUN echo ${#GH_TOKEN} > /tmp/len\n";
  for (auto [user, attrs] : {std::pair<std::string, std::string>{"65534", ",uid=65534"},
                             {"1000:1001", ",uid=1000,gid=1001"},
                             {"app", ",mode=0444"},
                             {"", ""},
                             {"root", ""},
                             {"0", ""}}) {
    RewriteOptions o = WithGhToken();
    o.base_users = {{"localhost/base", user}};
    RewriteResult r = MustRewrite(file, o);
    EXPECT_EQ(GhTokenMountAttrs(r), attrs) << "base user \"" << user << "\"\n" << r.text;
    ExpectIdempotent(r, o);
  }
  // A USER in the file decides over the base image's.
  RewriteOptions o = WithGhToken();
  o.base_users = {{"localhost/base", "65534"}};
  EXPECT_EQ(GhTokenMountAttrs(MustRewrite(
                "FROM localhost/base\nUSER root\nARG GH_TOKEN\nRUN echo ${#GH_TOKEN}\n", o)),
            "");
}

// `fix` asks no podman, and a build may not have the base image yet: the
// step's user is not known, so the mount is readable by any user of that
// step. scratch has no users but root.
TEST(Rewrite, SecretMountOfAStepWhoseUserIsNotKnownIsReadableByAll) {
  RewriteOptions o = WithGhToken();
  RewriteResult r =
      RewriteAsFix("FROM localhost/base\nARG GH_TOKEN\nRUN echo ${#GH_TOKEN} > /len\n", o);
  EXPECT_EQ(r.text, "FROM localhost/base\nRUN --mount=type=secret,id=GH_TOKEN,mode=0444 " +
                        Prelude("GH_TOKEN") + "echo ${#GH_TOKEN} > /len\n");
  RewriteResult again = RewriteAsFix(r.text, o);
  EXPECT_EQ(again.text, r.text);
  EXPECT_FALSE(again.changed);
  // Another base, not known either; a USER root in the file is known.
  o.base_users = {{"localhost/other", "65534"}};
  EXPECT_EQ(GhTokenMountAttrs(RewriteAsFix(
                "FROM localhost/base\nARG GH_TOKEN\nRUN echo ${#GH_TOKEN}\n", o)),
            ",mode=0444");
  EXPECT_EQ(GhTokenMountAttrs(RewriteAsFix(
                "FROM localhost/base\nUSER 0\nARG GH_TOKEN\nRUN echo ${#GH_TOKEN}\n", o)),
            "");
  EXPECT_EQ(GhTokenMountAttrs(RewriteAsFix(
                "FROM scratch\nARG GH_TOKEN\nRUN echo ${#GH_TOKEN}\n", o)),
            "");
}

// FROM NAME starts where stage NAME ended: with its last USER, else with
// the user it started with itself.
TEST(Rewrite, StageBuiltOnAnEarlierStageRunsAsThatStagesUser) {
  RewriteOptions o = WithGhToken();
  o.base_users = {{"localhost/base", "65534"}, {"localhost/root", ""}};
  const std::string tail = "ARG GH_TOKEN\nRUN echo ${#GH_TOKEN}\n";
  EXPECT_EQ(GhTokenMountAttrs(MustRewrite(
                "FROM localhost/root AS build\nUSER 1000\nRUN true\nFROM build\n" + tail, o)),
            ",uid=1000");
  EXPECT_EQ(GhTokenMountAttrs(MustRewrite(
                "FROM localhost/base AS Build\nRUN true\nFROM build AS two\nFROM two\n" + tail,
                o)),
            ",uid=65534");
  // A later USER root, in either stage, and a stage of another name.
  EXPECT_EQ(GhTokenMountAttrs(MustRewrite(
                "FROM localhost/base AS build\nUSER root\nFROM build\n" + tail, o)),
            "");
  EXPECT_EQ(GhTokenMountAttrs(MustRewrite(
                "FROM localhost/base AS build\nFROM localhost/root\n" + tail, o)),
            "");
  // An unknown base under the earlier stage.
  EXPECT_EQ(GhTokenMountAttrs(RewriteAsFix(
                "FROM localhost/x AS build\nFROM build\n" + tail, o)),
            ",mode=0444");
}

TEST(Rewrite, BaseImagesAreTheFromImagesWithTheirArgsPutIn) {
  RewriteOptions o;
  o.build_args = {{"TAG", "2"}};
  std::vector<BaseImage> bases = BaseImages(
      "ARG REG=localhost\nARG TAG=1\nARG UNSET\n"
      "FROM ${REG}/a:$TAG AS a\n"
      "FROM a AS b\n"
      "FROM 1\n"  // the stage of that index, as podman takes it
      "FROM --platform=linux/arm64 $REG/c\n"
      "FROM --platform=$BUILDPLATFORM localhost/d\n"
      "FROM scratch\n"
      "FROM ${UNSET:-localhost/e}\n"
      "FROM $UNSET\n"
      "FROM ${REG%host}/f\n",
      o);
  std::vector<std::string> got;
  for (const auto& b : bases) got.push_back(b.ref + "|" + b.platform);
  EXPECT_EQ(got, (std::vector<std::string>{"localhost/a:2|", "localhost/c|linux/arm64",
                                           "localhost/d|?", "localhost/e|"}));
  // The user of FROM ${REG}/a:$TAG is looked up by what it expands to.
  o.build_args.emplace_back("GH_TOKEN", fake::Make(fake::Kind::kGithubToken));
  o.base_users = {{"localhost/a:2", "65534"}};
  EXPECT_EQ(GhTokenMountAttrs(MustRewrite(
                "ARG REG=localhost\nARG TAG=1\nFROM ${REG}/a:$TAG\nARG GH_TOKEN\n"
                "RUN echo ${#GH_TOKEN}\n",
                o)),
            ",uid=65534");
}

TEST(Rewrite, DerivedNpmrcSplitsTheStageAndTheImageCopiesOnlyTheWorkdir) {
  RewriteResult r = MustRewrite(
      "FROM node:20\n"
      "ARG NPM_TOKEN\n"
      "WORKDIR /app\n"
      "COPY package.json .\n"
      "RUN echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > .npmrc && npm ci\n"
      "COPY . .\n"
      "ENV NODE_ENV=production\n"
      "EXPOSE 3000\n"
      "CMD [\"node\", \"server.js\"]\n");
  EXPECT_EQ(r.text,
            "FROM node:20 AS safebuild-base\n"
            "WORKDIR /app\n"
            "COPY package.json .\n"
            "\n"
            "FROM safebuild-base AS safebuild-build\n"
            "RUN --mount=type=secret,id=NPM_TOKEN " + Prelude("NPM_TOKEN") +
            "echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > .npmrc && npm ci\n"
            "COPY . .\n"
            "ENV NODE_ENV=production\n"
            "RUN rm -f /app/.npmrc\n"
            "\n"
            "FROM safebuild-base\n"
            "COPY --from=safebuild-build /app /app\n"
            "ENV NODE_ENV=production\n"
            "EXPOSE 3000\n"
            "CMD [\"node\", \"server.js\"]\n");
  ASSERT_EQ(r.changes.size(), 2u);
  EXPECT_EQ(r.changes[1].rule, "rewrite-multi-stage");
  EXPECT_EQ(r.changes[1].line, 5);
  EXPECT_EQ(r.changes[1].message,
            "split into stages: from here the steps that use secrets run in stage "
            "safebuild-build, which keeps /app/.npmrc; the image copies only /app (WORKDIR)");
  ExpectIdempotent(r);
}

TEST(Rewrite, MavenSettingsInTheHomeStayInTheBuildStage) {
  RewriteResult r = MustRewrite(
      "FROM maven:3 AS base\n"
      "RUN --mount=type=secret,id=mvn mkdir -p ~/.m2 && "
      "printf '<settings>%s</settings>' \"$(cat /run/secrets/mvn)\" > ~/.m2/settings.xml\n"
      "WORKDIR /src\n"
      "RUN mvn -B package\n"
      "CMD [\"java\", \"-jar\", \"/src/target/app.jar\"]\n");
  EXPECT_EQ(r.text,
            "FROM maven:3 AS base\n"
            "\n"
            "FROM base AS safebuild-build\n"
            "RUN --mount=type=secret,id=mvn mkdir -p ~/.m2 && "
            "printf '<settings>%s</settings>' \"$(cat /run/secrets/mvn)\" > ~/.m2/settings.xml\n"
            "WORKDIR /src\n"
            "RUN mvn -B package\n"
            "\n"
            "FROM base\n"
            "COPY --from=safebuild-build /src /src\n"
            "WORKDIR /src\n"
            "CMD [\"java\", \"-jar\", \"/src/target/app.jar\"]\n");
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].message,
            "split into stages: from here the steps that use secrets run in stage "
            "safebuild-build, which keeps /root/.m2/settings.xml; the image copies only /src "
            "(WORKDIR)");
  ExpectIdempotent(r);
}

TEST(Rewrite, PipConfigSetCopiesTheInstallPrefixAndPathsTheCommandNames) {
  RewriteResult r = MustRewrite(
      "FROM python:3.12\n"
      "RUN --mount=type=secret,id=PIP_TOKEN pip config set global.index-url "
      "\"https://u:$(cat /run/secrets/PIP_TOKEN)@pypi.example.invalid/simple\"\n"
      "RUN pip install flask\n"
      "COPY app.py /srv/app.py\n"
      "ENTRYPOINT [\"python\", \"/srv/app.py\"]\n");
  EXPECT_EQ(r.text,
            "FROM python:3.12 AS safebuild-base\n"
            "\n"
            "FROM safebuild-base AS safebuild-build\n"
            "RUN --mount=type=secret,id=PIP_TOKEN pip config set global.index-url "
            "\"https://u:$(cat /run/secrets/PIP_TOKEN)@pypi.example.invalid/simple\"\n"
            "RUN pip install flask\n"
            "COPY app.py /srv/app.py\n"
            "\n"
            "FROM safebuild-base\n"
            "COPY --from=safebuild-build /srv/app.py /srv/app.py\n"
            "COPY --from=safebuild-build /usr/local /usr/local\n"
            "ENTRYPOINT [\"python\", \"/srv/app.py\"]\n");
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_NE(r.changes[0].message.find("keeps /root/.config/pip/pip.conf; the image copies "
                                      "only /srv/app.py (ENTRYPOINT), /usr/local (pip install)"),
            std::string::npos)
      << r.changes[0].message;
  ExpectIdempotent(r);
}

// buildah makes a WORKDIR only for a later step that works in it: one that
// no step of the build stage uses is no artifact (COPY --from would fail).
TEST(Rewrite, AWorkdirNoBuildStepUsesIsNotCopied) {
  RewriteResult r = MustRewrite(
      "FROM python:3.12\n"
      "RUN --mount=type=secret,id=pw printf '[global]\\nindex-url = https://ci:%s@p/simple\\n' "
      "\"$(cat /run/secrets/pw)\" > /etc/pip.conf && pip install mypkg\n"
      "WORKDIR /srv\n"
      "CMD [\"python3\", \"-m\", \"mypkg\"]\n");
  EXPECT_EQ(r.text,
            "FROM python:3.12 AS safebuild-base\n"
            "\n"
            "FROM safebuild-base AS safebuild-build\n"
            "RUN --mount=type=secret,id=pw printf "
            "'[global]\\nindex-url = https://ci:%s@p/simple\\n' "
            "\"$(cat /run/secrets/pw)\" > /etc/pip.conf && pip install mypkg\n"
            "WORKDIR /srv\n"
            "\n"
            "FROM safebuild-base\n"
            "COPY --from=safebuild-build /usr/local /usr/local\n"
            "WORKDIR /srv\n"
            "CMD [\"python3\", \"-m\", \"mypkg\"]\n");
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_NE(r.changes[0].message.find("the image copies only /usr/local (pip install)"),
            std::string::npos)
      << r.changes[0].message;
  ExpectIdempotent(r);
}

TEST(Rewrite, NamedArtifactsReplaceTheHeuristics) {
  std::string text =
      "FROM busybox\n"
      "RUN --mount=type=secret,id=tok echo \"token=$(cat /run/secrets/tok)\" > /etc/app.conf "
      "&& make-app > /opt/app\n"
      "CMD [\"app\"]\n";
  RewriteResult refused = MustRewrite(text);
  EXPECT_FALSE(refused.changed);
  ASSERT_EQ(refused.skipped.size(), 1u);
  EXPECT_EQ(refused.skipped[0].rule, "rewrite-multi-stage");
  EXPECT_EQ(refused.skipped[0].message,
            "RUN at line 2 writes /etc/app.conf with a secret; left as one stage: cannot tell "
            "what the image needs from the build stage (no WORKDIR, no install prefix): name "
            "it with safebuild fix --artifact PATH");
  RewriteOptions o;
  o.artifacts = {"/opt/app"};
  RewriteResult r = MustRewrite(text, o);
  EXPECT_EQ(r.text,
            "FROM busybox AS safebuild-base\n"
            "\n"
            "FROM safebuild-base AS safebuild-build\n"
            "RUN --mount=type=secret,id=tok echo \"token=$(cat /run/secrets/tok)\" > "
            "/etc/app.conf && make-app > /opt/app\n"
            "\n"
            "FROM safebuild-base\n"
            "COPY --from=safebuild-build /opt/app /opt/app\n"
            "CMD [\"app\"]\n");
  ExpectIdempotent(r, o);
}

// The rewrite leaves the file as it is, with this one reason.
void ExpectLeftAsIs(const std::string& containerfile, const std::string& reason) {
  RewriteResult r = MustRewrite(containerfile);
  EXPECT_FALSE(r.changed);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].message, reason);
}

// (An exec-form trigger: no rule moves a literal out of an exec form.)
TEST(Rewrite, AnOnbuildSecretIsLeftWithWhyNoRuleTakesIt) {
  std::string tok = fake::Make(fake::Kind::kGithubToken);
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "ONBUILD RUN [\"curl\", \"-H\", \"Authorization: token " + tok +
                                "\", \"http://h.invalid/x\"]\n");
  EXPECT_FALSE(r.changed);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].line, 2);
  EXPECT_EQ(r.skipped[0].message,
            "RUN at line 2: the secret (auth-header, ghp_\u2026) left as is: the RUN is in exec "
            "form or has a heredoc; rotate it and pass it with --secret");
}

// A credential written in a stage whose directory a later stage copies:
// removed at the end of its stage, so that COPY --from no longer takes it.
TEST(Rewrite, ACredentialFileOfAStageThatIsCopiedIsRemovedAtTheEndOfTheStage) {
  RewriteResult r = MustRewrite(
      "FROM node AS deps\n"
      "ARG NPM_TOKEN\n"
      "WORKDIR /app\n"
      "RUN echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > .npmrc && npm ci\n"
      "\n"
      "FROM busybox\n"
      "COPY --from=deps /app /app\n");
  EXPECT_EQ(r.text,
            "FROM node AS deps\n"
            "WORKDIR /app\n"
            "RUN --mount=type=secret,id=NPM_TOKEN " + Prelude("NPM_TOKEN") +
            "echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > .npmrc && npm ci\n"
            "\n"
            "RUN rm -f /app/.npmrc\n"
            "\n"
            "FROM busybox\n"
            "COPY --from=deps /app /app\n");
  EXPECT_TRUE(r.skipped.empty());
  ASSERT_EQ(r.changes.size(), 2u);
  EXPECT_EQ(r.changes[1].rule, "rewrite-multi-stage");
  EXPECT_EQ(r.changes[1].line, 4);
  ExpectIdempotent(r);
}

// A stage built FROM an earlier one works in that one's WORKDIR.
TEST(Rewrite, ACopiedCredentialIsFoundUnderTheWorkdirOfTheStageItIsBuiltFrom) {
  RewriteResult r = MustRewrite(
      "FROM node AS deps\n"
      "WORKDIR /app\n"
      "FROM deps AS build\n"
      "ARG NPM_TOKEN\n"
      "RUN echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > .npmrc && npm ci\n"
      "\n"
      "FROM busybox\n"
      "COPY --from=build /app /app\n");
  EXPECT_NE(r.text.find("npm ci\n\nRUN rm -f /app/.npmrc\n\nFROM busybox\n"), std::string::npos)
      << r.text;
  EXPECT_TRUE(r.skipped.empty());
  ExpectIdempotent(r);
}

// A stage that the image is built FROM passes its layers on: a later rm
// would not help, so the file is named with the reason.
TEST(Rewrite, ACredentialFileOfAStageTheImageIsBuiltFromIsNamed) {
  RewriteResult r = MustRewrite(
      "FROM node AS deps\n"
      "ARG NPM_TOKEN\n"
      "WORKDIR /app\n"
      "RUN echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > .npmrc && npm ci\n"
      "FROM deps\n"
      "CMD [\"node\"]\n");
  EXPECT_TRUE(r.changed);
  EXPECT_EQ(r.text.find("rm -f"), std::string::npos);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].line, 4);
  EXPECT_NE(r.skipped[0].message.find("the credential file this step writes reaches the "
                                      "image"),
            std::string::npos)
      << r.skipped[0].message;
  EXPECT_NE(r.skipped[0].message.find("[run-writes-credentials]"), std::string::npos);
}

TEST(Rewrite, SystemPackagesAfterTheSplitLeaveTheFileAsOneStage) {
  ExpectLeftAsIs(
      "FROM debian\nWORKDIR /app\n"
      "RUN --mount=type=secret,id=npm npm config set //r/:_authToken $(cat /run/secrets/npm)\n"
      "RUN apt-get install -y curl\n",
      "RUN at line 3 writes ~/.npmrc with a secret; left as one stage: RUN at line 4 "
      "installs system packages, which no artifact would carry");
}

TEST(Rewrite, NonRootUserLeavesTheFileAsOneStage) {
  ExpectLeftAsIs(
      "FROM node\nUSER node\nWORKDIR /app\n"
      "RUN --mount=type=secret,id=npm cp /run/secrets/npm /app/.npmrc && npm ci\n",
      "RUN at line 4 writes /app/.npmrc with a secret; left as one stage: USER at line "
      "2: the copied files would change owner");
}

TEST(Rewrite, CredentialRemovedInTheSameRunNeedsNoSplit) {
  std::string text =
      "FROM node\nWORKDIR /app\n"
      "RUN --mount=type=secret,id=npm cp /run/secrets/npm .npmrc && npm ci && rm -f .npmrc\n";
  RewriteResult r = MustRewrite(text);
  EXPECT_EQ(r.text, text);
  EXPECT_TRUE(r.skipped.empty());
}

TEST(Rewrite, DerivedCredentialInTheLastOfSeveralStagesIsLeftWithTheReason) {
  ExpectLeftAsIs(
      "FROM node AS deps\nRUN true\nFROM node\nWORKDIR /app\n"
      "RUN --mount=type=secret,id=npm cp /run/secrets/npm .npmrc && npm ci\n",
      "RUN at line 5 writes .npmrc with a secret; the file has several stages already: "
      "move that step into a build stage by hand");
}

// --- rewrite-run-literal ------------------------------------------------------

const char kNpmPrelude[] =
    "test -s /run/secrets/NPM_TOKEN || { echo 'secret NPM_TOKEN is missing or empty' >&2; "
    "exit 1; }; NPM_TOKEN=\"$(cat /run/secrets/NPM_TOKEN)\" || exit 1; export NPM_TOKEN; ";

TEST(Rewrite, TokenWrittenInARunLineMovesIntoASecretNamedAfterItsKind) {
  std::string token = fake::Make(fake::Kind::kNpmToken);
  RewriteResult r = MustRewrite(
      "FROM busybox\n"
      "RUN npm config set //registry.npmjs.org/:_authToken=" + token + " && npm ci\n");
  EXPECT_EQ(r.text, std::string("FROM busybox\n"
                                "RUN --mount=type=secret,id=NPM_TOKEN ") +
                        kNpmPrelude +
                        "npm config set //registry.npmjs.org/:_authToken=\"${NPM_TOKEN}\" && "
                        "npm ci\n");
  ASSERT_FALSE(r.changes.empty());
  EXPECT_EQ(r.changes[0].rule, "rewrite-run-literal");
  EXPECT_EQ(r.changes[0].line, 2);
  EXPECT_EQ(BuildFlags(r.secrets),
            std::vector<std::string>{"--secret id=NPM_TOKEN,type=env,env=NPM_TOKEN"});
  EXPECT_EQ(r.secrets[0].value, token);
  ASSERT_FALSE(r.advice.empty());
  EXPECT_NE(r.advice[0].find("rotate the secret written in RUN at line 2"), std::string::npos);
  EXPECT_NE(r.advice[0].find("environment variable NPM_TOKEN"), std::string::npos);
  ExpectIdempotent(r);
}

TEST(Rewrite, EnvThatCopiesTheSecretArgGoesWithIt) {
  std::string token = fake::Make(fake::Kind::kNpmToken);
  RewriteOptions o;
  o.build_args = {{"NPM_TOKEN", token}};
  RewriteResult r = MustRewrite(
      "FROM busybox\n"
      "ARG NPM_TOKEN\n"
      "ENV NPM_TOKEN=${NPM_TOKEN} MODE=prod\n"
      "RUN test -n \"$NPM_TOKEN\" && make\n",
      o);
  EXPECT_EQ(r.text, std::string("FROM busybox\n"
                                "ENV MODE=prod\n"
                                "RUN --mount=type=secret,id=NPM_TOKEN ") +
                        kNpmPrelude + "test -n \"$NPM_TOKEN\" && make\n");
  ASSERT_EQ(r.changes.size(), 2u);
  EXPECT_EQ(r.changes[1].message, "ENV NPM_TOKEN=$NPM_TOKEN removed with the ARG");
  EXPECT_EQ(r.changes[1].line, 3);
  ExpectIdempotent(r, o);
}

const char kNodeAuthPrelude[] =
    "test -s /run/secrets/NPM_TOKEN || { echo 'secret NPM_TOKEN is missing or empty' >&2; "
    "exit 1; }; NODE_AUTH_TOKEN=\"$(cat /run/secrets/NPM_TOKEN)\" || exit 1; "
    "export NODE_AUTH_TOKEN; ";

TEST(Rewrite, EnvThatRenamesTheSecretArgGoesAndLaterRunsReadTheNewName) {
  std::string token = fake::Make(fake::Kind::kNpmToken);
  RewriteOptions o = OnlyBuildArg("NPM_TOKEN", token);
  RewriteResult r = MustRewrite("FROM localhost/busybox\n"
                                "ARG NPM_TOKEN\n"
                                "RUN echo before\n"
                                "ENV NODE_AUTH_TOKEN=${NPM_TOKEN}\n"
                                "RUN npm ci\n",
                                o);
  // npm reads NODE_AUTH_TOKEN through an .npmrc, unnamed in the RUN: the
  // steps after the ENV get it, those after the ARG get the ARG's name.
  EXPECT_EQ(r.text, std::string("FROM localhost/busybox\n"
                                "RUN --mount=type=secret,id=NPM_TOKEN ") +
                        kNpmPrelude + "echo before\n"
                        "RUN --mount=type=secret,id=NPM_TOKEN " + kNpmPrelude +
                        kNodeAuthPrelude + "npm ci\n");
  ASSERT_EQ(r.changes.size(), 2u);
  EXPECT_EQ(r.changes[0].message,
            "ARG NPM_TOKEN removed; RUN at line 3, 5 read it from a secret mount");
  EXPECT_EQ(r.changes[1].line, 4);
  EXPECT_EQ(r.changes[1].message,
            "ENV NODE_AUTH_TOKEN=$NPM_TOKEN removed with the ARG: the image's runtime ENV no "
            "longer holds NODE_AUTH_TOKEN; pass it at run time with podman run --secret");
  ASSERT_EQ(r.advice.size(), 1u);
  EXPECT_EQ(r.advice[0],
            "if the container needs NODE_AUTH_TOKEN at run time, pass it then: printf %s "
            "\"$NPM_TOKEN\" | podman secret create node_auth_token - && podman run --secret "
            "node_auth_token,type=env,target=NODE_AUTH_TOKEN IMAGE");
  ExpectOneSecretFromBuildArg(r, "NPM_TOKEN", token);
  ExpectIdempotent(r, o);
}

TEST(Rewrite, RenamingEnvPairLeavesItsLineWithTheOtherPairs) {
  RewriteOptions o;
  o.build_args = {{"NPM_TOKEN", fake::Make(fake::Kind::kNpmToken)}};
  for (std::string value : {"$NPM_TOKEN", "\"$NPM_TOKEN\"", "\"${NPM_TOKEN}\""}) {
    RewriteResult r = MustRewrite("FROM busybox\n"
                                  "ARG NPM_TOKEN\n"
                                  "ENV A=1 NODE_AUTH_TOKEN=" + value + " B=\"2 3\"\n"
                                  "RUN test -n \"$NODE_AUTH_TOKEN\" && npm ci\n",
                                  o);
    // No RUN names the ARG: as before the ENV, the step gets it too.
    EXPECT_EQ(r.text, std::string("FROM busybox\n"
                                  "ENV A=1 B=\"2 3\"\n"
                                  "RUN --mount=type=secret,id=NPM_TOKEN ") +
                          kNpmPrelude + kNodeAuthPrelude +
                          "test -n \"$NODE_AUTH_TOKEN\" && npm ci\n")
        << value;
    ExpectIdempotent(r, o);
  }
  // Single quotes keep `$NPM_TOKEN` literal: that ENV is no copy.
  RewriteResult r = MustRewrite(
      "FROM busybox\nARG NPM_TOKEN\nENV NODE_AUTH_TOKEN='$NPM_TOKEN'\nRUN npm ci\n", o);
  EXPECT_FALSE(r.changed);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].message,
            "ARG NPM_TOKEN left as is: ENV at line 3 uses $NPM_TOKEN outside RUN");
}

TEST(Rewrite, EnvCopiesUnderSeveralNamesAndOnFromACopyAllGo) {
  RewriteOptions o;
  o.build_args = {{"NPM_TOKEN", fake::Make(fake::Kind::kNpmToken)}};
  RewriteResult r = MustRewrite("FROM busybox AS a\n"
                                "ARG NPM_TOKEN\n"
                                "ENV NPM_TOKEN=$NPM_TOKEN NODE_AUTH_TOKEN=$NPM_TOKEN X=1\n"
                                "ENV OTHER=\"${NODE_AUTH_TOKEN}\"\n"
                                "FROM a\n"
                                "RUN echo $OTHER\n",
                                o);
  EXPECT_EQ(r.text, std::string("FROM busybox AS a\n"
                                "ENV X=1\n"
                                "FROM a\n"
                                "RUN --mount=type=secret,id=NPM_TOKEN ") +
                        kNpmPrelude + kNodeAuthPrelude +
                        "test -s /run/secrets/NPM_TOKEN || { echo 'secret NPM_TOKEN is missing "
                        "or empty' >&2; exit 1; }; OTHER=\"$(cat /run/secrets/NPM_TOKEN)\" || "
                        "exit 1; export OTHER; echo $OTHER\n");
  ASSERT_EQ(r.changes.size(), 4u);
  EXPECT_EQ(r.changes[1].message, "ENV NPM_TOKEN=$NPM_TOKEN removed with the ARG");
  EXPECT_EQ(r.changes[3].line, 4);
  EXPECT_EQ(r.changes[3].message,
            "ENV OTHER=$NODE_AUTH_TOKEN removed with the ARG: the image's runtime ENV no "
            "longer holds OTHER; pass it at run time with podman run --secret");
  EXPECT_EQ(r.advice.size(), 3u);
  ExpectIdempotent(r, o);
}

TEST(Rewrite, RenamedSecretReachesTheStagesBuiltFromItsStage) {
  RewriteOptions o;
  o.build_args = {{"NPM_TOKEN", fake::Make(fake::Kind::kNpmToken)}};
  RewriteResult r = MustRewrite("FROM busybox AS deps\n"
                                "ARG NPM_TOKEN\n"
                                "ENV NODE_AUTH_TOKEN=$NPM_TOKEN\n"
                                "FROM deps AS build\n"
                                "RUN npm ci\n"
                                "FROM build\n"
                                "RUN [\"npm\", \"test\"]\n"
                                "FROM busybox\n"
                                "RUN true\n",
                                o);
  // The ARG itself stays in its stage; the ENV's name goes on.
  EXPECT_EQ(r.text, std::string("FROM busybox AS deps\n"
                                "FROM deps AS build\n"
                                "RUN --mount=type=secret,id=NPM_TOKEN ") +
                        kNodeAuthPrelude + "npm ci\n"
                        "FROM build\n"
                        "RUN --mount=type=secret,id=NPM_TOKEN [\"/bin/sh\", \"-c\", \"test -s "
                        "/run/secrets/NPM_TOKEN || { echo 'secret NPM_TOKEN is missing or "
                        "empty' >&2; exit 1; }; NODE_AUTH_TOKEN=\\\"$(cat "
                        "/run/secrets/NPM_TOKEN)\\\" || exit 1; export NODE_AUTH_TOKEN; exec "
                        "\\\"$@\\\"\", \"sh\", \"npm\", \"test\"]\n"
                        "FROM busybox\n"
                        "RUN true\n");
  ASSERT_EQ(r.changes.size(), 2u);
  EXPECT_EQ(r.changes[0].message,
            "ARG NPM_TOKEN removed; RUN at line 5, 7 read it from a secret mount");
  ExpectIdempotent(r, o);
  // On podman 5.8 the mount sets the new name itself.
  o.target = {5, 8};
  r = MustRewrite("FROM busybox\nARG NPM_TOKEN\nENV NODE_AUTH_TOKEN=$NPM_TOKEN\nFROM 0\n"
                  "RUN npm ci\n", o);
  EXPECT_EQ(r.text, "FROM busybox\nFROM 0\n"
                    "RUN --mount=type=secret,id=NPM_TOKEN,env=NODE_AUTH_TOKEN test -n "
                    "\"$NODE_AUTH_TOKEN\" || { echo 'secret NPM_TOKEN is missing or empty' >&2; "
                    "exit 1; }; npm ci\n");
  ExpectIdempotent(r, o);
}

TEST(Rewrite, SecretDefaultOfAnArgBeforeFromMovesIntoTheStagesSecret) {
  std::string token = fake::Make(fake::Kind::kGithubToken);
  RewriteOptions o;
  o.require_values = true;
  RewriteResult r = MustRewrite("ARG GH_TOKEN=" + token + " BASE=busybox\n"
                                "FROM $BASE\n"
                                "ARG GH_TOKEN\n"
                                "RUN echo ${#GH_TOKEN}\n",
                                o);
  EXPECT_EQ(r.text, std::string("ARG BASE=busybox\n"
                                "FROM $BASE\n"
                                "RUN --mount=type=secret,id=GH_TOKEN ") +
                        kArgPrelude + "echo ${#GH_TOKEN}\n");
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.secrets[0].value, token);
  EXPECT_EQ(r.secrets[0].replaces_build_arg, "");
  EXPECT_EQ(r.changes[0].message, "ARG GH_TOKEN: secret default removed");
  ExpectIdempotent(r, o);
}

// `ARG GH_TOKEN` before FROM only hands the build argument to the stages
// that declare it again; once they read a secret, it is left over.
TEST(Rewrite, GlobalArgThatOnlyStagesNowReadingASecretDeclaredGoesToo) {
  RewriteOptions o = WithGhToken();
  RewriteResult r = MustRewrite("# the token of the build\n"
                                "ARG GH_TOKEN\n"
                                "ARG MODE=prod GH_TOKEN=none\n"
                                "FROM busybox\n"
                                "# the stage's own\n"
                                "ARG GH_TOKEN\n"
                                "RUN echo ${#GH_TOKEN}\n"
                                "FROM busybox AS two\n"
                                "ARG GH_TOKEN MODE\n"
                                "RUN echo $MODE\n",
                                o);
  EXPECT_EQ(r.text, std::string("# the token of the build\n"
                                "ARG MODE=prod\n"
                                "FROM busybox\n"
                                "# the stage's own\n"
                                "RUN --mount=type=secret,id=GH_TOKEN ") +
                        kArgPrelude + "echo ${#GH_TOKEN}\n"
                        "FROM busybox AS two\n"
                        "ARG MODE\n"
                        "RUN --mount=type=secret,id=GH_TOKEN " + kArgPrelude + "echo $MODE\n");
  std::vector<std::string> notes;
  for (const auto& c : r.changes) notes.push_back(std::to_string(c.line) + " " + c.message);
  // In file order, whichever rule made them.
  EXPECT_EQ(notes, (std::vector<std::string>{
                       "2 ARG GH_TOKEN removed: every stage that declared it reads a secret now",
                       "3 ARG GH_TOKEN removed: every stage that declared it reads a secret now",
                       "6 ARG GH_TOKEN removed; RUN at line 7 read it from a secret mount",
                       "9 ARG GH_TOKEN removed; RUN at line 10 read it from a secret mount"}));
  ExpectIdempotent(r, o);
}

TEST(Rewrite, GlobalArgThatAStageOrAFromStillUsesStays) {
  RewriteOptions o = WithGhToken();
  // The second stage's ARG cannot become a secret (SHELL), so it still
  // takes the global one.
  RewriteResult r = MustRewrite("ARG GH_TOKEN\n"
                                "FROM busybox\n"
                                "ARG GH_TOKEN\n"
                                "RUN echo ${#GH_TOKEN}\n"
                                "FROM busybox\n"
                                "ARG GH_TOKEN\n"
                                "SHELL [\"/bin/bash\", \"-c\"]\n"
                                "RUN echo ${#GH_TOKEN}\n",
                                o);
  EXPECT_EQ(r.text.substr(0, 25), "ARG GH_TOKEN\nFROM busybox");
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].line, 6);
  // A FROM line that uses it; a global ARG no stage declared was never used.
  r = MustRewrite("ARG GH_TOKEN\nFROM busybox:${GH_TOKEN:-1}\nARG GH_TOKEN\nRUN true\n", o);
  EXPECT_EQ(r.text.substr(0, 13), "ARG GH_TOKEN\n");
  EXPECT_FALSE(MustRewrite("ARG GH_TOKEN\nFROM busybox\nRUN true\n", o).changed);
}

// A stage's ENV is in the environment of every stage built FROM it, by
// name (in any case) or index, and of those built FROM them: their steps
// read the secret that replaces it. A stage built FROM an image does not.
TEST(Rewrite, EnvSecretFollowsIntoTheStagesBuiltFromItsStage) {
  std::string token = fake::Make(fake::Kind::kGithubToken);
  const std::string prelude =
      "test -s /run/secrets/GITHUB_TOKEN || { echo 'secret GITHUB_TOKEN is missing or empty' "
      ">&2; exit 1; }; GITHUB_TOKEN=\"$(cat /run/secrets/GITHUB_TOKEN)\" || exit 1; "
      "export GITHUB_TOKEN; ";
  const std::string mount = "RUN --mount=type=secret,id=GITHUB_TOKEN ";
  RewriteResult r = MustRewrite("FROM busybox AS base\n"
                                "ENV GITHUB_TOKEN=" + token + "\n"
                                "RUN echo base\n"
                                "FROM Base AS build\n"
                                "RUN echo ${#GITHUB_TOKEN} > /len\n"
                                "FROM busybox\n"
                                "RUN echo \"$GITHUB_TOKEN\" > /empty\n"
                                "FROM build\n"
                                "RUN echo \"$GITHUB_TOKEN\" | sha256sum > /sum\n"
                                "FROM 0\n"
                                "RUN test -n \"$GITHUB_TOKEN\"\n");
  EXPECT_EQ(r.text, "FROM busybox AS base\n"
                    "RUN echo base\n"
                    "FROM Base AS build\n" +
                        mount + prelude + "echo ${#GITHUB_TOKEN} > /len\n"
                        "FROM busybox\n"
                        "RUN echo \"$GITHUB_TOKEN\" > /empty\n"
                        "FROM build\n" +
                        mount + prelude + "echo \"$GITHUB_TOKEN\" | sha256sum > /sum\n"
                        "FROM 0\n" +
                        mount + prelude + "test -n \"$GITHUB_TOKEN\"\n");
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].message,
            "ENV GITHUB_TOKEN: secret value removed; RUN at line 5, 9, 11 read it from a "
            "secret mount");
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.secrets[0].value, token);
  ExpectIdempotent(r);
}

// `ENV NAME=$NAME` hands the ARG on to the stages built FROM the stage:
// the ENV goes with the ARG, and their steps read the secret instead.
TEST(Rewrite, EnvThatCopiesTheSecretArgIsFollowedIntoTheStagesBuiltFromIt) {
  std::string token = fake::Make(fake::Kind::kNpmToken);
  RewriteOptions o = OnlyBuildArg("NPM_TOKEN", token);
  RewriteResult r = MustRewrite("FROM busybox AS deps\n"
                                "ARG NPM_TOKEN\n"
                                "ENV NPM_TOKEN=$NPM_TOKEN\n"
                                "FROM deps\n"
                                "RUN npm ci\n",
                                o);
  EXPECT_EQ(r.text, std::string("FROM busybox AS deps\n"
                                "FROM deps\n"
                                "RUN --mount=type=secret,id=NPM_TOKEN ") +
                        kNpmPrelude + "npm ci\n");
  ASSERT_EQ(r.changes.size(), 2u);
  EXPECT_EQ(r.changes[0].message,
            "ARG NPM_TOKEN removed; RUN at line 5 read it from a secret mount");
  EXPECT_EQ(r.changes[1].message, "ENV NPM_TOKEN=$NPM_TOKEN removed with the ARG");
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.secrets[0].replaces_build_arg, "NPM_TOKEN");
  ExpectIdempotent(r, o);
  // Without the ENV an ARG stays in its own stage.
  r = MustRewrite("FROM busybox AS deps\nARG NPM_TOKEN\nRUN true\nFROM deps\nRUN npm ci\n", o);
  EXPECT_EQ(r.text, std::string("FROM busybox AS deps\n"
                                "RUN --mount=type=secret,id=NPM_TOKEN ") +
                        kNpmPrelude + "true\nFROM deps\nRUN npm ci\n");
}

// A stage that sets the ENV anew passes its own value on; a SHELL in a
// stage the secret reaches leaves the ENV as is, with the reason.
TEST(Rewrite, EnvSecretStopsWhereALaterStageSetsItAnew) {
  std::string token = fake::Make(fake::Kind::kGithubToken);
  RewriteResult r = MustRewrite("FROM busybox AS base\n"
                                "ENV GITHUB_TOKEN=" + token + "\n"
                                "FROM base AS two\n"
                                "ENV GITHUB_TOKEN=none\n"
                                "RUN echo $GITHUB_TOKEN\n"
                                "FROM two\n"
                                "RUN echo $GITHUB_TOKEN\n");
  EXPECT_EQ(r.text, "FROM busybox AS base\n"
                    "FROM base AS two\n"
                    "ENV GITHUB_TOKEN=none\n"
                    "RUN echo $GITHUB_TOKEN\n"
                    "FROM two\n"
                    "RUN echo $GITHUB_TOKEN\n");
  EXPECT_TRUE(r.secrets.empty());
  // One that reads the old value needs it: that is no new value.
  r = MustRewrite("FROM busybox AS base\n"
                  "ENV GITHUB_TOKEN=" + token + "\n"
                  "FROM base\n"
                  "ENV GITHUB_TOKEN=x$GITHUB_TOKEN\n");
  EXPECT_FALSE(r.changed);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].message,
            "ENV GITHUB_TOKEN left as is: ENV at line 4 uses $GITHUB_TOKEN outside RUN");
  r = MustRewrite("FROM busybox AS base\n"
                  "ENV GITHUB_TOKEN=" + token + "\n"
                  "FROM base\n"
                  "SHELL [\"/bin/bash\", \"-c\"]\n"
                  "RUN echo $GITHUB_TOKEN\n");
  EXPECT_EQ(r.text.substr(0, 35), "FROM busybox AS base\nENV GITHUB_TOK");
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].line, 2);
  EXPECT_EQ(r.skipped[0].message,
            "ENV GITHUB_TOKEN left as is: SHELL at line 4 changes the shell the secret "
            "prelude is written for");
}

// One stage's ARG becomes a secret, another's cannot (SHELL): that one
// still reads the --build-arg, so the build keeps passing it.
TEST(Rewrite, BuildArgThatAStageLeftAsIsStillReadsIsKept) {
  RewriteOptions o = WithGhToken();
  o.require_values = true;
  const std::string first = "FROM busybox\nARG GH_TOKEN\nRUN echo ${#GH_TOKEN}\n";
  RewriteResult r = MustRewrite(first +
                                    "FROM busybox\n"
                                    "ARG GH_TOKEN\n"
                                    "SHELL [\"/bin/bash\", \"-c\"]\n"
                                    "RUN echo ${#GH_TOKEN}\n",
                                o);
  EXPECT_EQ(r.text, std::string("FROM busybox\nRUN --mount=type=secret,id=GH_TOKEN ") +
                        kArgPrelude + "echo ${#GH_TOKEN}\n"
                        "FROM busybox\n"
                        "ARG GH_TOKEN\n"
                        "SHELL [\"/bin/bash\", \"-c\"]\n"
                        "RUN echo ${#GH_TOKEN}\n");
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].line, 5);
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.secrets[0].value, o.build_args[0].second);
  EXPECT_EQ(r.secrets[0].replaces_build_arg, "");
  EXPECT_EQ(BuildFlags(r.secrets),
            std::vector<std::string>{"--secret id=GH_TOKEN,type=env,env=GH_TOKEN"});
  // When every stage's ARG is rewritten, the secret replaces it.
  r = MustRewrite(first + "FROM busybox\nARG GH_TOKEN\nRUN echo ${#GH_TOKEN}\n", o);
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.secrets[0].replaces_build_arg, "GH_TOKEN");
}

TEST(Rewrite, RunLiteralIsQuotedForWhereItStood) {
  std::string a = fake::Make(fake::Kind::kStripeSecretKey);
  std::string b = fake::Make(fake::Kind::kGithubToken);
  std::string c = fake::Make(fake::Kind::kPassword);
  RewriteResult r = MustRewrite(
      "FROM busybox\n"
      "RUN export STRIPE_KEY=" + a + " && \\\n"
      "    echo 'Authorization: token " + b + "' > /dev/null && \\\n"
      "    wget --user=deploy --password=\"" + c + "\" http://h.invalid/x\n");
  EXPECT_EQ(r.text.find(a), std::string::npos);
  EXPECT_EQ(r.text.find(b), std::string::npos);
  EXPECT_EQ(r.text.find(c), std::string::npos);
  EXPECT_NE(r.text.find("export STRIPE_KEY=\"${STRIPE_KEY}\" && \\\n"), std::string::npos);
  EXPECT_NE(r.text.find("'Authorization: token '\"${GITHUB_CLASSIC_TOKEN}\"''"),
            std::string::npos);
  EXPECT_NE(r.text.find("--password=\"${PASSWORD}\" http"), std::string::npos);
  ASSERT_EQ(r.secrets.size(), 3u);
  ExpectIdempotent(r);
}

// The same literal twice in one RUN (a fallback after ||), once in "…" and
// once in '…': both places read the one secret, each quoted for its place.
TEST(Rewrite, TheSameLiteralTwiceInOneRunMovesEveryPlace) {
  std::string tok = fake::Make(fake::Kind::kGitlabToken);
  RewriteResult r = MustRewrite(
      "FROM busybox\n"
      "RUN wget -q --header \"PRIVATE-TOKEN: " + tok + "\" -O /p http://h.invalid/a || \\\n"
      "    wget -q --header 'X-Token: " + tok + "' -O /p http://h.invalid/b\n");
  EXPECT_EQ(r.text.find(tok), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("--header \"PRIVATE-TOKEN: ${GITLAB_TOKEN}\" -O /p"), std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find("--header 'X-Token: '\"${GITLAB_TOKEN}\"'' -O /p"), std::string::npos)
      << r.text;
  const std::string mount = "--mount=type=secret,id=GITLAB_TOKEN";
  ASSERT_NE(r.text.find(mount), std::string::npos);
  EXPECT_EQ(r.text.find(mount, r.text.find(mount) + 1), std::string::npos) << "mounted twice";
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.secrets[0].value, tok);
  EXPECT_TRUE(r.skipped.empty());
  ExpectIdempotent(r);
}

TEST(Rewrite, PasswordOfCurlUserAndTokenOfAGitUrlMoveIntoSecrets) {
  std::string pass = fake::Make(fake::Kind::kPassword);
  std::string token = fake::Make(fake::Kind::kGithubToken);
  RewriteResult r = MustRewrite(
      "FROM tools\n"
      "RUN curl -fsS -u deploy:" + pass + " http://h.invalid/x -o /x\n"
      "RUN git clone https://" + token + "@h.invalid/org/repo.git /src\n");
  EXPECT_NE(r.text.find("curl -fsS -u deploy:\"${PASSWORD}\" http://h.invalid/x"),
            std::string::npos);
  // git would keep a token of its URL in .git/config: a helper gives it.
  EXPECT_NE(r.text.find("git clone https://h.invalid/org"), std::string::npos);
  EXPECT_NE(r.text.find("username=\\$(cat /run/secrets/GIT_TOKEN)"), std::string::npos);
  EXPECT_EQ(r.text.find(pass), std::string::npos);
  EXPECT_EQ(r.text.find(token), std::string::npos);
  ExpectIdempotent(r);
}

TEST(Rewrite, RunLiteralInExecFormIsLeftWithTheReason) {
  std::string token = fake::Make(fake::Kind::kGithubToken);
  std::string text = "FROM busybox\nRUN [\"sh\", \"-c\", \"echo " + token + " | wc -c\"]\n";
  RewriteResult r = MustRewrite(text);
  EXPECT_EQ(r.text, text);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].rule, "rewrite-run-literal");
  EXPECT_EQ(r.skipped[0].line, 2);
  EXPECT_NE(r.skipped[0].message.find("left as is: the RUN is in exec form or has a heredoc"),
            std::string::npos);
  EXPECT_EQ(r.skipped[0].message.find(token), std::string::npos);
}

// --- unused build arguments, copied files with secrets, line origins ---------

TEST(Rewrite, SecretBuildArgThatNoArgDeclaresIsDropped) {
  std::string token = fake::Make(fake::Kind::kGithubToken);
  RewriteOptions o;
  o.build_args = {{"GH_TOKEN", token}, {"VERSION", "1.2"}};
  RewriteResult r = MustRewrite("FROM busybox\nRUN echo hi\n", o);
  EXPECT_FALSE(r.changed);
  EXPECT_EQ(r.unused_build_args, std::vector<std::string>{"GH_TOKEN"});
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].rule, "rewrite-unused-build-arg");
  EXPECT_EQ(r.changes[0].message,
            "--build-arg GH_TOKEN dropped: no ARG declares it, so podman does not use it (it "
            "warns that it was not consumed) and it reaches no layer or history");
}

// podman hands a build argument that only a global ARG declares to no step
// (the history holds no `|1 GH_TOKEN=…`); a FROM line that uses it does.
TEST(Rewrite, SecretBuildArgThatOnlyAnUnusedGlobalArgDeclaresIsDropped) {
  RewriteOptions o = WithGhToken();
  RewriteResult r = MustRewrite("ARG GH_TOKEN\nFROM busybox\nRUN echo hi\n", o);
  EXPECT_FALSE(r.changed);
  EXPECT_EQ(r.unused_build_args, std::vector<std::string>{"GH_TOKEN"});
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].message,
            "--build-arg GH_TOKEN dropped: only an ARG before the first FROM declares it, and "
            "no stage declares it again or FROM line uses it, so it reaches no step, layer or "
            "history");
  EXPECT_TRUE(
      MustRewrite("ARG GH_TOKEN\nFROM busybox:$GH_TOKEN\nRUN true\n", o).unused_build_args.empty());
}

TEST(Rewrite, LinesOfTheRewriteMapBackToTheOriginal) {
  std::string token = fake::Make(fake::Kind::kNpmToken);
  RewriteOptions o;
  o.build_args = {{"NPM_TOKEN", token}};
  RewriteResult r = MustRewrite(
      "FROM busybox\n"             // 1
      "ARG NPM_TOKEN\n"            // 2, removed
      "WORKDIR /app\n"             // 3
      "RUN echo \"//r/:_authToken=$NPM_TOKEN\" > /root/.npmrc && make\n"  // 4
      "CMD [\"/app/run\"]\n",      // 5, moved to the image stage
      o);
  ASSERT_TRUE(r.changed);
  // FROM … AS safebuild-base, WORKDIR, "", FROM … AS safebuild-build, RUN,
  // then the image stage: "", FROM, COPY, CMD.
  EXPECT_EQ(r.line_origin, (std::vector<int>{1, 3, 0, 0, 4, 0, 0, 0, 5}));
  EXPECT_EQ(r.OriginalLine(5), 4);
  EXPECT_EQ(r.OriginalLine(7), 0);
  EXPECT_EQ(r.OriginalLine(99), 0);
}

// The helper GIT_CONFIG_PARAMETERS gives git for `scope`, printing `answer`.
std::string GitHelper(const std::string& scope, const std::string& answer) {
  std::string key = "'credential." + scope + ".helper=";
  return "export GIT_CONFIG_PARAMETERS=\"${GIT_CONFIG_PARAMETERS:+$GIT_CONFIG_PARAMETERS }" +
         key + "' " + key + "!f() { test \\\"\\$1\\\" = get || exit 0; " + answer +
         " }; f'\"; ";
}

TEST(Rewrite, GitCloneTokenLeavesTheUrlForAHelperThatReadsTheSecret) {
  std::string token = fake::Make(fake::Kind::kGitlabToken);
  RewriteResult r = MustRewrite("FROM tools\n"
                                "RUN git clone https://oauth2:" + token +
                                "@git.example:8443/g/r.git /src\n");
  EXPECT_EQ(r.text,
            "FROM tools\n"
            "RUN --mount=type=secret,id=GIT_PASSWORD test -s /run/secrets/GIT_PASSWORD || "
            "{ echo 'secret GIT_PASSWORD is missing or empty' >&2; exit 1; }; " +
                GitHelper("https://git.example:8443",
                          "echo \\\"password=\\$(cat /run/secrets/GIT_PASSWORD)\\\";") +
                "git clone https://oauth2@git.example:8443/g/r.git /src\n");
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.secrets[0].id, "GIT_PASSWORD");
  EXPECT_EQ(r.secrets[0].value, token);
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].rule, "rewrite-download-credentials");
  EXPECT_EQ(r.changes[0].line, 2);
  EXPECT_TRUE(r.skipped.empty());
  EXPECT_EQ(r.text.find(token), std::string::npos);
  ExpectIdempotent(r);
}

TEST(Rewrite, GitTokenAsUserIsAnsweredAsTheUserName) {
  std::string token = fake::Make(fake::Kind::kGithubToken);
  RewriteResult r = MustRewrite("FROM tools\nRUN git ls-remote https://" + token +
                                "@github.com/o/r.git\n");
  EXPECT_NE(r.text.find("git ls-remote https://github.com/o/r.git\n"), std::string::npos);
  EXPECT_NE(r.text.find(GitHelper("https://github.com",
                                  "echo \\\"username=\\$(cat /run/secrets/GIT_TOKEN)\\\"; "
                                  "echo password=;")),
            std::string::npos);
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.secrets[0].id, "GIT_TOKEN");
  EXPECT_EQ(r.secrets[0].value, token);
}

TEST(Rewrite, GitRemoteWithAnArgTokenIsGivenToTheLaterGitStepsOfTheStage) {
  std::string token = fake::Make(fake::Kind::kGithubToken);
  RewriteOptions o;
  o.build_args = {{"GH_TOKEN", token}};
  RewriteResult r = MustRewrite(
      "FROM tools\n"
      "ARG GH_TOKEN\n"
      "RUN git -C /src remote add origin \"https://ci:${GH_TOKEN}@git.example/r.git\"\n"
      "RUN echo unrelated\n"
      "RUN git -C /src fetch origin\n",
      o);
  std::vector<std::string> lines = Split(r.text, '\n');
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[1], std::string("RUN --mount=type=secret,id=GH_TOKEN ") + kArgPrelude +
                          GitHelper("https://git.example",
                                    "echo \\\"password=\\${GH_TOKEN}\\\";") +
                          "git -C /src remote add origin \"https://ci@git.example/r.git\"");
  EXPECT_EQ(lines[2], "RUN echo unrelated");
  // The later step does not name the variable: its helper reads the mount.
  EXPECT_EQ(lines[3], "RUN --mount=type=secret,id=GH_TOKEN test -s /run/secrets/GH_TOKEN || "
                      "{ echo 'secret GH_TOKEN is missing or empty' >&2; exit 1; }; " +
                          GitHelper("https://git.example",
                                    "echo \\\"password=\\$(cat /run/secrets/GH_TOKEN)\\\";") +
                          "git -C /src fetch origin");
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.secrets[0].id, "GH_TOKEN");
  ExpectIdempotent(r, o);
}

TEST(Rewrite, GitUrlOfAShellVariableIsLeftAsIsWithTheReason) {
  ExpectLeftAsIs(
      "FROM tools\n"
      "RUN T=$(cat /run/secrets/t) && git clone https://ci:$T@git.example/r.git /src\n",
      "the credentials of the git URL to git.example left as is: it comes from $T, which "
      "no ARG or ENV declares: git's credential helper cannot read a shell variable");
}

TEST(Rewrite, UrlThatAStepPrintsIsNotTakenForAGitUrl) {
  RewriteOptions o;
  o.build_args = {{"GIT_TOKEN", fake::Make(fake::Kind::kGithubToken)}};
  RewriteResult r = MustRewrite(
      "FROM tools\n"
      "ARG GIT_TOKEN\n"
      "RUN git config --global credential.helper store && "
      "printf 'https://ci:%s@git.example\\n' \"$GIT_TOKEN\" > /root/.git-credentials\n",
      o);
  EXPECT_EQ(r.text.find("GIT_CONFIG_PARAMETERS"), std::string::npos);
  EXPECT_NE(r.text.find("printf 'https://ci:%s@git.example\\n'"), std::string::npos);
}

// Lint of the rewritten text: what it still reports at low or above.
std::vector<std::string> LintFindings(const std::string& text) {
  auto parsed = ParseContainerfile(text, "Containerfile");
  EXPECT_TRUE(parsed.ok());
  std::vector<std::string> out;
  if (!parsed.ok()) return out;
  LintInput input;
  input.file = &*parsed;
  for (const Finding& f : Lint(input, Detector::Default())) {
    if (f.severity >= Severity::kLow) out.push_back(std::to_string(f.line) + " " + f.rule);
  }
  return out;
}

TEST(Rewrite, RewrittenLinesRaiseNoLintFinding) {
  std::string gh = fake::Make(fake::Kind::kGithubToken);
  std::string gl = fake::Make(fake::Kind::kGitlabToken);
  RewriteOptions o;
  o.build_args = {{"GH_TOKEN", gh}};
  const std::vector<std::string> files = {
      "FROM tools\nRUN git clone https://oauth2:" + gl + "@git.example/g/r.git /src\n",
      "FROM tools\nARG GH_TOKEN\n"
      "RUN git clone https://x:${GH_TOKEN}@github.com/o/r.git /src && git -C /src pull\n",
      "FROM tools\nARG GH_TOKEN\nRUN curl -fsS https://ci:$GH_TOKEN@files.example/a -o /a\n",
      "FROM tools\nARG GH_TOKEN\nRUN wget --password=\"$GH_TOKEN\" http://files.example/a\n",
  };
  for (const std::string& file : files) {
    std::vector<std::string> before = LintFindings(file);
    EXPECT_FALSE(before.empty()) << file;
    RewriteResult r = MustRewrite(file, o);
    EXPECT_TRUE(r.changed) << file;
    EXPECT_EQ(LintFindings(r.text), std::vector<std::string>()) << r.text;
  }
}

TEST(Rewrite, UnchangedLineKeepsItsFindingAfterTheRewrite) {
  std::string gh = fake::Make(fake::Kind::kGithubToken);
  RewriteOptions o;
  o.build_args = {{"GH_TOKEN", gh}};
  // Line 4 takes the password from a shell variable the rewrite does not
  // touch: still reported, at its line of the rewritten file (3).
  RewriteResult r = MustRewrite(
      "FROM tools\nARG GH_TOKEN\nRUN echo \"$GH_TOKEN\" | wc -c\n"
      "RUN P=x; curl -u ci:$P https://files.example/a\n",
      o);
  EXPECT_EQ(LintFindings(r.text),
            std::vector<std::string>{"3 download-credentials-from-variable"});
}

TEST(Rewrite, NetrcQuotesAPasswordThatCurlWouldReadAsAComment) {
  RewriteResult r = MustRewrite(
      "FROM tools\nRUN curl -fsS \"http://ci:%23pa%20ss%22w@h.invalid:8080/a\" -o /a\n");
  ASSERT_EQ(r.secrets.size(), 1u);
  EXPECT_EQ(r.secrets[0].value, "machine h.invalid login ci password \"#pa ss\\\"w\"\n");
}

// The one reason the rewrite of `text` gives for what it left as is; the
// file must come back unchanged.
std::string SkipReason(const std::string& text, const RewriteOptions& o = {}) {
  RewriteResult r = MustRewrite(text, o);
  EXPECT_FALSE(r.changed) << r.text;
  EXPECT_EQ(r.skipped.size(), 1u);
  return r.skipped.empty() ? "" : r.skipped[0].message;
}

const char kAppNpmrcGuard[] =
    "test -s /app/.npmrc || { echo 'secret npmrc is missing or empty' >&2; exit 1; }; ";

TEST(Rewrite, CredentialAmongSeveralSourcesLeavesTheCopyWhichKeepsTheRestAndItsFlags) {
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "COPY --chown=1000:1000 package.json .npmrc /app/\n"
                                "RUN npm ci && rm /app/.npmrc\n");
  EXPECT_EQ(r.text, std::string("FROM busybox\n"
                                "COPY --chown=1000:1000 package.json /app/\n"
                                "RUN --mount=type=secret,id=npmrc,target=/app/.npmrc,uid=1000,"
                                "gid=1000 ") +
                        kAppNpmrcGuard + "npm ci\n");
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].message,
            "COPY .npmrc (line 2) and its rm removed; mounted as secret npmrc at /app/.npmrc");
  ExpectIdempotent(r);
  // The one source left still goes into the directory.
  r = MustRewrite("FROM busybox\nCOPY a.json .npmrc b.json /app\nRUN npm ci; rm /app/.npmrc\n");
  EXPECT_EQ(r.text.substr(0, r.text.find('\n', 14) + 1), "FROM busybox\nCOPY a.json b.json /app\n");
  r = MustRewrite("FROM busybox\nCOPY .npmrc a.json /app\nRUN npm ci; rm /app/.npmrc\n");
  EXPECT_EQ(r.text.substr(0, r.text.find('\n', 14) + 1), "FROM busybox\nCOPY a.json /app/\n");
}

TEST(Rewrite, GlobThatMatchesOnlyTheCredentialLeavesTheCopyAndOneThatMatchesMoreIsIgnored) {
  ContextDir ctx;
  ctx.Write(".npmrc", "//registry.npmjs.org/:_authToken=" + fake::Make(fake::Kind::kNpmToken));
  ctx.Write("package.json", "{}\n");
  RewriteOptions o;
  o.context = ctx.path();
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "WORKDIR /app\n"
                                "COPY package*.json .npmrc* ./\n"
                                "RUN npm ci && rm -f .npmrc\n",
                                o);
  EXPECT_EQ(r.text, std::string("FROM busybox\n"
                                "WORKDIR /app\n"
                                "COPY package*.json ./\n"
                                "RUN --mount=type=secret,id=npmrc,target=/app/.npmrc ") +
                        kAppNpmrcGuard + "npm ci\n");
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].message, "COPY .npmrc* sends .npmrc (line 3) and its rm removed; "
                                  "mounted as secret npmrc at /app/.npmrc");
  ExpectIdempotent(r, o);
  // `*` sends package.json too: the COPY stays, .npmrc leaves the context.
  r = MustRewrite("FROM busybox\nCOPY * /app/\nRUN npm ci && rm /app/.npmrc\n", o);
  EXPECT_EQ(r.text, std::string("FROM busybox\nCOPY * /app/\n"
                                "RUN --mount=type=secret,id=npmrc,target=/app/.npmrc ") +
                        kAppNpmrcGuard + "npm ci\n");
  EXPECT_EQ(r.ignore_lines, std::vector<std::string>{".npmrc"});
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].message,
            "COPY * sends .npmrc (line 2): the rm of /app/.npmrc removed; the file is left out "
            "of the build context (ignore file); mounted as secret npmrc at /app/.npmrc");
}

TEST(Rewrite, RelativeDestinationIsMountedUnderTheWorkdirItResolvesTo) {
  auto mount_of = [](const std::string& text, RewriteOptions o = {}) {
    RewriteResult r = MustRewrite(text, o);
    size_t at = r.text.find("target=");
    EXPECT_TRUE(r.skipped.empty()) << (r.skipped.empty() ? "" : r.skipped[0].message);
    return at == std::string::npos ? r.text : r.text.substr(at, r.text.find(' ', at) - at);
  };
  EXPECT_EQ(mount_of("FROM busybox\nWORKDIR /app\nCOPY .npmrc .\nRUN npm ci && rm .npmrc\n"),
            "target=/app/.npmrc");
  EXPECT_EQ(mount_of("FROM busybox\nWORKDIR /srv\nWORKDIR app\nCOPY .npmrc ./\n"
                     "RUN npm ci && rm /srv/app/.npmrc\n"),
            "target=/srv/app/.npmrc");
  EXPECT_EQ(mount_of("FROM busybox\nENV HOME_DIR=/home/app\nWORKDIR ${HOME_DIR}/src\n"
                     "COPY .npmrc ../\nRUN npm ci && rm ../.npmrc\n"),
            "target=/home/app/.npmrc");
  RewriteOptions o;
  o.build_args = {{"DIR", "/opt/given"}};
  EXPECT_EQ(mount_of("FROM busybox\nARG DIR=/opt/default\nWORKDIR $DIR\nCOPY .npmrc .\n"
                     "RUN npm ci && rm -f $DIR/.npmrc .npmrc\n",
                     o),
            "target=/opt/given/.npmrc");
  // A stage built FROM an earlier one starts in its WORKDIR.
  EXPECT_EQ(mount_of("FROM scratch AS base\nWORKDIR /w\nFROM base\nCOPY .npmrc .\n"
                     "RUN npm ci && rm .npmrc\n"),
            "target=/w/.npmrc");
}

TEST(Rewrite, CopyThatCannotBeRewrittenSaysWhichLineFileAndWhy) {
  EXPECT_EQ(SkipReason("FROM node:20\nCOPY .npmrc .\nRUN npm ci && rm .npmrc\n"),
            "COPY .npmrc (line 2) left as is: its destination . is relative and the WORKDIR of "
            "base image node:20 (line 1) is not known");
  EXPECT_EQ(SkipReason("FROM busybox AS a\nFROM busybox\nCOPY --from=a /root/.npmrc /r/\n"
                       "RUN rm /r/.npmrc\n"),
            "COPY /root/.npmrc (line 3) left as is: it copies from a, not from the build "
            "context: mount the credential in the stage that uses it");
  EXPECT_EQ(SkipReason("FROM busybox\nWORKDIR $APP\nCOPY .npmrc ./\nRUN rm .npmrc\n"),
            "COPY .npmrc (line 3) left as is: its destination ./ is relative and WORKDIR at "
            "line 2: $APP has no value safebuild knows");
}

TEST(Rewrite, AddOfALocalFileIsRewrittenAsTheCopyItIs) {
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "ADD .npmrc /root/.npmrc\n"
                                "ADD --chown=node:node --chmod=640 .netrc /home/node/.netrc\n"
                                "RUN npm ci && rm ~/.npmrc /home/node/.netrc\n");
  EXPECT_EQ(r.text,
            "FROM busybox\n"
            "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc "
            "--mount=type=secret,id=netrc,target=/home/node/.netrc,mode=0444 "
            "test -s /root/.npmrc || { echo 'secret npmrc is missing or empty' >&2; exit 1; }; "
            "test -s /home/node/.netrc || { echo 'secret netrc is missing or empty' >&2; exit 1; "
            "}; npm ci\n");
  ASSERT_EQ(r.changes.size(), 2u);
  EXPECT_EQ(r.changes[0].message,
            "ADD .npmrc (line 2) and its rm removed; mounted as secret npmrc at /root/.npmrc");
  EXPECT_EQ(r.changes[1].message,
            "ADD .netrc (line 3) and its rm removed; mounted as secret netrc at "
            "/home/node/.netrc with mode 0444 (readable by all: the uid of --chown=node:node "
            "is not known)");
  ExpectIdempotent(r);
}

TEST(Rewrite, AddOfAnArchiveThatHoldsACredentialIsLeftWithTheReason) {
  ContextDir ctx;
  // A gzip stream's first bytes are enough: ADD unpacks by content.
  ctx.Write("deps.tar.gz", std::string("\x1f\x8b\x08\x00", 4) + "not really");
  ctx.Write(".npmrc.tar.gz", std::string("\x1f\x8b\x08\x00", 4) + "not really");
  RewriteOptions o;
  o.context = ctx.path();
  RewriteResult r = MustRewrite("FROM busybox\nADD .npmrc.tar.gz /app/\nRUN rm /app/.npmrc\n", o);
  EXPECT_FALSE(r.changed);
  EXPECT_EQ(SkipReason("FROM busybox\nADD .npmrc.tar.gz /app/\nRUN rm /app/.npmrc\n", o),
            "ADD .npmrc.tar.gz (line 2) left as is: ADD unpacks the archive .npmrc.tar.gz; a "
            "file unpacked from it cannot become a secret mount (COPY the credential on its "
            "own, or RUN --mount=type=secret,id=X,target=/tmp/.npmrc.tar.gz and unpack it "
            "there)");
}

TEST(Rewrite, AddOfAUrlWithCredentialsBecomesADownloadWithThemFromASecretHeader) {
  std::string pass = fake::Make(fake::Kind::kGithubToken);
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "WORKDIR /opt\n"
                                "ADD --chown=1000:1000 https://ci:" + pass +
                                "@dl.example.invalid/v1/tool.tgz?raw=1 pkg/\n");
  const std::string h = "/run/secrets/add_auth";
  EXPECT_EQ(r.text,
            "FROM busybox\n"
            "WORKDIR /opt\n"
            "RUN --mount=type=secret,id=add_auth test -s " + h + " || { echo 'secret add_auth "
            "is missing or empty' >&2; exit 1; }; mkdir -p \"pkg\" && if command -v curl "
            ">/dev/null 2>&1; then curl -fsSL -H @" + h + " -o \"pkg/tool.tgz\" "
            "\"https://dl.example.invalid/v1/tool.tgz?raw=1\"; elif command -v wget >/dev/null "
            "2>&1; then wget -q --header \"$(cat " + h + ")\" -O \"pkg/tool.tgz\" "
            "\"https://dl.example.invalid/v1/tool.tgz?raw=1\"; else echo 'ADD of "
            "https://dl.example.invalid/v1/tool.tgz?raw=1 became a download, and the image has "
            "neither curl nor wget' >&2; false; fi && chmod 600 \"pkg/tool.tgz\" && chown "
            "1000:1000 \"pkg/tool.tgz\"\n");
  ASSERT_EQ(r.secrets.size(), 1u);
  std::string basic = "ci:" + pass;
  EXPECT_EQ(r.secrets[0].id, "add_auth");
  ASSERT_TRUE(r.secrets[0].value.has_value());
  EXPECT_EQ(*r.secrets[0].value, "Authorization: Basic " + fake::Base64(basic) + "\n");
  EXPECT_EQ(r.changes[0].message,
            "ADD of the URL to dl.example.invalid with credentials became a RUN that downloads "
            "it (curl or wget of the image) with them from secret add_auth");
  ExpectIdempotent(r);
  // The credentials of a variable are the ARG rule's to refuse.
  EXPECT_EQ(SkipReason("FROM busybox\nARG T\nADD https://ci:${T}@h.invalid/f /f\n"),
            "ADD of the URL to h.invalid (line 3) left as is: its credentials come from a "
            "variable, which only a RUN can read from a secret");
}

TEST(Rewrite, RmOfADirectoryMadeOnlyForTheCredentialGoesWithIt) {
  RewriteResult r = MustRewrite("FROM busybox\n"
                                "COPY config.json /root/.docker/config.json\n"
                                "RUN grep -q auths /root/.docker/config.json\n"
                                "RUN rm -rf /root/.docker /tmp/x\n");
  EXPECT_EQ(r.text,
            "FROM busybox\n"
            "RUN --mount=type=secret,id=config.json,target=/root/.docker/config.json test -s "
            "/root/.docker/config.json || { echo 'secret config.json is missing or empty' >&2; "
            "exit 1; }; grep -q auths /root/.docker/config.json\n"
            "RUN --mount=type=secret,id=config.json,target=/root/.docker/config.json test -s "
            "/root/.docker/config.json || { echo 'secret config.json is missing or empty' >&2; "
            "exit 1; }; rm -rf /tmp/x\n");
  ExpectIdempotent(r);
  // Another file goes into the directory: its rm must stay, and cannot.
  EXPECT_EQ(SkipReason("FROM busybox\nCOPY config.json /root/.docker/config.json\n"
                       "RUN echo x > /root/.docker/other && rm -rf /root/.docker\n"),
            "COPY config.json (line 2) left as is: line 3: rm `/root/.docker` reaches "
            "/root/.docker/config.json, which becomes a read-only mount");
  EXPECT_EQ(SkipReason("FROM busybox\nCOPY .npmrc /root/.npmrc\nRUN npm ci && rm -rf /root\n"),
            "COPY .npmrc (line 2) left as is: line 3: rm `/root` reaches /root/.npmrc, which "
            "becomes a read-only mount");
}

TEST(Rewrite, TwoSshKeysForTwoHostsAreBothServed) {
  ContextDir ctx;
  std::filesystem::create_directories(ctx.path() + "/a");
  std::filesystem::create_directories(ctx.path() + "/b");
  ctx.Write("a/id_ed25519", FakeOpensshKey("BG5vbmUAAAAEbm9uZQ"));
  ctx.Write("b/id_ed25519", FakeOpensshKey("BG5vbmUAAAAEbm9uZQ"));
  RewriteOptions o;
  o.context = ctx.path();
  // Through the agent: one agent podman loads with both keys.
  RewriteResult r = MustRewrite("FROM tools\n"
                                "COPY a/id_ed25519 /root/.ssh/key_a\n"
                                "COPY b/id_ed25519 /root/.ssh/key_b\n"
                                "RUN git clone git@a.invalid:x/a.git /a && "
                                "git clone git@b.invalid:x/b.git /b && rm -rf /root/.ssh\n",
                                o);
  std::string dir = std::filesystem::absolute(ctx.path()).string();
  EXPECT_EQ(BuildFlags(r.secrets), std::vector<std::string>{"--ssh default=" + dir +
                                                            "/a/id_ed25519," + dir +
                                                            "/b/id_ed25519"});
  EXPECT_EQ(r.text, "FROM tools\n"
                    "RUN --mount=type=ssh test -S \"$SSH_AUTH_SOCK\" || { echo 'no ssh agent: "
                    "build with --ssh default' >&2; exit 1; }; git clone git@a.invalid:x/a.git /a "
                    "&& git clone git@b.invalid:x/b.git /b\n");
  // Named by `ssh -i`: each key is mounted where the command reads it,
  // each a secret of its own though both files are named id_ed25519.
  const std::string named =
      "FROM tools\n"
      "COPY a/id_ed25519 /root/.ssh/key_a\n"
      "COPY b/id_ed25519 /root/.ssh/key_b\n"
      "RUN GIT_SSH_COMMAND='ssh -i /root/.ssh/key_a' git clone git@a.invalid:x/a.git"
      " /a && GIT_SSH_COMMAND='ssh -i ~/.ssh/key_b' git clone git@b.invalid:x/b.git"
      " /b && rm /root/.ssh/key_a /root/.ssh/key_b\n";
  // As `fix` writes it, the step's user not known: a key keeps podman's
  // root-only 0400, which ssh accepts, not 0444, which ssh ignores.
  RewriteResult fixed = RewriteAsFix(named, o);
  EXPECT_NE(fixed.text.find("--mount=type=secret,id=id_ed25519,target=/root/.ssh/key_a "),
            std::string::npos)
      << fixed.text;
  EXPECT_EQ(fixed.text.find("mode=0444"), std::string::npos) << fixed.text;
  r = MustRewrite(named, o);
  EXPECT_NE(r.text.find("--mount=type=secret,id=id_ed25519,target=/root/.ssh/key_a "
                        "--mount=type=secret,id=id_ed25519_2,target=/root/.ssh/key_b "),
            std::string::npos)
      << r.text;
  EXPECT_EQ(BuildFlags(r.secrets),
            (std::vector<std::string>{
                "--secret id=id_ed25519,type=file,src=" + dir + "/a/id_ed25519",
                "--secret id=id_ed25519_2,type=file,src=" + dir + "/b/id_ed25519"}));
  ExpectIdempotent(r, o);
}

TEST(Rewrite, CleanFileIsUnchanged) {
  std::string text = "FROM busybox\nARG VERSION=1\nRUN echo $VERSION\n";
  RewriteResult r = MustRewrite(text);
  EXPECT_EQ(r.text, text);
  EXPECT_FALSE(r.changed);
  EXPECT_TRUE(r.skipped.empty());
}

TEST(Rewrite, ParsesPodmanVersions) {
  auto v = ParsePodmanVersion("4.3.1\n");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->major, 4);
  EXPECT_EQ(v->minor, 3);
  auto dev = ParsePodmanVersion("5.8-dev");
  ASSERT_TRUE(dev.ok());
  EXPECT_TRUE(SupportsSecretEnvMount(*dev));
  EXPECT_FALSE(SupportsSecretEnvMount(*v));
  auto bad = ParsePodmanVersion("four");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "not a podman version: \"four\" (expected X.Y)");
}

TEST(Rewrite, UnifiedDiffShowsTheChangedLinesWithContext) {
  EXPECT_EQ(UnifiedDiff("a\nb\nc\n", "a\nc\n", "Containerfile"),
            "--- a/Containerfile\n+++ b/Containerfile\n@@ -1,3 +1,2 @@\n a\n-b\n c\n");
  EXPECT_EQ(UnifiedDiff("same\n", "same\n", "Containerfile"), "");
}

}  // namespace
}  // namespace safebuild
