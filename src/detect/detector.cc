// The scan pipeline: one multi-pattern pass, each candidate pattern's own
// regex, validation, overlap resolution, then line numbers.
//
// The multi-pattern pass tells which patterns match anywhere; only those run
// their own regex, which finds positions and capture groups. The pass is a
// Hyperscan set compiled when safebuild was built (hyperscan_set.h) or, where
// there is none, an RE2::Set behind a prefilter: one regex over every
// pattern's literal keywords, so that text without any (most of a binary
// layer) costs one DFA pass and nothing else. Every object here is immutable
// once built, and matching is thread-safe, so one Detector serves any number
// of threads.
#include "detect/detector.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "detect/binary_keys.h"
#include "detect/codec.h"
#include "detect/credential_tables.h"
#include "detect/office_text.h"
#include "detect/packed_blob.h"
#include "detect/pdf_streams.h"
#include "detect/png_text.h"
#include "detect/filters.h"
#include "detect/hyperscan_set.h"
#include "detect/rules.h"
#include "detect/sqlite_cells.h"
#include "util/fingerprint.h"
#include "util/text.h"

namespace safebuild {

// A value read as assigned to a name it stands apart from in its file (a
// compiled constant near a field's name, a database cell under its
// column's): the text `name = "value"` holds the value at `text_begin`.
struct detect::AssignedValue {
  size_t text_begin = 0;
  size_t offset = 0;  // of the value in the file
  size_t length = 0;
};

namespace {

using detect::Candidate;
using detect::Pattern;

// Most capture groups a built-in pattern has, plus the whole match.
constexpr int kMaxGroups = 4;

// Hostile input can hold millions of look-alikes; past this many candidates
// in one text the rest are dropped rather than exhaust memory.
constexpr size_t kMaxCandidates = 100000;
// The longest rejected value FindAll searches again for a secret inside.
constexpr size_t kMaxNestedValue = 1024;

// The set's DFA holds states for all patterns at once; give it room so that
// large files do not exhaust it (it then falls back to every pattern's own
// regex, several times slower). With 170 patterns, 64 MiB ran out on plain
// documentation text; the cache is filled lazily, so the budget is a ceiling
// (the benchmark's RSS grew by 6 MB).
constexpr int64_t kSetMaxMem = int64_t{128} << 20;

RE2::Options PatternOptions() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);  // any byte sequence
  o.set_log_errors(false);
  return o;
}

RE2::Options SetOptions() {
  RE2::Options o = PatternOptions();
  o.set_max_mem(kSetMaxMem);
  return o;
}

// `regex` for RE2 with Hyperscan's (PCRE's) \s, which takes the vertical
// tab too: RE2's does not, and the two engines must find the same.
std::string PcreSpaces(std::string_view regex) {
  constexpr std::string_view kSpaces = "\\t\\n\\v\\f\\r ";
  std::string out;
  bool in_class = false;
  for (size_t i = 0; i < regex.size(); ++i) {
    const char c = regex[i];
    if (c == '\\' && i + 1 < regex.size()) {
      const char next = regex[++i];
      if (next == 's') {
        out += in_class ? std::string(kSpaces) : "[" + std::string(kSpaces) + "]";
      } else if (next == 'S' && !in_class) {
        out += "[^" + std::string(kSpaces) + "]";
      } else {
        out += c;
        out += next;
      }
      continue;
    }
    if (c == '[' && !in_class) {
      in_class = true;
      out += c;
      // A ']' first in a class (after a '^') is a member, not its end.
      if (i + 1 < regex.size() && regex[i + 1] == '^') out += regex[++i];
      if (i + 1 < regex.size() && regex[i + 1] == ']') out += regex[++i];
      continue;
    }
    if (c == ']' && in_class) in_class = false;
    out += c;
  }
  return out;
}

[[noreturn]] void BadBuiltinRule(std::string_view rule,
                                 const std::string& why) {
  std::fprintf(stderr, "safebuild: internal error: rule %.*s: %s\n",
               static_cast<int>(rule.size()), rule.data(), why.c_str());
  std::abort();
}

struct Found {
  size_t begin;
  size_t end;
  size_t pattern;  // index in BuiltinPatterns()
  size_t rank;     // index of the rule's first pattern: lower is more specific
  Severity severity;
  std::string_view description;
};

// More severe first, then the more specific rule, then (between two shapes
// of one rule) the longer: "ENV PASSWORD =x…" holds one value, not "x…".
bool Better(const Found& a, const Found& b) {
  if (a.severity != b.severity) return a.severity > b.severity;
  if (a.rank != b.rank) return a.rank < b.rank;
  if (a.end - a.begin != b.end - b.begin) {
    return a.end - a.begin > b.end - b.begin;
  }
  if (a.pattern != b.pattern) return a.pattern < b.pattern;
  return a.begin < b.begin;
}

// The rank of each pattern: the index of its rule's first pattern.
std::vector<size_t> RuleRanks() {
  auto patterns = detect::BuiltinPatterns();
  std::vector<size_t> ranks(patterns.size());
  for (size_t i = 0; i < patterns.size(); ++i) {
    ranks[i] = i;
    for (size_t j = 0; j < i; ++j) {
      if (patterns[j].rule == patterns[i].rule) {
        ranks[i] = j;
        break;
      }
    }
  }
  return ranks;
}

// Which patterns are private keys or token formats: the key patterns
// (rule "private-key") and those of TokenPatterns(), which BuiltinPatterns()
// copies, so that the regex text is the very same literal.
std::vector<bool> ByFormat() {
  auto patterns = detect::BuiltinPatterns();
  auto tokens = detect::TokenPatterns();
  std::vector<bool> out(patterns.size());
  for (size_t i = 0; i < patterns.size(); ++i) {
    out[i] = patterns[i].rule == "private-key" ||
             std::any_of(tokens.begin(), tokens.end(), [&](const Pattern& t) {
               return t.regex.data() == patterns[i].regex.data();
             });
  }
  return out;
}

// Keeps the best of each group of overlapping findings; returns the kept
// ones sorted by offset.
std::vector<Found> ResolveOverlaps(std::vector<Found> found) {
  std::sort(found.begin(), found.end(), Better);
  std::map<size_t, size_t> kept;  // begin -> end
  std::vector<Found> out;
  for (const Found& f : found) {
    auto next = kept.lower_bound(f.begin);
    if (next != kept.end() && next->first < f.end) continue;
    if (next != kept.begin() && std::prev(next)->second > f.begin) continue;
    kept.emplace(f.begin, f.end);
    out.push_back(f);
  }
  std::sort(out.begin(), out.end(),
            [](const Found& a, const Found& b) { return a.begin < b.begin; });
  return out;
}

bool IsWordChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_';
}

// Whether the text before `start` allows a match of the pattern there.
bool BeforeHolds(detect::Before before, std::string_view text, size_t start) {
  if (start == 0) return true;
  const char prev = text[start - 1];
  switch (before) {
    case detect::Before::kAnything:
    case detect::Before::kNonWordOrVerified:  // the validator decides
      return true;
    case detect::Before::kNonWord:
      return !IsWordChar(prev);
    case detect::Before::kSeparator:
      return std::string_view(" \t\r\n\"':").find(prev) !=
             std::string_view::npos;
    case detect::Before::kLineStart: {
      size_t i = start;
      while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) --i;
      return i == 0 || text[i - 1] == '\n';
    }
  }
  return false;
}

// The value of a match: the first group that took part, other than the
// key name.
int ValueGroup(const std::array<re2::StringPiece, kMaxGroups>& groups,
               int count, int name_group) {
  for (int g = 1; g < count; ++g) {
    if (g != name_group && groups[g].data() != nullptr) return g;
  }
  return 0;
}

// Turns kept findings (sorted by offset) into matches. Line numbers are
// counted once, forward from the previous match.
std::vector<Match> ToMatches(std::string_view text,
                             const std::vector<Found>& kept) {
  std::vector<Match> matches;
  matches.reserve(kept.size());
  size_t mark = 0;  // offset of the previous match
  LineCol at_mark;  // its line and column
  for (const Found& f : kept) {
    LineCol step = LineColAt(text.substr(mark), f.begin - mark);
    at_mark.column = step.line == 1 ? at_mark.column + step.column - 1
                                    : step.column;
    at_mark.line += step.line - 1;
    mark = f.begin;

    std::string_view rule = detect::BuiltinPatterns()[f.pattern].rule;
    std::string_view value = text.substr(f.begin, f.end - f.begin);
    Match m;
    m.rule = std::string(rule);
    m.severity = f.severity;
    m.description = std::string(f.description);
    m.offset = f.begin;
    m.length = f.end - f.begin;
    m.line = at_mark.line;
    m.column = at_mark.column;
    m.fingerprint = Fingerprint(rule, value);
    m.redacted = Redact(value);
    matches.push_back(std::move(m));
  }
  return matches;
}

// A validator that fails on an input nobody foresaw (an index out of
// range) must not end the scan: what its pattern matched is reported, as a
// scan fails closed. The fuzz target and a unit test hunt these inputs.
bool Validate(const Pattern& p, Candidate& c) {
#ifdef SAFEBUILD_FUZZING
  return p.validate(c);
#else
  try {
    return p.validate(c);
  } catch (const std::exception&) {
    return true;
  }
#endif
}

// Strings taken out of a binary, each on a line of its own in a narrow
// text, with where each began: UTF-16LE runs (a .NET assembly keeps every
// string literal so, Windows resources too; `unit` 2) or the strings of a
// compiled Python file (`unit` 1).
struct BinaryStrings {
  std::string text;
  std::vector<std::pair<size_t, size_t>> starts;  // (offset in text, in the binary)
  size_t unit = 1;                                // bytes per character

  void Add(std::string_view bin, size_t begin, size_t end) {
    starts.emplace_back(text.size(), begin);
    for (size_t k = begin; k < end; k += unit) text.push_back(bin[k]);
    text.push_back('\n');
  }
  size_t InBinary(size_t offset) const {
    auto it = std::upper_bound(starts.begin(), starts.end(), std::make_pair(offset, SIZE_MAX));
    --it;  // the first string starts at 0
    return it->second + unit * (offset - it->first);
  }
};

// Shorter runs are mostly chance pairs of a byte and a zero.
constexpr size_t kMinWideRun = 8;

// The next run at or after `from`, as [begin, end) in bytes; {n, n} when
// there is none. Kept apart from the copying so that the loop over every
// byte of a binary stays in registers.
std::pair<size_t, size_t> NextWideRun(const unsigned char* p, size_t n, size_t from) {
  constexpr size_t kMinBytes = 2 * kMinWideRun;
  size_t i = from;
  while (i + 1 < n) {
    // A run starting anywhere in [i, i + kMinBytes - 2] holds both of the
    // bytes at i + kMinBytes - 2 and i + kMinBytes - 1, one zero and one
    // not: unless that is so, no run starts there.
    if (i + kMinBytes <= n && (p[i + kMinBytes - 2] == 0) == (p[i + kMinBytes - 1] == 0)) {
      i += kMinBytes - 1;
      continue;
    }
    if (p[i + 1] != 0 || p[i] < 0x20 || p[i] >= 0x7F) {
      ++i;
      continue;
    }
    size_t j = i + 2;
    while (j + 1 < n && p[j + 1] == 0 && p[j] >= 0x20 && p[j] < 0x7F) j += 2;
    if ((j - i) / 2 >= kMinWideRun) return {i, j};
    // Inside a run every other byte is a zero: no run of the other
    // alignment starts there.
    i = j;
  }
  return {n, n};
}

BinaryStrings FindWideRuns(std::string_view bin) {
  const auto* p = reinterpret_cast<const unsigned char*>(bin.data());
  BinaryStrings w;
  w.unit = 2;
  for (auto [i, j] = NextWideRun(p, bin.size(), 0); i < bin.size();
       std::tie(i, j) = NextWideRun(p, bin.size(), j)) {
    w.Add(bin, i, j);
  }
  return w;
}

bool EndsWithPyc(std::string_view path) {
  return path.size() > 4 && (path.substr(path.size() - 4) == ".pyc" ||
                             path.substr(path.size() - 4) == ".pyo");
}

// The str and bytes objects of a compiled Python file (marshal format): a
// type byte, a length (one byte for short ASCII, else four, little-endian)
// and exactly that many bytes. The next object's type byte follows with no
// separator, often a letter, so a token at a string's end would fail the
// word boundary its rule needs; read alone, it does not. Only printable
// strings of the declared length count, which random bytes rarely make.
BinaryStrings FindPycStrings(std::string_view bin) {
  constexpr size_t kMinString = 16;
  constexpr uint32_t kMaxString = 1u << 20;
  const auto* p = reinterpret_cast<const unsigned char*>(bin.data());
  const size_t n = bin.size();
  auto printable = [&](size_t begin, size_t end) {
    for (size_t k = begin; k < end; ++k) {
      if (p[k] < 0x20 || p[k] >= 0x7F) return false;
    }
    return true;
  };
  BinaryStrings out;
  size_t i = 0;
  while (i + 2 < n) {
    const unsigned char type = p[i] & 0x7F;  // 0x80 is marshal's FLAG_REF
    size_t begin = 0;
    size_t length = 0;
    if (type == 'z' || type == 'Z') {  // short ASCII
      begin = i + 2;
      length = p[i + 1];
    } else if ((type == 'a' || type == 'A' || type == 'u' || type == 't' || type == 's') &&
               i + 5 <= n) {
      begin = i + 5;
      length = p[i + 1] | (p[i + 2] << 8) | (p[i + 3] << 16) | (size_t{p[i + 4]} << 24);
    }
    if (length >= kMinString && length <= kMaxString && begin + length <= n &&
        printable(begin, begin + length)) {
      out.Add(bin, begin, begin + length);
      i = begin + length;
    } else {
      ++i;
    }
  }
  return out;
}

// Base64 that may hide a token: a Kubernetes Secret's data, an HTTP Basic
// "user:token", a value encoded once to keep it off a command line. The
// shortest token is 20 characters, 28 in base64.
constexpr size_t kMinBase64Run = 28;
// Decoded text is scanned only when its start is printable: most long
// base64 runs are images, fonts or compressed data.
constexpr size_t kBase64Sniff = 12;

// Standard and URL-safe alphabets; a table, as every byte of text is
// looked up.
constexpr std::array<bool, 256> kBase64Chars = [] {
  std::array<bool, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<size_t>(c)] = true;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<size_t>(c)] = true;
  for (char c : {'+', '/', '-', '_'}) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

bool IsPrintableText(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n' || c == '\r';
  });
}

// Every run of base64 characters (and its padding) long enough to hold a
// token, as [begin, end).
std::vector<std::pair<size_t, size_t>> Base64Runs(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  std::vector<std::pair<size_t, size_t>> runs;
  // The byte before i is never a base64 character, so a run starting at
  // or after i and long enough holds the byte at `probe`: when that is no
  // base64 character, no such run starts before it.
  size_t i = 0;
  while (i + kMinBase64Run <= n) {
    size_t probe = i + kMinBase64Run - 1;
    if (!kBase64Chars[p[probe]]) {
      i = probe + 1;
      continue;
    }
    size_t begin = probe;
    while (begin > i && kBase64Chars[p[begin - 1]]) --begin;
    size_t j = probe;
    while (j < n && kBase64Chars[p[j]]) ++j;
    size_t end = j;
    while (end < n && end - j < 2 && p[end] == '=') ++end;
    if (j - begin >= kMinBase64Run) runs.emplace_back(begin, end);
    i = end;
  }
  return runs;
}

// A run of base64 as it was found: one stretch of a line, or lines of one
// width wrapped as MIME (76), PEM and `base64 -w 64` (64) wrap them, the last
// one shorter. A wrapped run's text is its lines joined.
struct Base64Run {
  size_t begin = 0;
  size_t end = 0;
  bool wrapped = false;
};

// The narrowest line taken for a wrapped run's: shorter lines of base64 are
// hashes and keys in tables more often than a file cut in lines.
constexpr size_t kMinWrapWidth = 40;

// Where a line of base64 that starts at or after `at` (past blanks) ends,
// when that line holds nothing else; `at` itself when it holds more, or none.
size_t Base64LineEnd(std::string_view text, size_t at, size_t* begin) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  *begin = at;
  size_t end = at;
  while (end < text.size() && kBase64Chars[static_cast<unsigned char>(text[end])]) ++end;
  const size_t digits = end;
  while (end < text.size() && end - digits < 2 && text[end] == '=') ++end;
  size_t rest = end;
  if (rest < text.size() && text[rest] == '\r') ++rest;
  if (rest < text.size() && text[rest] != '\n') return at;
  return end;
}

// The runs of base64 in `text`, with the lines of a wrapped one merged: a
// run that fills its line, whose width is a multiple of 4, followed by lines
// of that width (indented alike or not), and a last line no wider.
std::vector<Base64Run> Base64RunsWrapped(std::string_view text) {
  std::vector<Base64Run> out;
  for (const auto& [begin, end] : Base64Runs(text)) {
    if (!out.empty() && out.back().wrapped && begin < out.back().end) continue;
    Base64Run run{begin, end, false};
    const size_t width = end - begin;
    size_t line_begin = 0;
    const bool fills_line = (begin == 0 || text[begin - 1] == '\n' || text[begin - 1] == ' ' ||
                             text[begin - 1] == '\t') &&
                            Base64LineEnd(text, begin, &line_begin) == end;
    if (fills_line && width >= kMinWrapWidth && width % 4 == 0 && text[end - 1] != '=') {
      size_t next = text.find('\n', end);
      while (next != std::string_view::npos) {
        const size_t line_end = Base64LineEnd(text, next + 1, &line_begin);
        const size_t line_width = line_end - line_begin;
        if (line_width == 0 || line_width > width) break;
        run.end = line_end;
        run.wrapped = true;
        if (line_width < width || text[line_end - 1] == '=') break;
        next = text.find('\n', line_end);
      }
    }
    out.push_back(run);
  }
  return out;
}

// A packed blob inside base64 (`base64 -d <<EOF | tar xzf -`) is unpacked
// up to this much per run, and this much per text in all.
constexpr size_t kMaxUnpackedRun = 1 << 20;
constexpr size_t kMaxUnpackedText = 8 << 20;
constexpr std::string_view kPackedPastBudget =
    "packed blobs past the 8 MiB that those of a file may unpack to";
// Decoded, this many base64 digits reach past a tar header's magic.
constexpr size_t kPackedSniff = 352;

// Unpacking within unpacking: the files of a packed blob are scanned as any
// text is (base64 and escapes in them, an archive among them unpacked in
// turn), kMaxPackedDepth levels deep; all levels draw on the budget of
// unpacked bytes of the text at the top, so that nesting multiplies nothing.
constexpr int kMaxPackedDepth = 3;
struct PackedState {
  int depth = 0;
  size_t unpacked = 0;  // against kMaxUnpackedText
};
thread_local PackedState packed_state;

// Where the parts of a text that limits cut are noted: the `cuts` of the
// Scan at the top of this thread's calls, or none. Scans within a scan (a
// packed blob's files) note theirs there too.
thread_local std::vector<ScanCut>* cut_sink = nullptr;

void NoteCut(std::string_view reason, std::string_view what) {
  if (cut_sink == nullptr) return;
  ScanCut cut{std::string(reason), std::string(what)};
  if (std::find(cut_sink->begin(), cut_sink->end(), cut) == cut_sink->end()) {
    cut_sink->push_back(std::move(cut));
  }
}

// The budget of unpacked bytes a function at the top begins anew.
size_t& UnpackedBudget() {
  if (packed_state.depth == 0) packed_state.unpacked = 0;
  return packed_state.unpacked;
}

// Decoded text that assigns a value to a secret's name: "KEY=VALUE" or
// "key: value" lines, or one such.
bool LooksLikeAssignments(std::string_view text) {
  constexpr size_t kMaxText = 64 << 10;
  if (text.size() > kMaxText || !detect::MentionsSecret(text)) return false;
  for (size_t at = 0; at < text.size();) {
    const size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, end - at);
    const size_t sep = line.find_first_of("=:");
    if (sep != std::string_view::npos && sep > 0 && detect::MentionsSecret(line.substr(0, sep))) {
      return true;
    }
    at = end + 1;
  }
  return false;
}

// The text a base64 run decodes to, when it is printable text.
std::optional<std::string> DecodedText(std::string_view run) {
  std::string_view head = run.substr(0, kBase64Sniff);
  std::optional<std::string> start = detect::Base64Decode(head.substr(0, head.size() / 4 * 4));
  if (!start || !IsPrintableText(*start)) return std::nullopt;
  std::optional<std::string> all = detect::Base64Decode(run);
  if (!all || !IsPrintableText(*all)) return std::nullopt;
  return all;
}

// The files of a packed blob a base64 run decodes to (see
// detect/packed_blob.h); `unpacked` counts what all runs of the text gave,
// against kMaxUnpackedText.
detect::Unpacked UnpackedRun(std::string_view run, size_t* unpacked) {
  const size_t sniff = run.size() >= kPackedSniff ? kPackedSniff : 16;
  std::optional<std::string> head = detect::Base64Decode(run.substr(0, sniff / 4 * 4));
  if (!head || !detect::LooksPacked(*head)) return {};
  if (*unpacked >= kMaxUnpackedText) {
    NoteCut("size", kPackedPastBudget);
    return {};
  }
  std::optional<std::string> all = detect::Base64Decode(run);
  if (!all) return {};
  detect::Unpacked files =
      detect::Unpack(*all, std::min(kMaxUnpackedRun, kMaxUnpackedText - *unpacked));
  *unpacked += files.bytes;
  return files;
}

// The text a run of hex digits stands for (`xxd -p`, a hex dump of a
// file): an even number of digits, 40 or more, that decode to printable
// text. A digest decodes to binary and is none.
std::optional<std::string> HexText(std::string_view digits) {
  constexpr size_t kMinHex = 40;
  if (digits.size() < kMinHex || digits.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(digits.size() / 2);
  for (size_t i = 0; i < digits.size(); i += 2) {
    const int high = detect::HexDigit(digits[i]);
    const int low = detect::HexDigit(digits[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    // The first bytes tell text from binary: stop early on a digest.
    if (out.size() == kBase64Sniff && !IsPrintableText(out)) return std::nullopt;
  }
  if (!IsPrintableText(out)) return std::nullopt;
  return out;
}

// A wrapped run's base64 without its line breaks and indents, and where in
// the text each of its lines starts, to map a decoded offset back.
struct JoinedBase64 {
  std::string digits;
  std::vector<size_t> line_starts;
  size_t width = 0;

  // The text offset of `digits[i]`.
  size_t TextOffset(size_t i) const { return line_starts[i / width] + i % width; }
};

JoinedBase64 Join(std::string_view text, size_t begin, size_t end) {
  JoinedBase64 joined;
  joined.digits.reserve(end - begin);
  bool line_start = true;
  for (size_t i = begin; i < end; ++i) {
    const char c = text[i];
    if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
      line_start = line_start || c == '\n';
      continue;
    }
    if (line_start) {
      if (joined.line_starts.size() == 1) joined.width = joined.digits.size();
      joined.line_starts.push_back(i);
    }
    line_start = false;
    joined.digits.push_back(c);
  }
  if (joined.line_starts.size() == 1) joined.width = joined.digits.size();
  return joined;
}

}  // namespace

// Which patterns a text is searched with.
enum class Subset {
  kAll,
  kFormats,   // private keys and token formats: a value that names itself
  kKeyNames,  // the rules that need a key name (by_name)
};

struct Detector::Impl {
  // Null when there is no usable Hyperscan set: the RE2 set does the pass.
  std::unique_ptr<detect::HyperscanSet> hyperscan;
  // Where key names can start (KeyNameStarts()), with `hyperscan`: a pattern
  // that opens with a key name is then tried only there (FindAll).
  std::unique_ptr<detect::HyperscanSet> key_name_starts;
  std::vector<bool> opens_with_key_name;  // parallel to BuiltinPatterns()
  // Built on first use: a run with a Hyperscan set needs them only for a
  // text that set cannot scan (over 4 GiB).
  struct Re2Pass {
    std::unique_ptr<RE2> prefilter;
    RE2::Set set{SetOptions(), RE2::UNANCHORED};
  };
  mutable std::once_flag re2_once;
  mutable std::unique_ptr<Re2Pass> re2;
  // Each pattern's own regex, compiled when the set first says it may match:
  // compiling all of them up front doubled the start-up of every command,
  // and most texts need only a few.
  struct LazyRegex {
    std::once_flag once;
    std::unique_ptr<RE2> re;
  };
  std::unique_ptr<LazyRegex[]> regexes;     // parallel to BuiltinPatterns()
  std::vector<size_t> ranks = RuleRanks();  // parallel to BuiltinPatterns()
  // Private keys and provider token formats: what a value shows by itself,
  // with no key name or line around it. Parallel to BuiltinPatterns().
  std::vector<bool> by_format = ByFormat();

  explicit Impl(PatternEngine engine);
  const RE2& Regex(size_t index) const;
  const Re2Pass& Re2() const;
  std::vector<int> CandidatePatterns(std::string_view text) const;
  void FindAll(size_t index, std::string_view text, const Candidate& kind,
               const std::vector<size_t>* starts, std::vector<Found>* found) const;
  std::vector<Found> FindAllPatterns(std::string_view text, std::string_view path,
                                     bool in_binary = false, Subset subset = Subset::kAll) const;
};

// The embedded set, when it was made from these very patterns and loads.
std::unique_ptr<detect::HyperscanSet> LoadEmbeddedSet() {
  std::vector<std::string_view> regexes;
  for (const Pattern& p : detect::BuiltinPatterns()) regexes.push_back(p.regex);
  if (detect::RegexesDigest(regexes) != detect::EmbeddedHyperscanDigest()) return nullptr;
  std::string error;  // the RE2 set is the answer to every failure
  return detect::HyperscanSet::Load(detect::EmbeddedHyperscanSet(), &error);
}

Detector::Impl::Impl(PatternEngine engine) {
  regexes = std::make_unique<LazyRegex[]>(detect::BuiltinPatterns().size());
  for (const Pattern& p : detect::BuiltinPatterns()) {
    opens_with_key_name.push_back(detect::OpensWithKeyName(p));
  }
  if (engine != PatternEngine::kAuto) return;
  hyperscan = LoadEmbeddedSet();
  std::string error;  // without it, FindAll searches as the RE2 set does
  if (hyperscan) {
    key_name_starts = detect::HyperscanSet::CompileWords(detect::KeyNameStarts(), &error);
  }
}

const Detector::Impl::Re2Pass& Detector::Impl::Re2() const {
  std::call_once(re2_once, [&] {
    auto pass = std::make_unique<Re2Pass>();
    std::string keywords;
    for (const Pattern& p : detect::BuiltinPatterns()) {
      std::string error;
      if (pass->set.Add(PcreSpaces(p.regex), &error) < 0) BadBuiltinRule(p.rule, error);
      keywords += keywords.empty() ? "" : "|";
      keywords += p.keywords;
    }
    if (!pass->set.Compile()) BadBuiltinRule("(set)", "out of memory compiling");
    pass->prefilter = std::make_unique<RE2>(keywords, PatternOptions());
    if (!pass->prefilter->ok()) BadBuiltinRule("(prefilter)", pass->prefilter->error());
    re2 = std::move(pass);
  });
  return *re2;
}

const RE2& Detector::Impl::Regex(size_t index) const {
  LazyRegex& lazy = regexes[index];
  std::call_once(lazy.once, [&] {
    const Pattern& p = detect::BuiltinPatterns()[index];
    lazy.re = std::make_unique<RE2>(PcreSpaces(p.regex), PatternOptions());
    // The set accepted the same text; these hold for every built-in rule
    // (a unit test compiles them all).
    if (!lazy.re->ok()) BadBuiltinRule(p.rule, lazy.re->error());
    if (lazy.re->NumberOfCapturingGroups() + 1 > kMaxGroups) {
      BadBuiltinRule(p.rule, "too many capture groups");
    }
  });
  return *lazy.re;
}

std::vector<int> Detector::Impl::CandidatePatterns(
    std::string_view text) const {
  std::vector<int> hits;
  if (hyperscan && hyperscan->Match(text, &hits)) return hits;
  const Re2Pass& pass = Re2();
  if (!RE2::PartialMatch(text, *pass.prefilter)) return hits;
  RE2::Set::ErrorInfo error{RE2::Set::kNoError};
  if (!pass.set.Match(text, &hits, &error) && error.kind != RE2::Set::kNoError) {
    // The set's DFA ran out of memory: let every pattern's own regex (which
    // can fall back to slower engines) decide instead.
    hits.resize(detect::BuiltinPatterns().size());
    for (size_t i = 0; i < hits.size(); ++i) hits[i] = static_cast<int>(i);
  }
  std::sort(hits.begin(), hits.end());
  return hits;
}

namespace {

// Finds a regex's leftmost match from an offset on, as an unanchored RE2
// search does. Given the offsets where every match must start (`starts`: a
// regex that opens with a key name), it tries the regex anchored at each of
// them instead, which skips the text between key names rather than running
// the regex's automaton over it.
//
// An anchored try reads at most the rest of its line and the next (no such
// regex spans more), unless it fails sooner. On long lines (minified code)
// or dense starts ("passpass…") the tries would read the same bytes again
// and again, so they are budgeted: past a few times the text's size in
// bytes that they may read, the search is unanchored again, and the whole
// stays linear.
class MatchFinder {
 public:
  MatchFinder(const RE2& re, std::string_view text, const std::vector<size_t>* starts)
      : re_(re), text_(text), starts_(starts), budget_(4 * text.size() + (64 << 10)) {}

  bool Find(size_t pos, re2::StringPiece* groups, int count) {
    if (starts_ != nullptr) {
      auto it = std::lower_bound(starts_->begin(), starts_->end(), pos);
      for (; it != starts_->end(); ++it) {
        const size_t reach = Reach(*it) + kTryCost;
        if (reach > budget_) {
          starts_ = nullptr;  // no match starts in [pos, *it)
          pos = *it;
          break;
        }
        budget_ -= reach;
        if (re_.Match(text_, *it, text_.size(), RE2::ANCHOR_START, groups, count)) return true;
      }
      if (starts_ != nullptr) return false;
    }
    return re_.Match(text_, pos, text_.size(), RE2::UNANCHORED, groups, count);
  }

 private:
  // What a try costs besides the bytes it reads.
  static constexpr size_t kTryCost = 64;

  // How far a try at `start` may read: to the end of the line after its own.
  size_t Reach(size_t start) {
    if (start >= line_end_) {
      line_end_ = LineEnd(start);
      next_line_end_ = LineEnd(line_end_ + 1);
    }
    return next_line_end_ - start;
  }

  size_t LineEnd(size_t from) const {
    if (from >= text_.size()) return text_.size();
    const size_t newline = text_.find('\n', from);
    return newline == std::string_view::npos ? text_.size() : newline;
  }

  const RE2& re_;
  std::string_view text_;
  const std::vector<size_t>* starts_;
  size_t budget_;
  size_t line_end_ = 0;       // the line that holds the last try ends here
  size_t next_line_end_ = 0;  // and the next one here
};

}  // namespace

// `kind` carries what is known of the text (source code, a netrc file)
// into every candidate.
// `starts`, when known, are the offsets where key names start in `text`.
void Detector::Impl::FindAll(size_t index, std::string_view text,
                             const Candidate& kind, const std::vector<size_t>* starts,
                             std::vector<Found>* found) const {
  const Pattern& p = detect::BuiltinPatterns()[index];
  const RE2& re = Regex(index);
  const int count = re.NumberOfCapturingGroups() + 1;
  std::array<re2::StringPiece, kMaxGroups> groups;
  MatchFinder next(re, text, starts);
  size_t pos = 0;
  while (pos <= text.size() && found->size() < kMaxCandidates &&
         next.Find(pos, groups.data(), count)) {
    const size_t start = static_cast<size_t>(groups[0].data() - text.data());
    int value = ValueGroup(groups, count, p.name_group);
    Candidate c;
    c.text = text;
    c.match_begin = start;
    const re2::StringPiece& span = groups[value];
    c.begin = static_cast<size_t>(span.data() - text.data());
    c.end = c.begin + span.size();
    if (p.name_group != 0) c.name = groups[p.name_group];
    c.severity = p.severity;
    c.description = p.description;
    c.in_source_code = kind.in_source_code;
    c.in_netrc_file = kind.in_netrc_file;
    c.in_example_file = kind.in_example_file;
    c.in_package_doc = kind.in_package_doc;
    c.in_package_tests = kind.in_package_tests;
    c.in_package_code = kind.in_package_code;
    c.in_shared_library = kind.in_shared_library;
    c.in_history_file = kind.in_history_file;
    c.in_line_config = kind.in_line_config;
    c.credential_file = kind.credential_file;
    c.joined = start > 0 && IsWordChar(text[start - 1]);
    const size_t value_begin = c.begin;
    const size_t value_end = c.end;
    if (c.end > c.begin && BeforeHolds(p.before, text, start) &&
        Validate(p, c) && c.end > c.begin) {
      found->push_back(
          {c.begin, c.end, index, ranks[index], c.severity, c.description});
      // Resume after the value, not the match: a pattern's trailing
      // context may be the start of the next secret.
      pos = std::max(start + 1, c.end);
    } else if (value_begin > start && value_end - value_begin <= kMaxNestedValue) {
      // A value after a name that is no secret may hold one: export
      // TOKEN="${TOKEN:-…}". Only a short one is searched again, and only
      // after a name, so that a run of a token's letters is not searched
      // once per letter.
      pos = value_begin;
    } else {
      pos = std::max(start + 1, value_end);
    }
  }
  if (found->size() >= kMaxCandidates) {
    NoteCut("entries", "findings past the first " + std::to_string(kMaxCandidates));
  }
}

namespace {

// An ELF shared object by its name (libgnutls.so.30, _ssl.cpython-311.so),
// or a static library (libgnutls.a): the keys compiled into a library are
// its self-tests' (gnutls, libgcrypt).
bool IsSharedLibrary(std::string_view text, std::string_view path) {
  const std::string_view base = path.substr(path.rfind('/') + 1);
  if (base.ends_with(".a") && text.starts_with("!<arch>\n")) return true;
  const size_t so = base.find(".so");
  if (so == std::string_view::npos || !text.starts_with("\x7f" "ELF")) return false;
  // ".so", or ".so" and version numbers: ".so.30.34.3".
  const std::string_view version = base.substr(so + 3);
  return version.empty() ||
         (version[0] == '.' && version.find_first_not_of("0123456789.") == std::string_view::npos);
}

// What a text's path says of it, for the validators.
Candidate KindOf(std::string_view path) {
  Candidate kind;
  kind.in_source_code = detect::IsSourceCodePath(path);
  std::string_view base = path.substr(path.rfind('/') + 1);
  kind.in_netrc_file = base == ".netrc" || base == "_netrc";
  kind.in_example_file = detect::IsExampleOrTestPath(path);
  kind.in_history_file = detect::IsHistoryPath(path);
  kind.in_line_config = detect::IsLineConfigPath(path);
  kind.in_package_doc = detect::IsPackageDocPath(path);
  // Also the examples/ of a Debian package's docs (server_key.pem of
  // libnet-ssleay-perl).
  kind.in_package_tests =
      kind.in_example_file && (detect::InPackageTree(path) || kind.in_package_doc);
  // ssh2's constants.js holds a key to test what the crypto library can
  // do; a key in a published package's code is public.
  kind.in_package_code = kind.in_source_code && detect::InPackageTree(path);
  return kind;
}

}  // namespace

std::vector<Found> Detector::Impl::FindAllPatterns(std::string_view text, std::string_view path,
                                                   bool in_binary, Subset subset) const {
  // Most texts hold no candidate at all: decide that before looking at the
  // path, which costs more than the prefilter on short texts.
  const std::vector<int> candidates = CandidatePatterns(text);
  if (candidates.empty()) return {};
  // Key=value rules do not apply to lockfiles (hashes next to package
  // names) nor to binaries (string tables glue names and words together);
  // in source code only quoted values count.
  const bool skip_by_name =
      in_binary || detect::IsHashManifest(path) || detect::LooksBinary(text);
  Candidate kind = KindOf(path);
  kind.in_shared_library = IsSharedLibrary(text, path);
  const std::string file_rule = CredentialFileRule(path);
  kind.credential_file = file_rule;
  std::vector<Found> found;
  // Found when a pattern first needs them; unknown when there are too many.
  std::vector<size_t> starts;
  enum class Starts { kNotYet, kKnown, kUnknown } starts_state = Starts::kNotYet;
  for (int index : candidates) {
    const size_t i = static_cast<size_t>(index);
    const bool by_name = detect::BuiltinPatterns()[i].by_name;
    if (skip_by_name && by_name) continue;
    if (subset == Subset::kFormats && !by_format[i]) continue;
    if (subset == Subset::kKeyNames && !by_name) continue;
    if (opens_with_key_name[i] && key_name_starts && starts_state == Starts::kNotYet) {
      const bool known = key_name_starts->Starts(text, text.size() / 8 + 1024, &starts);
      starts_state = known ? Starts::kKnown : Starts::kUnknown;
      if (!known) std::vector<size_t>().swap(starts);
    }
    const bool use_starts = opens_with_key_name[i] && starts_state == Starts::kKnown;
    FindAll(i, text, kind, use_starts ? &starts : nullptr, &found);
  }
  return found;
}

Detector::Detector(PatternEngine engine) : impl_(std::make_unique<Impl>(engine)) {}
Detector::~Detector() = default;

const Detector& Detector::Default() {
  static const Detector detector;
  return detector;
}

namespace {

// A Java class file keeps each string constant right after its two-byte
// length, whose low byte may be a letter or a digit glued to the string
// ('E' before a SendGrid key of 69 characters). The copy has each such
// length as two newlines: offsets stay, and each constant stands alone.
// Nothing when `text` is no class file.
std::optional<std::string> WithoutConstantLengths(std::string_view text) {
  std::string out(text);
  const bool read = detect::WalkClassPool(text, [&](const detect::ClassPoolEntry& e) {
    if (e.tag == detect::ClassPoolEntry::kUtf8) out[e.at + 1] = out[e.at + 2] = '\n';
  });
  if (!read) return std::nullopt;
  return out;
}

}  // namespace

namespace {

// One value found again and again in a text (a token on each of 100,000
// lines, a generated file) is listed this many times; the last listed says
// how many more there were. Each finding costs the report memory, and
// more of the same tell nothing new.
constexpr size_t kMaxRepeats = 100;

void CapRepeats(std::vector<Match>& matches) {
  if (matches.size() <= kMaxRepeats) return;
  std::unordered_map<std::string, std::pair<size_t, size_t>> seen;  // value -> count, last kept
  size_t kept = 0;
  for (size_t i = 0; i < matches.size(); ++i) {
    auto& [count, last] = seen[matches[i].rule + '\n' + matches[i].fingerprint];
    if (++count > kMaxRepeats) continue;
    last = kept;
    if (kept != i) matches[kept] = std::move(matches[i]);
    ++kept;
  }
  for (const auto& [value, count_last] : seen) {
    const auto& [count, last] = count_last;
    if (count <= kMaxRepeats) continue;
    matches[last].description += " (and " + std::to_string(count - kMaxRepeats) +
                                 " more of the same value in this file, not listed)";
  }
  matches.resize(kept);
}

}  // namespace

std::vector<Match> Detector::Scan(std::string_view text, std::string_view path,
                                  std::vector<ScanCut>* cuts) const {
  if (text.empty()) return {};
  struct Sink {  // the outermost scan that asks for cuts gets them
    explicit Sink(std::vector<ScanCut>* cuts) : set(cuts != nullptr && cut_sink == nullptr) {
      if (set) cut_sink = cuts;
    }
    ~Sink() {
      if (set) cut_sink = nullptr;
    }
    bool set;
  } sink(cuts);
  std::vector<Match> matches;
  if (std::optional<std::string> unglued = WithoutConstantLengths(text)) {
    matches = ScanUnglued(*unglued, path);
    for (Match& m : matches) {  // lines as the file has them
      const LineCol at = LineColAt(text, m.offset);
      m.line = at.line;
      m.column = at.column;
    }
    // A class file's string constants and its field names stand apart in
    // its constant pool, as a compiled Python file's do.
    if (std::optional<std::vector<detect::PycString>> strings = detect::ReadClassStrings(text)) {
      AddAssignmentMatches(text, path, *strings, matches);
    }
  } else {
    matches = ScanUnglued(text, path);
    if (detect::LooksLikeSqlite(text)) AddSqliteMatches(text, path, matches);
  }
  CapRepeats(matches);
  return matches;
}

namespace {

// A key kept in binary (DER, a Java keystore, OpenPGP) is the whole file
// from its first byte; whatever token shapes its random bytes hold are
// part of it.
void AddBinaryKeyMatch(std::string_view text, std::string_view path,
                       std::vector<Match>& matches) {
  std::optional<detect::BinaryKey> key = detect::FindBinaryKey(text);
  if (!key) return;
  Candidate c = KindOf(path);
  c.severity = key->severity;
  c.description = key->description;
  detect::DemoteInPackageTests(c);
  Match m;
  m.rule = "private-key";
  m.severity = c.severity;
  m.description = std::string(c.description);
  m.length = key->length;
  m.fingerprint = Fingerprint(m.rule, text.substr(0, key->length));
  m.redacted = "…";  // its first bytes are no text to show
  std::erase_if(matches, [&](const Match& other) { return other.offset < key->length; });
  matches.insert(matches.begin(), std::move(m));
}

// Defined with the other passes below.
void AddTableSecrets(std::string_view text, std::string_view path,
                     std::vector<Match>& matches);

// Text whose lines end in NUL rather than '\n': /proc/PID/environ, xargs
// -0 lists, a vim swap file's data blocks (lines kept NUL-terminated after
// binary block headers). Nothing when `text` is other binary. The copy
// has a '\n' for each NUL (and, in a swap file, for each control byte), so
// offsets stay those of `text`.
std::optional<std::string> AsNulSeparatedLines(std::string_view text, std::string_view path) {
  const std::string_view base = path.substr(path.rfind('/') + 1);
  const bool swap = base.size() > 4 && base[0] == '.' && base.substr(base.size() - 4, 3) == ".sw";
  auto control = [](unsigned char c) { return c < 0x20 && c != '\t' && c != '\n' && c != '\r'; };
  if (!swap && std::any_of(text.begin(), text.end(), [&](unsigned char c) {
        return c != 0 && (control(c) || c == 0x7f);
      })) {
    return std::nullopt;
  }
  std::string lines(text);
  for (char& c : lines) {
    if (control(static_cast<unsigned char>(c))) c = '\n';
  }
  return lines;
}

}  // namespace

std::vector<Match> Detector::ScanUnglued(std::string_view text, std::string_view path) const {
  // UTF-16 (Windows tools, PowerShell redirections) is scanned as the text
  // it holds; each unit became one byte, so positions map back by doubling.
  if (std::optional<detect::Utf16Layout> wide = detect::DetectUtf16(text)) {
    std::vector<Match> matches = Scan(detect::NarrowUtf16(text, *wide), path);
    for (Match& m : matches) {
      m.offset = wide->skip + 2 * m.offset;
      m.length *= 2;
    }
    return matches;
  }
  std::vector<Match> matches =
      ToMatches(text, ResolveOverlaps(impl_->FindAllPatterns(text, path)));
  AddBinaryKeyMatch(text, path, matches);
  if (text.starts_with("%PDF-")) AddPdfMatches(text, path, matches);
  if (text.starts_with("\x89PNG")) AddPngMatches(text, path, matches);
  AddZlibMatches(text, path, matches);
  if (detect::LooksBinary(text)) {
    AddBinaryStringMatches(text, path, matches);
    AddNulSeparatedMatches(text, path, matches);
  } else {
    AddTableSecrets(text, path, matches);
    AddBase64Matches(text, path, matches);
    AddUuencodedMatches(text, path, matches);
    AddOfficeTextMatches(text, path, matches);
    AddUnescapedMatches(text, path, matches);
    AddPercentEncodedMatches(text, path, matches);
    AddQuotedPrintableMatches(text, path, matches);
  }
  return matches;
}

namespace {

// Whether match `m` covers a byte of [begin, end).
bool Overlaps(const Match& m, size_t begin, size_t end) {
  return m.offset < end && begin < m.offset + m.length;
}


// A match found in decoded or extracted text, placed at `offset` of `text`.
void PlaceAt(Match& m, std::string_view text, size_t offset) {
  m.offset = offset;
  LineCol at = LineColAt(text, offset);
  m.line = at.line;
  m.column = at.column;
}

// The first `count` of some matches, by offset, to tell which cover a span
// without a look at each: a file with many findings (a token on each of
// 100,000 lines) asks once per candidate, and a scan of all of them each
// time grew with the square of their number.
class CoverIndex {
 public:
  CoverIndex(const std::vector<Match>& matches, size_t count) : matches_(matches) {
    order_.resize(count);
    for (size_t i = 0; i < count; ++i) order_[i] = i;
    std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
      return matches[a].offset < matches[b].offset;
    });
    max_end_.reserve(count);
    for (size_t i : order_) {
      const size_t end = matches[i].offset + matches[i].length;
      max_end_.push_back(max_end_.empty() ? end : std::max(max_end_.back(), end));
    }
  }

  /// The indices of the matches that cover a byte of [begin, end).
  std::vector<size_t> Covering(size_t begin, size_t end) const {
    std::vector<size_t> out;
    // Those that start before `end`; of them, walked back while one of
    // them still reaches past `begin`.
    size_t j = static_cast<size_t>(
        std::lower_bound(order_.begin(), order_.end(), end,
                         [&](size_t i, size_t at) { return matches_[i].offset < at; }) -
        order_.begin());
    while (j > 0 && max_end_[j - 1] > begin) {
      --j;
      if (Overlaps(matches_[order_[j]], begin, end)) out.push_back(order_[j]);
    }
    return out;
  }
  bool Covered(size_t begin, size_t end) const { return !Covering(begin, end).empty(); }

 private:
  const std::vector<Match>& matches_;
  std::vector<size_t> order_;    // indices, by offset
  std::vector<size_t> max_end_;  // the furthest end among order_[0..i]
};

// A finding that rests on a key's name alone: a decoded token says more.
bool IsGeneric(const Match& m) { return m.rule == "generic-secret-assignment"; }


// A string of a compiled Python file that can be a name: of a variable, an
// attribute, a keyword argument or a dict key ("aws_secret_access_key",
// "db.password").
bool IsPycName(std::string_view s) {
  constexpr size_t kMaxName = 64;
  if (s.empty() || s.size() > kMaxName || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsWordChar(c) || c == '-' || c == '.'; });
}

// A name of compiled code that says its value is a secret, in its last
// dotted part when it has them: "db.password" does, and a registry key as
// "SecretKeyFactory.PBEWITHHMACSHA256" names an algorithm.
bool PycNameSuggestsSecret(std::string_view name) {
  const size_t dot = name.rfind('.');
  return detect::NameSuggestsSecret(name) &&
         (dot == std::string_view::npos || detect::NameSuggestsSecret(name.substr(dot + 1)));
}

// How many strings of its code object may stand between a value and the
// name it is assigned to: a code object lists its constants, then its
// names, so "key = '…'" puts the constants after the value and the names
// before the key in between.
constexpr size_t kPycNameReach = 8;

// One line `name = "value"` for each value and each secret-sounding name
// within reach of it in the same code object.
std::string PycAssignments(std::string_view pyc, const std::vector<detect::PycString>& strings,
                           std::vector<detect::AssignedValue>& values) {
  using Role = detect::PycString::Role;
  std::map<uint32_t, std::vector<const detect::PycString*>> by_code;
  for (const detect::PycString& s : strings) {
    if (s.role != Role::kOther) by_code[s.code].push_back(&s);
  }
  std::string text;
  for (const auto& entry : by_code) {
    const std::vector<const detect::PycString*>& list = entry.second;
    for (size_t i = 0; i < list.size(); ++i) {
      std::string_view value = pyc.substr(list[i]->offset, list[i]->length);
      if (list[i]->role != Role::kConstant || !detect::PassesConstantGate(value)) continue;
      const size_t last = std::min(list.size(), i + kPycNameReach + 1);
      for (size_t j = i > kPycNameReach ? i - kPycNameReach : 0; j < last; ++j) {
        std::string_view name = pyc.substr(list[j]->offset, list[j]->length);
        if (j == i || !IsPycName(name) || !PycNameSuggestsSecret(name)) continue;
        text.append(name).append(" = \"");
        values.push_back({text.size(), list[i]->offset, value.size()});
        text.append(value).append("\"\n");
      }
    }
  }
  return text;
}

void SortByOffset(std::vector<Match>& matches) {
  std::stable_sort(matches.begin(), matches.end(),
                   [](const Match& a, const Match& b) { return a.offset < b.offset; });
}

// The findings of a text decoded from text[begin, end) (inflated, unpacked),
// each reported at that whole span: decoded bytes cannot be pointed into.
void AddAtSpan(std::vector<Match> found, std::string_view note, std::string_view text,
               size_t begin, size_t end, std::vector<Match>& matches) {
  for (Match& m : found) {
    m.description += note;
    m.length = end - begin;
    PlaceAt(m, text, begin);
    matches.push_back(std::move(m));
  }
}

// The rule and value of each match so far, to tell at once whether a
// decoded text's match was found already (a look at each would grow with
// the square of a file's findings).
class FoundValues {
 public:
  explicit FoundValues(const std::vector<Match>& matches) {
    for (const Match& m : matches) Add(m);
  }
  bool Has(const Match& m) const { return keys_.count(Key(m)) != 0; }
  void Add(const Match& m) { keys_.insert(Key(m)); }

 private:
  static std::string Key(const Match& m) { return m.rule + '\n' + m.fingerprint; }
  std::unordered_set<std::string> keys_;
};

// The worst of what a decoded run holds, as one finding at the run, in
// place of the generic findings that `covering` lists ("token: Z2hwX…" is a
// GitHub token once); nothing when the worst is generic again.
void AddInsteadOf(std::vector<Match> found, const std::vector<size_t>& covering,
                  std::string_view text, size_t begin, size_t end, std::vector<bool>& replaced,
                  std::vector<Match>& matches) {
  auto best = std::max_element(found.begin(), found.end(), [](const Match& a, const Match& b) {
    return a.severity < b.severity;
  });
  if (!covering.empty() && IsGeneric(*best)) return;
  for (size_t i : covering) replaced[i] = true;
  AddAtSpan({std::move(*best)}, "", text, begin, end, matches);
}

// Drops the first matches that `replaced` marks (what a decoded text showed
// better), then sorts what is left by offset.
void DropReplaced(const std::vector<bool>& replaced, std::vector<Match>& matches) {
  size_t kept = 0;
  for (size_t i = 0; i < matches.size(); ++i) {
    if (i < replaced.size() && replaced[i]) continue;
    if (kept != i) matches[kept] = std::move(matches[i]);
    ++kept;
  }
  matches.resize(kept);
  SortByOffset(matches);
}

// The secrets of credential files that hold them as fields, not as
// NAME=VALUE (chap-secrets, sasl_passwd, …), where no other rule saw them.
void AddTableSecrets(std::string_view text, std::string_view path,
                     std::vector<Match>& matches) {
  const size_t before = matches.size();
  const CoverIndex covered(matches, before);
  for (const detect::TableSecret& s : detect::FindTableSecrets(text, path)) {
    const std::string_view value = text.substr(s.begin, s.end - s.begin);
    if (covered.Covered(s.begin, s.end)) continue;
    Match m;
    m.rule = "generic-secret-assignment";
    m.severity = s.severity;
    m.description = std::string(s.description);
    m.length = value.size();
    m.fingerprint = Fingerprint(m.rule, value);
    m.redacted = Redact(value);
    PlaceAt(m, text, s.begin);
    matches.push_back(std::move(m));
  }
  if (matches.size() != before) SortByOffset(matches);
}

}  // namespace

// The secrets in a PDF's compressed streams (pdf_streams.h): each reported
// at the stream that holds it, as the compressed bytes cannot be pointed
// into.
void Detector::AddPdfMatches(std::string_view text, std::string_view path,
                             std::vector<Match>& matches) const {
  const size_t before = matches.size();
  bool cut = false;
  const std::vector<detect::PdfStream> streams = detect::PdfStreams(text, &cut);
  if (cut) NoteCut("size", "PDF streams past what they may inflate to (4 MiB, 32 MiB a file)");
  for (const detect::PdfStream& stream : streams) {
    const bool binary = detect::LooksBinary(stream.text);
    const std::vector<Found> found = impl_->FindAllPatterns(stream.text, path, binary);
    AddAtSpan(ToMatches(stream.text, ResolveOverlaps(found)), " (in a compressed PDF stream)",
              text, stream.begin, stream.end, matches);
  }
  if (matches.size() != before) SortByOffset(matches);
}

// The text chunks of a PNG (png_text.h), each read as a text of its own,
// with the rules for text: a finding the bytes showed already is not
// reported again. A secret in a plain chunk is reported where it is, one
// in a compressed chunk at the chunk.
void Detector::AddPngMatches(std::string_view png, std::string_view path,
                             std::vector<Match>& matches) const {
  const size_t before = matches.size();
  FoundValues seen(matches);
  bool cut = false;
  const std::vector<detect::PngText> chunks = detect::PngTexts(png, &cut);
  if (cut) NoteCut("size", "PNG text past what it may inflate to (1 MiB a chunk, 8 MiB a file)");
  for (const detect::PngText& chunk : chunks) {
    const std::vector<Found> found = impl_->FindAllPatterns(chunk.text, path, false);
    for (Match& m : ToMatches(chunk.text, ResolveOverlaps(found))) {
      if (seen.Has(m)) continue;
      seen.Add(m);
      m.description += " (in a PNG text chunk)";
      if (chunk.compressed) {
        m.length = chunk.end - chunk.begin;
        PlaceAt(m, png, chunk.begin);
      } else {
        const size_t at = m.offset >= chunk.text_at
                              ? chunk.end - (chunk.text.size() - m.offset)
                              : chunk.begin + m.offset;
        PlaceAt(m, png, at);
      }
      matches.push_back(std::move(m));
    }
  }
  if (matches.size() != before) SortByOffset(matches);
}

// A file that is one zlib stream (an application's .zlib cache, a git
// object outside a repository): its inflated bytes, up to 4 MiB, each
// secret reported at the whole file.
void Detector::AddZlibMatches(std::string_view text, std::string_view path,
                              std::vector<Match>& matches) const {
  constexpr size_t kMaxInflated = 4 << 20;
  // The raw bytes gave findings already: they stand for the file.
  if (text.size() < 8 || !matches.empty()) return;
  const auto cmf = static_cast<unsigned char>(text[0]);
  const auto flg = static_cast<unsigned char>(text[1]);
  // Deflate with a 32 KiB window, no preset dictionary, a valid check.
  if (cmf != 0x78 || (flg & 0x20) != 0 || (cmf * 256 + flg) % 31 != 0) return;
  std::optional<std::string> plain = detect::Inflate(text, kMaxInflated);
  if (!plain) return;
  if (plain->size() == kMaxInflated) NoteCut("size", "a zlib stream past its first 4 MiB");
  const size_t before = matches.size();
  const bool binary = detect::LooksBinary(*plain);
  const std::vector<Found> found = impl_->FindAllPatterns(*plain, path, binary);
  AddAtSpan(ToMatches(*plain, ResolveOverlaps(found)), " (in a zlib stream)", text, 0,
            text.size(), matches);
  if (matches.size() != before) SortByOffset(matches);
}

void Detector::AddBase64Matches(std::string_view text, std::string_view path,
                                std::vector<Match>& matches) const {
  const size_t before = matches.size();
  const CoverIndex covered(matches, before);
  std::vector<bool> replaced(before);
  size_t& unpacked = UnpackedBudget();
  for (const Base64Run& run : Base64RunsWrapped(text)) {
    const size_t begin = run.begin;
    const size_t end = run.end;
    // The run itself was a finding: a token's own characters, or a value
    // under a secret-sounding key, which gives way to what the decoded text
    // says it is ("token: Z2hwX…" is a GitHub token, once).
    std::vector<size_t> covering = covered.Covering(begin, end);
    if (!std::all_of(covering.begin(), covering.end(),
                     [&](size_t i) { return IsGeneric(matches[i]); })) {
      continue;
    }
    JoinedBase64 joined;
    if (run.wrapped) joined = Join(text, begin, end);
    const std::string_view digits =
        run.wrapped ? std::string_view(joined.digits) : text.substr(begin, end - begin);
    // Hex digits are base64 digits too: a run of them is read as hex first
    // (xxd -p), then as base64.
    std::optional<std::string> plain = HexText(digits);
    const bool hex = plain.has_value();
    if (!hex) {
      const detect::Unpacked packed = UnpackedRun(digits, &unpacked);
      if (!packed.files.empty()) {
        std::vector<Match> found = PackedMatches(packed, path, "base64-encoded");
        if (found.empty()) continue;
        if (covering.empty()) {
          // Each secret of the packed files, all at the blob.
          AddAtSpan(std::move(found), "", text, begin, end, matches);
          continue;
        }
        AddInsteadOf(std::move(found), covering, text, begin, end, replaced, matches);
        continue;
      }
      plain = DecodedText(digits);
    }
    if (!plain) continue;
    // A file that was encoded whole (wrapped in lines) is read as text,
    // key=value rules and all, and so is a run that decodes to assignments
    // ("DB_PASSWORD=…", a config hidden in a value); another stretch of a
    // line is read for token formats and keys only.
    const bool whole_file =
        (run.wrapped || LooksLikeAssignments(*plain)) && !detect::LooksBinary(*plain);
    std::vector<Match> found =
        ToMatches(*plain, ResolveOverlaps(impl_->FindAllPatterns(*plain, path, !whole_file)));
    bool twice = false;
    bool packed_twice = false;
    if (found.empty()) {
      // Encoded twice: base64 of base64, once more; of a packed file too (a
      // Helm release in a Kubernetes Secret: base64 of base64 of gzip).
      for (const Base64Run& inner : Base64RunsWrapped(*plain)) {
        if (inner.wrapped) continue;
        const std::string_view inner_digits =
            std::string_view(*plain).substr(inner.begin, inner.end - inner.begin);
        if (std::optional<std::string> deeper = DecodedText(inner_digits)) {
          found =
              ToMatches(*deeper, ResolveOverlaps(impl_->FindAllPatterns(*deeper, path, true)));
        } else if (const detect::Unpacked packed = UnpackedRun(inner_digits, &unpacked);
                   !packed.files.empty()) {
          found = PackedMatches(packed, path, "base64-encoded twice");
          packed_twice = !found.empty();
        }
        twice = !found.empty();
        if (twice) break;
      }
    }
    if (found.empty()) continue;
    if (packed_twice && covering.empty()) {
      AddAtSpan(std::move(found), "", text, begin, end, matches);
      continue;
    }
    const char* encoding = packed_twice ? ""
                           : hex        ? " (hex-encoded)"
                           : twice      ? " (base64-encoded twice)"
                                        : " (base64-encoded)";
    if (run.wrapped && !hex && !twice && covering.empty()) {
      // A file cut in lines (a mail's attachment): each secret at the
      // encoded characters that hold it.
      for (Match& m : found) {
        const size_t first = m.offset / 3 * 4;
        const size_t last = std::min(joined.digits.size(), (m.offset + m.length + 2) / 3 * 4) - 1;
        m.description += " (base64-encoded)";
        m.length = joined.TextOffset(last) + 1 - joined.TextOffset(first);
        PlaceAt(m, text, joined.TextOffset(first));
        matches.push_back(std::move(m));
      }
      continue;
    }
    for (Match& m : found) m.description += encoding;
    AddInsteadOf(std::move(found), covering, text, begin, end, replaced, matches);
  }
  if (matches.size() == before) return;
  DropReplaced(replaced, matches);
}

// The findings of a packed blob's files, each judged by its own name, in
// the directory of the file that carries the blob; each says where it was,
// how it was packed and how the blob was `encoding` ("" when the packing
// says it).
std::vector<Match> Detector::PackedMatches(const detect::Unpacked& packed, std::string_view path,
                                           std::string_view encoding) const {
  const size_t slash = path.rfind('/');
  const std::string_view dir = path.substr(0, slash == std::string_view::npos ? 0 : slash + 1);
  std::vector<Match> out;
  struct Deeper {
    Deeper() { ++packed_state.depth; }
    ~Deeper() { --packed_state.depth; }
  };
  if (packed.cut) {
    NoteCut("size", "a packed blob (" + packed.kind +
                        ") past what it may unpack to (1 MiB, 4096 files, 8 MiB a file)");
  }
  for (const detect::PackedFile& file : packed.files) {
    const std::string judged = file.name.empty() ? std::string(path) : std::string(dir) + file.name;
    // (The report shows it Printable(): no control byte reaches a terminal.)
    const std::string where = file.name.empty() ? "" : "in " + file.name + ", ";
    const std::string note =
        " (" + where + packed.kind + (encoding.empty() ? "" : ", " + std::string(encoding)) + ")";
    std::vector<Match> found;
    if (packed_state.depth >= kMaxPackedDepth) {
      if (detect::LooksPacked(file.bytes.substr(0, 512))) {
        NoteCut("depth", "archives in packed blobs past " + std::to_string(kMaxPackedDepth + 1) +
                             " levels deep");
      }
      const bool binary = detect::LooksBinary(file.bytes);
      found = ToMatches(file.bytes,
                        ResolveOverlaps(impl_->FindAllPatterns(file.bytes, judged, binary)));
    } else {
      const Deeper deeper;
      found = Scan(file.bytes, judged);
      // An archive in the archive (a .tar.gz in the tarball), unpacked too.
      if (detect::LooksPacked(file.bytes.substr(0, 512)) &&
          packed_state.unpacked >= kMaxUnpackedText) {
        NoteCut("size", kPackedPastBudget);
      } else if (detect::LooksPacked(file.bytes.substr(0, 512))) {
        const detect::Unpacked inner = detect::Unpack(
            file.bytes, std::min(kMaxUnpackedRun, kMaxUnpackedText - packed_state.unpacked));
        packed_state.unpacked += inner.bytes;
        for (Match& m : PackedMatches(inner, judged, "")) found.push_back(std::move(m));
      }
    }
    for (Match& m : found) {
      m.description += note;
      out.push_back(std::move(m));
    }
  }
  return out;
}

// A file uuencoded into a text (a shell archive, an old mail): "begin MODE
// NAME", lines of encoded bytes, "end". libarchive decodes it, and what it
// holds (a tarball too) is read as a base64 blob's files are; a file alone
// is judged by the name on its begin line. Each secret is reported at the
// begin line.
void Detector::AddUuencodedMatches(std::string_view text, std::string_view path,
                                   std::vector<Match>& matches) const {
  constexpr int kMaxBlocks = 256;
  size_t& unpacked = UnpackedBudget();
  // memmem: a search for "\n" and a compare at each would cost a call a line.
  const auto next_begin = [&](size_t from) -> size_t {
    constexpr std::string_view kBegin = "\nbegin ";
    if (from >= text.size()) return std::string_view::npos;
    const void* hit =
        memmem(text.data() + from, text.size() - from, kBegin.data(), kBegin.size());
    return hit == nullptr ? std::string_view::npos
                          : static_cast<size_t>(static_cast<const char*>(hit) - text.data());
  };
  size_t at = text.starts_with("begin ") ? 0 : next_begin(0);
  for (int blocks = 0; at != std::string_view::npos;) {
    const size_t begin = at == 0 && text.starts_with("begin ") ? 0 : at + 1;
    const size_t line_end = std::min(text.find('\n', begin), text.size());
    const std::string_view line = text.substr(begin, line_end - begin);
    at = next_begin(line_end);
    // "begin 644 name": a mode of three or four octal digits, then the name.
    const size_t mode_end = line.find(' ', 6);
    if (mode_end == std::string_view::npos || mode_end < 9 || mode_end > 10 ||
        line.find_first_not_of("01234567", 6) != mode_end) {
      continue;
    }
    if (blocks++ == kMaxBlocks) {
      NoteCut("entries", "uuencoded files past the first " + std::to_string(kMaxBlocks));
      break;
    }
    if (unpacked >= kMaxUnpackedText) {
      NoteCut("size", kPackedPastBudget);
      continue;
    }
    const size_t stop = text.find("\nend", line_end);
    const size_t end = stop == std::string_view::npos ? text.size() : stop + 5;
    detect::Unpacked packed = detect::Unpack(
        text.substr(begin, end - begin), std::min(kMaxUnpackedRun, kMaxUnpackedText - unpacked));
    unpacked += packed.bytes;
    if (packed.files.size() == 1 && packed.files[0].name.empty()) {
      packed.files[0].name = line.substr(mode_end + 1);
    }
    std::vector<Match> found = PackedMatches(packed, path, "");
    AddAtSpan(std::move(found), "", text, begin, line_end, matches);
  }
}

// Adds the line "KEY = VALUE" to `office`, of its text's [key_begin,
// key_end) and [value_begin, value_end), each byte mapped where it was.
void AppendPair(detect::OfficeText& office, size_t key_begin, size_t key_end, size_t value_begin,
                size_t value_end) {
  for (size_t i = key_begin; i < key_end; ++i) {
    office.text += office.text[i];
    office.from.push_back(office.from[i]);
  }
  for (char c : std::string_view(" = ")) {
    office.text += c;
    office.from.push_back(office.from[value_begin]);
  }
  for (size_t i = value_begin; i < value_end; ++i) {
    office.text += office.text[i];
    office.from.push_back(office.from[i]);
  }
  office.text += '\n';
  office.from.push_back(office.from[value_end - 1]);
}

// A table's first row of labels ("system", "username", "password"), by
// xlsx's shared strings, which keep each string once in the order the cells
// first use them: when the first cells are labels, the row after them
// follows, each of its cells under the label as many strings on. Each
// label and that cell are added to `office` as "label = cell".
void AddHeaderPairs(detect::OfficeText& office) {
  constexpr size_t kMaxColumns = 16;
  constexpr size_t kMaxLabel = 32;
  const auto line = [&](size_t l) {
    const size_t begin = office.lines[l];
    const size_t end = l + 1 < office.lines.size() ? office.lines[l + 1] - 1 : office.text.size();
    return std::pair<size_t, size_t>{begin, end};
  };
  const auto is_label = [&](size_t l) {
    const auto [begin, end] = line(l);
    if (end - begin == 0 || end - begin > kMaxLabel) return false;
    return std::all_of(office.text.begin() + static_cast<long>(begin),
                       office.text.begin() + static_cast<long>(end), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                                c == ' ';
                       });
  };
  size_t columns = 0;
  while (columns < kMaxColumns && columns < office.lines.size() && is_label(columns)) ++columns;
  if (columns < 2 || 2 * columns > office.lines.size()) return;
  for (size_t l = 0; l < columns; ++l) {
    const auto [key_begin, key_end] = line(l);
    const auto [value_begin, value_end] = line(l + columns);
    AppendPair(office, key_begin, key_end, value_begin, value_end);
  }
}

// Office documents' XML parts, read as text (detect/office_text.h): a
// secret cut by a Word document's run tags, and a spreadsheet's cell beside
// the next, as "cell = next cell", so that a "password" cell gives its
// neighbour the key name the rules need. What the XML itself showed is not
// reported again; the rest is reported where its characters are.
void Detector::AddOfficeTextMatches(std::string_view xml, std::string_view path,
                                    std::vector<Match>& matches) const {
  constexpr size_t kMaxPart = 8 << 20;
  constexpr size_t kMaxKeyCell = 48;
  const detect::OfficePart part = detect::OfficePartOf(path, xml);
  if (part == detect::OfficePart::kNone || xml.size() > kMaxPart) return;
  detect::OfficeText office = detect::ExtractOfficeText(xml);
  if (part == detect::OfficePart::kCells) {
    const size_t lines = office.lines.size();
    for (size_t l = 0; l + 1 < lines; ++l) {
      const size_t key = office.lines[l];
      const size_t value = office.lines[l + 1];
      const size_t value_end = l + 2 < lines ? office.lines[l + 2] : office.text.size();
      if (value - key - 1 > kMaxKeyCell || value_end - value < 2) continue;
      AppendPair(office, key, value - 1, value, value_end - 1);  // less the line ends
    }
  }
  if (part == detect::OfficePart::kCells && path.ends_with("sharedStrings.xml")) {
    AddHeaderPairs(office);
  }
  AddViewMatches(office, xml, path, " (in a document's text)", matches);
}

// What a decoded view of `text` shows beyond what `text` did: a finding the
// text had (its rule and value) is not reported again; one whose value the
// text showed only cut (by a tag, an escape) replaces the text's findings of
// the pieces, and its generic ones there. Each is reported where its
// characters are in `text`.
void Detector::AddViewMatches(const detect::DecodedView& view, std::string_view text,
                              std::string_view path, std::string_view note,
                              std::vector<Match>& matches) const {
  const size_t before = matches.size();
  const CoverIndex covered(matches, before);
  std::vector<bool> replaced(before);
  const std::vector<Found> found = impl_->FindAllPatterns(view.text, path, false);
  FoundValues seen(matches);
  for (Match& m : ToMatches(view.text, ResolveOverlaps(found))) {
    if (seen.Has(m)) continue;
    const size_t begin = view.from[m.offset];
    const size_t last = std::max(view.from[m.offset + m.length - 1], begin);
    const std::vector<size_t> covering = covered.Covering(begin, last + 1);
    // What the text showed there was a piece of this one (a bearer token
    // cut by a line continuation) or rests on a key's name alone.
    const auto piece = [&](size_t i) {
      const Match& other = matches[i];
      const bool inside = other.offset >= begin && other.offset + other.length <= last + 1;
      return IsGeneric(other) || (inside && other.length < last + 1 - begin);
    };
    if (!std::all_of(covering.begin(), covering.end(), piece)) continue;
    for (size_t i : covering) replaced[i] = true;
    m.length = last + 1 - begin;
    m.description += note;
    PlaceAt(m, text, begin);
    seen.Add(m);
    matches.push_back(std::move(m));
  }
  if (matches.size() != before) DropReplaced(replaced, matches);
}

// Characters written as escapes (detect/escapes.h), on the lines that hold
// them, up to 4 MiB of them.
void Detector::AddUnescapedMatches(std::string_view text, std::string_view path,
                                   std::vector<Match>& matches) const {
  constexpr size_t kMaxView = 4 << 20;
  std::optional<detect::DecodedView> view = detect::UnescapedLines(text, kMaxView);
  if (view) AddViewMatches(*view, text, path, " (written with escapes)", matches);
}

// A mail body in quoted-printable: a line longer than 76 characters is cut
// by a soft break ("=" at the line's end) that may fall inside a token, and
// "=3D" stands for '='. The text after the header is decoded, and what the
// decoded text holds beyond what was found is reported where its characters
// are.
void Detector::AddQuotedPrintableMatches(std::string_view text, std::string_view path,
                                         std::vector<Match>& matches) const {
  // A mail body is read up to this far past the header.
  constexpr size_t kMaxBody = 1 << 20;
  const size_t header = text.find("quoted-printable");
  if (header == std::string_view::npos) return;
  using detect::HexDigit;
  const size_t stop = std::min(text.size(), header + kMaxBody);
  std::string plain;
  std::vector<size_t> source;  // where each byte of `plain` comes from
  bool decoded = false;
  for (size_t i = header; i < stop; ++i) {
    if (text[i] == '=' && i + 1 < stop && (text[i + 1] == '\n' || text[i + 1] == '\r')) {
      i += text[i + 1] == '\r' && i + 2 < stop && text[i + 2] == '\n' ? 2 : 1;
      decoded = true;
      continue;
    }
    if (text[i] == '=' && i + 2 < stop && HexDigit(text[i + 1]) >= 0 &&
        HexDigit(text[i + 2]) >= 0) {
      plain.push_back(static_cast<char>(HexDigit(text[i + 1]) * 16 + HexDigit(text[i + 2])));
      source.push_back(i);
      i += 2;
      decoded = true;
      continue;
    }
    plain.push_back(text[i]);
    source.push_back(i);
  }
  if (!decoded) return;
  const size_t before = matches.size();
  const CoverIndex covered(matches, before);
  std::vector<bool> replaced(before);
  for (Match& m : ToMatches(plain, ResolveOverlaps(impl_->FindAllPatterns(plain, path)))) {
    const size_t begin = source[m.offset];
    const size_t end = source[m.offset + m.length - 1] + 1;
    // What the encoded text showed gives way to a token format the decoded
    // text shows ("TOKEN=3Dghp_…=" read "3Dghp_…" as a generic value).
    const std::vector<size_t> covering = covered.Covering(begin, end);
    const bool all_generic = std::all_of(covering.begin(), covering.end(),
                                         [&](size_t i) { return IsGeneric(matches[i]); });
    if (!covering.empty() && (!all_generic || IsGeneric(m))) continue;
    for (size_t i : covering) replaced[i] = true;
    m.description += " (quoted-printable)";
    m.length = end - begin;
    PlaceAt(m, text, begin);
    matches.push_back(std::move(m));
  }
  if (matches.size() == before) return;
  DropReplaced(replaced, matches);
}

// "u=https%3A%2F%2Fhooks.slack.com%2Fservices%2F…": a URL or a value
// percent-encoded whole, as a query string or a form holds it. Runs of
// URL characters with at least kMinEscapes escapes are decoded and their
// token formats found; a finding covers its whole run.
void Detector::AddPercentEncodedMatches(std::string_view text, std::string_view path,
                                        std::vector<Match>& matches) const {
  constexpr size_t kMinEscapes = 3;
  constexpr size_t kMinRun = 16;
  auto url_char = [](char c) {
    return IsWordChar(c) || c == '%' || c == '.' || c == '~' || c == '+' || c == '-';
  };
  const size_t before = matches.size();
  const CoverIndex covered(matches, before);
  for (size_t at = text.find('%'); at != std::string_view::npos;) {
    size_t begin = at;
    while (begin > 0 && url_char(text[begin - 1])) --begin;
    size_t end = at;
    while (end < text.size() && url_char(text[end])) ++end;
    at = text.find('%', end);
    std::string_view run = text.substr(begin, end - begin);
    if (run.size() < kMinRun ||
        static_cast<size_t>(std::count(run.begin(), run.end(), '%')) < kMinEscapes ||
        covered.Covered(begin, end)) {
      continue;
    }
    std::optional<std::string> plain = detect::PercentDecode(run);
    if (!plain || !IsPrintableText(*plain)) continue;
    std::vector<Match> found = ToMatches(
        *plain, ResolveOverlaps(impl_->FindAllPatterns(*plain, path, true, Subset::kFormats)));
    if (found.empty()) continue;
    auto best = std::max_element(found.begin(), found.end(), [](const Match& a, const Match& b) {
      return a.severity < b.severity;
    });
    Match m = std::move(*best);
    m.description += " (percent-encoded)";
    m.length = end - begin;
    PlaceAt(m, text, begin);
    matches.push_back(std::move(m));
  }
  if (matches.size() != before) SortByOffset(matches);
}

void Detector::AddBinaryStringMatches(std::string_view binary, std::string_view path,
                                      std::vector<Match>& matches) const {
  const size_t before = matches.size();
  const CoverIndex covered(matches, before);
  for (const BinaryStrings& found :
       {FindWideRuns(binary), EndsWithPyc(path) ? FindPycStrings(binary) : BinaryStrings{}}) {
    if (found.text.empty()) continue;
    for (Match& m : ToMatches(found.text, ResolveOverlaps(impl_->FindAllPatterns(
                                              found.text, path, true)))) {
      const size_t at = found.InBinary(m.offset);
      m.length *= found.unit;
      // Found in the bytes as they are already (a token with a boundary).
      if (covered.Covered(at, at + m.length)) continue;
      PlaceAt(m, binary, at);
      matches.push_back(std::move(m));
    }
  }
  if (matches.size() != before) SortByOffset(matches);
  if (!EndsWithPyc(path)) return;
  if (std::optional<std::vector<detect::PycString>> strings = detect::ReadPycStrings(binary)) {
    AddAssignmentMatches(binary, path, *strings, matches);
  }
}

void Detector::AddNulSeparatedMatches(std::string_view binary, std::string_view path,
                                      std::vector<Match>& matches) const {
  std::optional<std::string> lines = AsNulSeparatedLines(binary, path);
  if (!lines) return;
  const size_t before = matches.size();
  const CoverIndex covered(matches, before);
  for (Match& m : ScanUnglued(*lines, path)) {
    if (covered.Covered(m.offset, m.offset + m.length)) continue;
    PlaceAt(m, binary, m.offset);  // lines as the file has them
    matches.push_back(std::move(m));
  }
  if (matches.size() != before) SortByOffset(matches);
}

void Detector::AddAssignmentMatches(std::string_view pyc, std::string_view path,
                                    const std::vector<detect::PycString>& strings,
                                    std::vector<Match>& matches) const {
  std::vector<detect::AssignedValue> values;
  const std::string text = PycAssignments(pyc, strings, values);
  AddAssignedValues(pyc, path, text, values, false, matches);
}

void Detector::AddSqliteMatches(std::string_view db, std::string_view path,
                                std::vector<Match>& matches) const {
  std::vector<detect::AssignedValue> values;
  std::string text;
  // A table's rows come in the order of its pages, mostly, each page's
  // backwards from its end: the search for a cell starts a page (64 KiB at
  // most) before the last one found. From the file's start each time, 4096
  // cells took 7 s in an 18 MiB file.
  constexpr size_t kMaxPage = 64 << 10;
  size_t from = 0;
  std::string cut;
  std::string reason;
  const std::vector<detect::SqliteCell> cells = detect::SecretColumnCells(db, &cut, &reason);
  if (!cut.empty()) NoteCut(reason, cut);
  for (const detect::SqliteCell& cell : cells) {
    // A cell is where the file holds its bytes; one elsewhere (UTF-16, an
    // overflow page) cannot be pointed at.
    size_t at = db.find(cell.value, from);
    if (at == std::string_view::npos) at = db.substr(0, from).find(cell.value);
    if (at == std::string_view::npos) continue;
    from = at > kMaxPage ? at - kMaxPage : 0;
    text.append(cell.column).append(" = \"");
    values.push_back({text.size(), at, cell.value.size()});
    text.append(cell.value).append("\"\n");
  }
  // A table of settings keeps a name's cell just before its value's: a
  // token there is glued to a word in the bytes, and found in its cell.
  AddAssignedValues(db, path, text, values, true, matches);
}

void Detector::AddAssignedValues(std::string_view bytes, std::string_view path,
                                 const std::string& text,
                                 const std::vector<detect::AssignedValue>& values,
                                 bool formats_too, std::vector<Match>& matches) const {
  if (text.empty()) return;
  const size_t before = matches.size();
  const std::vector<Found> found = impl_->FindAllPatterns(
      text, path, false, formats_too ? Subset::kAll : Subset::kKeyNames);
  for (Match& m : ToMatches(text, ResolveOverlaps(found))) {
    auto it = std::upper_bound(
        values.begin(), values.end(), m.offset,
        [](size_t at, const detect::AssignedValue& a) { return at < a.text_begin; });
    if (it == values.begin()) continue;
    --it;
    // Only what lies in the value is in the file; a name is no secret.
    if (m.offset + m.length > it->text_begin + it->length) continue;
    const size_t at = it->offset + (m.offset - it->text_begin);
    if (std::any_of(matches.begin(), matches.end(),
                    [&](const Match& seen) { return Overlaps(seen, at, at + m.length); })) {
      continue;
    }
    m.offset = at;
    matches.push_back(std::move(m));
  }
  if (matches.size() == before) return;
  // Lines counted once, forward through the new matches in file order: a
  // count from the start for each took 75 s for 4096 database cells in an
  // 18 MiB file.
  std::sort(matches.begin() + static_cast<std::ptrdiff_t>(before), matches.end(),
            [](const Match& a, const Match& b) { return a.offset < b.offset; });
  size_t mark = 0;
  LineCol at_mark;
  for (size_t i = before; i < matches.size(); ++i) {
    Match& m = matches[i];
    const LineCol step = LineColAt(bytes.substr(mark), m.offset - mark);
    at_mark.column = step.line == 1 ? at_mark.column + step.column - 1 : step.column;
    at_mark.line += step.line - 1;
    mark = m.offset;
    m.line = at_mark.line;
    m.column = at_mark.column;
  }
  SortByOffset(matches);
}

std::vector<Match> Detector::ScanName(std::string_view name) const {
  if (name.empty()) return {};
  return ToMatches(name, ResolveOverlaps(impl_->FindAllPatterns(name, {}, true, Subset::kFormats)));
}

bool Detector::LooksLikeSecret(std::string_view value) const {
  std::string_view v = Trim(value);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') &&
      v.back() == v.front()) {
    v = Trim(v.substr(1, v.size() - 2));
  }
  if (v.empty()) return false;
  return !Scan(v).empty() || detect::PassesGenericGate(v);
}

std::vector<std::string_view> DetectorRuleIds() {
  std::vector<std::string_view> ids = CredentialFileRuleIds();
  for (const detect::Pattern& p : detect::BuiltinPatterns()) ids.push_back(p.rule);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace safebuild
