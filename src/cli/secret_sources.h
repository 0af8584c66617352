// Build secrets from the sources the config file names ("secrets" in
// .safebuild.json or --config): for each secret id the build mounts and the
// command line does not give with --secret, safebuild adds the --secret:
//
//   env      type=env: podman reads the variable from its own environment
//   file     the file itself (a relative path is taken from the directory
//            of the config file)
//   podman   a secret in podman's store. podman 4.3 cannot print a stored
//            secret (`secret inspect --showsecret` came later), so the value
//            is read from the store of the `file` driver, the default,
//            under podman's graph root; other drivers are refused
//   command  the standard output of ARGV, run without a shell (one final
//            newline dropped); a non-zero exit fails the build
//
// A value read here goes into a 0600 file of the run's private TempDir
// (wiped and removed on every exit path) and is wiped from memory; it never
// appears on a command line or in output.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "podman/podman.h"
#include "report/policy.h"
#include "util/expected.h"
#include "util/temp_dir.h"

namespace safebuild {

/// Writes `value` to a new 0600 file named after `id` in `dir`; its path.
Expected<std::string> WriteSecretFile(const TempDir& dir, const std::string& id,
                                      const std::string& value);

/// Standard output of `argv`, run without a shell, at most 1 MiB; fails
/// with the exit code when the command fails.
Expected<std::string> RunSecretCommand(const std::vector<std::string>& argv);

/// The value of podman secret `name` (file driver only).
Expected<std::string> ReadPodmanSecret(const Podman& podman, const std::string& name);

/// The `--secret` flags for the ids in `wanted` that `sources` names.
/// `base`: the directory relative file paths start from.
Expected<std::vector<std::string>> SecretSourceFlags(
    const std::vector<SecretSource>& sources, const std::set<std::string>& wanted,
    const std::filesystem::path& base, const Podman& podman, const TempDir& scratch);

/// Ids of the `--secret` flags in podman build arguments.
std::set<std::string> GivenSecretIds(const std::vector<std::string>& args);

}  // namespace safebuild
