// Binary keys are told apart from certificates, public keys and random
// bytes by their structure alone. A DER file is one SEQUENCE that fills
// the file (trailing blanks aside); its elements say which kind it is:
//
//   PKCS#1 RSA, OpenSSL DSA   INTEGER 0, then 5 or more INTEGERs
//   PKCS#8                    INTEGER 0|1, SEQUENCE {OID …}, OCTET STRING
//   PKCS#8, encrypted         SEQUENCE {OID of a PKCS#5/#12 cipher}, OCTET STRING
//   SEC1 EC                   INTEGER 1, OCTET STRING, [0] params, [1] key
//   PKCS#12                   INTEGER 3, SEQUENCE {OID pkcs7-data|signed}, …
//
// A certificate (SEQUENCE, SEQUENCE, BIT STRING) and a public key
// (SEQUENCE, BIT STRING, or two INTEGERs) match none of these. A PKCS#12
// file is a key when a key bag can be seen: OpenSSL and Java's keytool put
// keys in shrouded bags of the plain part, and certificates in the
// encrypted part, so a truststore shows no key bag.
#include "detect/binary_keys.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace safebuild::detect {
namespace {

using namespace std::string_view_literals;

unsigned Byte(std::string_view s, size_t at) { return static_cast<unsigned char>(s[at]); }

// One DER element: its tag and contents; `size` counts its header too.
struct Der {
  unsigned tag = 0;
  std::string_view body;
  size_t size = 0;
};

// The DER element at the start of `s`: nothing unless its length is
// definite and `s` holds it.
std::optional<Der> ReadDer(std::string_view s) {
  if (s.size() < 2) return std::nullopt;
  size_t length = Byte(s, 1);
  size_t header = 2;
  if (length & 0x80) {
    const size_t count = length & 0x7f;
    if (count == 0 || count > 4 || s.size() < 2 + count) return std::nullopt;
    length = 0;
    for (size_t i = 0; i < count; ++i) length = length << 8 | Byte(s, 2 + i);
    header += count;
  }
  if (length > s.size() - header) return std::nullopt;
  return Der{Byte(s, 0), s.substr(header, length), header + length};
}

// The elements of a constructed element's contents: nothing unless they
// fill it exactly.
std::optional<std::vector<Der>> ReadElements(std::string_view body) {
  constexpr size_t kMaxElements = 64;
  std::vector<Der> out;
  while (!body.empty()) {
    std::optional<Der> d = ReadDer(body);
    if (!d || out.size() == kMaxElements) return std::nullopt;
    out.push_back(*d);
    body.remove_prefix(d->size);
  }
  return out;
}

constexpr unsigned kInteger = 0x02;
constexpr unsigned kOctets = 0x04;
constexpr unsigned kOid = 0x06;
constexpr unsigned kSequence = 0x30;

// 1.2.840.113549.1 (RSADSI's PKCS arc) and the arcs under it.
constexpr std::string_view kPkcs = "\x2a\x86\x48\x86\xf7\x0d\x01"sv;
constexpr std::string_view kPkcs5 = "\x05"sv;        // PBES1/PBES2
constexpr std::string_view kPkcs12Pbe = "\x0c\x01"sv;
constexpr std::string_view kPkcs7Data = "\x07\x01"sv;
constexpr std::string_view kPkcs7Signed = "\x07\x02"sv;
// The OID elements of PKCS#12's keyBag and pkcs8ShroudedKeyBag.
constexpr std::string_view kKeyBag = "\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x0a\x01\x01"sv;
constexpr std::string_view kShroudedKeyBag =
    "\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x0c\x0a\x01\x02"sv;

bool IsSmallInteger(const Der& d, unsigned value) {
  return d.tag == kInteger && d.body.size() == 1 && Byte(d.body, 0) == value;
}

// Whether `d` is a SEQUENCE whose first element is an OID under
// PKCS's `arc` (an AlgorithmIdentifier or a ContentInfo).
bool StartsWithPkcsOid(const Der& d, std::string_view arc) {
  if (d.tag != kSequence) return false;
  std::optional<Der> oid = ReadDer(d.body);
  if (!oid || oid->tag != kOid || !oid->body.starts_with(kPkcs)) return false;
  return oid->body.substr(kPkcs.size()).starts_with(arc);
}

bool StartsWithAnyOid(const Der& d) {
  std::optional<Der> oid = d.tag == kSequence ? ReadDer(d.body) : std::nullopt;
  return oid && oid->tag == kOid;
}

// A DER private key's smallest secret: an Ed25519 seed.
constexpr size_t kMinSecret = 16;

std::optional<BinaryKey> RsaOrDsa(const std::vector<Der>& e) {
  constexpr size_t kDsaIntegers = 6;
  constexpr size_t kMinModulus = 64;  // 512 bits
  if (e.size() < kDsaIntegers || !IsSmallInteger(e[0], 0)) return std::nullopt;
  if (!std::all_of(e.begin(), e.end(), [](const Der& d) { return d.tag == kInteger; })) {
    return std::nullopt;
  }
  if (e[1].body.size() < kMinModulus) return std::nullopt;
  return BinaryKey{"private key (DER, RSA or DSA)", 0};
}

std::optional<BinaryKey> Pkcs8(const std::vector<Der>& e) {
  if (e.size() >= 3 && (IsSmallInteger(e[0], 0) || IsSmallInteger(e[0], 1)) &&
      StartsWithAnyOid(e[1]) && e[2].tag == kOctets && e[2].body.size() >= kMinSecret) {
    return BinaryKey{"private key (DER, PKCS#8)", 0};
  }
  const bool encrypted = e.size() == 2 && e[1].tag == kOctets &&
                         e[1].body.size() >= kMinSecret &&
                         (StartsWithPkcsOid(e[0], kPkcs5) || StartsWithPkcsOid(e[0], kPkcs12Pbe));
  if (encrypted) return BinaryKey{"encrypted private key (DER, PKCS#8)", 0};
  return std::nullopt;
}

std::optional<BinaryKey> Sec1(const std::vector<Der>& e) {
  constexpr size_t kMaxScalar = 72;  // P-521 has 66
  if (e.size() < 2 || !IsSmallInteger(e[0], 1) || e[1].tag != kOctets) return std::nullopt;
  if (e[1].body.size() < kMinSecret || e[1].body.size() > kMaxScalar) return std::nullopt;
  const bool rest = std::all_of(e.begin() + 2, e.end(), [](const Der& d) {
    return d.tag == 0xa0 || d.tag == 0xa1;
  });
  if (!rest) return std::nullopt;
  return BinaryKey{"EC private key (DER, SEC1)", 0};
}

std::optional<BinaryKey> Pkcs12(const std::vector<Der>& e, std::string_view file) {
  if (e.size() < 2 || e.size() > 3 || !IsSmallInteger(e[0], 3)) return std::nullopt;
  if (!StartsWithPkcsOid(e[1], kPkcs7Data) && !StartsWithPkcsOid(e[1], kPkcs7Signed)) {
    return std::nullopt;
  }
  const bool key_bag = file.find(kKeyBag) != std::string_view::npos ||
                       file.find(kShroudedKeyBag) != std::string_view::npos;
  if (!key_bag) return std::nullopt;
  return BinaryKey{"private key (PKCS#12)", 0};
}

std::optional<BinaryKey> DerKey(std::string_view data) {
  std::optional<Der> outer = ReadDer(data);
  if (!outer || outer->tag != kSequence) return std::nullopt;
  const std::string_view rest = data.substr(outer->size);
  if (rest.find_first_not_of(" \t\r\n"sv) != std::string_view::npos) return std::nullopt;
  std::optional<std::vector<Der>> e = ReadElements(outer->body);
  if (!e) return std::nullopt;
  std::optional<BinaryKey> key = RsaOrDsa(*e);
  if (!key) key = Pkcs8(*e);
  if (!key) key = Sec1(*e);
  if (!key) key = Pkcs12(*e, data);
  if (key) key->length = outer->size;
  return key;
}

// Big-endian fields (a Java keystore's, an OpenPGP length), read with bounds.
struct BigEndianReader {
  std::string_view s;
  size_t at = 0;
  bool ok = true;

  uint64_t Read(size_t bytes) {
    if (!ok || s.size() - at < bytes) {
      ok = false;
      return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; ++i) v = v << 8 | Byte(s, at + i);
    at += bytes;
    return v;
  }
  void Skip(uint64_t bytes) {
    if (!ok || s.size() - at < bytes) {
      ok = false;
      return;
    }
    at += static_cast<size_t>(bytes);
  }
  void SkipUtf() { Skip(Read(2)); }  // Java's modified UTF-8: a u16 length
};

// JKS and JCEKS: entries of trusted certificates (tag 2) are skipped;
// a private key (1) or, in JCEKS, a secret key (3) is the finding. Java's
// cacerts holds certificates only.
std::optional<BinaryKey> JavaKeyStore(std::string_view data) {
  const bool jceks = data.starts_with("\xce\xce\xce\xce"sv);
  if (!jceks && !data.starts_with("\xfe\xed\xfe\xed"sv)) return std::nullopt;
  BigEndianReader r{data, 4};
  const uint64_t version = r.Read(4);
  if (version != 1 && version != 2) return std::nullopt;
  const uint64_t count = r.Read(4);
  constexpr uint64_t kMaxEntries = 100000;
  for (uint64_t i = 0; i < count && i < kMaxEntries && r.ok; ++i) {
    const uint64_t tag = r.Read(4);
    if (!r.ok) break;
    if (tag == 1) return BinaryKey{"private key (Java keystore)", data.size()};
    if (tag == 3 && jceks) return BinaryKey{"secret key (Java keystore)", data.size()};
    if (tag != 2) return std::nullopt;
    r.SkipUtf();  // alias
    r.Skip(8);    // date
    if (version == 2) r.SkipUtf();  // certificate type
    r.Skip(r.Read(4));
  }
  return std::nullopt;
}

// An OpenPGP Secret-Key packet (tag 5) first, in either header format,
// of version 4 to 6 and a public-key algorithm OpenPGP defines.
std::optional<BinaryKey> OpenPgpSecretKey(std::string_view data) {
  constexpr size_t kMinBody = 32;
  if (data.size() < kMinBody) return std::nullopt;
  const unsigned first = Byte(data, 0);
  size_t length = 0;
  size_t header = 0;
  if (first == 0xc5) {  // new format
    const unsigned l0 = Byte(data, 1);
    if (l0 < 192) {
      length = l0;
      header = 2;
    } else if (l0 < 224) {
      length = ((l0 - 192) << 8) + Byte(data, 2) + 192;
      header = 3;
    } else if (l0 == 255) {
      BigEndianReader r{data, 2};
      length = static_cast<size_t>(r.Read(4));
      header = 6;
    } else {
      return std::nullopt;  // partial lengths are not for key packets
    }
  } else if ((first & 0xfc) == 0x94) {  // old format, tag 5
    const size_t bytes = size_t{1} << (first & 3);
    if (bytes > 4) return std::nullopt;
    BigEndianReader r{data, 1};
    length = static_cast<size_t>(r.Read(bytes));
    header = 1 + bytes;
  } else {
    return std::nullopt;
  }
  if (length < kMinBody || length > data.size() - header) return std::nullopt;
  const std::string_view body = data.substr(header, length);
  const unsigned version = Byte(body, 0);
  const unsigned algorithm = Byte(body, 5);
  constexpr unsigned kAlgorithms[] = {1, 2, 3, 16, 17, 18, 19, 22, 25, 26, 27, 28};
  if (version < 4 || version > 6 || std::find(std::begin(kAlgorithms), std::end(kAlgorithms),
                                              algorithm) == std::end(kAlgorithms)) {
    return std::nullopt;
  }
  return BinaryKey{"private key (OpenPGP, binary)", header + length};
}

}  // namespace

std::optional<BinaryKey> FindBinaryKey(std::string_view data) {
  if (data.size() < 2) return std::nullopt;
  switch (Byte(data, 0)) {
    case kSequence:
      return DerKey(data);
    case 0xfe:
    case 0xce:
      return JavaKeyStore(data);
    default:
      return OpenPgpSecretKey(data);
  }
}

}  // namespace safebuild::detect
