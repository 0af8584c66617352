// A unified diff (3 lines of context) between the file and its rewrite. The
// line match is a longest-common-subsequence table over the middle that
// differs after the common head and tail are cut off; a rewrite changes a
// few instructions, so the table stays small. Past kMaxCells the middle is
// shown as one replaced block.
#include <algorithm>
#include <string>
#include <vector>

#include "rewrite/rewrite.h"

namespace safebuild {
namespace {

constexpr size_t kMaxCells = size_t{1} << 24;
constexpr size_t kContext = 3;

std::vector<std::string_view> LinesOf(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

struct Op {
  char kind;  // ' ', '-', '+'
  std::string_view line;
};

std::vector<Op> Middle(const std::vector<std::string_view>& a, size_t a0, size_t a1,
                       const std::vector<std::string_view>& b, size_t b0, size_t b1) {
  size_t n = a1 - a0, m = b1 - b0;
  std::vector<Op> ops;
  if (n * m > kMaxCells) {
    for (size_t i = a0; i < a1; ++i) ops.push_back({'-', a[i]});
    for (size_t j = b0; j < b1; ++j) ops.push_back({'+', b[j]});
    return ops;
  }
  std::vector<std::vector<unsigned>> l(n + 1, std::vector<unsigned>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      l[i][j] = a[a0 + i] == b[b0 + j] ? l[i + 1][j + 1] + 1
                                       : std::max(l[i + 1][j], l[i][j + 1]);
    }
  }
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[a0 + i] == b[b0 + j]) {
      ops.push_back({' ', a[a0 + i]});
      ++i, ++j;
    } else if (i < n && (j == m || l[i + 1][j] >= l[i][j + 1])) {
      ops.push_back({'-', a[a0 + i++]});
    } else {
      ops.push_back({'+', b[b0 + j++]});
    }
  }
  return ops;
}

std::string Range(size_t start, size_t count) {
  // An empty range is shown at the line before it.
  size_t shown = count == 0 ? start : start + 1;
  return std::to_string(shown) + (count == 1 ? "" : "," + std::to_string(count));
}

}  // namespace

std::string UnifiedDiff(std::string_view before, std::string_view after,
                        const std::string& name) {
  if (before == after) return "";
  auto a = LinesOf(before);
  auto b = LinesOf(after);
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  std::vector<Op> ops;
  for (size_t i = 0; i < head; ++i) ops.push_back({' ', a[i]});
  auto mid = Middle(a, head, a.size() - tail, b, head, b.size() - tail);
  ops.insert(ops.end(), mid.begin(), mid.end());
  for (size_t i = a.size() - tail; i < a.size(); ++i) ops.push_back({' ', a[i]});

  std::string out = "--- a/" + name + "\n+++ b/" + name + "\n";
  size_t k = 0;
  while (k < ops.size()) {
    while (k < ops.size() && ops[k].kind == ' ') ++k;
    if (k == ops.size()) break;
    // A hunk: from kContext lines before this change to kContext lines after
    // the last change that is within 2*kContext of the previous one.
    size_t begin = k >= kContext ? k - kContext : 0;
    size_t end = k;
    size_t same = 0;
    for (size_t q = k; q < ops.size(); ++q) {
      if (ops[q].kind == ' ') {
        if (++same > 2 * kContext) break;
      } else {
        same = 0;
        end = q + 1;
      }
    }
    size_t stop = std::min(ops.size(), end + kContext);
    size_t a_start = 0, b_start = 0;
    for (size_t q = 0; q < begin; ++q) {
      if (ops[q].kind != '+') ++a_start;
      if (ops[q].kind != '-') ++b_start;
    }
    size_t a_count = 0, b_count = 0;
    std::string body;
    for (size_t q = begin; q < stop; ++q) {
      if (ops[q].kind != '+') ++a_count;
      if (ops[q].kind != '-') ++b_count;
      body += ops[q].kind;
      body += ops[q].line;
      body += '\n';
    }
    out += "@@ -" + Range(a_start, a_count) + " +" + Range(b_start, b_count) + " @@\n" + body;
    k = stop;
  }
  return out;
}

}  // namespace safebuild
