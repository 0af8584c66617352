#include "detect/codec.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>

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

}  // namespace

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

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

std::optional<std::string> Inflate(std::string_view in, size_t limit) {
  z_stream z{};
  if (inflateInit2(&z, MAX_WBITS) != Z_OK) return std::nullopt;
  std::string out(std::min(limit, in.size() * 4 + 1024), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), UINT_MAX));
  int status = Z_OK;
  while (status == Z_OK) {
    if (z.total_out == out.size()) {
      if (out.size() >= limit) break;
      out.resize(std::min(limit, out.size() * 2));
    }
    z.next_out = reinterpret_cast<Bytef*>(out.data() + z.total_out);
    z.avail_out = static_cast<uInt>(out.size() - z.total_out);
    status = inflate(&z, Z_NO_FLUSH);
  }
  const size_t produced = z.total_out;
  inflateEnd(&z);
  if (produced == 0) return std::nullopt;
  out.resize(produced);
  return out;
}

namespace {

// The fields of a code object, which marshal writes without type bytes
// for its integers: `longs` 4-byte integers, eight objects (code, consts,
// names, … name), the first line number, then `tail` objects.
struct CodeLayout {
  int longs = 0;
  int tail = 0;
};

// By the magic number, which each Python release moves on.
std::optional<CodeLayout> LayoutOf(std::string_view pyc) {
  constexpr size_t kHeader = 16;
  if (pyc.size() < kHeader || pyc[2] != '\r' || pyc[3] != '\n') return std::nullopt;
  const unsigned magic = static_cast<unsigned char>(pyc[0]) |
                         (static_cast<unsigned>(static_cast<unsigned char>(pyc[1])) << 8);
  if (magic >= 3390 && magic < 3400) return CodeLayout{5, 1};  // 3.7
  if (magic >= 3400 && magic < 3450) return CodeLayout{6, 1};  // 3.8 to 3.10
  if (magic >= 3450 && magic < 3600) return CodeLayout{5, 2};  // 3.11 to 3.13
  return std::nullopt;
}

// A reader of marshal data that keeps only where the strings are. Every
// object written with the reference flag takes the next slot of a table,
// in the order their type bytes come; a reference names a slot.
class MarshalReader {
 public:
  MarshalReader(std::string_view data, CodeLayout layout) : data_(data), layout_(layout) {}

  bool ReadAll(size_t start) {
    pos_ = start;
    return Object(0) && pos_ == data_.size();
  }
  std::vector<PycString> strings;

 private:
  static constexpr int kMaxDepth = 200;
  // A reference repeats the strings of what it names, a string or a tuple
  // of names alike; hostile data could repeat a large tuple many times.
  static constexpr size_t kMaxStrings = 1 << 20;
  struct Slot {  // the strings read while reading the object
    size_t first = 0;
    size_t end = 0;
  };

  bool Skip(size_t n) {
    if (n > data_.size() - pos_) return false;
    pos_ += n;
    return true;
  }
  bool Byte(uint32_t& v) {
    if (pos_ >= data_.size()) return false;
    v = static_cast<unsigned char>(data_[pos_++]);
    return true;
  }
  bool Long(uint32_t& v) {
    if (data_.size() - pos_ < 4) return false;
    v = 0;
    for (int i = 3; i >= 0; --i) {
      v = (v << 8) | static_cast<unsigned char>(data_[pos_ + static_cast<size_t>(i)]);
    }
    pos_ += 4;
    return true;
  }
  bool Text(uint32_t length) {
    if (!Skip(length)) return false;
    strings.push_back({pos_ - length, length, code_, role_});
    return true;
  }
  bool Items(uint32_t n, int depth) {
    if (n > data_.size() - pos_) return false;  // each item takes a byte at least
    for (uint32_t i = 0; i < n; ++i) {
      if (!Object(depth + 1)) return false;
    }
    return true;
  }
  bool Reference() {
    uint32_t n = 0;
    if (!Long(n) || n >= slots_.size()) return false;
    const Slot named = slots_[n];
    if (strings.size() + (named.end - named.first) > kMaxStrings) return false;
    for (size_t i = named.first; i < named.end; ++i) {
      PycString copy = strings[i];
      copy.code = code_;
      copy.role = role_;
      strings.push_back(copy);
    }
    return true;
  }
  bool Dict(int depth) {
    while (pos_ < data_.size() && data_[pos_] != '0') {
      if (!Object(depth + 1) || !Object(depth + 1)) return false;
    }
    return Skip(1);
  }
  // The role of the strings in the code object's field `i` of the eight:
  // code, constants, names, then variable names (3.11: locals and cells,
  // their kinds; before: locals, free and cell variables), file, name.
  PycString::Role FieldRole(int i) const {
    if (i == 1) return PycString::Role::kConstant;
    const int last_name = layout_.tail == 1 ? 5 : 3;
    return i >= 2 && i <= last_name ? PycString::Role::kName : PycString::Role::kOther;
  }
  bool Code(int depth) {
    const uint32_t outer = code_;
    const PycString::Role outer_role = role_;
    code_ = ++codes_;
    uint32_t ignored = 0;
    bool ok = true;
    for (int i = 0; ok && i < layout_.longs; ++i) ok = Long(ignored);
    for (int i = 0; ok && i < 8; ++i) {
      role_ = FieldRole(i);
      ok = Object(depth + 1);
    }
    role_ = PycString::Role::kOther;
    ok = ok && Long(ignored);
    for (int i = 0; ok && i < layout_.tail; ++i) ok = Object(depth + 1);
    code_ = outer;
    role_ = outer_role;
    return ok;
  }
  bool Object(int depth);
  bool Value(uint32_t type, int depth);

  std::string_view data_;
  CodeLayout layout_;
  size_t pos_ = 0;
  std::vector<Slot> slots_;
  uint32_t code_ = 0;
  uint32_t codes_ = 0;
  PycString::Role role_ = PycString::Role::kOther;
};

bool MarshalReader::Object(int depth) {
  uint32_t type = 0;
  if (depth > kMaxDepth || !Byte(type)) return false;
  if ((type & 0x80) == 0) return Value(type, depth);
  // The slot is taken before what the object holds is read, as Python does.
  const size_t slot = slots_.size();
  slots_.push_back({strings.size(), strings.size()});
  if (!Value(type & 0x7F, depth)) return false;
  slots_[slot].end = strings.size();
  return true;
}

bool MarshalReader::Value(uint32_t type, int depth) {
  uint32_t n = 0;
  switch (type) {
    case '0': case 'N': case 'S': case '.': case 'F': case 'T':
      return true;
    case 'i':
      return Skip(4);
    case 'I': case 'g':
      return Skip(8);
    case 'y':
      return Skip(16);
    case 'f':
      return Byte(n) && Skip(n);
    case 'x':
      return Byte(n) && Skip(n) && Byte(n) && Skip(n);
    case 'l':  // a signed count of 15-bit digits, two bytes each
      return Long(n) && Skip(2 * static_cast<size_t>(n & 0x80000000u ? 0u - n : n));
    case 's': case 't': case 'u': case 'a': case 'A':
      return Long(n) && Text(n);
    case 'z': case 'Z':
      return Byte(n) && Text(n);
    case ')':
      return Byte(n) && Items(n, depth);
    case '(': case '[': case '<': case '>':
      return Long(n) && Items(n, depth);
    case '{':
      return Dict(depth);
    case 'r':
      return Reference();
    case 'c':
      return Code(depth);
    default:
      return false;
  }
}

}  // namespace

std::optional<std::vector<PycString>> ReadPycStrings(std::string_view pyc) {
  std::optional<CodeLayout> layout = LayoutOf(pyc);
  if (!layout) return std::nullopt;
  MarshalReader reader(pyc, *layout);
  if (!reader.ReadAll(16)) return std::nullopt;
  return std::move(reader.strings);
}

}  // namespace safebuild::detect

namespace safebuild::detect {

bool WalkClassPool(std::string_view text,
                   const std::function<void(const ClassPoolEntry&)>& on_entry) {
  constexpr size_t kHeader = 10;
  constexpr unsigned kFirstJavaMajor = 45;
  auto u16 = [&](size_t at) {
    return static_cast<unsigned>(static_cast<unsigned char>(text[at]) << 8 |
                                 static_cast<unsigned char>(text[at + 1]));
  };
  if (text.size() < kHeader || !text.starts_with("\xCA\xFE\xBA\xBE") ||
      u16(6) < kFirstJavaMajor) {
    return false;
  }
  const unsigned count = u16(8);
  size_t at = kHeader;
  for (unsigned i = 1; i < count && at < text.size(); ++i) {
    ClassPoolEntry e;
    e.tag = static_cast<unsigned char>(text[at]);
    e.at = at;
    e.index = i;
    switch (e.tag) {
      case ClassPoolEntry::kUtf8:  // a length, then the bytes
        if (at + 3 > text.size()) return true;
        e.length = std::min<size_t>(u16(at + 1), text.size() - at - 3);
        at += 3 + u16(at + 1);
        break;
      case 5: case 6:  // Long, Double: 8 bytes, two entries
        at += 9;
        ++i;
        break;
      case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
        at += 5;
        break;
      case 15:
        at += 4;
        break;
      case 7: case ClassPoolEntry::kString: case 16: case 19: case 20:
        if (at + 3 > text.size()) return true;
        e.ref = u16(at + 1);
        at += 3;
        break;
      default:  // not a constant pool any more: what was read is done
        return true;
    }
    on_entry(e);
  }
  return true;
}

std::optional<std::vector<PycString>> ReadClassStrings(std::string_view text) {
  std::vector<ClassPoolEntry> utf8;
  std::vector<unsigned> named;  // the Utf8 entries String entries name
  const bool read = WalkClassPool(text, [&](const ClassPoolEntry& e) {
    if (e.tag == ClassPoolEntry::kUtf8) utf8.push_back(e);
    if (e.tag == ClassPoolEntry::kString) named.push_back(e.ref);
  });
  if (!read) return std::nullopt;
  std::sort(named.begin(), named.end());
  std::vector<PycString> out;
  out.reserve(utf8.size());
  for (const ClassPoolEntry& e : utf8) {
    PycString s;
    s.offset = e.at + 3;
    s.length = e.length;
    s.code = 1;
    s.role = std::binary_search(named.begin(), named.end(), e.index) ? PycString::Role::kConstant
                                                                      : PycString::Role::kName;
    out.push_back(s);
  }
  return out;
}

}  // namespace safebuild::detect
