// Lint tests: for each rule one input that fires (exact rule, severity, line
// and column) and one that must not. Secret values are generated at run time
// (fake_secret.h); no test file holds a secret-shaped literal.
#include "containerfile/lint.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "containerfile/ignore_file.h"
#include "containerfile/secret_names.h"
#include "fake_secret.h"

namespace safebuild {
namespace {

using fake::Kind;

std::vector<Finding> LintText(
    const std::string& text,
    std::vector<std::pair<std::string, std::string>> build_args = {},
    const std::filesystem::path& context = {}) {
  Expected<Containerfile> cf = ParseContainerfile(text, "Containerfile");
  EXPECT_TRUE(cf.ok()) << cf.error();
  if (!cf.ok()) return {};
  LintInput input;
  input.file = &*cf;
  input.build_args = std::move(build_args);
  input.context = context;
  return Lint(input, Detector::Default());
}

std::vector<const Finding*> WithRule(const std::vector<Finding>& findings,
                                     std::string_view rule) {
  std::vector<const Finding*> out;
  for (const Finding& f : findings) {
    if (f.rule == rule) out.push_back(&f);
  }
  return out;
}

// The one finding of `rule`; fails the test when there is not exactly one.
const Finding& Only(const std::vector<Finding>& findings,
                    std::string_view rule) {
  static const Finding kNone;
  std::vector<const Finding*> hits = WithRule(findings, rule);
  EXPECT_EQ(hits.size(), 1u) << "rule " << rule;
  return hits.empty() ? kNone : *hits[0];
}

std::string Where(const Finding& f) {
  return std::to_string(f.line) + ":" + std::to_string(f.column);
}

// Every text a finding carries that a user or a report will see.
void ExpectNoValue(const std::vector<Finding>& findings,
                   const std::string& secret) {
  for (const Finding& f : findings) {
    for (const std::string* text :
         {&f.message, &f.fix, &f.excerpt, &f.redacted, &f.path}) {
      EXPECT_EQ(text->find(secret), std::string::npos)
          << f.rule << ": " << *text;
    }
  }
}

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("sb-lint-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  void Write(const std::string& rel, const std::string& text = "x\n") const {
    std::filesystem::path p = path_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }

 private:
  std::filesystem::path path_;
};

// --- secret-in-env, secret-in-arg-default, secret-in-label -----------------

TEST(Lint, ReportsASecretEnvValueInsideAMultiLineInstruction) {
  // Case 09: the secret is on line 4 of an ENV that starts on line 3.
  std::string password = fake::Make(Kind::kPassword);
  std::string text =
      "# escape=`\nFROM busybox\nENV A=1 `\n    DB_PASSWORD=" + password +
      "\nRUN echo C:\\path\\not\\escapes\n";
  std::vector<Finding> findings = LintText(text);
  const Finding& f = Only(findings, "secret-in-env");
  EXPECT_EQ(Where(f), "4:17");
  EXPECT_EQ(f.severity, Severity::kHigh);
  EXPECT_EQ(f.origin, Origin::kContainerfile);
  EXPECT_EQ(f.path, "Containerfile");
  EXPECT_EQ(f.message.rfind("ENV sets DB_PASSWORD to a secret (", 0), 0u)
      << f.message;
  EXPECT_NE(f.message.find("stored in the image config"), std::string::npos);
  EXPECT_EQ(f.excerpt, "    DB_PASSWORD=" + f.redacted);
  EXPECT_FALSE(f.fingerprint.empty());
  ExpectNoValue(findings, password);
}

TEST(Lint, ReportsAKnownTokenFormatInEnvAsCritical) {
  std::string token = fake::Make(Kind::kGithubToken);
  std::vector<Finding> findings =
      LintText("FROM a\nENV GREETING=hi TOKEN=" + token + "\n");
  const Finding& f = Only(findings, "secret-in-env");
  EXPECT_EQ(Where(f), "2:23");
  EXPECT_EQ(f.severity, Severity::kCritical);
  EXPECT_NE(f.message.find("(github-classic-token)"), std::string::npos);
}

TEST(Lint, DoesNotReportPlainEnvValues) {
  std::vector<Finding> findings = LintText(
      "FROM a\nENV PATH=/usr/local/bin:$PATH NODE_VERSION=20.11.1 "
      "LANG=C.UTF-8\n");
  EXPECT_TRUE(findings.empty());
}

TEST(Lint, ReportsASecretArgDefault) {
  std::string token = fake::Make(Kind::kNpmToken);
  std::vector<Finding> findings =
      LintText("FROM a\nARG NPM_TOKEN=" + token + "\nRUN x\n");
  const Finding& f = Only(findings, "secret-in-arg-default");
  EXPECT_EQ(Where(f), "2:15");
  EXPECT_EQ(f.severity, Severity::kCritical);
  const Finding& arg = Only(findings, "secret-arg");
  EXPECT_EQ(Where(arg), "2:5");
  EXPECT_EQ(arg.severity, Severity::kCritical);
  EXPECT_EQ(arg.fingerprint, f.fingerprint);
  ExpectNoValue(findings, token);
}

TEST(Lint, DoesNotReportAPlainArgDefault) {
  EXPECT_TRUE(LintText("ARG BASE=alpine:3.19\nFROM $BASE\nARG VERSION=1.2.3\n")
                  .empty());
}

TEST(Lint, ReportsASecretLabel) {
  std::string key = fake::Make(Kind::kGitlabToken);
  std::vector<Finding> findings =
      LintText("FROM a\nLABEL org.example.deploy=\"" + key + "\"\n");
  const Finding& f = Only(findings, "secret-in-label");
  EXPECT_EQ(Where(f), "2:27");
  EXPECT_GE(f.severity, Severity::kHigh);
  EXPECT_EQ(f.excerpt, "LABEL org.example.deploy=\"" + f.redacted + "\"");
}

TEST(Lint, DoesNotReportPlainLabels) {
  EXPECT_TRUE(LintText("FROM a\nLABEL org.opencontainers.image.version=1.2.3 "
                       "maintainer=\"dev@example.invalid\"\n")
                  .empty());
}

// --- secret-in-run, secret-in-cmd, secret-in-instruction --------------------

TEST(Lint, ReportsATokenThatACommentSwallowsIntoARun) {
  // Case 10: lines 2-3 are one RUN, Env is not set.
  std::string token = fake::Make(Kind::kGithubToken);
  std::vector<Finding> findings = LintText(
      "FROM busybox\nRUN echo hello # \\\nENV API_TOKEN=" + token +
      "\nRUN echo a \\\n    # a comment inside a continuation\n    b\n");
  const Finding& f = Only(findings, "secret-in-run");
  EXPECT_EQ(Where(f), "3:15");
  EXPECT_EQ(f.severity, Severity::kCritical);
  EXPECT_NE(f.message.find("RUN contains a secret (github-classic-token)"),
            std::string::npos);
  EXPECT_TRUE(WithRule(findings, "secret-in-env").empty());
  ExpectNoValue(findings, token);
}

TEST(Lint, DoesNotReportAnOrdinaryRun) {
  EXPECT_TRUE(
      LintText(
          "FROM a\nRUN apk add --no-cache curl=8.5.0-r0 && rm -rf /var/cache\n")
          .empty());
}

TEST(Lint, ReportsATokenInAnExecFormCmdAtItsSourcePosition) {
  // Case 11.
  std::string token = fake::Make(Kind::kGithubToken);
  std::vector<Finding> findings = LintText(
      "FROM busybox\nCMD [\"sh\", \"-c\", \\\n     \"wget "
      "--header=\\\"Authorization: Bearer " +
      token + "\\\" http://example.invalid/\"]\n");
  const Finding& f = Only(findings, "secret-in-cmd");
  EXPECT_EQ(Where(f), "3:45");
  EXPECT_GE(f.severity, Severity::kHigh);
  EXPECT_NE(f.message.find("stored in the image config"), std::string::npos);
  ExpectNoValue(findings, token);
}

TEST(Lint, ReportsATokenInACmdThatIsNotValidJson) {
  std::string token = fake::Make(Kind::kGithubToken);
  std::vector<Finding> findings =
      LintText("FROM a\nCMD ['sh','-c','echo " + token + "']\n");
  EXPECT_EQ(Where(Only(findings, "secret-in-cmd")), "2:22");
}

TEST(Lint, DoesNotReportAnOrdinaryCmd) {
  EXPECT_TRUE(
      LintText("FROM a\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n").empty());
}

TEST(Lint, ReportsASecretInOtherInstructions) {
  std::string token = fake::Make(Kind::kSlackBotToken);
  std::vector<Finding> findings = LintText(
      "FROM a\nHEALTHCHECK CMD wget -q http://localhost/?t=" + token + "\n");
  const Finding& f = Only(findings, "secret-in-instruction");
  EXPECT_EQ(Where(f), "2:45");
  EXPECT_EQ(f.severity, Severity::kCritical);
}

TEST(Lint, DoesNotReportAnOrdinaryHealthcheck) {
  EXPECT_TRUE(
      LintText(
          "FROM a\nHEALTHCHECK --interval=5s CMD wget -q http://localhost/\n")
          .empty());
}

// --- secret-name-in-env, placeholder-secret-value ---------------------------

TEST(Lint, TheNameAloneIsNotEnough) {
  // Case 08: only low advice, for API_TOKEN and the placeholder.
  std::vector<Finding> findings = LintText(
      "FROM busybox\n"
      "ENV GPG_KEY=0123456789ABCDEF0123456789ABCDEF01234567 \\\n"
      "    KEYCLOAK_ADMIN=admin \\\n"
      "    PASSWORD_FILE=/run/secrets/db \\\n"
      "    API_TOKEN=${API_TOKEN} \\\n"
      "    DB_PASSWORD=changeme\n"
      "RUN echo \"libcrypto3=3.1.4-r1 libssl3\"\n");
  for (const Finding& f : findings)
    EXPECT_EQ(f.severity, Severity::kLow) << f.rule;
  ASSERT_EQ(findings.size(), 2u);
  const Finding& from_build = Only(findings, "secret-name-in-env");
  EXPECT_EQ(Where(from_build), "5:15");
  EXPECT_NE(from_build.message.find("API_TOKEN"), std::string::npos);
  const Finding& placeholder = Only(findings, "placeholder-secret-value");
  EXPECT_EQ(Where(placeholder), "6:17");
  EXPECT_EQ(
      placeholder.message,
      "ENV DB_PASSWORD sets a placeholder; pass the real value at run time");
}

TEST(Lint, NamesThatOnlyLookSecretGetNoAdvice) {
  EXPECT_TRUE(
      LintText(
          "FROM a\nENV TOKENIZERS_PARALLELISM=false SECRET_KEY_FILE=/run/s "
          "PUBLIC_KEY=abc TOKEN_URL=https://example.invalid/t PWD=/app\n")
          .empty());
}

TEST(SecretNames, RecogniseSecretWordsButNotAboutWords) {
  for (const char* yes :
       {"DB_PASSWORD", "GH_TOKEN", "awsSecretAccessKey", "NPM_AUTH",
        "SSH_PRIVATE_KEY", "STRIPE_APIKEY", "SMTP_PASS", "SECRETS"}) {
    EXPECT_TRUE(NameSuggestsSecret(yes)) << yes;
  }
  for (const char* no :
       {"PASSWORD_FILE", "TOKEN_URL", "GPG_KEYS", "PUBLIC_KEY", "BYPASS",
        "TOKENIZERS", "PWD", "NODE_VERSION", "KEYCLOAK_ADMIN", "OAUTH"}) {
    EXPECT_FALSE(NameSuggestsSecret(no)) << no;
  }
}

// --- secret-arg, build-arg-secret -------------------------------------------

TEST(Lint, ReportsABuildArgThatCarriesASecret) {
  // Case 01.
  std::string token = fake::Make(Kind::kGithubToken);
  std::vector<Finding> findings = LintText(
      "FROM busybox\nARG GH_TOKEN\nRUN echo building\n"
      "RUN echo \"t=$GH_TOKEN\" > /a.txt && rm /a.txt\n",
      {{"GH_TOKEN", token}});
  const Finding& f = Only(findings, "build-arg-secret");
  EXPECT_EQ(Where(f), "2:5");
  EXPECT_EQ(f.severity, Severity::kCritical);
  EXPECT_EQ(f.message,
            "--build-arg GH_TOKEN carries a secret (github-classic-token); "
            "podman records "
            "it in history (`|1 GH_TOKEN=…`)");
  EXPECT_FALSE(f.fingerprint.empty());
  const Finding& arg = Only(findings, "secret-arg");
  EXPECT_EQ(Where(arg), "2:5");
  EXPECT_EQ(arg.severity, Severity::kCritical);
  ExpectNoValue(findings, token);
}

TEST(Lint, PlacesAnUndeclaredBuildArgAtTheTopOfTheFile) {
  std::string token = fake::Make(Kind::kNpmToken);
  std::vector<Finding> findings =
      LintText("FROM a\nRUN x\n", {{"NPM_TOKEN", token}});
  EXPECT_EQ(Where(Only(findings, "build-arg-secret")), "1:1");
}

TEST(Lint, WarnsOnlyAboutASecretBuildArgThatNoArgDeclares) {
  // podman 4.3 ignores it: no layer, config or history entry holds it.
  std::string token = fake::Make(Kind::kGithubToken);
  std::vector<Finding> findings =
      LintText("FROM a\nRUN x\n", {{"GH_TOKEN", token}});
  const Finding& f = Only(findings, "build-arg-secret");
  EXPECT_EQ(f.severity, Severity::kLow);
  EXPECT_NE(f.message.find("no ARG declares it, so podman ignores it"),
            std::string::npos);
}

TEST(Lint, PrefersTheArgInsideAStage) {
  std::string token = fake::Make(Kind::kNpmToken);
  std::vector<Finding> findings = LintText(
      "ARG NPM_TOKEN\nFROM a\nARG NPM_TOKEN\nRUN x\n", {{"NPM_TOKEN", token}});
  EXPECT_EQ(Where(Only(findings, "build-arg-secret")), "3:5");
}

TEST(Lint, DoesNotReportPlainBuildArgs) {
  std::vector<Finding> findings =
      LintText("FROM a\nARG VERSION\nARG GH_TOKEN\n",
               {{"VERSION", "1.2.3"}, {"GH_TOKEN", ""}});
  EXPECT_TRUE(WithRule(findings, "build-arg-secret").empty());
}

TEST(Lint, AdvisesAgainstASecretNamedArgWithoutAValue) {
  std::vector<Finding> findings = LintText("FROM a\nARG GH_TOKEN\nRUN make\n");
  const Finding& f = Only(findings, "secret-arg");
  EXPECT_EQ(Where(f), "2:5");
  EXPECT_EQ(f.severity, Severity::kLow);
  EXPECT_EQ(f.message,
            "ARG GH_TOKEN: its value is recorded in the image history of every "
            "RUN after it; use RUN --mount=type=secret");
  EXPECT_TRUE(f.fingerprint.empty());
}

// The advice names the argument, whatever its name holds (a name with
// "NAME" in it once made this loop for ever).
TEST(Lint, AdviceNamesAnArgWhoseNameHoldsTheWordOfTheTemplate) {
  for (const std::string name : {"GH_TOKEN", "NAME_TOKEN", "NAME_NAME_TOKEN"}) {
    std::vector<Finding> findings = LintText("FROM a\nARG " + name + "\nRUN make\n");
    const Finding& f = Only(findings, "secret-arg");
    EXPECT_EQ(f.fix, "build with --secret id=" + name + ",src=FILE and read it in RUN "
                     "--mount=type=secret,id=" + name + " instead of an ARG");
  }
}

TEST(Lint, DoesNotAdviseAgainstOrdinaryArgs) {
  EXPECT_TRUE(LintText("FROM a\nARG NODE_VERSION\nARG TARGETARCH\n").empty());
}

// --- copy-credential-file, context-credential-file --------------------------

TEST(Lint, ReportsCopyingACredentialFile) {
  std::vector<Finding> findings =
      LintText("FROM a\nCOPY .npmrc package.json /app/\n");
  const Finding& f = Only(findings, "copy-credential-file");
  EXPECT_EQ(Where(f), "2:6");
  EXPECT_EQ(f.severity, Severity::kHigh);
  EXPECT_EQ(f.message,
            "COPY puts .npmrc (credential-file-npmrc) into the image");
  EXPECT_EQ(
      f.fix,
      "use RUN --mount=type=secret,id=npmrc,target=/app/.npmrc and build with "
      "--secret id=npmrc,src=.npmrc");
}

TEST(Lint, ReportsCredentialFilesInEveryCopyForm) {
  std::vector<Finding> findings = LintText(
      "FROM a AS build\nCOPY id_rsa /root/.ssh/\nADD .env .\n"
      "COPY [\"./secrets/.pypirc\", \"/root/\"]\nFROM b\n"
      "COPY --from=build /root/.npmrc /root/.npmrc\n");
  std::vector<const Finding*> hits = WithRule(findings, "copy-credential-file");
  ASSERT_EQ(hits.size(), 4u);
  EXPECT_EQ(Where(*hits[0]), "2:6");
  EXPECT_EQ(Where(*hits[1]), "3:5");
  EXPECT_EQ(Where(*hits[2]), "4:8");  // the string's first byte
  EXPECT_EQ(Where(*hits[3]), "6:19");
  EXPECT_EQ(hits[3]->severity, Severity::kMedium);  // from another stage
}

TEST(Lint, DoesNotReportCopyingOrdinaryFiles) {
  EXPECT_TRUE(
      LintText("FROM a\nCOPY package.json .env.example src/ /app/\n").empty());
}

TEST(Lint, ReportsCredentialFilesThatCopyDotSendsFromTheContext) {
  TempDir ctx;
  ctx.Write(".npmrc");
  ctx.Write("src/id_rsa");
  ctx.Write("src/main.c");
  ctx.Write("ignored/.env");
  ctx.Write("keep/.env");
  ctx.Write(".containerignore", "# comment\nignored/\n**/*.log\n");
  std::vector<Finding> findings =
      LintText("FROM a\nCOPY . /app\nCOPY keep /keep\n", {}, ctx.path());
  std::vector<const Finding*> hits =
      WithRule(findings, "context-credential-file");
  // Each file once, named as the user names it (the context joined), with
  // no line of its own: the message names the COPY that sends it.
  auto in_context = [&](const char* rel) { return (ctx.path() / rel).generic_string(); };
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0]->path, in_context(".npmrc"));
  EXPECT_EQ(hits[0]->origin, Origin::kContext);
  EXPECT_EQ(Where(*hits[0]), "0:0");
  EXPECT_EQ(hits[0]->excerpt, "");
  ASSERT_TRUE(hits[0]->instruction.has_value());  // the COPY that sends it
  EXPECT_EQ(hits[0]->instruction->line, 2);
  EXPECT_EQ(hits[0]->severity, Severity::kHigh);
  EXPECT_EQ(
      hits[0]->message,
      ".npmrc (credential-file-npmrc) is sent into the image by COPY . at "
      "Containerfile:2; add it to .containerignore");
  EXPECT_EQ(hits[1]->path, in_context("keep/.env"));  // by both COPYs: once
  EXPECT_NE(hits[1]->message.find("by COPY . at Containerfile:2"), std::string::npos);
  EXPECT_EQ(hits[2]->path, in_context("src/id_rsa"));
}

TEST(Lint, ReportsCopyingAFileOfNoTellingNameThatHoldsASecret) {
  TempDir ctx;
  std::string token = fake::Make(Kind::kPypiToken);
  ctx.Write("pip.conf", "[global]\nindex-url = https://__token__:" + token +
                            "@pypi.example.invalid/simple\n");
  ctx.Write("plain.conf", "[global]\nindex-url = https://pypi.example.invalid/simple\n");
  std::vector<Finding> findings = LintText(
      "FROM a\nCOPY pip.conf /etc/pip.conf\nCOPY plain.conf /etc/x.conf\n", {}, ctx.path());
  const Finding& f = Only(findings, "copy-credential-file");
  EXPECT_EQ(Where(f), "2:6");
  EXPECT_EQ(f.severity, Severity::kHigh);
  EXPECT_NE(f.message.find("COPY puts pip.conf into the image; it holds a secret ("),
            std::string::npos);
  EXPECT_EQ(f.message.find(token), std::string::npos);
  EXPECT_EQ(f.excerpt.find(token), std::string::npos);
}

// npm's docs advise `_authToken=${NPM_TOKEN}` in a committed .npmrc: such a
// file holds no secret, so it is seen (low), not blocking; one line with a
// literal value, or a token the detector finds, keeps it high.
TEST(Lint, CredentialFileOfOnlyVariableReferencesIsLow) {
  TempDir ctx;
  ctx.Write(".npmrc", "registry=https://npm.example.invalid/\n"
                      "//npm.example.invalid/:_authToken=${NPM_TOKEN}\nalways-auth=true\n");
  ctx.Write("app/.env", "# from CI\nexport DB_PASSWORD=\"${DB_PASSWORD}\"\nPORT=8080\n");
  ctx.Write("literal/.npmrc", "//npm.example.invalid/:_authToken=${NPM_TOKEN}\n"
                              "//other.invalid/:_password=" + fake::Mixed(16) + "\n");
  ctx.Write("empty/.npmrc");
  std::vector<Finding> findings = LintText(
      "FROM a\nCOPY .npmrc /root/\nCOPY app/.env /app/\nCOPY literal/.npmrc /x/\n"
      "COPY empty/.npmrc /y/\n",
      {}, ctx.path());
  std::vector<const Finding*> hits = WithRule(findings, "copy-credential-file");
  ASSERT_EQ(hits.size(), 4u);
  EXPECT_EQ(hits[0]->severity, Severity::kLow);
  EXPECT_EQ(hits[0]->message,
            "COPY puts .npmrc (credential-file-npmrc) into the image; its secret-named keys "
            "take their values from variables, so it holds no secret itself");
  EXPECT_EQ(hits[0]->fix,
            "pass the variables it names as build secrets (--secret), never as ARG or ENV");
  EXPECT_EQ(hits[1]->severity, Severity::kLow);
  EXPECT_EQ(hits[2]->severity, Severity::kHigh);
  EXPECT_EQ(hits[3]->severity, Severity::kHigh);
  // COPY . sends it: the same judgement.
  findings = LintText("FROM a\nCOPY . /app\n", {}, ctx.path());
  hits = WithRule(findings, "context-credential-file");
  ASSERT_EQ(hits.size(), 4u);
  EXPECT_EQ(hits[0]->path, (ctx.path() / ".npmrc").generic_string());
  EXPECT_EQ(hits[0]->severity, Severity::kLow);
  EXPECT_NE(hits[0]->message.find("holds no secret itself"), std::string::npos);
  EXPECT_EQ(hits[1]->severity, Severity::kLow);   // app/.env
  EXPECT_EQ(hits[2]->severity, Severity::kHigh);  // empty/.npmrc
  EXPECT_EQ(hits[3]->severity, Severity::kHigh);  // literal/.npmrc
}

TEST(Lint, DoesNotReportContextFilesTheIgnoreFileExcludes) {
  TempDir ctx;
  ctx.Write(".npmrc");
  ctx.Write("conf/.netrc");
  ctx.Write("conf/app.yml");
  ctx.Write(".dockerignore", ".npmrc\nconf\n!conf/app.yml\n");
  std::vector<Finding> findings =
      LintText("FROM a\nCOPY . /app\n", {}, ctx.path());
  EXPECT_TRUE(findings.empty());
}

TEST(Lint, DoesNotWalkTheContextForStageCopiesOrWithoutAContext) {
  TempDir ctx;
  ctx.Write(".npmrc");
  EXPECT_TRUE(
      LintText("FROM a AS b\nFROM c\nCOPY --from=b . /app\n", {}, ctx.path())
          .empty());
  EXPECT_TRUE(LintText("FROM a\nCOPY . /app\n").empty());
}

TEST(Lint, NeverWalksOutOfTheContextThroughASymlink) {
  TempDir ctx;
  TempDir outside;
  outside.Write("sub/.npmrc");
  ctx.Write("real/.netrc");
  std::filesystem::create_directory_symlink(outside.path(),
                                            ctx.path() / "link");
  std::vector<Finding> findings = LintText(
      "FROM a\nCOPY link/sub /x\nCOPY link /y\nCOPY . /z\n", {}, ctx.path());
  std::vector<const Finding*> hits =
      WithRule(findings, "context-credential-file");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]->path, (ctx.path() / "real/.netrc").generic_string());
}

TEST(IgnoreRules, FollowTheDockerignorePatternRules) {
  IgnoreRules rules = IgnoreRules::Parse(
      "# comment\n/build\n*.log\n!keep.log\nsecret?.txt\n**/.env\ndocs/**\n"
      "cache/*/tmp\n[ab].key\n");
  EXPECT_TRUE(rules.Excludes("build"));
  EXPECT_TRUE(rules.Excludes("build/out/a.o"));  // a parent directory matches
  EXPECT_TRUE(rules.Excludes("x.log"));
  EXPECT_FALSE(rules.Excludes("dir/x.log"));  // "*" does not cross "/"
  EXPECT_FALSE(rules.Excludes("keep.log"));   // the last match wins
  EXPECT_TRUE(rules.Excludes("secret1.txt"));
  EXPECT_FALSE(rules.Excludes("secret10.txt"));
  EXPECT_TRUE(rules.Excludes(".env"));
  EXPECT_TRUE(rules.Excludes("a/b/.env"));
  EXPECT_TRUE(rules.Excludes("docs/x/y.md"));
  EXPECT_TRUE(rules.Excludes("cache/v1/tmp"));
  EXPECT_FALSE(rules.Excludes("cache/v1/v2/tmp"));
  EXPECT_TRUE(rules.Excludes("a.key"));
  EXPECT_FALSE(rules.Excludes("c.key"));
  EXPECT_FALSE(rules.Excludes("src/main.c"));
  EXPECT_TRUE(rules.HasExceptions());
}

TEST(IgnoreRules, SurviveHostilePatterns) {
  IgnoreRules rules =
      IgnoreRules::Parse("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n[\n\\\n!\n");
  EXPECT_FALSE(rules.Excludes(std::string(200, 'a')));
  EXPECT_TRUE(rules.Excludes("["));
}

// --- url-credentials, auth-header, download-credentials-from-variable -------

TEST(Lint, ReportsAPasswordInADownload) {
  std::string password = fake::Make(Kind::kPassword);
  std::vector<Finding> findings =
      LintText("FROM a\nRUN curl -fsSL -u admin:'" + password +
               "' https://example.invalid/\n");
  const Finding& f = Only(findings, "url-credentials");
  EXPECT_EQ(Where(f), "2:26");
  EXPECT_EQ(f.severity, Severity::kHigh);
  EXPECT_TRUE(WithRule(findings, "secret-in-run").empty());
  ExpectNoValue(findings, password);
}

TEST(Lint, ReportsATokenInAUrlAndInWgetOptions) {
  std::string token = fake::Make(Kind::kGithubToken);
  std::string password = fake::Make(Kind::kPassword);
  std::vector<Finding> findings =
      LintText("FROM a\nRUN git clone https://x-access-token:" + token +
               "@github.com/o/r.git\nADD https://user:" + token +
               "@example.invalid/f.tgz /f.tgz\nRUN wget --user=u --password='" +
               password + "' https://example.invalid/f\n");
  std::vector<const Finding*> hits = WithRule(findings, "url-credentials");
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(Where(*hits[0]), "2:38");
  EXPECT_EQ(hits[0]->severity, Severity::kCritical);
  EXPECT_EQ(Where(*hits[1]), "3:18");
  EXPECT_EQ(hits[1]->message.rfind("ADD passes", 0), 0u);
  EXPECT_EQ(Where(*hits[2]), "4:31");
  ExpectNoValue(findings, token);
}

TEST(Lint, ReportsATokenInAnAuthorizationHeader) {
  std::string token = fake::Make(Kind::kGithubToken);
  std::vector<Finding> findings =
      LintText("FROM a\nRUN curl -H \"Authorization: Bearer " + token +
               "\" https://example.invalid/\n");
  const Finding& f = Only(findings, "auth-header");
  EXPECT_EQ(Where(f), "2:36");
  EXPECT_EQ(f.severity, Severity::kCritical);
  EXPECT_TRUE(WithRule(findings, "secret-in-run").empty());
}

TEST(Lint, GivesLowAdviceForDownloadCredentialsFromVariables) {
  std::vector<Finding> findings = LintText(
      "FROM a\nRUN curl -u \"$USER:$PASS\" https://example.invalid/ && \\\n"
      "    curl --header \"Authorization: Bearer ${TOKEN}\" "
      "https://example.invalid/\n");
  std::vector<const Finding*> hits =
      WithRule(findings, "download-credentials-from-variable");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(Where(*hits[0]), "2:20");
  EXPECT_EQ(hits[0]->severity, Severity::kLow);
  EXPECT_EQ(Where(*hits[1]), "3:42");
}

TEST(Lint, DoesNotReportDownloadCredentialsReadFromASecretMount) {
  // The rewrite's own form, and one with podman 5.8's env= mount.
  std::vector<Finding> findings = LintText(
      "FROM a\n"
      "RUN --mount=type=secret,id=T export T=\"$(cat /run/secrets/T)\"; "
      "curl -u \"ci:$T\" https://example.invalid/\n"
      "RUN --mount=type=secret,id=P,env=P curl https://ci:${P}@example.invalid/\n"
      "RUN curl -u \"ci:$OTHER\" https://example.invalid/\n");
  std::vector<const Finding*> hits =
      WithRule(findings, "download-credentials-from-variable");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]->line, 4);
}

TEST(Lint, DoesNotTakeAGitUrlSettingForAnAssignment) {
  // "credential.https:" + "//127.0.0.1:9.helper=…" is no key and value.
  EXPECT_TRUE(LintText("FROM a\nRUN export GIT_CONFIG_PARAMETERS=\""
                       "'credential.https://127.0.0.1:9.helper=' "
                       "'credential.https://127.0.0.1:9.helper=!f() { echo "
                       "\\\"password=\\$(cat /run/secrets/P)\\\"; }; f'\"; git fetch\n")
                  .empty());
}

TEST(Lint, DoesNotReportDownloadsWithoutCredentials) {
  EXPECT_TRUE(LintText("FROM a\nRUN curl -fsSL -H 'Accept: application/json' "
                       "https://example.invalid/x.tgz | tar xz\n")
                  .empty());
}

// --- secret-mount-copied -----------------------------------------------------

TEST(Lint, ReportsCopyingAMountedSecretIntoTheImage) {
  // Case 12: only line 5 bakes the secret in.
  std::vector<Finding> findings = LintText(
      "FROM busybox\n"
      "RUN --mount=type=secret,id=tok test -s /run/secrets/tok\n"
      "RUN --mount=type=secret,id=tok,target=/root/.npmrc test -s "
      "/root/.npmrc\n"
      "RUN --mount=type=secret,id=envtok test -s /run/secrets/envtok\n"
      "RUN --mount=type=secret,id=tok cp /run/secrets/tok /app.npmrc\n");
  ASSERT_EQ(findings.size(), 1u);
  const Finding& f = Only(findings, "secret-mount-copied");
  EXPECT_EQ(Where(f), "5:32");
  EXPECT_EQ(f.severity, Severity::kHigh);
  EXPECT_EQ(
      f.message,
      "RUN copies the secret mounted at /run/secrets/tok into the image (to "
      "/app.npmrc); the copy stays in the layer");
}

TEST(Lint, ReportsRedirectingAMountedSecretIntoAFile) {
  std::vector<Finding> findings = LintText(
      "FROM a\nRUN --mount=type=secret,id=npm,target=/s/npmrc \\\n"
      "    echo x && cat /s/npmrc >> /app/.npmrc\n");
  EXPECT_EQ(Where(Only(findings, "secret-mount-copied")), "3:15");
}

TEST(Lint, ReportsAMountedSecretCopyInExecFormAndHeredocs) {
  std::vector<Finding> findings = LintText(
      "FROM a\n"
      "RUN --mount=type=secret,id=t [\"sh\", \"-c\", \"cp /run/secrets/t "
      "/x\"]\n"
      "RUN --mount=type=secret,id=t <<EOF\ntrue\ncat /run/secrets/t | tee "
      "/y\nEOF\n");
  std::vector<const Finding*> hits = WithRule(findings, "secret-mount-copied");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(Where(*hits[0]), "2:44");
  EXPECT_EQ(Where(*hits[1]), "5:22");
}

TEST(Lint, DoesNotReportAMountedSecretCopyThatIsDeletedInTheSameRun) {
  EXPECT_TRUE(
      LintText("FROM a\nRUN --mount=type=secret,id=npmrc cp /run/secrets/npmrc "
               "~/.npmrc && npm ci && rm -f ~/.npmrc\n")
          .empty());
}

// A count, a checksum, a test or a size of the secret is no copy of it;
// each of these wrote such a file and was taken for one.
TEST(Lint, DoesNotReportWritingWhatIsDerivedFromAMountedSecret) {
  for (const std::string cmd : {
           "grep -c foo /run/secrets/tok > /tmp/count",
           "grep -qs foo /run/secrets/tok > /tmp/out",
           "grep --files-with-matches foo /run/secrets/tok > /tmp/out",
           "grep -A1 -l foo /run/secrets/tok > /tmp/out",
           "wc -l /run/secrets/tok > /tmp/lines",
           "wc -c < /run/secrets/tok > /tmp/len",
           "sha256sum /run/secrets/tok > /tmp/sum",
           "md5sum /run/secrets/tok >> /tmp/sums",
           "cksum /run/secrets/tok > /tmp/sum",
           "test -s /run/secrets/tok > /tmp/out",
           "[ -f /run/secrets/tok ] > /tmp/out",
           "stat -c %s /run/secrets/tok > /tmp/size",
           "ls -l /run/secrets/ > /tmp/list",
           "cat /run/secrets/tok | wc -c > /tmp/len",
           "cat /run/secrets/tok | sha256sum | tee /tmp/sum",
           "head -c 8 /run/secrets/tok | sha256sum > /tmp/sum",
           "echo /run/secrets/tok > /tmp/path",
           "cat /run/secrets/tok | echo done > /tmp/done",
           "echo \"len=$(wc -c < /run/secrets/tok)\" > /tmp/len",
           "echo \"sum=`sha256sum /run/secrets/tok`\" > /tmp/sum",
           "echo \"len=$(cat /run/secrets/tok | wc -c)\" > /tmp/len",
       }) {
    EXPECT_TRUE(
        WithRule(LintText("FROM a\nRUN --mount=type=secret,id=tok " + cmd + "\n"),
                 "secret-mount-copied")
            .empty())
        << cmd;
  }
}

// What holds the secret, or can give it back: its bytes, a part of them,
// an encoding, lines of it, the names a checksum's -c reads from it, or its
// value in a command's arguments.
TEST(Lint, ReportsWritingTheMountedSecretOrWhatGivesItBack) {
  for (const std::string cmd : {
           "cat /run/secrets/tok > /tmp/copy",
           "cp /run/secrets/tok /tmp/copy",
           "install -m 600 /run/secrets/tok /tmp/copy",
           "dd if=/run/secrets/tok of=/tmp/copy",
           "cat /run/secrets/tok | tee /tmp/copy",
           "tee /tmp/copy < /run/secrets/tok",
           "base64 /run/secrets/tok > /tmp/b64",
           "cat /run/secrets/tok | base64 | tee /tmp/b64",
           "head -c 8 /run/secrets/tok > /tmp/part",
           "tail -n 1 /run/secrets/tok > /tmp/part",
           "sed 's/^/x/' /run/secrets/tok > /tmp/edit",
           "awk '{print $1}' /run/secrets/tok > /tmp/field",
           "grep foo /run/secrets/tok > /tmp/lines",
           "grep -e c /run/secrets/tok > /tmp/lines",
           "sha256sum -c /run/secrets/tok > /tmp/names",
           "wc --files0-from=/run/secrets/tok > /tmp/names",
           "echo \"$(cat /run/secrets/tok)\" > /tmp/copy",
           "echo \"$(< /run/secrets/tok)\" > /tmp/copy",
           "echo `cat /run/secrets/tok` > /tmp/copy",
           "echo \"export T=$(cat /run/secrets/tok)\" >> /etc/profile",
           "printf '%s' \"$(echo $(echo $(cat /run/secrets/tok)))\" > /tmp/copy",
           "wc -c \"$(cat /run/secrets/tok)\" > /tmp/out",
           "echo \"$(cat /run/secrets/tok | wc -c; cat /run/secrets/tok)\" > /tmp/copy",
           "echo \"$(sha256sum /run/secrets/tok | cat - /run/secrets/tok)\" > /tmp/copy",
           "T=$(cat /run/secrets/tok) sh -c 'echo $T' > /tmp/copy",
           "sha256sum /run/secrets/tok | cat - /run/secrets/tok > /tmp/both",
       }) {
    std::vector<Finding> findings =
        LintText("FROM a\nRUN --mount=type=secret,id=tok " + cmd + "\n");
    EXPECT_EQ(WithRule(findings, "secret-mount-copied").size(), 1u) << cmd;
  }
}

// --- run-writes-credentials
// ---------------------------------------------------

TEST(Lint, ReportsWritingACredentialFile) {
  std::vector<Finding> findings = LintText(
      "FROM a\nARG NPM_TOKEN\n"
      "RUN echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > ~/.npmrc "
      "&& npm ci\n");
  const Finding& f = Only(findings, "run-writes-credentials");
  EXPECT_EQ(Where(f), "3:5");
  EXPECT_EQ(f.severity, Severity::kMedium);
  EXPECT_EQ(f.message,
            "RUN writes credentials to ~/.npmrc (credential-file-npmrc); the "
            "file stays in "
            "the image layer");
}

TEST(Lint, CredentialFileOfABuildStageTheImageDoesNotTakeIsOnlyInfo) {
  const std::string build =
      "FROM a AS build\nARG NPM_TOKEN\n"
      "RUN echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > ~/.npmrc "
      "&& npm ci\n";
  std::vector<Finding> findings = LintText(build + "FROM b\nCOPY --from=build /app /app\n");
  const Finding& f = Only(findings, "run-writes-credentials");
  EXPECT_EQ(f.severity, Severity::kInfo);
  EXPECT_EQ(f.message,
            "RUN writes credentials to ~/.npmrc (credential-file-npmrc) in a build stage "
            "whose files the image does not take (its own image in local storage keeps it)");
  // Copied, inherited, or written by a user whose home is not known.
  for (const std::string& rest :
       {std::string("FROM b\nCOPY --from=build /root /root\n"),
        std::string("FROM b\nCOPY --from=0 / /\n"), std::string("FROM build\n"),
        std::string("FROM build AS two\nFROM b\nCOPY --from=two /root/.npmrc /x\n")}) {
    std::vector<Finding> kept = LintText(build + rest);
    EXPECT_EQ(Only(kept, "run-writes-credentials").severity, Severity::kMedium) << rest;
  }
  // Removed by a later step of the stage: a copy of the stage lacks it,
  // a stage built on it keeps the layer.
  const std::string removed = "FROM a AS build\nWORKDIR /app\nRUN echo \"$T\" > .npmrc\n"
                              "RUN rm -f /app/.npmrc\n";
  EXPECT_EQ(Only(LintText(removed + "FROM b\nCOPY --from=build /app /app\n"),
                 "run-writes-credentials").severity,
            Severity::kInfo);
  EXPECT_EQ(Only(LintText(removed + "FROM build\n"), "run-writes-credentials").severity,
            Severity::kMedium);
  std::vector<Finding> as_user =
      LintText("FROM a AS build\nUSER app\nRUN echo \"$T\" > ~/.npmrc\n"
               "FROM b\nCOPY --from=build /app /app\n");
  EXPECT_EQ(Only(as_user, "run-writes-credentials").severity, Severity::kMedium);
}

TEST(Lint, ReportsWritingALiteralTokenAtTheToken) {
  std::string token = fake::Make(Kind::kNpmToken);
  std::vector<Finding> findings =
      LintText("FROM a\nRUN npm config set //registry.npmjs.org/:_authToken " +
               token + "\n");
  const Finding& f = Only(findings, "run-writes-credentials");
  EXPECT_EQ(Where(f), "2:53");
  EXPECT_EQ(f.severity, Severity::kCritical);
  EXPECT_TRUE(WithRule(findings, "secret-in-run").empty());
  ExpectNoValue(findings, token);
}

TEST(Lint, ReportsToolsThatStoreCredentials) {
  std::vector<Finding> findings = LintText(
      "FROM a\n"
      "RUN git config --global credential.helper store\n"
      "RUN aws configure set aws_secret_access_key \"$KEY\"\n"
      "RUN podman login -u bot -p \"$PW\" registry.example.invalid\n"
      "RUN pip config set global.index-url "
      "\"https://u:$PW@example.invalid/simple\"\n");
  std::vector<const Finding*> hits =
      WithRule(findings, "run-writes-credentials");
  ASSERT_EQ(hits.size(), 4u);
  for (size_t i = 0; i < hits.size(); ++i) {
    EXPECT_EQ(hits[i]->line, static_cast<int>(i) + 2);
    EXPECT_EQ(hits[i]->column, 5);
    EXPECT_EQ(hits[i]->severity, Severity::kMedium);
  }
}

TEST(Lint, DoesNotReportOrdinaryWritesOrCredentialsRemovedInTheSameRun) {
  EXPECT_TRUE(
      LintText(
          "FROM a\nRUN echo hi > /tmp/out && git config --global user.name x\n"
          "RUN echo \"$NPMRC\" > /root/.npmrc && npm ci && rm /root/.npmrc\n")
          .empty());
}

// --- escape-ignored-by-podman, heredoc-unsupported --------------------------

TEST(Lint, WarnsThatPodmanIgnoresAnEscapeAfterSyntax) {
  std::vector<Finding> findings = LintText(
      "# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN echo a\n");
  const Finding& f = Only(findings, "escape-ignored-by-podman");
  EXPECT_EQ(Where(f), "2:1");
  EXPECT_EQ(f.severity, Severity::kLow);
  std::vector<Finding> used = LintText(
      "# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN echo a `\n");
  EXPECT_EQ(Only(used, "escape-ignored-by-podman").severity, Severity::kMedium);
}

TEST(Lint, WarnsThatALineEndingInTwoEscapesContinuesOnlyInPodman) {
  std::vector<Finding> findings =
      LintText("FROM a\nRUN echo C:\\\\ \nENV B=1\n");
  const Finding& f = Only(findings, "doubled-escape-at-line-end");
  EXPECT_EQ(Where(f), "2:12");
  EXPECT_EQ(f.severity, Severity::kMedium);
  EXPECT_TRUE(LintText("FROM a\nRUN echo a \\\n  b\nRUN c\\\\").empty());
}

TEST(Lint, DoesNotWarnAboutAnEscapeOnTheFirstLine) {
  EXPECT_TRUE(
      LintText("# escape=`\n# syntax=docker/dockerfile:1\nFROM a\n").empty());
}

TEST(Lint, WarnsAboutHeredocsAndScansTheirBodies) {
  std::string token = fake::Make(Kind::kGithubToken);
  std::vector<Finding> findings =
      LintText("FROM a\nRUN <<EOF\necho " + token + " > /dev/null\nEOF\n");
  const Finding& f = Only(findings, "heredoc-unsupported");
  EXPECT_EQ(Where(f), "2:5");
  EXPECT_EQ(f.severity, Severity::kMedium);
  EXPECT_EQ(Where(Only(findings, "secret-in-run")), "3:6");
  ExpectNoValue(findings, token);
}

TEST(Lint, DoesNotMistakeAShiftForAHeredoc) {
  EXPECT_TRUE(LintText("FROM a\nRUN echo $((1<<4))\n").empty());
}

// --- output hygiene
// -----------------------------------------------------------

TEST(Lint, NoFindingCarriesASecretValue) {
  std::string gh = fake::Make(Kind::kGithubToken);
  std::string npm = fake::Make(Kind::kNpmToken);
  std::string pw = fake::Make(Kind::kPassword);
  std::string aws = fake::Make(Kind::kAwsAccessKeyId);
  std::vector<Finding> findings = LintText(
      "FROM a\n"
      "ARG GH_TOKEN=" +
          gh +
          "\n"
          "ENV NPM_TOKEN=" +
          npm + " DB_PASSWORD=" + pw +
          "\n"
          "LABEL k=" +
          aws +
          "\n"
          "RUN echo " +
          gh + " " + npm + " && curl -u u:" + pw + " https://" + gh +
          "@example.invalid/\n"
          "CMD [\"sh\", \"-c\", \"echo " +
          aws + "\"]\n",
      {{"GH_TOKEN", gh}, {"EXTRA", npm}});
  EXPECT_GE(findings.size(), 8u);
  for (const std::string& secret : {gh, npm, pw, aws})
    ExpectNoValue(findings, secret);
}

TEST(Lint, KeepsOneFindingPerPlaceAndRule) {
  std::string token = fake::Make(Kind::kGithubToken);
  std::vector<Finding> findings =
      LintText("FROM a\nARG GH_TOKEN=" + token + "\n",
               {{"GH_TOKEN", token}, {"GH_TOKEN", token}});
  EXPECT_EQ(WithRule(findings, "build-arg-secret").size(), 1u);
  EXPECT_EQ(WithRule(findings, "secret-arg").size(), 1u);
}

TEST(Lint, StaysLinearOnAHostileRun) {
  // Many commands and many findings on one long line.
  std::string run = "FROM a\nRUN --mount=type=secret,id=t true";
  for (int i = 0; i < 20000; ++i) run += "; echo x >~/.npmrc; rm ~/.npmrc";
  for (int i = 0; i < 5000; ++i) run += " && curl -u u:$P" + std::to_string(i);
  std::vector<Finding> findings = LintText(run + "\n");
  EXPECT_EQ(WithRule(findings, "download-credentials-from-variable").size(),
            5000u);
  EXPECT_TRUE(WithRule(findings, "run-writes-credentials").empty());
  for (const Finding& f : findings) EXPECT_LE(f.excerpt.size(), 250u);
}

TEST(Lint, ShortensLongExcerptsAroundTheFinding) {
  std::string token = fake::Make(Kind::kGithubToken);
  std::string pad(2000, 'x');
  std::vector<Finding> findings =
      LintText("FROM a\nRUN echo " + pad + " " + token + " " + pad + "\n");
  const Finding& f = Only(findings, "secret-in-run");
  EXPECT_LE(f.excerpt.size(), 250u);
  EXPECT_NE(f.excerpt.find(f.redacted), std::string::npos);
  // The caret is at the value inside the shortened excerpt, not at its
  // column in the whole line.
  ASSERT_GT(f.excerpt_column, 0);
  EXPECT_GT(f.column, 2000);
  EXPECT_EQ(f.excerpt.substr(static_cast<size_t>(f.excerpt_column - 1), f.redacted.size()),
            f.redacted);
}

TEST(Lint, CaretFollowsTheValueWhenAnEarlierSecretIsRedacted) {
  std::string first = fake::Make(Kind::kGithubToken);
  std::string second = fake::Make(Kind::kGithubToken);
  std::vector<Finding> findings =
      LintText("FROM a\nRUN echo " + first + " && echo " + second + "\n");
  std::vector<const Finding*> runs = WithRule(findings, "secret-in-run");
  ASSERT_EQ(runs.size(), 2u);
  for (const Finding* f : runs) {
    if (f->excerpt_column == 0) continue;  // no caret is allowed, a wrong one is not
    EXPECT_EQ(f->excerpt.substr(static_cast<size_t>(f->excerpt_column - 1),
                                f->redacted.size()),
              f->redacted)
        << f->excerpt;
  }
  EXPECT_GT(runs[0]->excerpt_column, 0);
}

}  // namespace
}  // namespace safebuild

namespace safebuild {
namespace {

TEST(Lint, StaysLinearWithThousandsOfSecretsOnOneLine) {
  // Every literal password is remembered and scrubbed from every excerpt.
  std::string run = "FROM a\nRUN true";
  for (int i = 0; i < 3000; ++i) {
    run += " && curl -u user:pw" + std::to_string(i) + "-long-enough";
  }
  std::vector<Finding> findings = LintText(run + "\n");
  EXPECT_EQ(WithRule(findings, "url-credentials").size(), 3000u);
  for (const Finding& f : findings) {
    EXPECT_EQ(f.excerpt.find("-long-enough"), std::string::npos) << f.excerpt;
  }
}

TEST(Lint, ReportsASecretArgUsedInTheFinalStage) {
  std::vector<Finding> findings = LintText(
      "FROM alpine\nARG GH_TOKEN\nRUN git clone https://x:${GH_TOKEN}@h/r\n");
  const Finding& f = Only(findings, "secret-in-final-stage");
  EXPECT_EQ(f.severity, Severity::kMedium);
  EXPECT_EQ(f.line, 3);
  EXPECT_EQ(f.column, 25);
}

TEST(Lint, DoesNotReportSecretsUsedInABuilderStage) {
  std::vector<Finding> findings = LintText(
      "ARG GH_TOKEN\n"
      "FROM node AS build\n"
      "ARG GH_TOKEN\n"
      "RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n"
      "RUN git clone https://x:$GH_TOKEN@h/r\n"
      "FROM node\n"
      "COPY --from=build /app /app\n"
      "RUN echo $GH_TOKEN\n"  // not declared in this stage: empty
      "RUN --mount=type=cache,target=/root/.npm npm ls\n");
  EXPECT_TRUE(WithRule(findings, "secret-in-final-stage").empty());
  // A secret mount used where it is mounted leaves nothing behind (case 12).
  EXPECT_TRUE(WithRule(LintText("FROM node\n"
                                "RUN --mount=type=secret,id=npmrc,target="
                                "/root/.npmrc npm ci\n"),
                       "secret-in-final-stage")
                  .empty());
}

TEST(Lint, ReportsTheFirstInstructionBeforeTheFirstFrom) {
  std::vector<Finding> findings =
      LintText("ARG BASE=alpine\n  ENV A=1\nLABEL b=2\nFROM $BASE\nRUN true\n");
  const Finding& f = Only(findings, "instruction-before-from");
  EXPECT_EQ(f.severity, Severity::kMedium);
  EXPECT_EQ(f.line, 2);
  EXPECT_EQ(f.column, 3);
  EXPECT_NE(f.message.find("ENV before the first FROM"), std::string::npos);
}

TEST(Lint, AcceptsOnlyArgsBeforeTheFirstFrom) {
  EXPECT_TRUE(WithRule(LintText("# syntax=x\nARG A=1\nARG B\nFROM alpine\nENV C=3\n"
                                "FROM alpine\nLABEL d=4\n"),
                       "instruction-before-from")
                  .empty());
}

}  // namespace
}  // namespace safebuild
