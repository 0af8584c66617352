// Which of many patterns a text may match, by Hyperscan: one pass that
// finds the literal parts of every pattern with SIMD and runs automata only
// around them. It answers the same question as an RE2::Set over the same
// regexes in less than half the time on package trees. Compiling the set
// takes about half a second, so it is compiled when safebuild is built, for
// any processor with SSSE3, and the binary carries it (Embedded*() below);
// loading it takes under a millisecond. Built only where Debian ships
// Hyperscan (amd64); elsewhere, or when the set cannot be loaded, the
// RE2::Set does the work.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct hs_database;
struct hs_scratch;

namespace safebuild::detect {

class HyperscanSet {
 public:
  /// Compiles the set of `regexes` (RE2 syntax, each read as Latin-1 bytes;
  /// a hit names a regex by its index), for any processor that Hyperscan
  /// runs on, into bytes that Load() reads. Empty, with `error` set, when
  /// this build has no Hyperscan or a regex is beyond it.
  static std::string Serialize(std::span<const std::string_view> regexes, std::string* error);

  /// The set that Serialize() wrote, or nullptr with `error` set (another
  /// Hyperscan version, a processor without SSSE3, no Hyperscan in this build).
  static std::unique_ptr<HyperscanSet> Load(std::string_view serialized, std::string* error);

  /// A set of plain `words` (no regex syntax; letters match in either case)
  /// for Starts(), or nullptr with `error` set. Compiling a few words takes
  /// milliseconds.
  static std::unique_ptr<HyperscanSet> CompileWords(std::span<const std::string_view> words,
                                                    std::string* error);

  ~HyperscanSet();
  HyperscanSet(const HyperscanSet&) = delete;
  HyperscanSet& operator=(const HyperscanSet&) = delete;

  /// Sets `hits` to the sorted indexes of the regexes that match somewhere in
  /// `text`. False when the scan could not run (no memory for a scratch
  /// space, a text over 4 GiB): the caller asks another engine.
  bool Match(std::string_view text, std::vector<int>* hits) const;

  /// Of a CompileWords() set: sets `starts` to every offset in `text` where
  /// one of the words starts, sorted and distinct. False as for Match(), and
  /// when there are more than `limit` (which bounds the memory taken).
  bool Starts(std::string_view text, size_t limit, std::vector<size_t>* starts) const;

 private:
  HyperscanSet() = default;
  bool Ready(std::string* error);
  hs_scratch* TakeScratch() const;
  void GiveBack(hs_scratch* scratch) const;

  hs_database* database_ = nullptr;
  std::vector<size_t> word_sizes_;  // of a CompileWords() set, by index
  // Each scan needs a scratch space of its own: one per thread that is
  // scanning, kept for the next scan.
  mutable std::mutex mutex_;
  mutable std::vector<hs_scratch*> idle_;
};

/// True when this build has Hyperscan.
bool HaveHyperscan();

/// A digest of `regexes` in order, to tell whether a serialized set was made
/// from them (FNV-1a; no secret is involved).
uint64_t RegexesDigest(std::span<const std::string_view> regexes);

/// The built-in patterns' set as serialized at build time (empty when the
/// build has no Hyperscan) and the RegexesDigest() of the regexes it holds.
/// Defined in a source file that the build generates.
std::string_view EmbeddedHyperscanSet();
uint64_t EmbeddedHyperscanDigest();

}  // namespace safebuild::detect
