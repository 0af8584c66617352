#include "containerfile/scrubber.h"

#include <algorithm>
#include <cstddef>
#include <deque>

#include "util/fingerprint.h"

namespace safebuild {
namespace {

uint64_t EdgeKey(int node, unsigned char c) {
  return (static_cast<uint64_t>(node) << 8) | c;
}

}  // namespace

Scrubber::Scrubber(const std::vector<std::string>& secrets) {
  nodes_.emplace_back();
  children_.emplace_back();
  for (const std::string& s : secrets) {
    if (s.empty()) continue;
    int node = 0;
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      int next = Child(node, c);
      if (next < 0) {
        next = static_cast<int>(nodes_.size());
        Node n;
        n.depth = nodes_[static_cast<size_t>(node)].depth + 1;
        nodes_.push_back(n);
        children_.emplace_back();
        children_[static_cast<size_t>(node)].push_back(next);
        edges_.emplace(EdgeKey(node, c), next);
      }
      node = next;
    }
    if (nodes_[static_cast<size_t>(node)].secret < 0) {
      nodes_[static_cast<size_t>(node)].secret =
          static_cast<int>(redacted_.size());
      redacted_.push_back(Redact(s));
    }
  }
  Link();
}

int Scrubber::Child(int node, unsigned char c) const {
  auto it = edges_.find(EdgeKey(node, c));
  return it == edges_.end() ? -1 : it->second;
}

// Fail and dictionary links, breadth first so that a node's fail target is
// always linked before the node.
void Scrubber::Link() {
  // The byte on the edge into each node, to follow fail links by it.
  std::vector<unsigned char> via(nodes_.size(), 0);
  for (const auto& [key, child] : edges_) {
    via[static_cast<size_t>(child)] = static_cast<unsigned char>(key & 0xFF);
  }
  std::deque<int> queue(children_[0].begin(), children_[0].end());
  while (!queue.empty()) {
    const int node = queue.front();
    queue.pop_front();
    for (int child : children_[static_cast<size_t>(node)]) {
      const unsigned char c = via[static_cast<size_t>(child)];
      int f = nodes_[static_cast<size_t>(node)].fail;
      while (f != 0 && Child(f, c) < 0) f = nodes_[static_cast<size_t>(f)].fail;
      int target = Child(f, c);
      if (node == 0 || target < 0 || target == child) target = 0;
      Node& n = nodes_[static_cast<size_t>(child)];
      n.fail = target;
      const Node& t = nodes_[static_cast<size_t>(target)];
      n.dict = t.secret >= 0 ? target : t.dict;
      queue.push_back(child);
    }
  }
}

void Scrubber::Scrub(std::string& text) const {
  if (redacted_.empty()) return;
  // The longest value starting at each byte, as (length, secret index).
  std::vector<std::pair<int, int>> longest(text.size(), {0, -1});
  int state = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    while (state != 0 && Child(state, c) < 0) {
      state = nodes_[static_cast<size_t>(state)].fail;
    }
    state = std::max(Child(state, c), 0);
    const Node& here = nodes_[static_cast<size_t>(state)];
    for (int n = here.secret >= 0 ? state : here.dict; n > 0;
         n = nodes_[static_cast<size_t>(n)].dict) {
      const Node& end = nodes_[static_cast<size_t>(n)];
      auto& slot = longest[i + 1 - static_cast<size_t>(end.depth)];
      if (end.depth > slot.first) slot = {end.depth, end.secret};
    }
  }
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto [length, secret] = longest[i];
    if (secret < 0) {
      out.push_back(text[i++]);
      continue;
    }
    out += redacted_[static_cast<size_t>(secret)];
    i += static_cast<size_t>(length);
  }
  text = std::move(out);
}

}  // namespace safebuild
