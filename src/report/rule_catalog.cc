#include "report/rule_catalog.h"

#include <algorithm>

namespace safebuild {
namespace {

using S = Severity;

// Sorted by id; FindLintRule relies on it.
constexpr RuleInfo kRules[] = {
    {"auth-header", S::kHigh, "credential in an HTTP header of a download",
     "RUN and ADD lines are stored in the image history, so a header value "
     "such as \"Authorization: Bearer …\" can be read by anyone who pulls "
     "the image",
     "pass the credential with --secret and read it from /run/secrets in "
     "the RUN step"},
    {"build-arg-secret", S::kHigh, "--build-arg carries a secret",
     "podman records every --build-arg value in the image history",
     "pass the value with --secret id=NAME,env=VAR or src=FILE instead"},
    {"context-credential-file", S::kHigh,
     "credential file in the build context is copied into the image",
     "COPY . or ADD . sends every context file not excluded by the ignore "
     "file into a layer, where it stays even if a later step deletes it",
     "add the file to .containerignore and mount it with RUN "
     "--mount=type=secret where it is needed"},
    {"context-too-large", S::kInfo, "build context only partly checked",
     "the context holds more entries than safebuild looks at, so credential "
     "files beyond the limit were not checked",
     "keep the build context small with .containerignore"},
    {"copy-credential-file", S::kHigh, "COPY or ADD of a credential file",
     "a copied file stays in its layer even when a later step deletes it",
     "mount the file with RUN --mount=type=secret for the step that needs "
     "it"},
    {"download-credentials-from-variable", S::kLow,
     "download credential taken from a build variable",
     "ARG and ENV values are stored in the image config or history, so a "
     "credential passed through them leaks",
     "pass the credential with --secret and read it from /run/secrets"},
    {"escape-ignored-by-podman", S::kMedium,
     "escape directive that podman ignores",
     "podman honours \"# escape=\" only as the first line; BuildKit also "
     "after \"# syntax=\", so the two read the file differently",
     "put \"# escape=\" on the first line of the file"},
    {"heredoc-unsupported", S::kMedium, "heredoc that podman 4.3 cannot run",
     "podman 4.3 (buildah 1.28) has no heredocs: it reads the body lines as "
     "instructions and the build fails or does something else",
     "COPY a script file and run it, or use a podman with heredoc support"},
    {"placeholder-secret-value", S::kLow,
     "secret-named variable with a placeholder value",
     "a placeholder is harmless, but it invites a real value in the same "
     "place later",
     "leave the value out and pass the secret at run time or with "
     "--secret"},
    {"run-writes-credentials", S::kMedium, "RUN writes credentials into a layer",
     "files such as ~/.npmrc, ~/.docker/config.json or a git credential "
     "store written by RUN stay in the layer",
     "use RUN --mount=type=secret so that the credential never lands in a "
     "layer"},
    {"secret-arg", S::kLow, "ARG that names a secret",
     "an ARG value is recorded in the history of every RUN step after it, "
     "even the ones that do not use it",
     "use --secret and RUN --mount=type=secret instead of ARG"},
    {"secret-in-arg-default", S::kHigh, "secret as an ARG default",
     "the default is part of the Containerfile and of the image history",
     "remove the default; pass the secret with --secret"},
    {"secret-in-cmd", S::kHigh, "secret in CMD or ENTRYPOINT",
     "CMD and ENTRYPOINT are stored in the image config",
     "read the value at run time from an environment variable or a mounted "
     "secret"},
    {"secret-in-env", S::kHigh, "secret as an ENV value",
     "ENV values are stored in the image config and visible to anyone who "
     "inspects the image",
     "pass the value at run time (podman run --env or --secret)"},
    {"secret-in-instruction", S::kHigh, "secret in an instruction",
     "the instruction text is recorded in the image history",
     "remove the secret from the Containerfile"},
    {"secret-in-label", S::kHigh, "secret in a LABEL",
     "labels are stored in the image config",
     "remove the secret from the label"},
    {"secret-in-run", S::kHigh, "secret in a RUN line",
     "every RUN command line is recorded in the image history",
     "use RUN --mount=type=secret,id=ID and read the value from "
     "/run/secrets/ID"},
    {"secret-mount-copied", S::kHigh, "mounted secret copied into the image",
     "copying /run/secrets/… to another path writes the secret into the "
     "layer that the mount was meant to keep it out of",
     "read the secret from /run/secrets in the step that needs it; do not "
     "copy it"},
    {"secret-name-in-env", S::kLow, "ENV that names a secret",
     "a variable named like a secret in ENV will carry the secret in the "
     "image config once someone sets it",
     "pass the value at run time (podman run --env or --secret)"},
    {"url-credentials", S::kHigh, "credentials in a URL",
     "user:password@ in a URL of a RUN or ADD line is recorded in the image "
     "history",
     "pass the credential with --secret, for example in a .netrc mounted "
     "with RUN --mount=type=secret"},
};

}  // namespace

std::span<const RuleInfo> LintRules() { return kRules; }

const RuleInfo* FindLintRule(std::string_view id) {
  auto it = std::lower_bound(std::begin(kRules), std::end(kRules), id,
                             [](const RuleInfo& r, std::string_view v) { return r.id < v; });
  return it != std::end(kRules) && it->id == id ? it : nullptr;
}

}  // namespace safebuild
