#include "containerfile/words.h"

namespace safebuild {

std::vector<RawWord> SplitWords(std::string_view text, char escape) {
  std::vector<RawWord> words;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    while (i < n && IsAsciiSpace(text[i])) ++i;
    if (i == n) break;
    RawWord w{i, i};
    char quote = 0;
    for (; i < n; ++i) {
      char c = text[i];
      if (quote == 0 && IsAsciiSpace(c)) break;
      // An escape skips the next byte, except inside single quotes.
      if (c == escape && quote != '\'') {
        if (i + 1 == n) break;  // a trailing escape is dropped
        ++i;
        continue;
      }
      if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (c == quote) {
        quote = 0;
      }
    }
    w.end = i;
    if (i + 1 == n && text[i] == escape) ++i;
    // Go keeps an empty word only when it held quotes: not possible here.
    if (w.end > w.begin) words.push_back(w);
  }
  return words;
}

namespace {

void Put(Unquoted& out, char c, size_t offset) {
  out.text.push_back(c);
  out.offsets.push_back(offset);
}

// Copies a double-quoted span starting after the quote; returns the index
// after the closing quote.
size_t DoubleQuoted(std::string_view raw, size_t i, char escape,
                    Unquoted& out) {
  while (i < raw.size() && raw[i] != '"') {
    char c = raw[i];
    if (c == escape) {
      if (i + 1 == raw.size()) return i + 1;  // escape at the end: dropped
      char next = raw[i + 1];
      if (next == '"' || next == '$' || next == escape) {
        Put(out, next, i + 1);
        i += 2;
        continue;
      }
    }
    Put(out, c, i);
    ++i;
  }
  return i + 1;
}

}  // namespace

Unquoted UnquoteWord(std::string_view raw, char escape) {
  Unquoted out;
  size_t i = 0;
  while (i < raw.size()) {
    char c = raw[i];
    if (c == '\'') {
      for (++i; i < raw.size() && raw[i] != '\''; ++i) Put(out, raw[i], i);
      ++i;
    } else if (c == '"') {
      i = DoubleQuoted(raw, i + 1, escape, out);
    } else if (c == escape) {
      if (i + 1 < raw.size()) Put(out, raw[i + 1], i + 1);
      i += 2;
    } else {
      Put(out, c, i);
      ++i;
    }
  }
  return out;
}

}  // namespace safebuild
