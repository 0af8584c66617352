// Variable names that suggest a secret. A name alone only ever leads to
// low-severity advice; the value decides whether something is a secret.
#pragma once

#include <string_view>

namespace safebuild {

/// "DB_PASSWORD", "GH_TOKEN", "awsSecretAccessKey", "NPM_AUTH": true.
/// "PASSWORD_FILE", "TOKEN_URL", "GPG_KEYS", "PUBLIC_KEY", "TOKENIZERS…",
/// "PWD", "NODE_VERSION": false.
bool NameSuggestsSecret(std::string_view name);

/// `$NAME`, `${NAME}`, `${NAME:-x}`, `$(cmd)`: the value comes from the
/// build environment or a command, not from the file.
bool IsVariableReference(std::string_view value);

}  // namespace safebuild
