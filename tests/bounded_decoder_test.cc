#include "image/bounded_decoder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <thread>

#include "image_fixtures.h"

namespace safebuild {
namespace {

using test::Compress;
using test::Filter;

constexpr uint64_t kMiB = 1 << 20;

// Text that compresses, but not to nothing: several output blocks.
std::string Text(size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out;
  while (out.size() < size) out += "line " + std::to_string(rng() % 100000) + " of text\n";
  out.resize(size);
  return out;
}

// Hands `bytes` to a decoder in blocks of `block`.
BoundedDecoder::Next Blocks(const std::string& bytes, size_t block = 4096) {
  return [&bytes, block, pos = size_t{0}]() mutable -> Expected<std::string_view> {
    std::string_view out = std::string_view(bytes).substr(std::min(pos, bytes.size()), block);
    pos += out.size();
    return out;
  };
}

// Everything the decoder gives, or its error.
Expected<std::string> DecodeAll(BoundedDecoder& decoder) {
  std::string out;
  while (true) {
    Expected<std::string_view> block = decoder.Read();
    if (!block) return Fail(block.error());
    if (block->empty()) return out;
    out.append(*block);
  }
}

// Decoding `packed` to its end is refused for memory, with `error`.
void ExpectRefused(Codec codec, const std::string& packed, std::string_view error) {
  BoundedDecoder decoder(codec, Blocks(packed));
  Expected<std::string> out = DecodeAll(decoder);
  ASSERT_FALSE(out);
  EXPECT_TRUE(decoder.refused());
  EXPECT_EQ(out.error(), error);
}

Expected<std::string> Decode(Codec codec, const std::string& bytes, size_t block = 4096) {
  BoundedDecoder decoder(codec, Blocks(bytes, block));
  return DecodeAll(decoder);
}

TEST(CodecOf, KnowsXzAndZstdByTheirMagic) {
  EXPECT_EQ(CodecOf(Compress("a", Filter::kXz)), Codec::kXz);
  EXPECT_EQ(CodecOf(Compress("a", Filter::kZstd)), Codec::kZstd);
  EXPECT_EQ(CodecOf(std::string("\x50\x2a\x4d\x18\0\0\0\0", 8)), Codec::kZstd);  // skippable
  EXPECT_EQ(CodecOf(Compress("a", Filter::kGzip)), Codec::kNone);
  EXPECT_EQ(CodecOf("\xfd" "7z"), Codec::kNone);
  EXPECT_EQ(CodecOf(""), Codec::kNone);
}

TEST(CodecOf, KnowsTheLzmaAloneFormatByItsHeader) {
  EXPECT_EQ(CodecOf(test::LzmaAlone("a")), Codec::kLzma);
  EXPECT_EQ(CodecOf(test::LzmaAlone("a", 3u << 20)), Codec::kLzma);
  EXPECT_EQ(CodecOf(test::LzmaAlone("a", 3u << 20).substr(0, 12)), Codec::kNone);
  EXPECT_EQ(CodecOf(test::LzmaAlone("a", 5u << 20)), Codec::kNone);  // no such dictionary
  std::mt19937 rng(9);
  int taken = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string head(13, '\0');
    for (char& c : head) c = static_cast<char>(rng());
    taken += CodecOf(head) == Codec::kLzma;
  }
  EXPECT_EQ(taken, 0) << "random bytes are no lzma header";
}

TEST(BoundedDecoder, DecodesLzmaAndRefusesADictionaryOverThePool) {
  const std::string text = Text(700000, 10);
  Expected<std::string> out = Decode(Codec::kLzma, test::LzmaAlone(text));
  ASSERT_TRUE(out) << out.error();
  EXPECT_EQ(*out, text);
  ExpectRefused(Codec::kLzma, test::LzmaAlone(text, 1u << 30),
                "an lzma stream needs 1025 MiB to decode, more than 130 MiB");
}

TEST(BoundedDecoder, DecodesXzAndZstdWhateverTheBlockSize) {
  const std::string text = Text(3 * kMiB, 1);
  for (Filter f : {Filter::kXz, Filter::kZstd}) {
    const std::string packed = Compress(text, f);
    for (size_t block : {size_t{1}, size_t{7}, size_t{64} << 10}) {
      if (block == 1 && packed.size() > 200000) continue;
      Expected<std::string> out = Decode(CodecOf(packed), packed, block);
      ASSERT_TRUE(out) << out.error();
      EXPECT_EQ(*out, text) << block;
    }
  }
}

TEST(BoundedDecoder, ConcatenatedStreamsAndFramesDecodeInOrder) {
  const std::string a = Text(300000, 2);
  const std::string b = Text(200000, 3);
  for (Filter f : {Filter::kXz, Filter::kZstd}) {
    const std::string packed = Compress(a, f) + Compress(b, f);
    Expected<std::string> out = Decode(CodecOf(packed), packed);
    ASSERT_TRUE(out) << out.error();
    EXPECT_EQ(*out, a + b);
  }
}

TEST(BoundedDecoder, ASkippableZstdFrameIsPassedOver) {
  const std::string skippable = std::string("\x50\x2a\x4d\x18\x03\0\0\0", 8) + "abc";
  Expected<std::string> out = Decode(Codec::kZstd, skippable + Compress("data", Filter::kZstd));
  ASSERT_TRUE(out) << out.error();
  EXPECT_EQ(*out, "data");
}

TEST(BoundedDecoder, AWindowLargerThanThePoolIsRefusedBeforeItDecodes) {
  const std::string text = Text(100000, 4);
  for (const std::string& packed :
       {test::WithXzDict(Compress(text, Filter::kXz), 32),              // 256 MiB
        test::WithZstdWindow(Compress(text, Filter::kZstd), 18)}) {      // 256 MiB
    BoundedDecoder decoder(CodecOf(packed), Blocks(packed));
    Expected<std::string_view> block = decoder.Read();
    ASSERT_FALSE(block);
    EXPECT_TRUE(decoder.refused());
    EXPECT_NE(block.error().find("needs 25"), std::string::npos) << block.error();
    EXPECT_NE(block.error().find("to decode, more than 130 MiB"), std::string::npos)
        << block.error();
  }
}

TEST(BoundedDecoder, ALaterFrameWithALargerWindowIsRefusedToo) {
  const std::string a = Text(600000, 5);
  ExpectRefused(
      Codec::kZstd,
      Compress(a, Filter::kZstd) + test::WithZstdWindow(Compress("b", Filter::kZstd), 18),
      "a zstd frame needs 256 MiB to decode, more than 130 MiB");
}

// liblzma may end one stream and meet the next one's dictionary in one
// call: the bytes of the first come out before the refusal.
TEST(BoundedDecoder, EveryByteBeforeARefusedStreamComesOutFirst) {
  const std::string a = Text(900000, 11);
  for (const std::string& packed :
       {Compress(a, Filter::kXz) + test::WithXzDict(Compress("b", Filter::kXz), 32),
        Compress(a, Filter::kZstd) + test::WithZstdWindow(Compress("b", Filter::kZstd), 18)}) {
    BoundedDecoder decoder(CodecOf(packed), Blocks(packed, 1 << 20));
    std::string got;
    Expected<std::string_view> block = decoder.Read();
    for (; block && !block->empty(); block = decoder.Read()) got.append(*block);
    ASSERT_FALSE(block);
    EXPECT_TRUE(decoder.refused());
    EXPECT_EQ(got, a);
  }
}

TEST(BoundedDecoder, AWindowWithinThePoolIsGrantedAndHeldUntilTheDecoderEnds) {
  const std::string text = Text(500000, 6);
  for (const std::string& packed :
       {test::WithXzDict(Compress(text, Filter::kXz), 28),               // 64 MiB
        test::WithZstdWindow(Compress(text, Filter::kZstd), 16)}) {      // 64 MiB
    auto decoder = std::make_unique<BoundedDecoder>(CodecOf(packed), Blocks(packed));
    Expected<std::string> out = DecodeAll(*decoder);
    ASSERT_TRUE(out) << out.error();
    EXPECT_EQ(*out, text);
    std::atomic<bool> granted{false};
    std::thread other([&] {
      EXPECT_TRUE(DecoderPool::Get().Acquire(32 * kMiB));
      granted = true;
      DecoderPool::Get().Release(32 * kMiB);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(granted) << "another thread waits while the window is held";
    decoder.reset();
    other.join();
    EXPECT_TRUE(granted);
  }
}

TEST(BoundedDecoder, AWindowOfTheCommonSizesNeedsNoGrant) {
  ASSERT_TRUE(DecoderPool::Get().Acquire(kDecoderPool));  // the pool is all taken
  std::thread other([] {
    // xz -6 and zstd up to level 19: 8 MiB windows.
    const std::string text = Text(200000, 7);
    for (const std::string& packed : {test::WithXzDict(Compress(text, Filter::kXz), 22),
                                      test::WithZstdWindow(Compress(text, Filter::kZstd), 13)}) {
      Expected<std::string> out = Decode(CodecOf(packed), packed);
      EXPECT_TRUE(out && *out == text);
    }
  });
  other.join();
  DecoderPool::Get().Release(kDecoderPool);
}

// The free windows of one thread are counted together: streams nested in
// one another (an xz inside a zstd inside an xz) take from the pool past
// kFreeWindow in all, so their number does not multiply the memory.
TEST(BoundedDecoder, OneThreadsFreeWindowsAreCountedTogether) {
  const std::string text = Text(200000, 9);
  const std::string packed = test::WithXzDict(Compress(text, Filter::kXz), 21);  // 6 MiB
  ASSERT_TRUE(DecoderPool::Get().Acquire(kDecoderPool));  // this thread holds it all
  std::vector<std::unique_ptr<BoundedDecoder>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<BoundedDecoder>(Codec::kXz, Blocks(packed)));
    Expected<std::string_view> first = open.back()->Read();  // it is decoding now
    EXPECT_EQ(static_cast<bool>(first), i < 2) << i;
    EXPECT_EQ(open.back()->refused(), i == 2) << i;
  }
  std::thread other([&] {  // another thread has a free window of its own
    Expected<std::string> out = Decode(Codec::kXz, packed);
    EXPECT_TRUE(out && *out == text);
  });
  other.join();
  open.clear();  // gives back what the first two took
  Expected<std::string> out = Decode(Codec::kXz, packed);
  EXPECT_TRUE(out && *out == text);
  DecoderPool::Get().Release(kDecoderPool);

  PoolGrant a;
  std::optional<PoolGrant> b(std::in_place);
  ASSERT_TRUE(a.GrowTo(12 * kMiB));
  ASSERT_TRUE(b->GrowTo(12 * kMiB));  // 4 free, 8 from the pool
  std::atomic<bool> granted{false};
  std::thread waiting([&] {
    PoolGrant c;
    EXPECT_TRUE(c.GrowTo(kDecoderPool));
    granted = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(granted) << "the pool is held by the second grant";
  b.reset();
  waiting.join();
  EXPECT_TRUE(granted);
}

TEST(BoundedDecoder, TruncatedOrCorruptStreamsAreErrorsNotRefusals) {
  const std::string text = Text(400000, 8);
  for (Filter f : {Filter::kXz, Filter::kZstd}) {
    const std::string packed = Compress(text, f);
    std::string corrupt = packed;
    for (size_t i = packed.size() / 2; i < packed.size() / 2 + 64; ++i) corrupt[i] ^= 0x5a;
    for (const std::string& bad : {packed.substr(0, packed.size() / 2),
                                   packed.substr(0, packed.size() - 1), corrupt}) {
      BoundedDecoder decoder(CodecOf(packed), Blocks(bad));
      Expected<std::string> out = DecodeAll(decoder);
      EXPECT_FALSE(out);
      EXPECT_FALSE(decoder.refused());
    }
  }
  const std::string head = Compress(text, Filter::kZstd).substr(0, 1000);
  BoundedDecoder cut(Codec::kZstd, Blocks(head));
  Expected<std::string> out = DecodeAll(cut);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error(), "truncated zstd stream");
}

TEST(DecoderPool, TheOwnerMayAddUpToThePoolAndNoMore) {
  DecoderPool& pool = DecoderPool::Get();
  EXPECT_FALSE(pool.Acquire(kDecoderPool + 1));
  ASSERT_TRUE(pool.Acquire(100 * kMiB));
  EXPECT_TRUE(pool.Acquire(30 * kMiB));
  EXPECT_FALSE(pool.Acquire(kDecoderPool - 130 * kMiB + 1)) << "it cannot wait for itself";
  pool.Release(30 * kMiB);
  pool.Release(100 * kMiB);
  ASSERT_TRUE(pool.Acquire(kDecoderPool));
  pool.Release(kDecoderPool);
}

TEST(BoundedDecoder, AnErrorOfTheSourceIsPassedOn) {
  BoundedDecoder decoder(Codec::kXz, []() -> Expected<std::string_view> {
    return Fail("cannot read it");
  });
  Expected<std::string_view> block = decoder.Read();
  ASSERT_FALSE(block);
  EXPECT_EQ(block.error(), "cannot read it");
  EXPECT_FALSE(decoder.refused());
}

}  // namespace
}  // namespace safebuild
