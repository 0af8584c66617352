// Credential files whose password is a field, not a key's value: each format
// with a generated password, and the lines and places that hold none.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "detect/detector.h"
#include "detect_test_util.h"
#include "fake_secret.h"

namespace safebuild {
namespace {

using detect_test::RulesOf;
using detect_test::Scan;

struct TableCase {
  std::string_view path;
  std::string before;  // the text up to the password
  std::string after;   // the text after it
  std::string_view description;
};

// Each format, written the way its program's manual shows it.
std::vector<TableCase> Cases() {
  return {
      {"/etc/ppp/chap-secrets", "# client\tserver\tsecret\tIP addresses\n\"isp-user\"\t*\t\"",
       "\"\t*\n", "password (PPP secrets file)"},
      {"/etc/ppp/pap-secrets", "dsluser * ", " *\n", "password (PPP secrets file)"},
      {"/etc/postfix/sasl_passwd", "[smtp.relay.example]:587 relay@example.org:", "\n",
       "password (Postfix sasl_passwd)"},
      {"/etc/davfs2/secrets", "https://dav.example.org/webdav davuser ", "\n",
       "password (davfs2 secrets)"},
      {"/root/.davfs2/secrets", "/mnt/dav alice \"", "\"\n", "password (davfs2 secrets)"},
      {"/root/.fetchmailrc",
       "poll imap.example.org protocol IMAP\n  user \"ops\" there with password \"",
       "\" is root here\n", "password (fetchmailrc)"},
      {"/home/ci/.curlrc", "--silent\nuser = \"ci:", "\"\n", "password (curlrc user)"},
      {"/home/ci/.curlrc", "-u ci:", "\n", "password (curlrc user)"},
      {"/home/ci/.curlrc", "proxy-user=\"proxy:", "\"\n", "password (curlrc user)"},
      {"/opt/kafka/config/kafka_server_jaas.conf",
       "KafkaServer {\n   org.apache.kafka.common.security.plain.PlainLoginModule required\n"
       "   user_alice=\"", "\";\n};\n", "password of a JAAS login module's user (user_NAME)"},
      {"/etc/openvpn/client/auth.txt", "vpnuser\n", "\n", "password (OpenVPN auth-user-pass)"},
      {"/etc/openvpn/client.conf",
       "client\ndev tun\nremote vpn.example.org 1194\n<auth-user-pass>\nvpnuser\n",
       "\n</auth-user-pass>\n", "password (OpenVPN auth-user-pass)"},
      {"/root/office.ovpn", "client\n<auth-user-pass>\nvpnuser\n", "\n</auth-user-pass>\n",
       "password (OpenVPN auth-user-pass)"},
  };
}

TEST(CredentialTables, EachFormatsPasswordIsFoundAtItsField) {
  for (const TableCase& c : Cases()) {
    SCOPED_TRACE(std::string(c.path) + ": " + c.before);
    const std::string password = fake::Mixed(14) + "!%";
    const std::string text = c.before + password + c.after;
    std::vector<Match> m = Scan(text, c.path);
    ASSERT_EQ(m.size(), 1u) << RulesOf(m);
    EXPECT_EQ(m[0].rule, "generic-secret-assignment");
    EXPECT_EQ(m[0].severity, Severity::kHigh);
    EXPECT_EQ(m[0].description, c.description);
    EXPECT_EQ(text.substr(m[0].offset, m[0].length), password);
  }
}

TEST(CredentialTables, TheSameTextElsewhereIsNoFinding) {
  for (const TableCase& c : Cases()) {
    SCOPED_TRACE(c.path);
    const std::string text = c.before + fake::Mixed(14) + c.after;
    for (std::string_view path : {"/srv/data/table.txt", "/usr/share/doc/ppp/examples/x"}) {
      std::vector<Match> m = Scan(text, path);
      EXPECT_TRUE(m.empty()) << RulesOf(m) << " at " << path;
    }
  }
}

TEST(CredentialTables, CommentsWildcardsAndPlaceholdersAreNoPasswords) {
  const std::vector<std::pair<std::string_view, std::string>> none = {
      {"/etc/ppp/chap-secrets", "# Secrets for authentication using CHAP\n"
                                "# client\tserver\tsecret\t\t\tIP addresses\n"},
      {"/etc/ppp/pap-secrets", "*\thostname\t\"\"\t*\n"},
      {"/etc/ppp/chap-secrets", "user * changeme *\nuser2 * <password> *\n"},
      {"/etc/postfix/sasl_passwd", "[smtp.example]:587 user@example.org:${SMTP_PASSWORD}\n"},
      {"/etc/davfs2/secrets", "# proxy.example.org  username  password\n"},
      {"/home/ci/.curlrc", "user-agent = \"Mozilla/5.0 (X11: Linux)\"\n--retry 3\n"},
      {"/etc/openvpn/server.conf", "port 1194\nproto udp\ndev tun\n"},
      {"/etc/openvpn/update-resolv-conf", "#!/bin/bash\nforeign_option_1\n"},
      {"/etc/openvpn/client/auth.txt", "vpnuser\nline two\nline three\n"},
      {"/srv/app/config/master.key", std::string(32, '0')},
      {"/home/dev/.kaggle/kaggle.json", "{\"username\":\"dev\",\"key\":\"<your-key>\"}"},
  };
  for (const auto& [path, text] : none) {
    std::vector<Match> m = Scan(text, path);
    EXPECT_TRUE(m.empty()) << RulesOf(m) << " in " << path << ":\n" << text;
  }
}

TEST(CredentialTables, RailsMasterKeysAndKaggleKeysAreFound) {
  const std::string hex = fake::Random(fake::kHexDigits, 32);
  for (std::string_view path :
       {"/app/config/master.key", "/app/config/credentials/production.key"}) {
    SCOPED_TRACE(path);
    for (const std::string& text : {hex, hex + "\n"}) {
      std::vector<Match> m = Scan(text, path);
      ASSERT_EQ(m.size(), 1u) << RulesOf(m);
      EXPECT_EQ(m[0].description, "Rails master key");
      EXPECT_EQ(m[0].severity, Severity::kCritical);
      EXPECT_EQ(m[0].length, 32u);
    }
  }
  EXPECT_TRUE(Scan(hex, "/app/lib/master.key").empty());

  // Kaggle writes 32 hex digits; a key of other letters is found too.
  for (const std::string& key : {fake::Random(fake::kHexDigits, 32), fake::Mixed(32)}) {
    const std::string json = "{\"username\":\"dev\",\"key\":\"" + key + "\"}";
    std::vector<Match> m = Scan(json, "/home/dev/.kaggle/kaggle.json");
    ASSERT_EQ(m.size(), 1u) << RulesOf(m);
    EXPECT_TRUE(m[0].description.starts_with("Kaggle API key")) << m[0].description;
    EXPECT_EQ(json.substr(m[0].offset, m[0].length), key);
  }
}

// Files that are one secret as a whole, by their place.
TEST(CredentialTables, FilesThatAreOneSecretAreFound) {
  const std::vector<std::pair<std::string_view, std::string_view>> kFiles = {
      {"/run/secrets/db_password", "secret file under /run/secrets (copied into the image)"},
      {"/etc/credstore/db.password", "systemd credential, unencrypted"},
      {"/run/credentials/app.service/token", "systemd credential, unencrypted"},
      {"/var/lib/rabbitmq/.erlang.cookie", "Erlang distribution cookie"},
      {"/deploy/ansible/.vault_pass", "Ansible vault password file"},
      {"/home/ops/.ansible/vault_password.txt", "Ansible vault password file"},
      {"/srv/play/.ansible-vault-pass", "Ansible vault password file"},
  };
  for (const auto& [path, description] : kFiles) {
    SCOPED_TRACE(path);
    const std::string secret = fake::Mixed(20);
    std::vector<Match> m = Scan(secret + "\n", path);
    ASSERT_EQ(m.size(), 1u) << RulesOf(m);
    EXPECT_EQ(m[0].description, description);
    EXPECT_EQ(m[0].length, secret.size());
    EXPECT_TRUE(Scan("changeme\n", path).empty());
    EXPECT_TRUE(Scan(secret + "\n", "/srv/data/db_password").empty());
  }
  std::string keyfile;
  for (int i = 0; i < 4; ++i) keyfile += fake::Random(fake::kBase64, 64) + "\n";
  std::vector<Match> m = Scan(keyfile, "/etc/mongo/mongo-keyfile");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].description, "MongoDB replica set key file");
  EXPECT_EQ(m[0].length, keyfile.size() - 1);
}

// A vault password script prints the password; it holds none.
TEST(CredentialTables, AVaultPasswordScriptIsNoVaultPassword) {
  EXPECT_TRUE(Scan("#!/bin/sh\nexec pass show ansible/vault\n", "/deploy/.vault_pass.py").empty());
  EXPECT_TRUE(Scan(fake::Mixed(20) + "\n", "/deploy/vault_passage.txt").empty());
}

TEST(CredentialTables, AGoogleAuthenticatorSeedIsFound) {
  const std::string seed = fake::Random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 26);
  const std::string text = seed + "\n\" RATE_LIMIT 3 30\n\" WINDOW_SIZE 17\n\" TOTP_AUTH\n" +
                           fake::Random("0123456789", 8) + "\n";
  std::vector<Match> m = Scan(text, "/home/app/.google_authenticator");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].description, "TOTP seed (google-authenticator)");
  EXPECT_EQ(m[0].offset, 0u);
  EXPECT_EQ(m[0].length, seed.size());
  EXPECT_TRUE(Scan(text, "/home/app/notes.txt").empty());
  EXPECT_TRUE(Scan("\" TOTP_AUTH\n", "/home/app/.google_authenticator").empty());
}

TEST(CredentialTables, ASubversionCachedPasswordIsFound) {
  const std::string password = fake::Mixed(14) + "!";
  const std::string text = "K 8\npasstype\nV 6\nsimple\nK 8\npassword\nV " +
                           std::to_string(password.size()) + "\n" + password +
                           "\nK 15\nsvn:realmstring\nV 30\n<https://svn.example:443> SVN\n"
                           "K 8\nusername\nV 5\nalice\nEND\n";
  const std::string path =
      "/root/.subversion/auth/svn.simple/" + fake::Random(fake::kHexDigits, 32);
  std::vector<Match> m = Scan(text, path);
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].description, "password (Subversion credential cache)");
  EXPECT_EQ(text.substr(m[0].offset, m[0].length), password);
  // The same store with the password left out (stored by a keyring).
  EXPECT_TRUE(Scan("K 8\npasstype\nV 13\ngnome-keyring\nEND\n", path).empty());
}

TEST(CommandLine, SqlServerToolsPasswordFlagIsFound) {
  const std::string password = fake::RandomPassword(16);
  for (const std::string& line :
       {"sqlcmd -S sql01 -U sa -P '" + password + "' -Q 'BACKUP DATABASE app'\n",
        "bcp app.dbo.users out users.dat -S sql01 -U sa -P" + password + " -c\n"}) {
    std::vector<Match> m = Scan("#!/bin/sh\n" + line, "/opt/mssql/backup.sh");
    ASSERT_EQ(m.size(), 1u) << RulesOf(m) << " in " << line;
    EXPECT_EQ(m[0].description, "password on a command line (sqlcmd -P)");
  }
  EXPECT_TRUE(Scan("sqlcmd -S sql01 -U sa -P \"$SA_PASSWORD\"\n", "/opt/x.sh").empty());
}

}  // namespace
}  // namespace safebuild
