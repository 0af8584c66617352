#include "containerfile/ignore_file.h"

#include <fstream>
#include <iterator>

#include "util/text.h"

namespace safebuild {
namespace {

constexpr std::streamsize kMaxIgnoreFileSize = 1 << 20;

using Token = IgnoreRules::Token;

// "[a-z_]" or "[^…]" at pattern[i]; returns the index after "]", or i when
// the class is not closed (the "[" is then a literal).
size_t ReadClass(std::string_view pattern, size_t i, Token* tok) {
  size_t k = i + 1;
  tok->kind = Token::kClass;
  tok->negated = k < pattern.size() && pattern[k] == '^';
  if (tok->negated) ++k;
  bool first = true;
  while (k < pattern.size() && (pattern[k] != ']' || first)) {
    first = false;
    unsigned char lo = static_cast<unsigned char>(pattern[k]);
    if (lo == '\\' && k + 1 < pattern.size()) {
      lo = static_cast<unsigned char>(pattern[++k]);
    }
    unsigned char hi = lo;
    if (k + 2 < pattern.size() && pattern[k + 1] == '-' &&
        pattern[k + 2] != ']') {
      hi = static_cast<unsigned char>(pattern[k + 2]);
      k += 2;
    }
    for (unsigned c = lo; c <= hi; ++c) tok->set.set(c);
    ++k;
  }
  return k < pattern.size() ? k + 1 : i;
}

std::vector<Token> Compile(std::string_view pattern) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < pattern.size()) {
    Token tok;
    char c = pattern[i];
    if (c == '*' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      i += 2;
      if (i < pattern.size() && pattern[i] == '/') ++i;
      tok.kind = i == pattern.size() ? Token::kAnyTail : Token::kAnyDirs;
    } else if (c == '*') {
      tok.kind = Token::kStar;
      ++i;
    } else if (c == '?') {
      tok.kind = Token::kOne;
      ++i;
    } else if (c == '[') {
      size_t after = ReadClass(pattern, i, &tok);
      if (after == i) {
        tok = Token{};  // not closed: a literal "["
        tok.literal = c;
        after = i + 1;
      }
      i = after;
    } else {
      tok = Token{};
      if (c == '\\' && i + 1 < pattern.size()) ++i;
      tok.literal = pattern[i++];
    }
    tokens.push_back(tok);
  }
  return tokens;
}

}  // namespace

std::string CleanPath(std::string_view path) {
  const bool rooted = !path.empty() && path[0] == '/';
  std::vector<std::string_view> parts;
  for (size_t i = 0; i < path.size();) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
        continue;
      }
      if (rooted) continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

IgnoreRules IgnoreRules::Parse(std::string_view text) {
  IgnoreRules rules;
  if (StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  for (const std::string& raw : Split(text, '\n')) {
    if (StartsWith(raw, "#")) continue;
    std::string_view line = Trim(raw);
    if (line.empty()) continue;
    Pattern p;
    p.exception = line[0] == '!';
    if (p.exception) line = Trim(line.substr(1));
    if (line.empty()) continue;  // buildah rejects a lone "!"
    std::string clean = CleanPath(line);
    if (clean.size() > 1 && clean[0] == '/') clean.erase(0, 1);
    p.tokens = Compile(clean);
    rules.patterns_.push_back(std::move(p));
  }
  return rules;
}

IgnoreRules IgnoreRules::Load(const std::filesystem::path& context,
                              std::string* name) {
  name->clear();
  for (const char* candidate : {".containerignore", ".dockerignore"}) {
    std::ifstream in(context / candidate, std::ios::binary);
    if (!in) continue;
    std::string text(static_cast<size_t>(kMaxIgnoreFileSize), '\0');
    in.read(text.data(), kMaxIgnoreFileSize);
    text.resize(static_cast<size_t>(in.gcount()));
    *name = candidate;
    return Parse(text);
  }
  return IgnoreRules{};
}

// Dynamic programming over (token, position): no backtracking blow-up on
// hostile patterns such as "*a*a*a*a*b".
bool IgnoreRules::Match(const Pattern& p, std::string_view s) {
  const size_t n = s.size();
  std::vector<char> next(n + 1, 0);
  std::vector<char> cur(n + 1, 0);
  next[n] = 1;  // after the last token only the end matches
  for (size_t t = p.tokens.size(); t-- > 0;) {
    const Token& tok = p.tokens[t];
    bool any_dirs = false;
    cur[n] =
        tok.kind == Token::kAnyTail ||
        ((tok.kind == Token::kStar || tok.kind == Token::kAnyDirs) && next[n]);
    for (size_t i = n; i-- > 0;) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      switch (tok.kind) {
        case Token::kLiteral:
          cur[i] = s[i] == tok.literal && next[i + 1];
          break;
        case Token::kOne:
          cur[i] = c != '/' && next[i + 1];
          break;
        case Token::kClass:
          cur[i] = tok.set.test(c) != tok.negated && next[i + 1];
          break;
        case Token::kStar:
          cur[i] = next[i] || (c != '/' && cur[i + 1]);
          break;
        case Token::kAnyTail:
          cur[i] = 1;
          break;
        case Token::kAnyDirs:
          any_dirs = any_dirs || (c == '/' && next[i + 1]);
          cur[i] = next[i] || any_dirs;
          break;
      }
    }
    std::swap(next, cur);
  }
  return next[0] != 0;
}

bool IgnoreRules::Excludes(std::string_view rel) const {
  bool excluded = false;
  for (const Pattern& p : patterns_) {
    // An exclusion cannot change an unmatched path, nor a pattern a matched
    // one.
    if (p.exception != excluded) continue;
    bool match = Match(p, rel);
    // A pattern that matches a parent directory covers the whole directory.
    for (size_t slash = rel.find('/');
         !match && slash != std::string_view::npos;
         slash = rel.find('/', slash + 1)) {
      match = Match(p, rel.substr(0, slash));
    }
    if (match) excluded = !p.exception;
  }
  return excluded;
}

bool IgnoreRules::HasExceptions() const {
  for (const Pattern& p : patterns_) {
    if (p.exception) return true;
  }
  return false;
}

}  // namespace safebuild
