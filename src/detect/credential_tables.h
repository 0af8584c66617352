// Credential files whose secret is a field of a line or the file itself,
// with no key name next to it: PPP's chap-secrets and pap-secrets, Postfix's
// sasl_passwd, davfs2's secrets, .fetchmailrc, .curlrc, a JAAS file's
// user_NAME options, OpenVPN's
// auth-user-pass file, Rails' master.key and Kaggle's kaggle.json; and
// files that are a secret as a whole: what /run/secrets held at build time,
// systemd's /etc/credstore, ~/.erlang.cookie, a MongoDB key file, an
// Ansible vault's password file, a TOTP seed, Subversion's cached
// passwords. The path says which format a text is; the format says which
// field is the secret. Wherever they are, the secret-named columns of a
// PostgreSQL dump's COPY rows.
#pragma once

#include <string_view>
#include <vector>

#include "report/finding.h"

namespace safebuild::detect {

struct TableSecret {
  size_t begin = 0;  // the value's span in the text
  size_t end = 0;
  std::string_view description;
  Severity severity = Severity::kHigh;
};

/// The secrets of `text`, the content of the file at `path`, when the path
/// names one of these formats, or the text holds a pg_dump COPY block.
std::vector<TableSecret> FindTableSecrets(std::string_view text, std::string_view path);

}  // namespace safebuild::detect
