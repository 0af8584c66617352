#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/progress.h"
#include "cli/remote_image.h"

namespace safebuild {
namespace {

TEST(RemoteImage, RegistryHostIsTheFirstPartWhenItNamesAHost) {
  EXPECT_EQ(RegistryHost("127.0.0.1:5000/team/app:1"), "127.0.0.1:5000");
  EXPECT_EQ(RegistryHost("quay.io/org/app"), "quay.io");
  EXPECT_EQ(RegistryHost("localhost/app"), "localhost");
  EXPECT_EQ(RegistryHost("library/alpine:3"), "docker.io");
  EXPECT_EQ(RegistryHost("alpine"), "docker.io");
}

TEST(RemoteImage, CredentialsBecomeAnAuthFileEntryForTheRegistry) {
  auto text = AuthFileText("127.0.0.1:5000", "user:pa:ss");
  ASSERT_TRUE(text) << text.error();
  auto j = nlohmann::json::parse(*text);
  EXPECT_EQ(j["auths"]["127.0.0.1:5000"]["auth"], "dXNlcjpwYTpzcw==");  // user:pa:ss
  EXPECT_FALSE(AuthFileText("h", "nopassword"));
}

TEST(RemoteImage, RemoteFlagsAreTakenOutOfTheArgumentsInEitherSpelling) {
  std::vector<std::string> args = {"--creds", "u:p", "--root", "/r", "--tls-verify=false",
                                   "--cert-dir=/c", "--authfile", "/a.json", "docker://h/x"};
  auto opts = TakeRemoteFlags(args);
  ASSERT_TRUE(opts) << opts.error();
  EXPECT_EQ(args, (std::vector<std::string>{"--root", "/r", "docker://h/x"}));
  EXPECT_EQ(*opts->creds, "u:p");
  EXPECT_EQ(*opts->tls_verify, false);
  EXPECT_EQ(*opts->cert_dir, "/c");
  EXPECT_EQ(*opts->authfile, "/a.json");
  std::vector<std::string> bare = {"--tls-verify", "img"};
  EXPECT_EQ(*TakeRemoteFlags(bare)->tls_verify, true);
  EXPECT_EQ(bare, (std::vector<std::string>{"img"}));
}

TEST(RemoteImage, MalformedRemoteFlagsAreErrors) {
  std::vector<std::string> a = {"--tls-verify=maybe"};
  EXPECT_EQ(TakeRemoteFlags(a).error(), "--tls-verify takes true or false, not \"maybe\"");
  std::vector<std::string> b = {"--creds", "useronly"};
  EXPECT_EQ(TakeRemoteFlags(b).error(), "--creds takes USER:PASSWORD");
  std::vector<std::string> c = {"--cert-dir"};
  EXPECT_EQ(TakeRemoteFlags(c).error(), "--cert-dir needs a value");
}

TEST(RemoteImage, SkopeoErrorsAreNamedByTheirCause) {
  auto log = [](const std::string& msg) {
    return "time=\"2026-01-01T00:00:00Z\" level=fatal msg=\"" + msg + "\"\n";
  };
  EXPECT_EQ(DescribeSkopeoError("127.0.0.1:1/x:1",
                                log("initializing source docker://127.0.0.1:1/x:1: pinging "
                                    "container registry 127.0.0.1:1: Get \\\"http://127.0.0.1:1/"
                                    "v2/\\\": dial tcp 127.0.0.1:1: connect: connection refused")),
            "cannot reach the registry 127.0.0.1:1: initializing source docker://127.0.0.1:1/x:1:"
            " pinging container registry 127.0.0.1:1: Get \"http://127.0.0.1:1/v2/\": dial tcp "
            "127.0.0.1:1: connect: connection refused");
  EXPECT_EQ(DescribeSkopeoError("h:5/x:1", log("reading manifest 1 in h:5/x: manifest unknown"))
                .substr(0, 33),
            "the registry h:5 has no image h:5");
  EXPECT_EQ(DescribeSkopeoError("h:5/x:1", log("reading manifest 1 in h:5/x: unauthorized: "
                                               "authentication required"))
                .substr(0, 30),
            "the registry h:5 refused acces");
  EXPECT_EQ(DescribeSkopeoError("h:5/x:1", log("x509: certificate signed by unknown authority"))
                .substr(0, 19),
            "TLS with h:5 failed");
}

TEST(Progress, LineShowsLayersBytesFilesAndRate) {
  EXPECT_EQ(ProgressLine(1, 3, 12u << 20, 1204, 2.0),
            "scanning: layer 1/3, 12.0 MiB, 1204 files, 6.0 MiB/s");
  EXPECT_EQ(ProgressLine(0, 2, 100, 1, 0.0), "scanning: layer 0/2, 100 B, 1 files, -");
}

TEST(Progress, DelayIsASecondOrTheSecondsInTheEnvironment) {
  auto delay_for = [](const char* value) {
    if (value == nullptr) {
      unsetenv("SAFEBUILD_PROGRESS_DELAY");
    } else {
      setenv("SAFEBUILD_PROGRESS_DELAY", value, 1);
    }
    auto delay = ProgressDelay().count();
    unsetenv("SAFEBUILD_PROGRESS_DELAY");
    return delay;
  };
  EXPECT_EQ(delay_for(nullptr), 1000);
  EXPECT_EQ(delay_for(""), 1000);
  EXPECT_EQ(delay_for("0"), 0);
  EXPECT_EQ(delay_for("2.5"), 2500);
  testing::internal::CaptureStderr();
  EXPECT_EQ(delay_for("soon"), 1000);
  EXPECT_EQ(delay_for("-1"), 1000);
  EXPECT_EQ(delay_for("1s"), 1000);
  EXPECT_EQ(delay_for("nan"), 1000);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("SAFEBUILD_PROGRESS_DELAY: 'soon' is not a number of seconds"),
            std::string::npos)
      << err;
}

}  // namespace
}  // namespace safebuild
