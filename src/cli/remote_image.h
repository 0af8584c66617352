// Remote images ("docker://HOST/REPO[:TAG]") are copied by skopeo into the
// scan's private directory as an OCI layout and then read like any other.
// Credentials never reach skopeo's command line, where `ps` shows them to
// every user of the machine: --creds becomes an auth file (0600, in the 0700
// scratch directory) that is wiped and removed as soon as the copy ends,
// and the scratch directory's own cleanup covers an interrupted run.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "podman/podman.h"
#include "util/expected.h"
#include "util/temp_dir.h"

namespace safebuild {

struct RemoteOptions {
  std::optional<std::string> creds;     // USER:PASSWORD
  std::optional<std::string> authfile;  // a containers-auth.json of the user's
  std::optional<bool> tls_verify;       // unset: skopeo's default (verify)
  std::optional<std::string> cert_dir;  // client certificates, CA files

  bool Any() const { return creds || authfile || tls_verify || cert_dir; }
};

/// Takes --creds, --authfile, --tls-verify[=BOOL] and --cert-dir (as
/// "--flag VALUE" or "--flag=VALUE") out of `args`; a malformed one is an
/// error.
Expected<RemoteOptions> TakeRemoteFlags(std::vector<std::string>& args);

/// The registry part of a reference: "127.0.0.1:5000/app:1" ->
/// "127.0.0.1:5000"; "library/alpine" -> "docker.io", as podman resolves it.
std::string RegistryHost(const std::string& name);

/// The containers-auth.json text that holds USER:PASSWORD for `host`.
Expected<std::string> AuthFileText(const std::string& host, const std::string& creds);

/// Copies `name` into the OCI layout directory `dest` with skopeo. Errors
/// say whether the registry was unreachable, refused the credentials or
/// does not have the image.
Status CopyRemoteImage(const std::string& name, const RemoteOptions& options,
                       const TempDir& scratch, const std::filesystem::path& dest);

/// skopeo's error text as a short reason ("cannot reach the registry
/// HOST", "the registry refused the credentials", …) plus its own words.
std::string DescribeSkopeoError(const std::string& name, const std::string& stderr_text);

}  // namespace safebuild
