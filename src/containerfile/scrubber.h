// Replaces every known secret value in a text by its redacted form, in one
// pass however many values are known. Lint hands out messages, fixes and
// excerpts for thousands of findings; checking each against every remembered
// value one by one made a file with many secrets quadratic. The values go
// into an Aho-Corasick automaton once; a text is then scanned in time linear
// in its length (plus the matches found).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace safebuild {

class Scrubber {
 public:
  /// `secrets` in any order; duplicates are harmless.
  explicit Scrubber(const std::vector<std::string>& secrets);

  /// Left to right, the longest value starting at each position is replaced
  /// by Redact(value); replaced bytes are not looked at again.
  void Scrub(std::string& text) const;

 private:
  struct Node {
    int fail = 0;
    int dict = -1;     // nearest node on the fail chain that ends a value
    int secret = -1;   // index of the value ending here, -1 when none
    int depth = 0;
  };
  int Child(int node, unsigned char c) const;
  void Link();

  std::vector<Node> nodes_;
  std::unordered_map<uint64_t, int> edges_;  // (node << 8 | byte) -> child
  std::vector<std::vector<int>> children_;
  std::vector<std::string> redacted_;
};

}  // namespace safebuild
