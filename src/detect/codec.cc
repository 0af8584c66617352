#include "detect/codec.h"

#include <array>

namespace safebuild::detect {
namespace {

constexpr std::string_view kBase62Digits =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kCrcTable = MakeCrcTable();

// 0..63 for a base64 digit of either alphabet, -1 otherwise.
int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace

uint32_t Crc32(std::string_view data) {
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = kCrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string Base62(uint64_t n, size_t width) {
  std::string out;
  do {
    out.insert(out.begin(), kBase62Digits[n % 62]);
    n /= 62;
  } while (n != 0);
  if (out.size() < width) out.insert(0, width - out.size(), '0');
  return out;
}

bool Base62ChecksumValid(std::string_view body_and_checksum) {
  constexpr size_t kWidth = 6;
  if (body_and_checksum.size() <= kWidth) return false;
  std::string_view body =
      body_and_checksum.substr(0, body_and_checksum.size() - kWidth);
  std::string_view sum = body_and_checksum.substr(body.size());
  return Base62(Crc32(body), kWidth) == sum;
}

std::optional<std::string> Base64Decode(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int d = Base64Digit(c);
    if (d < 0) return std::nullopt;
    acc = ((acc << 6) | static_cast<uint32_t>(d)) & 0xFFFFFFu;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace safebuild::detect
