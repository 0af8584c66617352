// The USER each base image of a build runs as, from `podman image inspect`,
// for the secret mounts that `--rewrite=apply` adds: podman mounts a secret
// as root's 0400 file, which a step run as the image's own user cannot read.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "podman/podman.h"
#include "rewrite/rewrite.h"

namespace safebuild {

/// The platform `podman build` builds for, from its --platform, --os, --arch
/// and --variant: "os/arch[/variant]" with a part left empty when not given,
/// "" when none is, "?" when --platform names several.
std::string BuildPlatform(const std::vector<std::string>& passthrough);

/// The config User of the image that `podman image inspect --format json`
/// describes in `json` ("" for root), when the image is built for `platform`
/// ("" takes any); nullopt when it is not, or the text cannot be read.
std::optional<std::string> InspectedUser(std::string_view json, const std::string& platform);

/// The users of the `bases` in podman's local storage that suit the build
/// (`passthrough`: podman build's arguments); a base that is missing or of
/// another platform is left out, as is every base when --from replaces one.
std::map<std::string, std::string> BaseUsers(const Podman& podman,
                                             const std::vector<BaseImage>& bases,
                                             const std::vector<std::string>& passthrough);

}  // namespace safebuild
