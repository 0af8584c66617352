// Private keys kept in binary: DER files and PKCS#12 written by openssl at
// test time, and Java keystores and OpenPGP packets built here around
// random key material, since neither keytool nor gpg is installed.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "detect/detector.h"
#include "detect_test_util.h"
#include "fake_secret.h"
#include "util/temp_dir.h"

namespace safebuild {
namespace {

using detect_test::ReadFile;
using detect_test::RulesOf;
using detect_test::Scan;
using detect_test::Shell;

constexpr char kMakeDerFiles[] =
    "openssl genrsa -out rsa.pem 2048"
    " && openssl rsa -in rsa.pem -traditional -outform DER -out rsa1.der"
    " && openssl pkey -in rsa.pem -outform DER -out rsa8.der"
    " && openssl pkcs8 -topk8 -in rsa.pem -outform DER -passout pass:test -out enc.der"
    " && openssl ecparam -genkey -name prime256v1 -noout -outform DER -out ec.der"
    " && openssl genpkey -algorithm ed25519 -outform DER -out ed.der"
    " && openssl dsaparam -genkey -noout -out dsa.pem 1024"
    " && openssl dsa -in dsa.pem -outform DER -out dsa.der"
    " && openssl req -x509 -key rsa.pem -subj /CN=safebuild-test -days 1 -out cert.pem"
    " && openssl x509 -in cert.pem -outform DER -out cert.der"
    " && openssl pkey -in rsa.pem -pubout -outform DER -out spki.der"
    " && openssl rsa -in rsa.pem -RSAPublicKey_out -outform DER -out rsapub.der"
    " && openssl ecparam -name prime256v1 -outform DER -out ecparam.der"
    " && openssl pkcs12 -export -inkey rsa.pem -in cert.pem -passout pass:test -out key.p12"
    " && openssl pkcs12 -export -inkey rsa.pem -in cert.pem -passout pass:test"
    "    -keypbe AES-256-CBC -certpbe AES-256-CBC -out aes.p12"
    " && openssl pkcs12 -export -nokeys -in cert.pem -passout pass:test -out trust.p12";

class BinaryKeys : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new Expected<TempDir>(TempDir::Create("binary-keys"));
    made_ = *dir_ && Shell("cd '" + (*dir_)->path().string() + "' && " + kMakeDerFiles);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(made_) << "openssl could not write the test keys"; }
  static std::string File(const char* name) { return ReadFile((*dir_)->path() / name); }

  static Expected<TempDir>* dir_;
  static bool made_;
};

Expected<TempDir>* BinaryKeys::dir_ = nullptr;
bool BinaryKeys::made_ = false;

// The one finding of `bytes` at `path`: a key that is the whole file.
void ExpectWholeFileKey(const std::string& bytes, std::string_view path,
                        Severity severity = Severity::kCritical) {
  std::vector<Match> m = Scan(bytes, path);
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "private-key");
  EXPECT_EQ(m[0].severity, severity) << m[0].description;
  EXPECT_EQ(m[0].offset, 0u);
  EXPECT_EQ(m[0].length, bytes.size());
  EXPECT_EQ(m[0].line, 1);
  EXPECT_EQ(m[0].redacted, "…");
}

TEST_F(BinaryKeys, EachDerPrivateKeyOpensslWritesIsAKey) {
  for (const char* name : {"rsa1.der", "rsa8.der", "enc.der", "ec.der", "ed.der", "dsa.der"}) {
    SCOPED_TRACE(name);
    ExpectWholeFileKey(File(name), std::string("/app/keys/") + name);
  }
}

TEST_F(BinaryKeys, APkcs12FileWithAKeyBagIsAKey) {
  for (const char* name : {"key.p12", "aes.p12"}) {
    SCOPED_TRACE(name);
    ExpectWholeFileKey(File(name), std::string("/srv/tls/") + name);
  }
}

TEST_F(BinaryKeys, CertificatesPublicKeysParametersAndTruststoresAreNoKeys) {
  for (const char* name : {"cert.der", "spki.der", "rsapub.der", "ecparam.der", "trust.p12"}) {
    SCOPED_TRACE(name);
    std::vector<Match> m = Scan(File(name), std::string("/etc/ssl/") + name);
    EXPECT_TRUE(m.empty()) << RulesOf(m);
  }
}

TEST_F(BinaryKeys, AKeyMustFillTheFileSaveForTrailingBlanks) {
  const std::string key = File("rsa1.der");
  std::vector<Match> m = Scan(key + "\r\n", "/app/key.der");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].length, key.size());
  EXPECT_TRUE(Scan(key.substr(0, key.size() - 1), "/app/key.der").empty());
  EXPECT_TRUE(Scan(key + "trailing data", "/app/key.der").empty());
}

TEST_F(BinaryKeys, AKeyAPackageShipsForItsTestsIsLow) {
  ExpectWholeFileKey(File("ec.der"),
                     "/usr/lib/python3/dist-packages/cryptography/tests/vectors/ec.der",
                     Severity::kLow);
}

// gnutls and libgcrypt compile PEM keys for their self-tests into their
// shared objects: low there; in an executable (a Go program embedding its
// own TLS key) or any other file the key is as critical as ever.
TEST_F(BinaryKeys, APemKeyCompiledIntoALibraryIsLow) {
  const std::string key = File("rsa.pem");
  const std::string elf = std::string("\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", 16) +
                          std::string(64, '\0') + key + std::string(16, '\0');
  for (const char* path : {"/opt/app/lib/libgnutls.so.30.34.3", "/opt/app/lib/libx.so"}) {
    std::vector<Match> m = Scan(elf, path);
    ASSERT_EQ(m.size(), 1u) << RulesOf(m) << path;
    EXPECT_EQ(m[0].severity, Severity::kLow) << path;
  }
  const std::string ar = "!<arch>\n/               0           0     0     0       4         `\n" +
                         std::string(4, '\0') + elf;
  std::vector<Match> in_ar = Scan(ar, "/opt/app/lib/libgnutls.a");
  ASSERT_EQ(in_ar.size(), 1u) << RulesOf(in_ar);
  EXPECT_EQ(in_ar[0].severity, Severity::kLow);
  for (const char* path : {"/usr/local/bin/server", "/opt/app/lib/notes.so.txt"}) {
    std::vector<Match> m = Scan(elf, path);
    ASSERT_EQ(m.size(), 1u) << RulesOf(m) << path;
    EXPECT_EQ(m[0].severity, Severity::kCritical) << path;
  }
  std::vector<Match> m = Scan("\n\n" + key, "/opt/app/lib/libx.so");  // not ELF
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].severity, Severity::kCritical);
}

// Java's KeyStore layout, version 2: a big-endian count, then entries of a
// tag (1 private key, 2 trusted certificate, 3 JCEKS secret key), an alias
// and a date. The keystore's trailing SHA-1 is random here.
class JavaKeyStore {
 public:
  explicit JavaKeyStore(std::string_view magic) : magic_(magic) {}
  void TrustedCertificate(const std::string& der) {
    Entry(2);
    Utf("X.509");
    U32(der.size());
    entries_ += der;
  }
  void PrivateKey(const std::string& protected_key, const std::string& chain_der) {
    Entry(1);
    U32(protected_key.size());
    entries_ += protected_key;
    U32(1);
    Utf("X.509");
    U32(chain_der.size());
    entries_ += chain_der;
  }
  void SecretKey(const std::string& sealed) {
    Entry(3);
    entries_ += sealed;
  }
  /// The keystore, saying it holds `count` entries.
  std::string Bytes(uint32_t count) const {
    std::string out = magic_ + Be32(2) + Be32(count) + entries_;
    return out + fake::Random(fake::kBase64, 20);
  }

 private:
  static std::string Be32(size_t v) {
    std::string out;
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(v >> shift & 0xff);
    return out;
  }
  void U32(size_t v) { entries_ += Be32(v); }
  void Utf(std::string_view s) { entries_ += Be32(s.size()).substr(2) + std::string(s); }
  void Entry(uint32_t tag) {
    U32(tag);
    Utf("alias" + std::to_string(tag));
    entries_ += std::string("\x00\x00\x01\x8c\x12\x34\x56\x78", 8);
  }

  std::string magic_;
  std::string entries_;
};

const std::string kJks("\xfe\xed\xfe\xed", 4);
const std::string kJceks("\xce\xce\xce\xce", 4);

TEST_F(BinaryKeys, AJavaKeystoreOfCertificatesOnlyIsNoKey) {
  JavaKeyStore store(kJks);
  store.TrustedCertificate(File("cert.der"));
  store.TrustedCertificate(File("cert.der"));
  std::vector<Match> m = Scan(store.Bytes(2), "/etc/ssl/certs/java/cacerts");
  EXPECT_TRUE(m.empty()) << RulesOf(m);
}

TEST_F(BinaryKeys, AJavaKeystoreWithAPrivateOrSecretKeyEntryIsAKey) {
  JavaKeyStore jks(kJks);
  jks.TrustedCertificate(File("cert.der"));
  jks.PrivateKey(File("enc.der"), File("cert.der"));
  ExpectWholeFileKey(jks.Bytes(2), "/app/conf/server.jks");

  JavaKeyStore jceks(kJceks);
  jceks.SecretKey(std::string("\xac\xed\x00\x05", 4) + fake::Random(fake::kBase64, 300));
  ExpectWholeFileKey(jceks.Bytes(1), "/app/conf/secrets.jceks");
}

TEST_F(BinaryKeys, AJavaKeystoreCutShortBeforeItsKeyIsNoKey) {
  JavaKeyStore store(kJks);
  store.TrustedCertificate(File("cert.der"));
  std::string bytes = store.Bytes(2);  // claims a second entry
  bytes.resize(bytes.size() - 30);
  std::vector<Match> m = Scan(bytes, "/app/conf/server.jks");
  EXPECT_TRUE(m.empty()) << RulesOf(m);
}

// An OpenPGP key packet of version 4: creation time, algorithm 22
// (EdDSA), the curve's OID and a random point, then for a secret key the
// unprotected scalar and its checksum.
std::string OpenPgpPacket(unsigned tag, bool new_format) {
  std::string body("\x04\x65\x12\x34\x56\x16\x09\x2b\x06\x01\x04\x01\xda\x47\x0f\x01", 16);
  body += std::string("\x01\x07\x40", 3) + fake::Random(fake::kBase64, 32);
  if (tag == 5) body += std::string("\x00\x00\xff", 3) + fake::Random(fake::kBase64, 32);
  std::string header;
  if (new_format) {
    header = {static_cast<char>(0xc0 | tag), static_cast<char>(body.size())};
  } else {
    header = {static_cast<char>(0x80 | tag << 2), static_cast<char>(body.size())};
  }
  return header + body;
}

TEST(BinaryKeyFormats, AnOpenPgpSecretKeyPacketIsAKeyAndAPublicOneIsNot) {
  for (bool new_format : {false, true}) {
    SCOPED_TRACE(new_format ? "new format" : "old format");
    const std::string secret = OpenPgpPacket(5, new_format);
    const std::string user_id = "\xb4\x0d" "Fake <f@x.io>";
    std::vector<Match> m = Scan(secret + user_id, "/root/secret.gpg");
    ASSERT_EQ(m.size(), 1u) << RulesOf(m);
    EXPECT_EQ(m[0].rule, "private-key");
    EXPECT_EQ(m[0].severity, Severity::kCritical);
    EXPECT_EQ(m[0].length, secret.size());
    m = Scan(OpenPgpPacket(6, new_format) + user_id, "/usr/share/keyrings/a.gpg");
    EXPECT_TRUE(m.empty()) << RulesOf(m);
  }
}

}  // namespace
}  // namespace safebuild
