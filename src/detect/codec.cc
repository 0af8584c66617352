#include "detect/codec.h"

#include <algorithm>
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

constexpr std::string_view kBech32Digits = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

uint32_t Bech32Polymod(std::string_view values) {
  constexpr uint32_t kGenerator[] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
                                     0x3d4233dd, 0x2a1462b3};
  uint32_t chk = 1;
  for (unsigned char v : values) {
    uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGenerator[i];
    }
  }
  return chk;
}

// The human-readable part as the checksum sees it: high bits, 0, low bits.
std::string Bech32ExpandHrp(std::string_view hrp) {
  std::string out;
  for (unsigned char c : hrp) out.push_back(static_cast<char>(c >> 5));
  out.push_back(0);
  for (unsigned char c : hrp) out.push_back(static_cast<char>(c & 31));
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Bech32Checksum(std::string_view hrp, std::string_view data) {
  std::string values = Bech32ExpandHrp(hrp);
  values.append(data);
  values.append(6, '\0');
  uint32_t mod = Bech32Polymod(values) ^ 1;
  std::string out;
  for (int i = 0; i < 6; ++i) {
    out.push_back(static_cast<char>((mod >> (5 * (5 - i))) & 31));
  }
  return out;
}

bool Bech32Valid(std::string_view s) {
  size_t sep = s.rfind('1');
  if (sep == std::string_view::npos || sep == 0 || s.size() - sep < 7) {
    return false;
  }
  bool upper = false, lower = false;
  std::string hrp, data;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    upper |= c >= 'A' && c <= 'Z';
    lower |= c >= 'a' && c <= 'z';
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (i < sep) {
      hrp.push_back(c);
    } else if (i > sep) {
      size_t d = kBech32Digits.find(c);
      if (d == std::string_view::npos) return false;
      data.push_back(static_cast<char>(d));
    }
  }
  if (upper && lower) return false;
  std::string values = Bech32ExpandHrp(hrp) + data;
  return Bech32Polymod(values) == 1;
}

std::optional<Utf16Layout> DetectUtf16(std::string_view text) {
  if (text.size() < 4) return std::nullopt;
  if (text[0] == '\xFF' && text[1] == '\xFE') return Utf16Layout{2, false};
  if (text[0] == '\xFE' && text[1] == '\xFF') return Utf16Layout{2, true};
  // Without a mark: the first units are ASCII text with NUL high bytes. A
  // binary has NULs too, but not at every other offset next to text. A
  // big file's later windows carry no mark even when the file did.
  constexpr size_t kSniffUnits = 2048;
  size_t units = std::min(text.size() / 2, kSniffUnits);
  size_t little = 0;
  size_t big = 0;
  auto printable = [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n' || c == '\r';
  };
  for (size_t i = 0; i < units; ++i) {
    little += printable(text[2 * i]) && text[2 * i + 1] == '\0';
    big += text[2 * i] == '\0' && printable(text[2 * i + 1]);
  }
  constexpr size_t kMinUnits = 4;
  if (units < kMinUnits) return std::nullopt;
  if (little * 10 >= units * 9) return Utf16Layout{0, false};
  if (big * 10 >= units * 9) return Utf16Layout{0, true};
  return std::nullopt;
}

std::string NarrowUtf16(std::string_view text, Utf16Layout layout) {
  std::string out;
  out.reserve((text.size() - layout.skip) / 2);
  for (size_t i = layout.skip; i + 1 < text.size(); i += 2) {
    unsigned char a = static_cast<unsigned char>(text[i]);
    unsigned char b = static_cast<unsigned char>(text[i + 1]);
    unsigned high = layout.big_endian ? a : b;
    unsigned low = layout.big_endian ? b : a;
    out.push_back(high == 0 ? static_cast<char>(low) : '\x1A');
  }
  return out;
}

std::optional<std::string> PercentDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    int hi = HexDigit(in[i + 1]), lo = HexDigit(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

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
