// The secret detector: one engine for Containerfiles, build arguments, image
// config, history and layer files. Token formats are compiled into one
// multi-pattern pass (Hyperscan, or an RE2::Set behind a keyword prefilter);
// a hit is confirmed by the rule's own regex, its checksum where the format
// has one, and the placeholder and example filters, so that only values that
// can be real are reported.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "report/finding.h"

namespace safebuild::detect {
struct AssignedValue;
struct DecodedView;
struct PycString;
struct Unpacked;
}  // namespace safebuild::detect

namespace safebuild {

struct Match {
  std::string rule;         // stable id, e.g. "github-classic-token"
  Severity severity = Severity::kHigh;
  std::string description;  // e.g. "GitHub personal access token (classic)"
  size_t offset = 0;        // byte offset of the secret value in the text
  size_t length = 0;        // its length
  int64_t line = 1;         // 1-based line of `offset`
  int64_t column = 1;       // 1-based column of `offset`
  std::string fingerprint;  // Fingerprint(rule, value)
  std::string redacted;     // Redact(value)
};

/// A part of a file that a limit kept the detector from reading in full:
/// the cells of an SQLite database past the first 4096, a packed blob past
/// what it may unpack to. The scan names each in `skipped`, as it names a
/// file or an archive member a limit cut.
struct ScanCut {
  std::string reason;  // "size", "entries" or "depth", as a Skipped's
  std::string what;    // "SQLite cells past the first 4096"
  bool operator==(const ScanCut&) const = default;
};

class Detector {
 public:
  /// What finds the patterns a text may match, before each pattern's own
  /// RE2 regex confirms them. Both give the same findings; kRe2Set is for
  /// tests and benchmarks that compare the two.
  enum class PatternEngine {
    kAuto,    // the Hyperscan set built into safebuild, else kRe2Set
    kRe2Set,  // an RE2::Set behind a keyword prefilter
  };

  explicit Detector(PatternEngine engine = PatternEngine::kAuto);
  ~Detector();
  Detector(const Detector&) = delete;
  Detector& operator=(const Detector&) = delete;

  /// The detector with every built-in rule, compiled once.
  static const Detector& Default();

  /// Every secret in `text`. `path` (a file name, "Env/NAME", …) tunes
  /// rules to where the text lives: key=value rules are off in lockfiles
  /// and checksum lists (package-lock.json, go.sum, …), and in source code
  /// (*.py, *.js, …) they take only quoted values; in a credential file
  /// (.pgpass, .my.cnf, .pypirc, .git-credentials, …) a weak password is
  /// reported too. UTF-16 text (a byte order mark, or none) is scanned as
  /// the text it holds; offsets and lengths stay byte positions in `text`.
  /// Text of NUL-terminated lines (/proc/PID/environ, a vim swap file) is
  /// also read as lines.
  /// Binary text (a NUL in its first 8000 bytes) gets token formats and
  /// keys only, in its bytes, in the UTF-16LE strings it holds and, in a
  /// compiled Python file, in its length-prefixed strings; there a value is
  /// also read as assigned to a secret-sounding name among the strings near
  /// it in the same code object ("aws_secret_access_key", "password"), for
  /// the rules that need a key name. In
  /// text, a base64 run that decodes to text is searched for token formats
  /// and keys too (reported at the encoded span).
  /// Matches are sorted by offset and do not overlap. Each part of the
  /// text a limit left unread is added to `cuts` (once) when given.
  std::vector<Match> Scan(std::string_view text, std::string_view path = {},
                          std::vector<ScanCut>* cuts = nullptr) const;

  /// Token formats and private keys in a file's path or a symlink's target:
  /// a name is no key=value text, so the rules that read a key name, and
  /// those that need a line around the value, do not apply.
  std::vector<Match> ScanName(std::string_view name) const;

  /// True when `value` alone looks like a real secret (a known token format,
  /// a private key, or a high-entropy string that is no placeholder, path,
  /// version, digest or fingerprint). Lint uses it so that a name alone
  /// never makes a high finding.
  bool LooksLikeSecret(std::string_view value) const;

 private:
  std::vector<Match> ScanUnglued(std::string_view text, std::string_view path) const;
  void AddBinaryStringMatches(std::string_view binary, std::string_view path,
                              std::vector<Match>& matches) const;
  void AddAssignmentMatches(std::string_view bytes, std::string_view path,
                            const std::vector<detect::PycString>& strings,
                            std::vector<Match>& matches) const;
  void AddSqliteMatches(std::string_view db, std::string_view path,
                        std::vector<Match>& matches) const;
  void AddAssignedValues(std::string_view bytes, std::string_view path, const std::string& text,
                         const std::vector<detect::AssignedValue>& values, bool formats_too,
                         std::vector<Match>& matches) const;
  void AddNulSeparatedMatches(std::string_view binary, std::string_view path,
                              std::vector<Match>& matches) const;
  void AddBase64Matches(std::string_view text, std::string_view path,
                        std::vector<Match>& matches) const;
  void AddPdfMatches(std::string_view text, std::string_view path,
                     std::vector<Match>& matches) const;
  void AddPngMatches(std::string_view png, std::string_view path,
                     std::vector<Match>& matches) const;
  std::vector<Match> PackedMatches(const detect::Unpacked& packed, std::string_view path,
                                   std::string_view encoding) const;
  void AddUuencodedMatches(std::string_view text, std::string_view path,
                           std::vector<Match>& matches) const;
  void AddOfficeTextMatches(std::string_view xml, std::string_view path,
                            std::vector<Match>& matches) const;
  void AddUnescapedMatches(std::string_view text, std::string_view path,
                           std::vector<Match>& matches) const;
  void AddViewMatches(const detect::DecodedView& view, std::string_view text,
                      std::string_view path, std::string_view note,
                      std::vector<Match>& matches) const;
  void AddZlibMatches(std::string_view text, std::string_view path,
                      std::vector<Match>& matches) const;
  void AddQuotedPrintableMatches(std::string_view text, std::string_view path,
                                 std::vector<Match>& matches) const;
  void AddPercentEncodedMatches(std::string_view text, std::string_view path,
                                std::vector<Match>& matches) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Placeholders and documented examples: "changeme", "${VAR}", "<token>",
/// "xxxx…", "AKIAIOSFODNN7EXAMPLE", …
bool IsPlaceholder(std::string_view value);

/// Credential file names by basename or path: .npmrc, .pypirc, .netrc,
/// .git-credentials, .docker/config.json, id_rsa, *.pem keys, .env,
/// .aws/credentials, kubeconfig, … Returns a rule id or "" when none.
std::string CredentialFileRule(std::string_view path);

/// Every rule id the detector and CredentialFileRule can report, sorted,
/// without duplicates (a project config may name only these).
std::vector<std::string_view> DetectorRuleIds();

}  // namespace safebuild
