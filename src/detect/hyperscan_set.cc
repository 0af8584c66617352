// Hyperscan reads the regexes as PCRE; the built-in patterns keep to the
// part of RE2's syntax that means the same there (a unit test compiles them
// all, and compares the hits of both engines). Where the two dialects differ
// at all, PCRE matches more ('$' also before a final newline, '\s' also a
// vertical tab), so a text the RE2 regex matches is never missed; each hit is
// confirmed by the pattern's own RE2 regex anyway.
#include "detect/hyperscan_set.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <string>

#ifdef SAFEBUILD_HAVE_HYPERSCAN
#include <hs.h>
#endif

namespace safebuild::detect {

uint64_t RegexesDigest(std::span<const std::string_view> regexes) {
  uint64_t hash = 14695981039346656037ULL;
  auto mix = [&](unsigned char byte) {
    hash ^= byte;
    hash *= 1099511628211ULL;
  };
  for (std::string_view regex : regexes) {
    for (char c : regex) mix(static_cast<unsigned char>(c));
    mix(0);  // ("ab", "c") is not ("a", "bc")
  }
  return hash;
}

#ifdef SAFEBUILD_HAVE_HYPERSCAN

bool HaveHyperscan() { return true; }

namespace {

// The whole set in one database; nullptr with `error` set on failure.
hs_database_t* CompileDatabase(std::span<const std::string_view> regexes,
                               const hs_platform_info_t* platform, std::string* error) {
  std::vector<std::string> texts(regexes.begin(), regexes.end());
  std::vector<const char*> expressions;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (size_t i = 0; i < texts.size(); ++i) {
    expressions.push_back(texts[i].c_str());
    // Whether a regex matches, not where: one hit each is enough.
    flags.push_back(HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* database = nullptr;
  hs_compile_error_t* compile_error = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, platform,
                       &database, &compile_error) != HS_SUCCESS) {
    *error = compile_error ? compile_error->message : "cannot compile";
    if (compile_error && compile_error->expression >= 0) {
      *error += " (regex " + std::to_string(compile_error->expression) + ")";
    }
    hs_free_compile_error(compile_error);
    return nullptr;
  }
  return database;
}

}  // namespace

std::string HyperscanSet::Serialize(std::span<const std::string_view> regexes,
                                    std::string* error) {
  // No processor features beyond the SSSE3 that Hyperscan needs anyway, and
  // no tuning for one family: the binary may run on another machine.
  hs_platform_info_t platform{};
  platform.tune = HS_TUNE_FAMILY_GENERIC;
  platform.cpu_features = 0;
  hs_database_t* database = CompileDatabase(regexes, &platform, error);
  if (database == nullptr) return {};
  char* bytes = nullptr;
  size_t size = 0;
  const hs_error_t status = hs_serialize_database(database, &bytes, &size);
  hs_free_database(database);
  if (status != HS_SUCCESS) {
    *error = "cannot serialize the database";
    return {};
  }
  std::string serialized(bytes, size);
  std::free(bytes);
  return serialized;
}

std::unique_ptr<HyperscanSet> HyperscanSet::Load(std::string_view serialized,
                                                 std::string* error) {
  if (serialized.empty()) {
    *error = "no set was compiled into this build";
    return nullptr;
  }
  if (hs_valid_platform() != HS_SUCCESS) {
    *error = "Hyperscan needs a processor with SSSE3";
    return nullptr;
  }
  std::unique_ptr<HyperscanSet> set(new HyperscanSet);
  const hs_error_t status =
      hs_deserialize_database(serialized.data(), serialized.size(), &set->database_);
  if (status != HS_SUCCESS) {
    *error = status == HS_DB_VERSION_ERROR ? "made by another Hyperscan version"
             : status == HS_DB_PLATFORM_ERROR ? "made for another processor"
                                               : "cannot read the database";
    set->database_ = nullptr;
    return nullptr;
  }
  return set->Ready(error) ? std::move(set) : nullptr;
}

std::unique_ptr<HyperscanSet> HyperscanSet::CompileWords(
    std::span<const std::string_view> words, std::string* error) {
  if (hs_valid_platform() != HS_SUCCESS) {
    *error = "Hyperscan needs a processor with SSSE3";
    return nullptr;
  }
  std::vector<const char*> expressions;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  std::vector<size_t> sizes;
  for (size_t i = 0; i < words.size(); ++i) {
    expressions.push_back(words[i].data());
    flags.push_back(HS_FLAG_CASELESS);  // every occurrence, overlapping ones too
    ids.push_back(static_cast<unsigned>(i));
    sizes.push_back(words[i].size());
  }
  std::unique_ptr<HyperscanSet> set(new HyperscanSet);
  hs_compile_error_t* compile_error = nullptr;
  if (hs_compile_lit_multi(expressions.data(), flags.data(), ids.data(), sizes.data(),
                           static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr,
                           &set->database_, &compile_error) != HS_SUCCESS) {
    *error = compile_error ? compile_error->message : "cannot compile";
    hs_free_compile_error(compile_error);
    return nullptr;
  }
  set->word_sizes_ = std::move(sizes);
  return set->Ready(error) ? std::move(set) : nullptr;
}

// The first scratch space, allocated up front so that a set that loads can
// also scan.
bool HyperscanSet::Ready(std::string* error) {
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(database_, &scratch) != HS_SUCCESS) {
    *error = "no memory for a scratch space";
    return false;
  }
  idle_.push_back(scratch);
  return true;
}

HyperscanSet::~HyperscanSet() {
  for (hs_scratch_t* scratch : idle_) hs_free_scratch(scratch);
  if (database_ != nullptr) hs_free_database(database_);
}

hs_scratch* HyperscanSet::TakeScratch() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!idle_.empty()) {
    hs_scratch_t* scratch = idle_.back();
    idle_.pop_back();
    return scratch;
  }
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(database_, &scratch) != HS_SUCCESS) return nullptr;
  return scratch;
}

void HyperscanSet::GiveBack(hs_scratch* scratch) const {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(scratch);
}

bool HyperscanSet::Match(std::string_view text, std::vector<int>* hits) const {
  hits->clear();
  if (text.size() > UINT_MAX) return false;
  hs_scratch_t* scratch = TakeScratch();
  if (scratch == nullptr) return false;
  auto on_match = [](unsigned id, unsigned long long, unsigned long long, unsigned,
                     void* context) -> int {
    static_cast<std::vector<int>*>(context)->push_back(static_cast<int>(id));
    return 0;  // go on
  };
  const hs_error_t status = hs_scan(database_, text.data(), static_cast<unsigned>(text.size()),
                                    0, scratch, on_match, hits);
  GiveBack(scratch);
  if (status != HS_SUCCESS) return false;
  std::sort(hits->begin(), hits->end());
  return true;
}

bool HyperscanSet::Starts(std::string_view text, size_t limit,
                          std::vector<size_t>* starts) const {
  starts->clear();
  if (text.size() > UINT_MAX || word_sizes_.empty()) return false;
  hs_scratch_t* scratch = TakeScratch();
  if (scratch == nullptr) return false;
  struct Context {
    const std::vector<size_t>* sizes;
    size_t limit;
    std::vector<size_t>* starts;
  } context{&word_sizes_, limit, starts};
  auto on_match = [](unsigned id, unsigned long long, unsigned long long to, unsigned,
                     void* opaque) -> int {
    auto* c = static_cast<Context*>(opaque);
    c->starts->push_back(static_cast<size_t>(to) - (*c->sizes)[id]);
    return c->starts->size() > c->limit ? 1 : 0;  // 1: stop
  };
  const hs_error_t status = hs_scan(database_, text.data(), static_cast<unsigned>(text.size()),
                                    0, scratch, on_match, &context);
  GiveBack(scratch);
  if (status != HS_SUCCESS) return false;
  // Reported by end offset: words of different lengths can come out of order.
  std::sort(starts->begin(), starts->end());
  starts->erase(std::unique(starts->begin(), starts->end()), starts->end());
  return true;
}

#else  // no Hyperscan in this build

bool HaveHyperscan() { return false; }

std::string HyperscanSet::Serialize(std::span<const std::string_view>, std::string* error) {
  *error = "built without Hyperscan";
  return {};
}

std::unique_ptr<HyperscanSet> HyperscanSet::Load(std::string_view, std::string* error) {
  *error = "built without Hyperscan";
  return nullptr;
}

std::unique_ptr<HyperscanSet> HyperscanSet::CompileWords(std::span<const std::string_view>,
                                                         std::string* error) {
  *error = "built without Hyperscan";
  return nullptr;
}

bool HyperscanSet::Ready(std::string*) { return false; }
bool HyperscanSet::Starts(std::string_view, size_t, std::vector<size_t>*) const {
  return false;
}

HyperscanSet::~HyperscanSet() = default;
hs_scratch* HyperscanSet::TakeScratch() const { return nullptr; }
void HyperscanSet::GiveBack(hs_scratch*) const {}
bool HyperscanSet::Match(std::string_view, std::vector<int>*) const { return false; }

#endif

}  // namespace safebuild::detect
