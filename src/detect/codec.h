// Encodings the detector must undo or recompute to confirm a finding: the
// CRC32/base62 checksum GitHub and npm append to their tokens, the Bech32
// checksum of age keys, base64 (docker config "auth", HTTP Basic) that hides
// "user:password", the percent-encoding of URL query values, and the marshal
// format of compiled Python files, whose strings hold names and values apart.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace safebuild::detect {

/// CRC-32 (IEEE 802.3, as zlib's crc32).
uint32_t Crc32(std::string_view data);

/// `n` in base62 (0-9A-Za-z), left-padded with '0' to `width` digits.
std::string Base62(uint64_t n, size_t width);

/// True when the last 6 characters of `body_and_checksum` are the base62
/// CRC32 of the characters before them (GitHub classic and npm tokens).
bool Base62ChecksumValid(std::string_view body_and_checksum);

/// True when `s` is a valid Bech32 string (BIP 173): a human-readable part,
/// '1', data and a 6-character checksum, all in one case.
bool Bech32Valid(std::string_view s);

/// The Bech32 checksum of `hrp` and 5-bit `data`, as 6 five-bit values.
std::string Bech32Checksum(std::string_view hrp, std::string_view data);

/// The value of a hex digit in either case; -1 for any other character.
int HexDigit(char c);

/// "%2B" -> "+"; nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view in);

/// Where UTF-16 text starts and in which byte order.
struct Utf16Layout {
  size_t skip = 0;  // 2 after a byte order mark
  bool big_endian = false;
};

/// UTF-16 by its byte order mark (LE or BE), or UTF-16LE without one as
/// Windows tools write it: nearly every second byte NUL, the others text.
std::optional<Utf16Layout> DetectUtf16(std::string_view text);

/// One byte per UTF-16 code unit, so that offsets map back by doubling: the
/// unit itself below 0x100 (RE2 reads Latin-1), 0x1A for anything wider.
std::string NarrowUtf16(std::string_view text, Utf16Layout layout);

/// Standard or URL-safe base64, padding optional; nullopt when malformed.
std::optional<std::string> Base64Decode(std::string_view in);

/// The zlib stream `in` (PDF's /FlateDecode, a .zlib file, a PNG's zTXt)
/// inflated, up to `limit` bytes. What came before a fault in the stream is
/// kept; nullopt when nothing inflates.
std::optional<std::string> Inflate(std::string_view in, size_t limit);

/// A str or bytes object of a compiled Python file.
struct PycString {
  enum class Role {
    kConstant,  // in a code object's constants (a literal, a tuple of keyword names)
    kName,      // a name of a global, an attribute or a local variable
    kOther,     // outside code objects, or its file, name or line table
  };
  size_t offset = 0;  // its first byte in the file
  size_t length = 0;
  uint32_t code = 0;  // which code object holds it (0: none), numbered in file order
  Role role = Role::kOther;
};

/// The strings of a compiled Python file (marshal data of Python 3.7 to
/// 3.14, after the 16-byte header), in the order Python reads them; a
/// back-reference to an earlier string yields that string again where the
/// reference stands, as names shared by functions are written once.
/// nullopt for another version or malformed data.
std::optional<std::vector<PycString>> ReadPycStrings(std::string_view pyc);

/// An entry of a Java class file's constant pool: its tag, where it starts
/// (the tag's byte) and its number; a Utf8's bytes follow a two-byte length,
/// `text` ([at + 3, at + 3 + length)), a String names a Utf8 by `ref`.
struct ClassPoolEntry {
  static constexpr unsigned kUtf8 = 1;
  static constexpr unsigned kString = 8;
  unsigned tag = 0;
  size_t at = 0;
  unsigned index = 0;
  size_t length = 0;  // a Utf8's
  unsigned ref = 0;   // a String's Utf8
};

/// Calls `on_entry` for each entry of the constant pool of `text`, when it
/// is a class file (a fat Mach-O binary starts with the same magic, then a
/// small count, not a Java version); false when it is none. Reading stops
/// at the first entry that is not one, or at the end of the text.
bool WalkClassPool(std::string_view text,
                   const std::function<void(const ClassPoolEntry&)>& on_entry);

/// The Utf8 strings of a class file's constant pool as roles: kConstant for
/// those a String entry names (a literal in the code, a constant field's
/// value), kName for the others (class, field and method names, types), in
/// pool order, all in code object 0; nullopt for no class file.
std::optional<std::vector<PycString>> ReadClassStrings(std::string_view text);

}  // namespace safebuild::detect
