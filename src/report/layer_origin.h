// Which Containerfile instruction made a layer. podman (buildah) writes one
// history entry per instruction of the built stage, in order, after the
// entries of the base image: "/bin/sh -c #(nop) KEYWORD …" for all but RUN,
// whose entry is its command ("|N ARG=… /bin/sh -c …" when build args are in
// scope). The tail of the history is matched against the stage's
// instructions one to one; when any entry disagrees (another file,
// --squash, triggers of a base image's ONBUILD) nothing is attributed, as a
// wrong line is worse than none.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "containerfile/parser.h"
#include "report/finding.h"

namespace safebuild {

/// Index into `history` -> the instruction of `cf` that made that entry, for
/// an image built from `cf` with `--target target` ("" for the last stage).
std::map<int, SourceRef> MapHistoryToInstructions(const Containerfile& cf,
                                                  const nlohmann::json& history,
                                                  const std::string& target);

/// The config entries the built stage of `cf` sets: "Env/NAME" -> its last
/// ENV, "Labels/KEY" -> its last LABEL. (An entry the base image set is no
/// instruction of this file.)
std::map<std::string, SourceRef> MapConfigToInstructions(const Containerfile& cf,
                                                         const std::string& target);

/// Sets Finding::instruction of the config findings whose path is in `map`.
void AttributeConfigToInstructions(const std::map<std::string, SourceRef>& map,
                                   std::vector<Finding>& findings);

/// Sets Finding::instruction of the layer and history findings whose history
/// entry is in `map`.
void AttributeToInstructions(const std::map<int, SourceRef>& map,
                             std::vector<Finding>& findings);

}  // namespace safebuild
