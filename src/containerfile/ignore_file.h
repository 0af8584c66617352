// .containerignore / .dockerignore as buildah applies them to the build
// context. Each line is a pattern on '/'-separated paths relative to the
// context: `#` lines are comments, a leading "/" is dropped, `*` and `?` do
// not cross "/", `**` matches any number of directories, `\` escapes, and
// `[…]` is a character class. A pattern also matches everything under a
// directory it matches. A leading "!" re-includes; the last matching
// pattern wins.
#pragma once

#include <bitset>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace safebuild {

class IgnoreRules {
 public:
  /// Parses the text of an ignore file.
  static IgnoreRules Parse(std::string_view text);
  /// Reads `.containerignore`, else `.dockerignore`, at the context root.
  /// `name` receives the file used ("" when there is none).
  static IgnoreRules Load(const std::filesystem::path& context,
                          std::string* name);

  /// True when the context path `rel` ("a/b/.npmrc") is not sent to the build.
  bool Excludes(std::string_view rel) const;
  /// True when some pattern starts with "!".
  bool HasExceptions() const;

  // One element of a compiled pattern.
  struct Token {
    enum Kind { kLiteral, kStar, kOne, kClass, kAnyTail, kAnyDirs };
    Kind kind = kLiteral;
    char literal = 0;
    std::bitset<256> set;  // kClass
    bool negated = false;  // kClass: "[^…]"
  };

 private:
  struct Pattern {
    std::vector<Token> tokens;
    bool exception = false;
  };
  static bool Match(const Pattern& p, std::string_view path);

  std::vector<Pattern> patterns_;
};

/// Go's path.Clean for '/'-separated paths: "./a//b/../c" → "a/c".
std::string CleanPath(std::string_view path);

}  // namespace safebuild
