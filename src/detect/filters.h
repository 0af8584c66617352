// Value filters: the questions the detector asks about a candidate value
// before it reports it. Is it a placeholder, a path, a version pin, a digest
// or an integrity hash, a UUID, a run of words? Does it look random enough to
// be a credential? Internal to sb_detect; IsPlaceholder is public in
// detector.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace safebuild::detect {

/// "path/to/x", "./x", "~/x", "/run/secrets/db": a file reference.
bool IsPathLike(std::string_view v);

/// "https://host/x": a URL without credentials in it.
bool IsPlainUrl(std::string_view v);

/// "3.1.4-r1", "v1.2.3", "1.2.3+build5": a version or package pin.
bool IsVersionPin(std::string_view v);
/// The name of an algorithm or a scheme: "pbkdf2_sha256", "argon2id_v19",
/// "aes256_gcm_sha384", "HS256" (an identifier of one case, in parts, one of
/// them an algorithm's name).
bool IsAlgorithmName(std::string_view v);
/// An ISO 8601 date or date and time: "2010-05-08", "2010-05-08T01:02:03.004Z".
bool IsTimestamp(std::string_view v);

/// A password's hash, as a user table or a shadow file keeps it: crypt(3)'s
/// "$6$…", "$2b$12$…", "$argon2id$…"; Django's "pbkdf2_sha256$…"; LDAP's
/// "{SSHA}…". No password is in it to read.
bool IsPasswordHash(std::string_view v);

/// All hex, 40/56/64/96/128 digits: SHA digests, GPG fingerprints.
bool IsHexDigest(std::string_view v);

/// A value a credential file holds where its password goes, however weak:
/// printable ASCII without blanks, and no placeholder, path, URL, version,
/// digest, UUID, identifier or run of words.
bool IsPasswordOfCredentialFile(std::string_view v);

/// "123e4567-e89b-12d3-a456-426614174000".
bool IsUuid(std::string_view v);

/// "sha512-<base64>", "sha256:<hex>", "h1:<base64>=": lockfile and image
/// digests, which are public by design.
bool IsIntegrityHash(std::string_view v);

/// Letters with word-like casing and only -_. between them, no digits:
/// "response.json_body", "MySecretPassword", "settings.SECRET_KEY".
bool LooksLikeWords(std::string_view v);

/// Two or more identifiers joined by . _ - : / ("Keyword.Type",
/// "ERRLOG2_BASE", "google-auth-library-oauth2-http"): each run of letters
/// is lower case, upper case or camelCase, with at most a short number. Or
/// one PascalCase run of three or more words ("ExclusiveStartTableName").
bool LooksLikeIdentifier(std::string_view v);

/// An identifier with template slots where words would be: "keyword.$0",
/// "meta.tag.${1}", "support.%s.name", "{scope}.begin" (TextMate grammars,
/// snippets, format strings).
bool LooksLikeIdentifierTemplate(std::string_view v);

/// The value names a secret instead of being one ("MYTOKEN1",
/// "handler.password", "secret%3Dpassword").
bool MentionsSecret(std::string_view v);

/// Example and test data by path: a tests/, examples/ or fixtures/
/// directory, "*.examples.json", "test.js", "*.spec.ts", "*_test.go". The
/// values there are samples, so the rules that judge a value by its key's
/// name do not apply; token formats and keys still do.
bool IsExampleOrTestPath(std::string_view path);

/// A shell's or an interactive client's history (.bash_history,
/// .mysql_history, .psql_history, fish_history, .python_history, …): what
/// was typed, so a password there was used, however weak.
bool IsHistoryPath(std::string_view path);

/// A config file of `key = value` lines whose bare values run to the end of
/// the line, '(' '&' ';' ',' and all: .env, .properties, .ini, .cfg, .conf,
/// .cnf, YAML.
bool IsLineConfigPath(std::string_view path);

/// Documentation inside a third-party package tree: README*, CHANGELOG*,
/// HISTORY*, CHANGES*, NEWS*, *.md, *.rst, *.adoc, man pages and text in a
/// doc/ directory, under node_modules/, site-packages/, dist-packages/,
/// vendor/, gems/, go/pkg/mod/ or /usr/{local/,}lib/python3*, and anything in
/// /usr/share/doc or /usr/share/man. Their passwords and URLs with
/// credentials are examples written for readers (see DemoteInPackageDocs).
bool IsPackageDocPath(std::string_view path);

/// Inside a third-party package tree (the trees of IsPackageDocPath). With
/// IsExampleOrTestPath, test data there, as CPython's test/certdata/*.pem
/// or a package's tests/fixtures/server.key, holds keys a package ships for
/// its tests (see DemoteInPackageTests).
bool InPackageTree(std::string_view path);

/// Source code by extension (a source map, "x.js.map", by what it maps):
/// there a bare value after "token =" is an expression; only a quoted
/// literal can be a secret.
bool IsSourceCodePath(std::string_view path);

/// Number of character classes present: upper, lower, digit, other.
int CharClassCount(std::string_view v);

/// Share of adjacent character pairs whose classes differ (0..1). Random
/// strings switch class often; words and identifiers rarely.
double ClassSwitchRatio(std::string_view v);

/// A token body that is random enough to be a real credential: not a
/// placeholder, not words, entropy and character classes of a random string.
bool LooksRandom(std::string_view v);

/// Capitals, digits and underscores, as a constant's name: "YOUR_TOKEN".
bool IsUpperIdentifier(std::string_view s);

/// Whether `rest` starts a SigV4 credential scope, as after a key ID in a
/// signed request: "/20190814/us-west-2/s3/…", or "%2F20190814%2F…" in a
/// presigned URL's query.
bool BeginsCredentialScope(std::string_view rest);

/// The gate for a value found next to a secret-ish name: long enough,
/// random enough and none of the public look-alikes above.
bool PassesGenericGate(std::string_view v);

/// The gate for a constant of compiled code (a .pyc, a Java class) that a
/// secret-sounding name stands near, not assigned to it in text: 16 to
/// 1024 printable characters, as random as a generated value. Names,
/// format strings and words are not, whatever letters they hold. Random
/// values are refused about 1 in 60 at 16 characters, 1 in 200 at 24,
/// 1 in 1000 for hex or base64 keys of 32 or 40 (capitals and digits
/// alone, at 24: 1 in 30).
bool PassesConstantGate(std::string_view s);

/// True when a key name says its value is a secret: it holds password,
/// passwd, pwd, secret, token, api_key, access_key, private_key, credential
/// or auth as a word of its own ("DB_PASSWORD", "clientSecret", "ci.token";
/// not "author", "tokenizer"), and does not end in a word that makes the
/// value a reference to one ("PASSWORD_FILE", "TOKEN_URL", "SECRET_NAME").
bool NameSuggestsSecret(std::string_view name);

/// A passphrase of 2 to 6 words apart by single spaces, one of them a
/// value PassesGenericGate takes ("Sommer kTr^yDx55l und Winter"); a
/// sentence has no such word.
bool PassesAsPassphrase(std::string_view v);

/// The words of a name, in lower case: "msgUserAuthPubKeyOk" gives msg,
/// user, auth, pub, key, ok; digits and punctuation split them.
std::vector<std::string> NamePieces(std::string_view name);

/// True when [begin, end) of `text` sits inside a longer base64 run (an
/// integrity hash, a certificate): a token shape found there is chance.
bool InsideBase64Blob(std::string_view text, size_t begin, size_t end);

/// Lockfiles and checksum lists, full of hashes and never of assignments.
bool IsHashManifest(std::string_view path);

/// A NUL byte near the start, as git decides: an executable, an archive, a
/// database. Its string tables glue names and words together
/// ("…ServiceAccountToken-json:…"), so key=value rules do not apply there.
bool LooksBinary(std::string_view text);

}  // namespace safebuild::detect
