#include <algorithm>
#include <iterator>
#include <tuple>

#include "containerfile/lint_internal.h"
#include "containerfile/scrubber.h"
#include "util/fingerprint.h"
#include "util/text.h"

namespace safebuild::lint {
namespace {

constexpr size_t kMaxExcerpt = 240;
// How much of a long line around a finding is looked at for its excerpt.
constexpr size_t kSlice = 1024;
// Shorter values are not scrubbed from text: too likely to be ordinary words.
constexpr size_t kMinScrubbed = 4;

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Control bytes could rewrite a terminal; a message is one line.
void Sanitize(std::string& text) {
  for (char& c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7F) c = '?';
  }
}

// At most kMaxExcerpt bytes of `line` around byte `caret`, cut at UTF-8
// boundaries; `caret` becomes its offset in the result, npos when cut off.
std::string Window(const std::string& line, size_t& caret) {
  if (line.size() <= kMaxExcerpt) return line;
  size_t center = std::min(line.size(), caret);
  size_t begin = center > kMaxExcerpt / 3 ? center - kMaxExcerpt / 3 : 0;
  size_t end = std::min(line.size(), begin + kMaxExcerpt);
  while (begin < end && IsContinuationByte(line[begin])) ++begin;
  while (end > begin && end < line.size() && IsContinuationByte(line[end])) {
    --end;
  }
  std::string lead = begin > 0 ? "…" : "";
  bool inside = caret != std::string::npos && caret >= begin && caret < end;
  caret = inside ? caret - begin + lead.size() : std::string::npos;
  return lead + line.substr(begin, end - begin) + (end < line.size() ? "…" : "");
}

// Where byte `at` of a line's slice is once the finding's own value
// (slice bytes [first, last)) is replaced by `redacted`.
size_t AfterRedaction(size_t at, size_t first, size_t last, size_t redacted) {
  if (at < first) return at;
  if (at < last) return first;
  return at - (last - first) + redacted;
}

}  // namespace

SecretSpan SpanOfMatch(const Match& m, const Segment& scanned) {
  SecretSpan s;
  s.rule = m.rule;
  s.severity = m.severity;
  s.fingerprint = m.fingerprint;
  s.redacted = m.redacted;
  s.where = scanned.Sub(m.offset, m.length);
  return s;
}

SecretSpan SpanOfValue(std::string_view rule, Severity severity,
                       const Segment& value) {
  SecretSpan s;
  s.rule = std::string(rule);
  s.severity = severity;
  s.fingerprint = Fingerprint(rule, value.text);
  s.redacted = Redact(value.text);
  s.where = value;
  return s;
}

Finding& FindingSink::Add(std::string_view rule, Severity severity,
                          SourcePos pos, std::string message, std::string fix) {
  Entry e;
  Finding& f = e.finding;
  f.rule = std::string(rule);
  f.severity = severity;
  f.origin = Origin::kContainerfile;
  f.path = file_.path;
  f.line = pos.line;
  f.column = pos.column;
  f.message = std::move(message);
  f.fix = std::move(fix);
  entries_.push_back(std::move(e));
  return entries_.back().finding;
}

Finding& FindingSink::AddSecret(std::string_view rule, const SecretSpan& secret,
                                std::string message, std::string fix) {
  Remember(secret.where.text);
  SourcePos at = secret.where.PosOf(0);
  Finding& f =
      Add(rule, secret.severity, at, std::move(message), std::move(fix));
  f.fingerprint = secret.fingerprint;
  f.redacted = secret.redacted;
  // The value's bytes on this line, wherever escapes put them.
  Entry& e = entries_.back();
  for (const SourcePos& p : secret.where.pos) {
    if (p.line != at.line) continue;
    e.first = e.first == 0 ? p.column : std::min(e.first, p.column);
    e.last = std::max(e.last, p.column);
  }
  return f;
}

void FindingSink::Remember(std::string_view secret) {
  if (secret.size() < kMinScrubbed) return;
  secrets_.emplace(secret);
}

// The finding's line around its column, the value redacted. Only a slice of
// a long line is copied: a hostile file can put many findings on one line.
std::string FindingSink::Excerpt(const Entry& e, const Scrubber& scrubber,
                                 int& excerpt_column) const {
  const Finding& f = e.finding;
  excerpt_column = 0;
  if (f.line < 1 || static_cast<size_t>(f.line) > file_.lines.size()) return "";
  const std::string& line = file_.lines[static_cast<size_t>(f.line) - 1];
  const size_t col = std::min(line.size(), static_cast<size_t>(f.column - 1));
  size_t begin = col > kSlice ? col - kSlice : 0;
  size_t end = std::min(line.size(), col + kSlice);
  bool redact = e.first > 0 && static_cast<size_t>(e.last) <= line.size();
  if (redact) {
    begin = std::min(begin, static_cast<size_t>(e.first) - 1);
    end = std::max(end, static_cast<size_t>(e.last));
  }
  std::string text = line.substr(begin, end - begin);
  size_t caret = col - begin;
  if (redact) {
    size_t first = static_cast<size_t>(e.first) - 1 - begin;
    size_t length = static_cast<size_t>(e.last - e.first) + 1;
    text.replace(first, length, f.redacted);
    caret = AfterRedaction(caret, first, first + length, f.redacted.size());
  }
  std::string before = text;
  scrubber.Scrub(text);
  // Other values scrubbed before the caret move it by an unknown amount:
  // no caret then, rather than a wrong one.
  if (caret > text.size() || text.compare(0, caret, before, 0, caret) != 0) {
    caret = std::string::npos;
  }
  // Cut again, now that no value can be cut in half.
  std::string window = Window(text, caret);
  if (begin > 0 && !StartsWith(window, "…")) {
    window = "…" + window;
    if (caret != std::string::npos) caret += std::string_view("…").size();
  }
  if (end < line.size() && !EndsWith(window, "…")) window += "…";
  Sanitize(window);
  if (caret != std::string::npos && f.column > 0) excerpt_column = static_cast<int>(caret) + 1;
  return window;
}

std::vector<Finding> FindingSink::Take() {
  const Scrubber scrubber({secrets_.begin(), secrets_.end()});
  auto key = [](const Entry& e) {
    const Finding& f = e.finding;
    return std::tie(f.origin, f.path, f.line, f.column, f.rule);
  };
  std::vector<Entry> entries(std::make_move_iterator(entries_.begin()),
                             std::make_move_iterator(entries_.end()));
  entries_.clear();
  std::stable_sort(entries.begin(), entries.end(),
                   [&](const Entry& a, const Entry& b) {
                     if (key(a) != key(b)) return key(a) < key(b);
                     return a.finding.severity > b.finding.severity;
                   });
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [&](const Entry& a, const Entry& b) {
                              return key(a) == key(b);
                            }),
                entries.end());
  std::vector<Finding> out;
  out.reserve(entries.size());
  for (Entry& e : entries) {
    Finding& f = e.finding;
    f.excerpt = Excerpt(e, scrubber, f.excerpt_column);
    for (std::string* text : {&f.message, &f.fix}) {
      scrubber.Scrub(*text);
      Sanitize(*text);
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::string DisplayKeyword(const Instruction& ins) {
  return ins.onbuild_keyword.empty() ? ins.keyword
                                     : ins.keyword + " " + ins.onbuild_keyword;
}

}  // namespace safebuild::lint
