// The built-in detection rules, internal to sb_detect. A rule is one or more
// patterns; each pattern is an RE2 regex (Latin-1, so any byte sequence can
// be searched) whose capture groups mark the secret value, plus a validator
// that confirms what the regex found. Patterns are listed from the most to
// the least specific; when two findings overlap the detector keeps the more
// severe, then the rule listed earlier, then (two shapes of one rule) the
// longer.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "report/finding.h"

namespace safebuild::detect {

/// What a pattern found, for its validator to confirm.
struct Candidate {
  std::string_view text;   // the whole scanned text
  size_t match_begin = 0;  // where the pattern's whole match starts
  size_t begin = 0;        // the value's span; a validator may narrow it
  size_t end = 0;
  std::string_view name;   // the key name, when the pattern captures one
  Severity severity = Severity::kHigh;  // the rule's; a validator may lower it
  std::string_view description;         // the rule's; a validator may change it
  bool in_source_code = false;          // the text is a program's source
  bool in_netrc_file = false;           // the text is a .netrc/_netrc file
  bool in_example_file = false;         // example or test data, by path
  bool joined = false;  // a word character comes just before the match
  bool in_package_doc = false;  // IsPackageDocPath: a third-party package's docs
  bool in_package_tests = false;  // its test data (IsExampleOrTestPath there)
  bool in_package_code = false;   // a third-party package's source code
  bool in_shared_library = false;  // an ELF shared object (.so) or a static library (.a)
  bool in_history_file = false;    // IsHistoryPath: what a shell or client kept of a session
  bool in_line_config = false;     // IsLineConfigPath: a bare value runs to the line's end
  /// The CredentialFileRule of the text's path ("credential-file-pgpass"),
  /// empty for other files: there a weak password is still a finding.
  std::string_view credential_file;

  std::string_view value() const { return text.substr(begin, end - begin); }
};

/// True to report the candidate; may narrow its span or lower its severity.
using Validator = bool (*)(Candidate& c);

/// What must come just before a match. Checked in code rather than with a
/// leading \b or class in the regex, so that RE2 can find the pattern's
/// literal start quickly (memchr) instead of running its DFA everywhere.
enum class Before {
  kAnything,
  kNonWord,    // start of text or not [A-Za-z0-9_]: "ghp_…", not "xghp_…"
  /// As kNonWord, or a word character when the token verifies on its own
  /// (a checksum, or a long distinctive prefix and a random body): SQLite
  /// and other stores glue a column's text to the one before it
  /// ("registry_tokennpm_…"). The validator sees Candidate::joined.
  kNonWordOrVerified,
  kSeparator,  // start of text, whitespace, a quote or ':' ("--password")
  kLineStart,  // only blanks back to the start of the line ("ENV …")
};

struct Pattern {
  std::string_view rule;  // stable id
  Severity severity;
  std::string_view description;
  /// Literals that any match must contain, as an RE2 alternation; they build
  /// the prefilter that lets text without any of them skip the scan.
  std::string_view keywords;
  /// The value is the first capture group that matched, other than
  /// `name_group`.
  std::string_view regex;
  Before before;
  int name_group;  // 0: the pattern captures no key name
  Validator validate;
  /// Decides by a key name rather than a token format; skipped in lockfiles
  /// and checksum lists, which hold hashes next to package names.
  bool by_name;
};

/// Lowers a key found in a package's test data or code to low, saying
/// why; always true, so a validator can end with it.
bool DemoteInPackageTests(Candidate& c);

/// Every pattern, most specific first: private keys, provider token
/// formats, then the rules that read a key name or a file's structure.
std::span<const Pattern> BuiltinPatterns();

/// True when every match of `pattern` starts where one of KeyNameStarts()
/// does (in any case): its regex opens with a key name. The detector then
/// tries it only at those offsets, which a literal search finds faster than
/// the regex's own unanchored search.
bool OpensWithKeyName(const Pattern& pattern);
std::span<const std::string_view> KeyNameStarts();

/// The provider token formats (token_rules.cc).
std::span<const Pattern> TokenPatterns();

}  // namespace safebuild::detect

namespace safebuild {

/// The rule ids CredentialFileRule returns (duplicates possible).
std::vector<std::string_view> CredentialFileRuleIds();

}  // namespace safebuild
