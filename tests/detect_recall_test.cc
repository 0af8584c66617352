// Secrets in the places a first scan of real images missed, and the
// examples it wrongly blocked: tokens glued to the text before them (SQLite
// stores columns back to back), passwords on a continued .properties line
// or on a MySQL command line, and the examples in the documentation of
// third-party packages. Every value is generated at run time.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "detect/detector.h"
#include "detect/filters.h"
#include "detect/packed_blob.h"
#include "detect_test_util.h"
#include "fake_secret.h"
#include "util/fingerprint.h"

namespace safebuild {
namespace {

using fake::Kind;

using detect_test::RulesOf;
using detect_test::Scan;

// The one match of `text`: its rule, severity and exact span.
void ExpectOne(std::string_view text, std::string_view path, std::string_view rule,
               Severity severity, std::string_view value) {
  std::vector<Match> m = Scan(text, path);
  ASSERT_EQ(m.size(), 1u) << RulesOf(m) << " in\n" << text;
  EXPECT_EQ(m[0].rule, rule);
  EXPECT_EQ(m[0].severity, severity);
  EXPECT_EQ(m[0].offset, text.find(value));
  EXPECT_EQ(m[0].length, value.size());
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, value));
}

void ExpectNone(std::string_view text, std::string_view path = {}) {
  std::vector<Match> m = Scan(text, path);
  EXPECT_TRUE(m.empty()) << RulesOf(m) << " in\n" << text;
}

std::string FakeFormat(std::string_view rule) {
  for (const fake::TokenFormat& f : fake::kTokenFormats) {
    if (f.rule == rule) return fake::Make(f);
  }
  ADD_FAILURE() << "no fake format " << rule;
  return {};
}

// ---------------------------------------------------------------------------
// Tokens glued to a word

TEST(GluedToken, ChecksummedTokensAreFoundRightAfterLetters) {
  const std::pair<std::string_view, std::string_view> kinds[] = {
      {"ghp_", "github-classic-token"}, {"gho_", "github-oauth-token"},
      {"ghu_", "github-user-token"},    {"ghs_", "github-app-token"},
      {"ghr_", "github-refresh-token"}, {"npm_", "npm-token"}};
  for (const auto& [prefix, rule] : kinds) {
    for (std::string_view before : {"registry_token", "ci", "x9"}) {
      std::string token = fake::Checksummed(prefix);
      ExpectOne(std::string(before) + token + "\n", "/root/notes.txt", rule,
                Severity::kCritical, token);
    }
  }
}

TEST(GluedToken, ChecksummedShapeAfterLettersNeedsItsChecksum) {
  for (std::string_view prefix : {"ghp_", "npm_"}) {
    std::string token = fake::Checksummed(prefix);
    token.back() = token.back() == 'a' ? 'b' : 'a';
    // Alone, an unverified shape is still reported (one step lower) ...
    ASSERT_EQ(Scan(token + "\n").size(), 1u);
    // ... but glued to a word only the checksum tells it from chance.
    ExpectNone("ci" + token + "\n");
    ExpectNone("registry_token" + token + "\n");
  }
}

TEST(GluedToken, LongDistinctivePrefixesAreFoundRightAfterLetters) {
  for (std::string_view rule :
       {"github-fine-grained-token", "gitlab-token", "gitlab-deploy-token",
        "gitlab-runner-token", "pypi-token", "dockerhub-pat", "slack-bot-token",
        "slack-user-token", "stripe-secret-key", "stripe-restricted-key",
        "anthropic-api-key", "shopify-access-token", "age-secret-key"}) {
    SCOPED_TRACE(std::string(rule));
    std::string token = FakeFormat(rule);
    std::vector<Match> m = Scan("deploy_token" + token + "\n");
    ASSERT_EQ(m.size(), 1u) << RulesOf(m);
    EXPECT_EQ(m[0].rule, rule);
    EXPECT_EQ(m[0].offset, std::string("deploy_token").size());
    EXPECT_EQ(m[0].length, token.size());
  }
}

TEST(GluedToken, ShortPrefixesKeepTheirWordBoundary) {
  // Four letters or fewer end many words and identifiers: "MASK…",
  // "xAIza…" and "dAKIA…" are chance, not tokens.
  ExpectNone("MASK" + fake::Random("0123456789abcdef", 32) + "\n");
  ExpectNone("xAIza" + fake::Random(fake::kUrlSafe, 35) + "\n");
  ExpectNone("dAKIA" + fake::Random(fake::kBase32, 16) + "\n");
  ExpectNone("xdop_v1_" + fake::Random("0123456789abcdef", 64) + "\n");
  // Words after a long prefix are no random body.
  ExpectNone("task_live_UpdateTheCustomerRecordsNow\n");
}

// An SQLite table row: a record header of serial types, then the columns'
// bytes back to back, so a key's text runs straight into its value.
std::string SqliteRow(std::string_view key, std::string_view value) {
  std::string row("\x00\x00\x0f\x8c\x00\x0d\x01\x04\x03", 9);
  row += static_cast<char>(13 + 2 * key.size());  // text serial types
  row += static_cast<char>(13 + 2 * value.size());
  row += "\x01";  // an integer column
  row += key;
  row += value;
  row += '\x07';
  return row;
}

TEST(GluedToken, TokensInASqliteDatabaseAreFoundAtTheirBytes) {
  std::string npm = fake::Make(Kind::kNpmToken);
  std::string gh = fake::Make(Kind::kGithubToken);
  std::string gl = fake::Make(Kind::kGitlabToken);
  std::string db("SQLite format 3\0\x10\0\x01\x01\0@  ", 24);
  db += std::string(4072, '\0');
  db += SqliteRow("registry_token", npm);
  db += SqliteRow("ci", gh);
  db += SqliteRow("gitlab", gl);
  db += std::string(512, '\0');
  std::vector<Match> m = Scan(db, "/var/lib/app/app.db");
  ASSERT_EQ(m.size(), 3u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "npm-token");
  EXPECT_EQ(m[0].offset, db.find(npm));
  EXPECT_EQ(m[0].length, npm.size());
  EXPECT_EQ(m[1].rule, "github-classic-token");
  EXPECT_EQ(m[1].offset, db.find(gh));
  EXPECT_EQ(m[2].rule, "gitlab-token");
  EXPECT_EQ(m[2].offset, db.find(gl));
  EXPECT_EQ(m[2].fingerprint, Fingerprint("gitlab-token", gl));
}

// ---------------------------------------------------------------------------
// Passwords the key=value rules missed

TEST(MissedPassword, PropertiesValueOnAContinuationLineIsFound) {
  std::string pass = fake::Mixed(18);
  for (std::string_view eol : {"\n", "\r\n"}) {
    std::string text = "spring.datasource.url=jdbc:postgresql://db/app" + std::string(eol) +
                       "spring.datasource.password=\\" + std::string(eol) + "    " + pass +
                       std::string(eol) + "spring.jpa.show-sql=true" + std::string(eol);
    ExpectOne(text, "/srv/conf/application.properties", "generic-secret-assignment",
              Severity::kHigh, pass);
  }
  ExpectNone("db.password=\\\n    changeme\n", "/srv/conf/application.properties");
  ExpectNone("db.password=\\\n    ${DB_PASSWORD}\n", "/srv/conf/application.properties");
}

TEST(MissedPassword, MysqlPasswordGluedToDashPIsFound) {
  const std::string kCommands[] = {"mysql -u root -p", "mysqldump -uroot -p",
                                   "mysqladmin --host=db -u admin -p", "mariadb -p",
                                   "/usr/bin/mysql -h 10.0.0.5 -P 3306 -u app -p"};
  for (const std::string& command : kCommands) {
    SCOPED_TRACE(command);
    std::string pass = fake::Mixed(21);
    ExpectOne("ls\n" + command + pass + " appdb\n", "/root/.bash_history",
              "generic-secret-assignment", Severity::kHigh, pass);
    std::string quoted = fake::Mixed(16);
    ExpectOne(command + "'" + quoted + "' db > dump.sql\n", "/opt/backup.sh",
              "generic-secret-assignment", Severity::kHigh, quoted);
  }
}

TEST(MissedPassword, MysqlDashPWithoutARealPasswordIsNoFinding) {
  ExpectNone("mysql -u root -p appdb\n", "/root/.bash_history");
  ExpectNone("mysql -u root -p\"$MYSQL_ROOT_PASSWORD\" db\n", "/entrypoint.sh");
  ExpectNone("mysql -uroot -p${MYSQL_PASSWORD} db\n", "/entrypoint.sh");
  ExpectNone("mysql -u root -ppassword db\n", "/root/.bash_history");
  ExpectNone("mysql -u root -pchangeme db\n", "/root/.bash_history");
  ExpectNone("mysql -P3306 --protocol=tcp db\n", "/root/.bash_history");
  ExpectNone("ssh -p2222 deploy@host\n", "/root/.bash_history");
}

// The password given to a command as an argument: in a script, and in an
// image's history, where each RUN line is kept.
TEST(MissedPassword, PasswordsGivenToCommandsAreFound) {
  const std::vector<std::pair<std::string, std::string>> kForms = {
      {"curl -fsSL -u deploy:", " https://repo.example.invalid/a.tgz"},
      {"curl --user 'deploy:", "' -O https://repo.example.invalid/a.tgz"},
      {"sshpass -p ", " ssh deploy@10.0.0.5"},
      {"sshpass -p'", "' scp a host:"},
      {"redis-cli -h cache -a ", " ping"},
      {"htpasswd -bc /etc/nginx/.htpasswd admin ", ""},
      {"htpasswd -b -c /etc/nginx/.htpasswd admin ", ""},
      {"htpasswd -c -B -b /etc/nginx/.htpasswd admin ", " && nginx -t"},
      {"htpasswd -nb admin ", " > /etc/nginx/.htpasswd"},
      {"curl -sSu deploy:", " https://repo.example.invalid/a.tgz"},
      {"openssl enc -aes-256-cbc -salt -in a.tar -out a.enc -k ", ""},
      {"docker login -u ci -p ", " registry.example.invalid"},
      {"mongosh --host db -u root -p ", " admin"},
      {"keytool -importkeystore -srckeystore a.p12 -srcstorepass ", " -destkeystore b.jks"},
      {"openssl pkcs12 -export -in a.crt -passout pass:", " -out a.p12"},
      {"echo 'root:", "' | chpasswd"},
      {"printf 'root:", "\\n' | chpasswd"},
      {"echo '", "' | passwd --stdin root"},
      {"printf '", "\\n' | passwd root"},
  };
  for (const auto& [before, after] : kForms) {
    SCOPED_TRACE(before);
    const std::string pass = fake::Mixed(18);
    ExpectOne("set -e\n" + before + pass + after + "\n", "/opt/setup.sh",
              "generic-secret-assignment", Severity::kHigh, pass);
    ExpectOne("/bin/sh -c " + before + pass + after, "history/3", "generic-secret-assignment",
              Severity::kHigh, pass);
  }
  for (const char* none :
       {"curl -u \"$USER:$PASS\" https://h/", "curl -u deploy:${TOKEN} https://h/",
        "curl -u admin:changeme https://h/", "sshpass -p \"$SSHPASS\" ssh h",
        "redis-cli -a password ping", "docker login -u ci -p $CI_TOKEN reg",
        "keytool -list -storepass:env STOREPASS", "openssl enc -pass pass:$KEY",
        "echo 'root:root' | chpasswd", "curl -u user: https://h/", "ssh -p 22 h",
        "echo \"${ROOT_PASSWORD}\" | passwd --stdin root", "echo done | passwd -l root"}) {
    ExpectNone(std::string(none) + "\n", "/opt/setup.sh");
  }
}

// A secret's name and value apart from the usual NAME=VALUE: with a type
// between them, as two fields of a list entry, in a Terraform variable's
// default, after a YAML anchor or tag.
TEST(MissedPassword, NamesAndValuesInOtherShapesAreFound) {
  const std::vector<std::tuple<std::string, std::string, std::string>> kForms = {
      {"/app/settings.py", "SECRET_KEY: str = \"", "\"\n"},
      {"/app/config.py", "class S(BaseSettings):\n    db_password: SecretStr = '", "'\n"},
      {"/app/src/api.ts", "  private readonly apiToken: string = '", "';\n"},
      {"/app/Config.kt", "    val apiToken: String = \"", "\"\n"},
      {"/app/Config.swift", "let apiToken: String? = \"", "\"\n"},
      {"/app/src/main.rs", "const API_TOKEN: &'static str = \"", "\";\n"},
      {"/app/settings.py", "DB_PASSWORD: Final[str] = \"", "\"\n"},
      {"/app/settings.py", "api_token: Optional[str] = '", "'\n"},
      {"/app/config.go", "var apiToken string = \"", "\"\n"},
      {"/app/config.go", "\tconst dbPassword string = \"", "\"\n"},
      {"/app/Settings.cs", "    public string ApiToken { get; set; } = \"", "\";\n"},
      {"/k8s/deploy.yaml", "        env:\n        - name: DB_PASSWORD\n          value: \"",
       "\"\n"},
      {"/k8s/deploy.yaml", "        - {name: API_SECRET, value: ", "}\n"},
      {"/ecs/task.json", "  \"environment\": [{\"name\": \"API_SECRET\", \"value\": \"", "\"}]\n"},
      {"/infra/vars.tf",
       "variable \"db_password\" {\n  type      = string\n  sensitive = true\n  default   = \"",
       "\"\n}\n"},
      {"/app/config.yaml", "db:\n  password: &dbpass ", "\nother: *dbpass\n"},
      {"/app/config.yaml", "db:\n  password: !!str ", "\n"},
      {"/app/config.yaml", "db:\n  password: &pw !Secret ", "\n"},
      {"/app/config.yaml", "db:\n  password: !!python/str ", "\n"},
      {"/ecs/task.json", "  {\"value\": \"", "\", \"name\": \"DB_PASSWORD\"},\n"},
      {"/k8s/deploy.yaml", "        - value: '", "'\n          name: API_TOKEN\n"},
      {"/etc/redis/redis.conf", "bind 127.0.0.1\nrequirepass ", "\n"},
      {"/etc/redis/redis.conf", "masterauth ", "\n"},
      {"/etc/ldap/slapd.conf", "suffix \"dc=example,dc=com\"\nrootpw  ", "\n"},
      {"/etc/nslcd.conf", "binddn cn=nslcd,dc=example,dc=com\nbindpw ", "\n"},
      {"/app/application.properties", "spring.datasource.password ", "\n"},
      {"/app/src/api.ts", "const apiToken = `", "`;\n"},
      {"/app/.env", "DB_PW=", "\n"},
      {"/app/.env", "SIGNING_KEY=", "\n"},
      {"/app/.env", "ENCRYPTION_KEY=", "\n"},
      {"/app/.env", "HMAC_KEY=", "\n"},
      {"/app/.env", "master_key=", "\n"},
      {"/etc/wpa_supplicant/wpa_supplicant.conf", "network={\n  ssid=\"home\"\n  psk=\"",
       "\"\n}\n"},
      {"/app/config.toml", "[db]\npassword = '''", "'''\n"},
      {"/app/config.toml", "[db]\npassword = \"\"\"", "\"\"\"\n"},
      {"/app/config.yaml", "oauth:\n  client_secret: >-\n    ", "\n"},
      {"/app/config.yaml", "oauth:\n  client_secret: |\n    ", "\n  other: 1\n"},
      {"/app/src/config.h", "#define DB_PASSWORD \"", "\"\n"},
      {"/app/config.R", "db_password <- \"", "\"\n"},
      {"/app/conf/app.xml", "<entry key=\"db.password\">", "</entry>\n"},
      {"/root/.config/fish/config.fish", "set -gx API_TOKEN ", "\n"},
      {"/app/setup.tcl", "set password \"", "\"\n"},
      {"/cfg/vars.ps1", "Set-Variable -Name dbPassword -Value '", "'\n"},
      {"/cfg/vars.ps1", "New-Variable apiToken \"", "\"\n"},
      {"/cfg/cont.properties", "spring.datasource.password\\\n    = ", "\n"},
      {"/cfg/escaped.properties", "db.password\\u003d", "\n"},
      {"/app/gson.json", "{\"conn\":\"user\\u003dapp;password\\u003d", "\"}\n"},
      {"/opt/airflow/airflow.cfg", "[core]\nfernet_key = ", "\n"},
      {"/rails/config/database.yml", "  password: <%= ENV.fetch('X', '", "') %>\n"},
      {"/app/config/database.rb", "config.password = ENV.fetch(\"DB_PASSWORD\") { \"", "\" }\n"},
      {"/app/config.rb", "secret = ENV[\"APP_SECRET\"] || \"", "\"\n"},
      {"/app/src/db.js", "const dbPassword = process.env.DB_PASSWORD || \"", "\";\n"},
      {"/app/src/db.ts", "const apiToken = process.env.API_TOKEN ?? '", "';\n"},
      {"/app/run.sh", "export API_TOKEN=\"${API_TOKEN:-", "}\"\n"},
      {"/app/run.sh", "DB_PASSWORD=${DB_PASSWORD:-", "}\n"},
      {"/srv/app/releases/1/sys.config", "[{myapp, [{db_password, \"", "\"}]}].\n"},
      {"/srv/app/releases/1/sys.config", "[{myapp, [{api_key, <<\"", "\">>}]}].\n"},
      {"/app/resources/config.edn", "{:db {:password \"", "\" :user \"app\"}}\n"},
      {"/app/resources/config.edn", "{:db 1\n :api-token \"", "\"}\n"},
      {"/etc/haproxy/haproxy.cfg", "userlist admins\n  user admin insecure-password ", "\n"},
      {"/home/r/.Renviron", "GITHUB_PAT=", "\n"},
      {"/app/.env", "AZURE_DEVOPS_PAT=", "\n"},
      {"/src/Makefile", "REGISTRY_PASSWORD ?= ", "\n"},
      {"/opt/scripts/creds.sh", "declare -A CREDS=([db_user]=\"app\" [db_password]=\"", "\")\n"},
      {"/opt/scripts/creds.sh", "C[db_password]=", "\n"},
      {"/install/unattend.xml", "<AdministratorPassword>\n  <Value>", "</Value>\n"},
      {"/root/.config/filezilla/sitemanager.xml", "<User>deploy</User><Pass encoding=\"base64\">",
       "</Pass>\n"},
      {"/infra/cfn/params.json", "  {\n    \"ParameterKey\": \"DBMasterPassword\",\n"
       "    \"ParameterValue\": \"", "\"\n  }\n"},
      {"/work/prod.postman_environment.json", "  {\n   \"key\": \"admin_password\",\n"
       "   \"value\": \"", "\",\n   \"type\": \"secret\"\n  }\n"},
      {"/etc/haproxy/haproxy.cfg", "listen stats\n  stats auth admin:", "\n"},
      {"/etc/mosquitto/conf.d/bridge.conf", "bridge_identity hub\nbridge_psk ", "\n"},
      {"/manifests/argocd/secret.yaml", "stringData:\n  server.secretkey: ", "\n"},
  };
  for (const auto& [path, before, after] : kForms) {
    SCOPED_TRACE(before);
    const std::string pass = fake::Mixed(20);
    ExpectOne(before + pass + after, path, "generic-secret-assignment", Severity::kHigh, pass);
  }
  for (const auto& [path, text] : std::vector<std::pair<std::string, std::string>>{
           {"/app/api.ts", "  private apiToken: string = '';\n  token: string;\n"},
           {"/app/api.ts", "  accessToken: string = process.env.TOKEN;\n"},
           {"/app/settings.py", "SECRET_KEY: str = os.environ[\"SECRET_KEY\"]\n"},
           {"/app/config.go", "var apiToken string = os.Getenv(\"API_TOKEN\")\n"},
           {"/app/Settings.cs", "    public string ApiToken { get; set; } = string.Empty;\n"},
           {"/k8s/deploy.yaml",
            "        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef:\n"},
           {"/k8s/deploy.yaml",
            "        - name: DB_PASSWORD\n          value: \"${DB_PASSWORD}\"\n"},
           {"/k8s/deploy.yaml", "        - name: DB_HOST\n          value: db-0.internal\n"},
           {"/infra/vars.tf", "variable \"db_password\" {\n  type = string\n}\n"},
           {"/infra/vars.tf", "variable \"db_password\" {\n  default = var.other\n}\n"},
           {"/app/config.yaml", "password: *dbpass\n"},
           {"/app/config.yaml", "password: !secret db_password\n"},
           {"/ecs/task.json", "{\"value\": \"db-0.internal\", \"name\": \"DB_HOST\"}\n"},
           {"/etc/redis/redis.conf", "# requirepass foobared\n"},
           {"/etc/redis/redis.conf", "# requirepass Xk29fkQpL0aZ7wNm\n"},
           {"/app/README.txt", "Token expired\nPassword Reset-Link-Here\n"},
           {"/app/src/api.ts", "const apiToken = `${process.env.API_TOKEN}`;\n"},
           {"/app/src/db.rb", "password Xk29fkQpL0aZ7wNm\n"},
           {"/app/src/db.js", "const dbPassword = process.env.DB_PASSWORD || '';\n"},
           {"/app/config.rb", "secret = ENV.fetch(\"APP_SECRET\") { raise 'unset' }\n"},
           {"/app/run.sh", "export API_TOKEN=\"${API_TOKEN:-}\"\n"},
           {"/cfg/vars.ps1", "Set-Variable -Name dbPassword -Value $env:DB_PASSWORD\n"},
           {"/usr/share/bash-completion/completions/mvn",
            "__mvncomp \"username= passphrase= password= scmVersion= $(x)\"\n"},
           {"/usr/share/vim/vim90/filetype.vim",
            "  let g:ft_ignore_pat = '\\.\\(Z\\|gz\\|bz2\\|zip\\|tgz\\)$'\n"},
           {"/app/conf.py", "log_pat = 'Xk29fkQpL0aZ7wNm'\n"},
           {"/usr/lib/python3/dist-packages/oauth2client/contrib/appengine.py",
            "OAUTH2CLIENT_NAMESPACE = 'oauth2client#ns'\n"},
           {"/usr/share/cmake/Help/prop_test/PASS_REGULAR_EXPRESSION.rst",
            "    PASS_REGULAR_EXPRESSION \"TestPassed;All ok\"\n"}}) {
    ExpectNone(text, path);
  }
}

// `openssl rand -hex N` as a password: the gate has too few letter and
// digit changes to judge short hex, so hex is taken as it is under a
// password's or secret's name, from 16 digits.
TEST(MissedPassword, HexPasswordsOfAnyLengthAreFound) {
  int missed = 0;
  for (size_t digits : {16u, 24u, 32u, 40u}) {
    for (int i = 0; i < 50; ++i) {
      const std::string pass = fake::Random(fake::kHexDigits, digits);
      missed += Scan("db:\n  password: \"" + pass + "\"\n", "/app/config.yaml").size() != 1;
    }
  }
  // About one draw of 16 digits in 500 has too little entropy (or digits
  // only), longer ones almost never: 0.1 misses expected, more than three
  // about once in 10^6 runs.
  EXPECT_LE(missed, 3);
  ExpectNone("password: \"1234567890123456\"\n", "/app/config.yaml");
  ExpectNone("secret: \"deadbeefdeadbeef\"\n", "/app/config.yaml");
  ExpectNone("token_version: \"" + fake::Random(fake::kHexDigits, 16) + "\"\n",
             "/app/config.yaml");
}

// Letters beyond ASCII in a password, as UTF-8 or as Latin-1's single
// bytes: judged as letters, so a random value is found and a word in any
// script is not.
TEST(MissedPassword, PasswordsWithLettersBeyondAsciiAreFound) {
  for (const std::string& pass :
       {fake::Mixed(8) + "\xc3\xa4" + fake::Mixed(8) + "\xe2\x82\xac" + fake::Mixed(4),
        fake::Mixed(8) + "\xe4" + fake::Mixed(8) + "\xf6" + fake::Mixed(4)}) {
    ExpectOne("DB_PASSWORD=" + pass + "\n", "/app/.env.production", "generic-secret-assignment",
              Severity::kHigh, pass);
    ExpectOne("db:\n  password: \"" + pass + "\"\n", "/app/config.yaml",
              "generic-secret-assignment", Severity::kHigh, pass);
  }
  for (const char* none :
       {"\"password\": \"Contrase\xc3\xb1" "a\",\n", "\"password\": \"Contrase\xf1" "a\",\n",
        "password: \xd0\xbf\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c\xd1\x81\xd0\xb5\n",
        "token=\x80\x91\xa3\x02\xff\xfe\xc1\x8a\x9b\x10\x85\x86\n",
        "secret: Ab3\xc2\xa0Zq9\xc2\x85Lm2Xp7Rt\n"}) {
    ExpectNone(none, "/app/config.yaml");
  }
}

// Values under a secret's name that are no secret: a digest named as one,
// strings joined in code, a regular expression, Mapbox's public token.
TEST(FalseAlarm, ValuesThatAreNoSecretUnderASecretsName) {
  const std::string hex = fake::Random(fake::kHexDigits, 64);
  for (const auto& [path, text] : std::vector<std::pair<std::string, std::string>>{
           {"/app/config/hashes.yml", "password_sha256: " + hex + "\n"},
           {"/app/config/hashes.yml", "admin_password_md5: " + hex.substr(0, 32) + "\n"},
           {"/app/x509.js", "return 'token: \"'+e.toString()+'\"'\n"},
           {"/app/service-2.json",
            "{\"pattern\":\"arn:aws:secretsmanager:[a-z0-9-]+:\\\\d{12}:secret:App-.+\"}\n"},
           {"/app/lint.yml", "token_pattern: '^[a-z0-9]{32}$'\n"},
           {"/usr/include/openssl/obj_mac.h", "#define SN_kx_ecdhe_psk         \"KxECDHE-PSK\"\n"},
           {"/usr/include/openssl/obj_mac.h",
            "#define SN_setct_AuthReqTBS             \"setct-AuthReqTBS\"\n"},
           {"/app/public/app.min.js",
            "mapboxgl.accessToken=\"pk.eyJ1IjoibXl1c2VyIiwiYSI6IjEyMyJ9." + fake::Mixed(22) +
                "\";\n"}}) {
    ExpectNone(text, path);
  }
  // Ids and fingerprints of keys, in hex under a key's name: git's
  // signingkey, a GnuPG key's id, a PSK's identity.
  for (const std::string& text :
       {std::string("[user]\n\tsigningkey = 3AA5C34371567BD2\n"),
        std::string("[user]\n\tsigningkey = A035C8C19219BA821ECEA86B64E628F8D684696D\n"),
        std::string("[user]\n\tsigningkey = ~/.ssh/id_ed25519.pub\n"),
        std::string("gpg_signing_key: 3AA5C34371567BD2\n"),
        std::string("signing_key_fingerprint: 4AEE18F83AFDEB23\n"),
        std::string("signing_key_fpr: ") + hex.substr(0, 40) + "\n",
        std::string("psk_identity: 0a1b2c3d4e5f6071\n")}) {
    ExpectNone(text, "/app/.gitconfig");
  }
  // A key's own hex, WPA's raw PSK and a secret's hex still are.
  ExpectOne("network={\n\tpsk=" + hex + "\n}\n", "/etc/wpa_supplicant/wpa_supplicant.conf",
            "generic-secret-assignment", Severity::kHigh, hex);
  ExpectOne("ENCRYPTION_KEY=" + hex + "\n", "/app/.env", "generic-secret-assignment",
            Severity::kHigh, hex);
  ExpectOne("secret_key: " + hex + "\n", "/app/config.yml", "generic-secret-assignment",
            Severity::kHigh, hex);
}

// Names of constants and messages, and the examples of docstrings, under a
// secret's name in the code of packages a bait image copied from Debian
// and PyPI.
TEST(FalseAlarm, ConstantsMessageNamesAndDoctestsAreNoSecrets) {
  for (const auto& [path, text] : std::vector<std::pair<std::string, std::string>>{
           {"/opt/perl/Net/SSLeay.pod",
            "    NID_pkcs9_challengePassword             X509_V_ERR_OCSP_VERIFY_NEEDED\n"},
           {"/opt/app/lib/paramiko/common.py",
            "    MSG_USERAUTH_PK_OK: \"userauth-60(pk-ok/info-request)\",\n"},
           {"/opt/go/src/golang.org/x/crypto/ssh/messages.go",
            "\tmsgUserAuthPubKeyOk: \"userAuthPubKeyOkMsg\",\n"},
           {"/opt/app/lib/requests_oauthlib/oauth1_session.py",
            "    \"\"\"Usage:\n\n    >>> oauth_session.fetch_access_token(url)\n    {\n"
            "        'oauth_token': 'sdf0o9823sjdfsdf',\n"
            "        'oauth_token_secret': '2kjshdfp92i34asdasd',\n    }\n"},
           {"/opt/app/lib/x.py",
            "    >>> s = OAuth1Session('client-key', client_secret='Zk29fkQpL0aZ7wNm')\n"}}) {
    ExpectNone(text, path);
  }
  // A value after a doctest, past a blank line, is the code's own.
  const std::string pass = fake::Mixed(18);
  const std::string code = "    >>> f()\n    1\n    \"\"\"\n\nDB_PASSWORD = '" + pass + "'\n";
  ExpectOne(code, "/app/settings.py", "generic-secret-assignment", Severity::kHigh, pass);
  // Random capitals with underscores are no constant's name.
  const std::string caps = fake::Random("BCDFGHJKLMNPQRSTVWXZ", 6) + "_" +
                           fake::Random("BCDFGHJKLMNPQRSTVWXZ2345", 8) + "_9Q";
  ExpectOne("API_TOKEN=" + caps + "\n", "/app/.env", "generic-secret-assignment",
            Severity::kHigh, caps);
}

// Java's algorithm names under a key's name, and a SealedSecret's sealed
// values, which only the cluster's key opens.
TEST(FalseAlarm, JavaAlgorithmNamesAndSealedSecretsAreNoSecrets) {
  for (const std::string& text :
       {std::string("SECRET_KEY_SPEC=\"PBKDF2WithHmacSHA256\"\n"),
        std::string("secret.key.algorithm=PBKDF2WithHmacSHA512\n"),
        std::string("token.cipher=AES/GCM/NoPadding\n"),
        std::string("jwt.secret.alg=HmacSHA256\n"),
        std::string("signing.key.type=SHA256withRSA\n"),
        std::string("password.transformation=RSA/ECB/OAEPWithSHA-256AndMGF1Padding\n")}) {
    ExpectNone(text, "/app/conf/app.properties");
  }
  // A random password may end as a pattern does; it is still a password.
  const std::string dotted = fake::Mixed(16) + ".+";
  ExpectOne("ci.token = '" + dotted + "'\n", "/app/conf/app.properties",
            "generic-secret-assignment", Severity::kHigh, dotted);
  ExpectNone("secret_pattern: 'arn:aws:secretsmanager:secret:App-.+'\n", "/app/lint.yml");
  // So may it end in '=', as a key in a list of keys does ("password= x=").
  const std::string padded = fake::Mixed(21) + "=";
  ExpectOne("ci.token = '" + padded + "'\n", "/app/conf/app.properties",
            "generic-secret-assignment", Severity::kHigh, padded);
  const std::string pass = "aes" + fake::Mixed(14);
  ExpectOne("token.secret=" + pass + "\n", "/app/conf/app.properties",
            "generic-secret-assignment", Severity::kHigh, pass);

  const std::string sealed = "Ag" + fake::Random(fake::kBase64, 730) + "==";
  const std::string manifest = "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"
                               "metadata:\n  name: db\nspec:\n  encryptedData:\n"
                               "    password: " + sealed + "\n";
  ExpectNone(manifest, "/deploy/sealed-db.yaml");
  const std::string other = fake::Random(fake::kBase64, 400);
  ExpectNone("kind: SealedSecret\nspec:\n  encryptedData:\n    token: " + other + "\n",
             "/deploy/sealed-token.yaml");
  // The same value in a plain Secret is what it says.
  const std::string plain = "apiVersion: v1\nkind: Secret\nstringData:\n  password: " + sealed;
  EXPECT_EQ(Scan(plain + "\n", "/deploy/db.yaml").size(), 1u);
}

// Debian's packaged Go sources (golang-*-dev) are a package's tree: their
// test keys are low, as under /usr/local/go.
TEST(PackageDocs, PackagedLibrarySourcesAreThirdPartyTrees) {
  for (std::string_view path :
       {"/usr/share/gocode/src/golang.org/x/crypto/ssh/testdata/keys.go",
        "/usr/share/gocode/src/golang.org/x/crypto/acme/jws_test.go"}) {
    EXPECT_TRUE(detect::InPackageTree(path)) << path;
    EXPECT_TRUE(detect::IsExampleOrTestPath(path)) << path;
  }
  EXPECT_TRUE(detect::InPackageTree("/usr/share/perl5/Net/SSLeay.pm"));
  EXPECT_TRUE(detect::InPackageTree("/usr/lib/x86_64-linux-gnu/perl5/5.36/Net/SSLeay.pm"));
  EXPECT_FALSE(detect::InPackageTree("/go/src/app/config.go"));
}

// Passwords in SQL, as scripts and a client's history hold them.
TEST(MissedPassword, PasswordsInSqlStatementsAreFound) {
  for (const auto& [before, after] : std::vector<std::pair<std::string, std::string>>{
           {"CREATE USER app WITH PASSWORD '", "';"},
           {"ALTER USER postgres WITH ENCRYPTED PASSWORD '", "';"},
           {"alter role app password '", "';"},
           {"CREATE USER 'app'@'%' IDENTIFIED BY '", "';"},
           {"ALTER USER app IDENTIFIED BY \"", "\";"}}) {
    SCOPED_TRACE(before);
    const std::string pass = fake::Mixed(16);
    ExpectOne(before + pass + after + "\n", "/docker-entrypoint-initdb.d/init.sql",
              "generic-secret-assignment", Severity::kHigh, pass);
  }
  for (const char* none : {"CREATE USER app WITH PASSWORD 'changeme';",
                           "CREATE USER app WITH PASSWORD :'app_password';",
                           "ALTER USER app IDENTIFIED BY '${DB_PASSWORD}';"}) {
    ExpectNone(std::string(none) + "\n", "/docker-entrypoint-initdb.d/init.sql");
  }
}

// nginx passes Basic credentials upstream with a header directive.
TEST(MissedPassword, BasicCredentialsInAnNginxHeaderDirectiveAreFound) {
  const std::string pair = fake::Base64("deploy:" + fake::Mixed(16));
  ExpectOne("    proxy_set_header Authorization \"Basic " + pair + "\";\n",
            "/etc/nginx/conf.d/app.conf", "basic-auth-header", Severity::kHigh, pair);
}

// An env file by another name (Compose's env_file, systemd's
// EnvironmentFile) is a credential file: a short password counts there.
TEST(MissedPassword, ShortPasswordsInNamedEnvFilesAreFound) {
  const std::string pass = fake::Mixed(8);
  ExpectOne("DB_PASSWORD=" + pass + "\n", "/srv/app/production.env", "generic-secret-assignment",
            Severity::kHigh, pass);
  ExpectNone("DB_PASSWORD=" + pass + "\n", "/srv/app/example.env");
}

// A URL or a token percent-encoded whole, as a query string holds it: found
// in the decoded text, reported over the encoded run.
TEST(GluedToken, PercentEncodedTokensAreFound) {
  const std::string token = FakeFormat("github-classic-token");
  const std::string encoded = "https%3A%2F%2Fx.example%2Fcb%3Ftoken%3D" + token;
  const std::string text = "GET /login?next=" + encoded + "&lang=en\n";
  std::vector<Match> m = Scan(text, "/var/log/nginx/access.log");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "github-classic-token");
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, token));
  ExpectNone("GET /a?q=hello%20world%2C%20how%20are%20you&x=1\n", "/var/log/nginx/access.log");
  // A webhook URL, whose slashes the encoding hides.
  const std::string hook = FakeFormat("slack-webhook");
  std::string hook_encoded;
  for (char c : hook) {
    hook_encoded += c == '/'   ? std::string("%2F")
                    : c == ':' ? std::string("%3A")
                               : std::string(1, c);
  }
  const std::string form = "notify=1&u=" + hook_encoded + "&x=2\n";
  std::vector<Match> hooks = Scan(form, "/app/data/form.txt");
  ASSERT_EQ(hooks.size(), 1u) << RulesOf(hooks);
  EXPECT_EQ(hooks[0].rule, "slack-webhook");
  EXPECT_EQ(hooks[0].offset, form.find(hook_encoded));
  EXPECT_EQ(hooks[0].length, hook_encoded.size());
}

// Eight characters are a password as generators and people make them, in
// any file; words, versions and placeholders of that length are not.
TEST(MissedPassword, EightCharacterPasswordsAreFound) {
  // As generators make them: each character of another class than the one
  // before (a shorter value leaves the gate less to go on).
  auto generated = [] {
    constexpr std::string_view kClasses[] = {"ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789",
                                             "abcdefghijkmnpqrstuvwxyz", "!#+-:@^_~"};
    for (;;) {  // eight different characters: at most 3 bits each, all needed
      std::string out;
      for (size_t i = 0; i < 8; ++i) out += fake::Random(kClasses[i % 4], 1);
      std::string sorted = out;
      std::sort(sorted.begin(), sorted.end());
      if (std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end()) return out;
    }
  };
  for (int i = 0; i < 20; ++i) {
    const std::string pass = generated();
    SCOPED_TRACE(pass);
    ExpectOne("db:\n  password: " + pass + "\n", "/app/config.yaml", "generic-secret-assignment",
              Severity::kHigh, pass);
    ExpectOne("ENV DB_PASSWORD=" + pass + "\n", "/app/Containerfile",
              "generic-secret-assignment", Severity::kHigh, pass);
  }
  for (const char* text : {"password: postgres\n", "password: example1\n", "token: v1.2.3-rc\n",
                           "secret: Password\n", "auth_type: password\n", "token: abcdefgh\n"}) {
    ExpectNone(text, "/app/config.yaml");
  }
}

// Keys with a shape of their own under names of their own: Consul's and
// Nomad's gossip key, PagerDuty's integration key in Alertmanager, a HAR's
// Authorization header; a user_ name outside a JAAS file is none.
TEST(MissedPassword, GossipKeysIntegrationKeysAndHarHeadersAreFound) {
  const std::string gossip = fake::Base64(fake::Random(fake::kBase62, 32));
  ExpectOne("datacenter = \"dc1\"\nencrypt = \"" + gossip + "\"\n", "/etc/consul.d/consul.hcl",
            "generic-secret-assignment", Severity::kHigh, gossip);
  const std::string hex = fake::Random(fake::kHexDigits, 32);
  ExpectOne("receivers:\n- name: pd\n  pagerduty_configs:\n  - routing_key: " + hex + "\n",
            "/etc/alertmanager/alertmanager.yml", "generic-secret-assignment",
            Severity::kHigh, hex);
  ExpectNone("  routing_key: orders.created\n", "/app/amqp.yml");
  const std::string bearer = fake::Random(fake::kBase62, 40);
  ExpectOne("\"headers\": [\n {\n  \"name\": \"Authorization\",\n  \"value\": \"Bearer " +
                bearer + "\"\n }\n]\n",
            "/work/debug/session.har", "bearer-token", Severity::kHigh, bearer);
  ExpectNone("user_id=\"" + fake::Mixed(16) + "\"\n", "/app/conf/app.conf");
}

// Lines that end in NUL rather than '\n': a process's environment, a vim
// swap file's text after its binary headers.
TEST(MissedPassword, NulSeparatedLinesAreReadAsLines) {
  const std::string secret = fake::Make(Kind::kAwsSecretAccessKey);
  const std::string environ = std::string("HOSTNAME=build\0AWS_SECRET_ACCESS_KEY=", 37) +
                              secret + std::string("\0HOME=/root\0", 12);
  ExpectOne(environ, "/proc/1/environ", "aws-secret-access-key", Severity::kCritical, secret);
  EXPECT_EQ(Scan(environ, "/proc/1/environ")[0].line, 1);
  const std::string pass = fake::Mixed(18);
  std::string swap = std::string("b0VIM 9.0\0\0\0\0\x10\0\0\x8f\x02", 18) + std::string(200, '\0');
  swap += std::string("ad\0\0\x0f\0\0\0\xe8\x03", 10) + std::string(100, '\0');
  swap += "DB_HOST=db" + std::string(1, '\0') + "DB_PASSWORD=" + pass + std::string(1, '\0');
  ExpectOne(swap, "/app/.env.swp", "generic-secret-assignment", Severity::kHigh, pass);
  // Other binary with the same bytes keeps to token formats.
  ExpectNone(swap, "/app/data.bin");
}

// A quoted passphrase of a few words, one of them random; a sentence under
// a password's name is none.
TEST(MissedPassword, QuotedPassphrasesWithBlanksAreFound) {
  const std::string word = fake::Mixed(12) + "^";
  for (const std::string& phrase :
       {"Sommer " + word + " und Winter", word + " two", "correct horse " + word}) {
    ExpectOne("[db]\npassword = \"" + phrase + "\"\n", "/cfg/app.ini",
              "generic-secret-assignment", Severity::kHigh, phrase);
  }
  ExpectNone("[db]\npassword = \"Please enter the password\"\n", "/cfg/app.ini");
  ExpectNone("password: \"must hold one capital\"\n", "/app/messages.yaml");
  // In code a phrase is a message.
  ExpectNone("password = \"Sommer " + word + " und Winter\"\n", "/app/src/main.py");
}

TEST(MissedPassword, PowerShellSecureStringsAndLaravelKeysAreFound) {
  const std::string pass = fake::Mixed(18);
  ExpectOne("$pw = ConvertTo-SecureString '" + pass + "' -AsPlainText -Force\n", "/cfg/a.ps1",
            "generic-secret-assignment", Severity::kHigh, pass);
  ExpectNone("$pw = ConvertTo-SecureString $env:PW -AsPlainText -Force\n", "/cfg/a.ps1");
  const std::string key = "base64:" + fake::Base64(fake::Random(fake::kBase62, 32));
  ExpectOne("APP_NAME=Shop\nAPP_KEY=" + key + "\n", "/var/www/.env.production",
            "generic-secret-assignment", Severity::kHigh, key);
  ExpectOne("'key' => env('APP_KEY', '" + key + "'),\n", "/var/www/config/app.php",
            "generic-secret-assignment", Severity::kHigh, key);
  ExpectNone("APP_KEY=base64:" + std::string(43, 'A') + "=\n", "/var/www/.env");
}

TEST(MissedPassword, PgpasswordBeforePsqlIsFound) {
  std::string pass = fake::Mixed(20);
  ExpectOne("PGPASSWORD=" + pass + " psql -h db -U app\n", "/root/.bash_history",
            "generic-secret-assignment", Severity::kHigh, pass);
  ExpectNone("PGPASSWORD=$DB_PASS psql -h db -U app\n", "/root/.bash_history");
}

// ---------------------------------------------------------------------------
// Examples in third-party package documentation

TEST(PackageDocs, ThirdPartyDocumentationPathsAreRecognised) {
  for (std::string_view path :
       {"/app/node_modules/axios/CHANGELOG.md", "app/node_modules/node-forge/README.md",
        "/usr/lib/python3/dist-packages/requests/README.rst",
        "/usr/local/lib/python3.12/site-packages/pkg/HISTORY.txt",
        "/srv/app/vendor/github.com/x/y/docs/usage.txt", "/usr/share/doc/curl/NEWS.gz",
        "/usr/share/doc/ccache/manual.html", "/usr/share/man/man1/mysql.1.gz",
        "/usr/lib/python3.11/site-packages/x/CHANGES"}) {
    EXPECT_TRUE(detect::IsPackageDocPath(path)) << path;
  }
  for (std::string_view path :
       {"/app/README.md", "/app/docs/setup.md", "/app/node_modules/x/index.js",
        "/app/node_modules/x/.env", "/app/node_modules/x/config.txt",
        "/usr/lib/python3/dist-packages/x/settings.py", "/etc/app/NEWS.md"}) {
    EXPECT_FALSE(detect::IsPackageDocPath(path)) << path;
  }
}

TEST(PackageDocs, UrlCredentialsInAPackageChangelogAreLowWithAReason) {
  std::string pass =
      fake::Random(fake::kBase62, 8) + "4%40" + fake::Random(fake::kBase62, 8) + "2";
  std::string text = "- Basic auth in URLs is decoded (e.g. `https://user:" + pass +
                     "@host`), see #10825\n";
  std::vector<Match> m = Scan(text, "/app/node_modules/axios/CHANGELOG.md");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "url-credentials");
  EXPECT_EQ(m[0].severity, Severity::kLow);
  EXPECT_NE(m[0].description.find("documentation"), std::string::npos) << m[0].description;
  EXPECT_EQ(m[0].offset, text.find(pass));
  // The same line in the application's own files still blocks.
  m = Scan(text, "/app/docs/CHANGELOG.md");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].severity, Severity::kHigh);
}

TEST(PackageDocs, PasswordAssignmentInAPackageReadmeIsLow) {
  std::string pass = fake::Mixed(16);
  std::string text = "```js\nvar password = '" + pass + "';\nvar key = forge.pkcs5(password);\n";
  for (std::string_view path : {"/app/node_modules/node-forge/README.md",
                                "/usr/share/doc/python3-x/README",
                                "/usr/lib/python3/dist-packages/x/README.rst",
                                "/usr/share/info/x.info", "/usr/local/share/man/man1/x.1",
                                "usr/local/share/doc/x/guide.txt"}) {
    SCOPED_TRACE(std::string(path));
    std::vector<Match> m = Scan(text, path);
    ASSERT_EQ(m.size(), 1u) << RulesOf(m);
    EXPECT_EQ(m[0].rule, "generic-secret-assignment");
    EXPECT_EQ(m[0].severity, Severity::kLow);
    EXPECT_EQ(m[0].offset, text.find(pass));
  }
  // In the package's code, and in the application's README, it is high.
  for (std::string_view path : {"/app/node_modules/node-forge/lib/x.js", "/app/README.md"}) {
    std::vector<Match> m = Scan(text, path);
    ASSERT_EQ(m.size(), 1u) << RulesOf(m) << " " << path;
    EXPECT_EQ(m[0].severity, Severity::kHigh) << path;
  }
}

TEST(PackageDocs, ConnectionStringsAndMysqlInPackageDocsAreLow) {
  std::string pass = fake::Mixed(14);
  std::vector<Match> m = Scan("Server=db;Database=app;User Id=sa;Password=" + pass + ";\n",
                              "/app/vendor/lib/README.md");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "connection-string-password");
  EXPECT_EQ(m[0].severity, Severity::kLow);
  m = Scan("$ mysql -u root -p" + pass + " db\n", "/usr/share/man/man1/tool.1");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].severity, Severity::kLow);
}

// A TypeScript declaration file holds types and their JSDoc: its JWT is
// an example, as in a README (faker's jwt() docs).
TEST(PackageDocs, DeclarationFilesOfPackagesAreDocumentation) {
  EXPECT_TRUE(detect::IsPackageDocPath("/app/node_modules/@faker-js/faker/dist/core.d.ts"));
  EXPECT_FALSE(detect::IsPackageDocPath("/app/src/types.d.ts"));
  const std::string header = fake::Base64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", true);
  const std::string payload = fake::Base64("{\"iss\":\"Acme\",\"exp\":4102444800}", true);
  const std::string jwt = header + "." + payload + "." + fake::Random(fake::kUrlSafe, 43);
  ExpectNone(" * faker.internet.jwt({ payload: { iss: 'Acme' }}) // '" + jwt + "'\n",
             "/app/node_modules/@faker-js/faker/dist/core-BMOHu6e5.d.ts");
  EXPECT_EQ(Scan("const t = '" + jwt + "';\n", "/app/src/auth.ts").size(), 1u);
}

TEST(PackageDocs, TokenFormatsInPackageDocsKeepTheirSeverity) {
  std::string gh = fake::Make(Kind::kGithubToken);
  std::string slack = fake::Make(Kind::kSlackBotToken);
  std::string text = "export GH_TOKEN=" + gh + "\nSLACK=" + slack + "\n";
  std::vector<Match> m = Scan(text, "/app/node_modules/x/README.md");
  ASSERT_EQ(m.size(), 2u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "github-classic-token");
  EXPECT_EQ(m[0].severity, Severity::kCritical);
  EXPECT_EQ(m[1].rule, "slack-bot-token");
  EXPECT_EQ(m[1].severity, Severity::kCritical);
}

// ---------------------------------------------------------------------------
// Base64 cut in lines, and gzip inside base64

namespace wrapped {

// `text` in base64 cut into lines of `width`, each after `indent`.
std::string Wrap(std::string_view text, size_t width, std::string_view indent = "") {
  const std::string encoded = fake::Base64(text);
  std::string out;
  for (size_t i = 0; i < encoded.size(); i += width) {
    out += std::string(indent) + encoded.substr(i, width) + "\n";
  }
  return out;
}

std::string Gzip(std::string_view text) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// `files` (name, content) written as `format` (ARCHIVE_FORMAT_TAR_USTAR,
// ARCHIVE_FORMAT_ZIP) under `filter` (ARCHIVE_FILTER_NONE, _GZIP, _BZIP2).
std::string Pack(int format, int filter,
                 const std::vector<std::pair<std::string, std::string>>& files) {
  archive* a = archive_write_new();
  archive_write_set_format(a, format);
  archive_write_add_filter(a, filter);
  std::string out(1 << 20, '\0');
  size_t used = 0;
  EXPECT_EQ(archive_write_open_memory(a, out.data(), out.size(), &used), ARCHIVE_OK);
  for (const auto& [name, content] : files) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0600);
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    EXPECT_EQ(archive_write_header(a, e), ARCHIVE_OK);
    EXPECT_EQ(archive_write_data(a, content.data(), content.size()),
              static_cast<la_ssize_t>(content.size()));
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

// `bytes` uuencoded, as uuencode(1) writes them under `name`.
std::string Uuencode(std::string_view bytes, std::string_view name) {
  const auto digit = [](unsigned v) { return static_cast<char>(v == 0 ? '`' : v + 32); };
  std::string out = "begin 644 " + std::string(name) + "\n";
  for (size_t i = 0; i < bytes.size(); i += 45) {
    const std::string_view line = bytes.substr(i, 45);
    out += digit(static_cast<unsigned>(line.size()));
    for (size_t j = 0; j < line.size(); j += 3) {
      unsigned group = 0;
      for (size_t k = 0; k < 3; ++k) {
        const unsigned char c = j + k < line.size() ? static_cast<unsigned char>(line[j + k]) : 0;
        group = group << 8 | c;
      }
      for (int shift = 18; shift >= 0; shift -= 6) out += digit(group >> shift & 63);
    }
    out += "\n";
  }
  return out + "`\nend\n";
}

}  // namespace wrapped

TEST(WrappedBase64, ASecretInAMailAttachmentIsFoundWhereItsCharactersAre) {
  const std::string key = fake::Make(Kind::kAwsSecretAccessKey);
  const std::string token = FakeFormat("github-classic-token");
  const std::string file = fake::Random(fake::kBase64, 300) + "\nexport AWS_SECRET_ACCESS_KEY=" +
                           key + "\n" + fake::Random(fake::kBase64, 200) + "\nGH=" + token + "\n";
  for (size_t width : {76u, 64u}) {
    for (std::string_view indent : {"", "    "}) {
      const std::string body = wrapped::Wrap(file, width, indent);
      const std::string mail = "From: ci@example.com\nContent-Type: text/plain\n"
                               "Content-Transfer-Encoding: base64\n\n" + body + "\n--b--\n";
      std::vector<Match> m = Scan(mail, "var/mail/root");
      ASSERT_EQ(m.size(), 2u) << RulesOf(m) << " width " << width;
      EXPECT_EQ(m[0].rule, "aws-secret-access-key");
      EXPECT_EQ(m[1].rule, "github-classic-token");
      // Each at the encoded characters that hold it (its line and column).
      const std::string encoded = fake::Base64(file);
      for (const Match& match : m) {
        const std::string_view value = match.rule == "github-classic-token" ? token : key;
        const size_t decoded = file.find(value);
        const size_t first = decoded / 3 * 4;
        EXPECT_EQ(match.line, 5 + static_cast<int>(first / width)) << match.rule;
        EXPECT_EQ(match.column, 1 + static_cast<int>(indent.size() + first % width)) << match.rule;
        EXPECT_EQ(mail.substr(match.offset, 4), encoded.substr(first, 4));
        EXPECT_EQ(match.fingerprint, Fingerprint(match.rule, value));
      }
    }
  }
}

TEST(WrappedBase64, AKeyValueLineOfAnEncodedFileIsFound) {
  const std::string password = fake::RandomPassword(18);
  const std::string conf = "[db]\nhost = db.internal\npassword = \"" + password + "\"\n" +
                           fake::Random(fake::kBase64, 120) + "\n";
  std::vector<Match> m = Scan("data: |\n" + wrapped::Wrap(conf, 76, "  "), "k8s/app.yaml");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "generic-secret-assignment");
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, password));
}

TEST(WrappedBase64, GzipInBase64IsInflatedAndRead) {
  const std::string password = fake::RandomPassword(18);
  const std::string token = FakeFormat("github-classic-token");
  const std::string conf = "db_password = \"" + password + "\"\nGITHUB=" + token + "\n";
  const std::string gz = wrapped::Gzip(conf);
  // A heredoc cut in lines, and one line (as a JSON value holds it).
  const std::string heredoc = "#!/bin/sh\nbase64 -d <<EOF | gunzip > /etc/app.conf\n" +
                              wrapped::Wrap(std::string(gz), 76) + "EOF\n";
  // Each secret of the compressed file, all at the blob's first line.
  std::vector<Match> m = Scan(heredoc, "usr/local/bin/setup.sh");
  ASSERT_EQ(m.size(), 2u) << RulesOf(m);
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, password));
  EXPECT_EQ(m[1].fingerprint, Fingerprint(m[1].rule, token));
  for (const Match& match : m) {
    EXPECT_EQ(match.line, 3);
    EXPECT_EQ(match.column, 1);
    EXPECT_NE(match.description.find("(gzip, base64-encoded)"), std::string::npos);
  }
  m = Scan("{\"release\": \"" + fake::Base64(gz) + "\"}\n", "srv/state.json");
  ASSERT_EQ(m.size(), 2u) << RulesOf(m);
  EXPECT_EQ(m[1].rule, "github-classic-token");
  // A compressed file that is no text (NUL bytes before the token) is read
  // as a binary is: for token formats and keys.
  const std::string binary = std::string(1024, '\0') + "GH=" + token + "\n";
  m = Scan(wrapped::Wrap(wrapped::Gzip(binary), 76), "opt/blob.sh");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "github-classic-token");
}

TEST(WrappedBase64, EachFileOfAPackedBlobIsReadByItsOwnName) {
  // `base64 -d <<EOF | tar xzf -`: a .env and a .pgpass in a tarball, whose
  // lines only a file of that name makes secrets.
  const std::string password = fake::RandomPassword(18);
  const std::string pg_password = fake::RandomPassword(14);
  const std::string token = FakeFormat("github-classic-token");
  const std::vector<std::pair<std::string, std::string>> files = {
      {"app/.env", "DB_PASSWORD=" + password + "\nGH=" + token + "\n"},
      {"root/.pgpass", "db.internal:5432:app:app:" + pg_password + "\n"},
      {"app/README", "Run make to build.\n"}};
  struct Kind {
    int format;
    int filter;
    std::string_view said;
  };
  for (const Kind& kind : {Kind{ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP, "tar, gzip"},
                           Kind{ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_BZIP2, "tar, bzip2"},
                           Kind{ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_NONE, "tar"},
                           Kind{ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, "zip"}}) {
    const std::string blob = wrapped::Pack(kind.format, kind.filter, files);
    const std::string script = "#!/bin/sh\nbase64 -d <<EOF | tar xzf - -C /\n" +
                               wrapped::Wrap(blob, 76) + "EOF\n";
    std::vector<Match> m = Scan(script, "usr/local/bin/install.sh");
    ASSERT_EQ(m.size(), 3u) << RulesOf(m) << " " << kind.said;
    std::sort(m.begin(), m.end(), [](const Match& a, const Match& b) { return a.rule < b.rule; });
    EXPECT_EQ(m[0].rule, "generic-secret-assignment");
    EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, password));
    EXPECT_EQ(m[1].rule, "github-classic-token");
    EXPECT_EQ(m[2].rule, "pgpass-password");
    EXPECT_EQ(m[2].fingerprint, Fingerprint(m[2].rule, pg_password));
    EXPECT_NE(m[2].description.find("(in root/.pgpass, " + std::string(kind.said) +
                                    ", base64-encoded)"),
              std::string::npos)
        << m[2].description;
    for (const Match& match : m) {
      EXPECT_EQ(match.line, 3) << kind.said;
      EXPECT_EQ(match.column, 1);
    }
    // On one line, as a JSON value or a CI variable holds it.
    m = Scan("{\"bundle\": \"" + fake::Base64(blob) + "\"}\n", "srv/state.json");
    EXPECT_EQ(m.size(), 3u) << RulesOf(m) << " " << kind.said;
  }
  // One file in a bzip2 stream (`base64 -d | bunzip2 > /etc/app.conf`).
  const std::string bz =
      wrapped::Pack(ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_BZIP2, {{"app.conf", files[0].second}});
  std::vector<Match> m = Scan(wrapped::Wrap(bz, 76), "opt/app/setup.sh");
  ASSERT_EQ(m.size(), 2u) << RulesOf(m);
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, password));
  EXPECT_NE(m[0].description.find("(bzip2, base64-encoded)"), std::string::npos);
}

// A blob is hostile input: a tarball of many empty files inflates to tar
// headers alone, a member of zeros to megabytes. Reading stops at the
// limits, and says so; what came before is read.
// The files of a packed blob are read as any file is: escapes in them, a
// base64 blob in them, a tarball among them.
TEST(WrappedBase64, WhatAPackedBlobHoldsIsReadAsAnyFileIs) {
  const std::string escaped = FakeFormat("github-classic-token");
  const std::string inner = FakeFormat("github-classic-token");
  const std::string nested = FakeFormat("github-classic-token");
  std::string java;
  for (char c : escaped.substr(0, 4)) {
    java += "\\u00" + std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 15];
  }
  const std::string app_tgz = wrapped::Pack(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP,
                                            {{"app/.env", "GH=" + inner + "\n"}});
  const std::string setup = "#!/bin/sh\nbase64 -d <<EOF | tar xzf -\n" +
                            wrapped::Wrap(wrapped::Pack(ARCHIVE_FORMAT_TAR_USTAR,
                                                        ARCHIVE_FILTER_GZIP,
                                                        {{"etc/.env", "GH=" + nested + "\n"}}),
                                          76) +
                            "EOF\n";
  const std::string outer = wrapped::Pack(
      ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP,
      {{"conf/app.properties", "api.key=" + java + escaped.substr(4) + "\n"},
       {"dist/app.tar.gz", app_tgz},
       {"bin/setup.sh", setup}});
  const std::string script = "#!/bin/sh\nbase64 -d <<EOF | tar xzf -\n" +
                             wrapped::Wrap(outer, 76) + "EOF\n";
  std::vector<Match> m = Scan(script, "usr/local/bin/install.sh");
  std::vector<std::string> prints;
  for (const Match& match : m) prints.push_back(match.fingerprint);
  std::sort(prints.begin(), prints.end());
  std::vector<std::string> want = {Fingerprint("github-classic-token", escaped),
                                   Fingerprint("github-classic-token", inner),
                                   Fingerprint("github-classic-token", nested)};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(prints, want) << RulesOf(m);
  for (const Match& match : m) EXPECT_EQ(match.line, 3);
}

// Archives within the blob are opened four deep; a fifth is read for
// token formats in its bytes as they are.
TEST(WrappedBase64, ArchivesInABlobAreOpenedFourDeep) {
  const std::string token = FakeFormat("github-classic-token");
  std::string blob = "GH=" + token + "\n";
  std::string name = ".env";
  for (int level = 1; level <= 5; ++level) {
    blob = wrapped::Pack(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP, {{name, blob}});
    name = "level" + std::to_string(level) + ".tar.gz";
    EXPECT_EQ(RulesOf(Scan("B=" + fake::Base64(blob) + "\n", "srv/app.env")),
              level <= 4 ? "github-classic-token" : "")
        << level << " levels";
  }
}

TEST(WrappedBase64, APackedBombIsReadOnlyUpToItsLimits) {
  const std::string token = FakeFormat("github-classic-token");
  std::vector<std::pair<std::string, std::string>> many = {{"a/.env", "GH=" + token + "\n"}};
  for (int i = 0; i < 20000; ++i) many.emplace_back("e/" + std::to_string(i), "");
  const std::string headers = wrapped::Pack(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP, many);
  detect::Unpacked got = detect::Unpack(headers, 1 << 20);
  EXPECT_TRUE(got.cut);
  ASSERT_EQ(got.files.size(), 1u);
  EXPECT_EQ(got.files[0].name, "a/.env");
  const std::string zeros = wrapped::Pack(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP,
                                          {{"a/.env", "GH=" + token + "\n"},
                                           {"zeros", std::string(64 << 20, '\0')},
                                           {"b/.env", "GH=" + token + "\n"}});
  ASSERT_LT(zeros.size(), 1u << 20);
  got = detect::Unpack(zeros, 1 << 20);
  EXPECT_TRUE(got.cut);
  EXPECT_EQ(got.bytes, 1u << 20);
  ASSERT_EQ(got.files.size(), 2u);
  EXPECT_EQ(got.files[1].bytes.size(), (1u << 20) - got.files[0].bytes.size());
  // Through the detector: the token before the bomb is found.
  std::vector<Match> m = Scan("BUNDLE=" + fake::Base64(zeros) + "\n", "srv/app.env");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "github-classic-token");
}

TEST(WrappedBase64, AUuencodedFileIsReadByTheNameOnItsBeginLine) {
  const std::string password = fake::RandomPassword(18);
  const std::string pg_password = fake::RandomPassword(14);
  // A shell archive: a .pgpass (whose lines only that name makes secrets),
  // then a tarball holding a .env.
  const std::string tarball = wrapped::Pack(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP,
                                            {{"app/.env", "DB_PASSWORD=" + password + "\n"}});
  const std::string shar = "#!/bin/sh\n# This is a shell archive.\nuudecode <<'SHAR_EOF'\n" +
                           wrapped::Uuencode("db:5432:app:app:" + pg_password + "\n", ".pgpass") +
                           "SHAR_EOF\nuudecode <<'SHAR_EOF'\n" +
                           wrapped::Uuencode(tarball, "app.tgz") + "SHAR_EOF\n";
  std::vector<Match> m = Scan(shar, "opt/install.shar");
  ASSERT_EQ(m.size(), 2u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "pgpass-password");
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, pg_password));
  EXPECT_EQ(m[0].line, 4);
  EXPECT_NE(m[0].description.find("(in .pgpass, uuencode)"), std::string::npos)
      << m[0].description;
  EXPECT_EQ(m[1].rule, "generic-secret-assignment");
  EXPECT_EQ(m[1].fingerprint, Fingerprint(m[1].rule, password));
  EXPECT_NE(m[1].description.find("(in app/.env, tar, gzip, uuencode)"), std::string::npos)
      << m[1].description;
  // "begin" lines that start no uuencoded file.
  ExpectNone("begin 644 steps\nthen rest\nbegin the install\n" +
                 wrapped::Uuencode("Nothing to see here.\n", "notes.txt"),
             "opt/notes.txt");
}

TEST(WrappedBase64, PackedBlobsWithoutSecretsAreNoFindings) {
  // Source files, prose, random bytes: a tarball and a zip of them.
  std::string random_bytes;
  for (int i = 0; i < 600; ++i) random_bytes += fake::Random(fake::kBase64, 1)[0] * 3;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"src/main.c", "int main(void) { return 0; }\n"},
      {"docs/auth.md", "Set the password with `app passwd`; the token expires daily.\n"},
      {"img.bin", random_bytes}};
  for (int format : {ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FORMAT_ZIP}) {
    const std::string blob = wrapped::Pack(format, ARCHIVE_FILTER_GZIP, files);
    ExpectNone("#!/bin/sh\nbase64 -d <<EOF | tar xzf -\n" + wrapped::Wrap(blob, 76) + "EOF\n",
               "usr/local/bin/install.sh");
  }
}

TEST(WrappedBase64, EncodedFilesWithoutSecretsAreNoFindings) {
  // Random bytes (an image), plain prose, gzip of prose, a certificate-like
  // DER blob: decoded, and nothing in them.
  std::string random_bytes;
  for (int i = 0; i < 600; ++i) {
    random_bytes += static_cast<char>(fake::Random(fake::kBase64, 1)[0] * 7);
  }
  std::string prose;
  for (int i = 0; i < 40; ++i) prose += "The token bucket refills every second; pass the limit.\n";
  for (const std::string& file : {random_bytes, prose, wrapped::Gzip(prose)}) {
    ExpectNone(wrapped::Wrap(file, 76), "srv/mail/1.eml");
    ExpectNone(wrapped::Wrap(file, 64, "  "), "etc/app/blob.yaml");
  }
}

TEST(WrappedBase64, TokensEncodedOneALineAreEachFoundOnTheirLine) {
  // Lines of other widths, padded or not, and lines of one width that are
  // each a whole encoding (45 bytes: 60 characters, no padding), which
  // read as one wrapped file: two findings, each on its own line.
  const std::string a = FakeFormat("github-classic-token");
  const std::string b = FakeFormat("github-classic-token");
  for (const std::string& text :
       {fake::Base64("GH=" + a) + "\n" + fake::Base64("token " + b) + "\n",
        fake::Base64("GH=" + a + ";\n") + "\n" + fake::Base64("GH=" + b + ";\n") + "\n"}) {
    std::vector<Match> m = Scan(text, "notes.txt");
    ASSERT_EQ(m.size(), 2u) << RulesOf(m) << " in\n" << text;
    EXPECT_EQ(m[0].line, 1);
    EXPECT_EQ(m[1].line, 2);
    EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, a));
    EXPECT_EQ(m[1].fingerprint, Fingerprint(m[1].rule, b));
  }
}

std::string Hex(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    out += fake::kHexDigits[c >> 4];
    out += fake::kHexDigits[c & 15];
  }
  return out;
}

TEST(WrappedBase64, AHexDumpOfTextIsDecodedAndADigestIsNot) {
  const std::string token = "xoxb-" + fake::Random("0123456789", 12) + "-" +
                            fake::Random("0123456789", 13) + "-" + fake::Random(fake::kBase62, 24);
  const std::string hex = Hex("slack_token=" + token + "\n");
  std::string dump;  // xxd -p: 60 digits a line
  for (size_t i = 0; i < hex.size(); i += 60) dump += hex.substr(i, 60) + "\n";
  std::vector<Match> m = Scan(dump, "app/data/token.hex");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, token));
  EXPECT_NE(m[0].description.find("hex-encoded"), std::string::npos);
  ExpectNone("sha256=" + fake::Random(fake::kHexDigits, 64) + "\n", "app/data/sums.txt");
}

// A value that decodes to assignments is read with the rules that need a
// key's name, as the text it hides: a config in a YAML value.
TEST(WrappedBase64, AssignmentsInBase64AreReadWithTheirNames) {
  const std::string secret = fake::Make(Kind::kAwsSecretAccessKey);
  const std::string password = fake::Mixed(18);
  const std::string text = "blob: " + fake::Base64("aws_secret_access_key=" + secret) +
                           "\nenv: " + fake::Base64("DB_PASSWORD=" + password + "\n") + "\n";
  std::vector<Match> m = Scan(text, "srv/app/values.yaml");
  ASSERT_EQ(m.size(), 2u) << RulesOf(m);
  EXPECT_EQ(m[0].fingerprint, Fingerprint("aws-secret-access-key", secret));
  EXPECT_EQ(m[1].fingerprint, Fingerprint("generic-secret-assignment", password));
  EXPECT_EQ(m[1].line, 2);
  // Prose that mentions a password, encoded, is no assignment.
  ExpectNone("note: " + fake::Base64("Reset your password: open the settings page.") + "\n",
             "srv/app/values.yaml");
}

TEST(WrappedBase64, Base64OfBase64IsDecodedTwice) {
  const std::string token = FakeFormat("github-classic-token");
  const std::string twice = fake::Base64(fake::Base64("GITHUB_TOKEN=" + token + "\n"));
  std::vector<Match> m = Scan(twice + "\n", "app/data/double.b64");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, token));
  EXPECT_NE(m[0].description.find("twice"), std::string::npos);
}

// Helm 3 keeps a release in a Kubernetes Secret: its data is base64 (the
// Secret's) of base64 (Helm's) of gzip of the release's JSON, whose
// manifest and values hold the chart's secrets.
TEST(WrappedBase64, AHelmReleaseBase64TwiceOfGzipIsUnpacked) {
  const std::string token = FakeFormat("github-classic-token");
  const std::string password = fake::RandomPassword(18);
  const std::string release =
      "{\"name\":\"app\",\"config\":{\"auth\":{\"password\":\"" + password +
      "\"}},\"manifest\":\"---\\nkind: Secret\\nstringData:\\n  GH_TOKEN: " + token +
      "\\n\"}";
  const std::string gz =
      wrapped::Pack(ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_GZIP, {{"release", release}});
  const std::string secret = "apiVersion: v1\nkind: Secret\ntype: helm.sh/release.v1\n"
                             "metadata:\n  name: sh.helm.release.v1.app.v1\ndata:\n  release: " +
                             fake::Base64(fake::Base64(gz)) + "\n";
  std::vector<Match> m = Scan(secret, "srv/k8s/release.yaml");
  std::vector<std::string> prints;
  for (const Match& match : m) {
    prints.push_back(match.fingerprint);
    EXPECT_EQ(match.line, 7);
    EXPECT_NE(match.description.find("base64-encoded twice"), std::string::npos)
        << match.description;
  }
  std::sort(prints.begin(), prints.end());
  std::vector<std::string> want = {Fingerprint("generic-secret-assignment", password),
                                   Fingerprint("github-classic-token", token)};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(prints, want) << RulesOf(m);
  // A release with no secret in it is none.
  const std::string clean = wrapped::Pack(ARCHIVE_FORMAT_RAW, ARCHIVE_FILTER_GZIP,
                                          {{"release", "{\"name\":\"app\",\"version\":3}"}});
  ExpectNone("data:\n  release: " + fake::Base64(fake::Base64(clean)) + "\n",
             "srv/k8s/release.yaml");
}

TEST(WrappedBase64, ATokenCutByAQuotedPrintableSoftBreakIsFound) {
  const std::string token = FakeFormat("github-classic-token");
  const std::string mail = "From: ci@example.org\nContent-Type: text/plain; charset=utf-8\n"
                           "Content-Transfer-Encoding: quoted-printable\n\n"
                           "Deploy with GH_TOKEN=3D" + token.substr(0, 17) + "=\n" +
                           token.substr(17) + " and go.\n";
  std::vector<Match> m = Scan(mail, "var/mail/root");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, token));
  EXPECT_EQ(mail.substr(m[0].offset, 17), token.substr(0, 17));
  EXPECT_EQ(m[0].length, token.size() + 2);  // the soft break within
  EXPECT_EQ(m[0].line, 5);
}

TEST(WrappedBase64, AGzipBombInBase64IsReadOnlyToItsBound) {
  // 64 MiB of one letter gzips to about 64 KiB; the detector inflates at
  // most 1 MiB of it and finds the token placed at the start.
  const std::string token = FakeFormat("github-classic-token");
  std::string big = "GH=" + token + "\n" + std::string(64 << 20, 'a');
  const std::string gz = wrapped::Gzip(big);
  big.clear();
  std::vector<Match> m = Scan(wrapped::Wrap(gz, 76), "bomb.txt");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "github-classic-token");
}

// ---------------------------------------------------------------------------
// History files keep what was typed

// Random lower-case letters: no word, no mixed case, as typed passwords
// often are.
std::string LettersOnly(size_t n) { return fake::Random("bcdfghjklmnpqrstvwxz", n); }

TEST(HistoryFile, ALettersOnlyPasswordTypedInAHistoryIsFound) {
  const std::string password = LettersOnly(14);
  const std::pair<std::string_view, std::string> cases[] = {
      {"root/.mysql_history",
       "show databases;\nCREATE\\040USER\\040'app'@'%'\\040IDENTIFIED\\040BY\\040'" +
           password + "';\n"},
      {"root/.psql_history", "\\du\nALTER ROLE app WITH PASSWORD '" + password + "';\n"},
      {"root/.bash_history", "ls\nmysql -u root -p" + password + " app < dump.sql\n"},
      {"home/dev/.zsh_history", ": 1700000000:0;export DB_PASSWORD=" + password + "\n"},
      {"root/.local/share/fish/fish_history", "- cmd: sshpass -p " + password + " ssh db\n"},
  };
  for (const auto& [path, text] : cases) {
    std::vector<Match> m = Scan(text, path);
    ASSERT_EQ(m.size(), 1u) << RulesOf(m) << " in " << path << ":\n" << text;
    EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, password)) << path;
  }
}

TEST(HistoryFile, OutsideAHistoryALettersOnlyPasswordIsNoFinding) {
  const std::string password = LettersOnly(14);
  ExpectNone("mysql -u root -p" + password + " app < dump.sql\n", "usr/local/bin/restore.sh");
  ExpectNone("export DB_PASSWORD=" + password + "\n", "etc/profile.d/app.sh");
}

TEST(HistoryFile, PlaceholdersWordsAndVariablesInAHistoryAreNoFindings) {
  for (std::string_view line :
       {"mysql -u root -ppassword\n", "mysql -u root -p$MYSQL_ROOT_PASSWORD\n",
        "export DB_PASSWORD=changeme\n", "export API_TOKEN=${TOKEN}\n",
        "CREATE USER app IDENTIFIED BY 'secretpassword';\n", "mysql -u root -p\n",
        "export GITHUB_TOKEN=xxxxxxxxxxxxxxxx\n"}) {
    ExpectNone(line, "root/.bash_history");
  }
}

// ---------------------------------------------------------------------------
// Dumps, wallets, ACL tokens and CI jobs

TEST(Dumps, SecretNamedColumnsOfAPostgresDumpAreFound) {
  const std::string secret = fake::RandomPassword(24);
  const std::string dump = "--\n-- PostgreSQL database dump\n--\n\n"
                           "COPY public.oauth_clients (id, name, client_secret, password_hash) "
                           "FROM stdin;\n1\tweb\t" + secret + "\t$2b$12$" +
                           fake::Random(fake::kBase62, 53) + "\n2\tcli\t\\N\t\\N\n\\.\n\n"
                           "COPY public.users (id, email) FROM stdin;\n1\ta@example.org\n\\.\n";
  std::vector<Match> m = Scan(dump, "backup/pg.sql");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].description, "secret-named column of a PostgreSQL dump (COPY)");
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, secret));
  EXPECT_EQ(m[0].line, 6);
  // Words, placeholders and NULLs in the column are no secrets.
  ExpectNone("COPY public.t (id, api_token) FROM stdin;\n1\tchangeme\n2\t\\N\n3\tdisabled\n\\.\n",
             "backup/pg.sql");
}

TEST(Dumps, AnLdifPasswordInBase64IsFoundAndAHashIsNot) {
  const std::string password = fake::RandomPassword(16);
  const std::string ldif = "dn: uid=svc,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\n"
                           "uid: svc\nuserPassword:: " + fake::Base64(password) + "\n";
  std::vector<Match> m = Scan(ldif, "backup/users.ldif");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].description, "password in an LDIF entry (userPassword, base64)");
  EXPECT_EQ(m[0].line, 4);
  ExpectNone("userPassword:: " + fake::Base64("{SSHA}" + fake::Random(fake::kBase64, 32)) + "\n",
             "backup/users.ldif");
}

TEST(Wallets, ARecoveryPhraseUnderItsNameIsFoundAndTestPhrasesAreNot) {
  std::string phrase;
  const std::vector<std::string> words = {"ladder", "orbit", "cactus", "velvet", "hammer",
                                          "tribe", "mango", "quiz", "shadow", "fiber",
                                          "ozone", "random", "pistol", "eager", "wolf"};
  // 7 is prime to 15: twelve steps from any start are twelve words.
  const size_t start = static_cast<size_t>(fake::Random("0123456789", 1)[0]);
  for (size_t i = 0; i < 12; ++i) phrase += (i ? " " : "") + words[(start + i * 7) % words.size()];
  std::vector<Match> m = Scan("NETWORK=mainnet\nWALLET_MNEMONIC=\"" + phrase + "\"\n", "app/.env");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m) << " " << phrase;
  EXPECT_EQ(m[0].severity, Severity::kCritical);
  EXPECT_EQ(m[0].length, phrase.size());
  std::string abandon;
  for (int i = 0; i < 11; ++i) abandon += "abandon ";
  ExpectNone("MNEMONIC=\"" + abandon + "about\"\n", "app/.env");
  ExpectNone("seed_phrase: \"one two three\"\n", "app/config.yml");
}

TEST(AclTokens, ConsulAndNomadTokensAreFoundByTheirNames) {
  const std::string uuid = fake::Uuid();
  for (const std::string& text :
       {"CONSUL_HTTP_TOKEN=" + uuid + "\n", "NOMAD_TOKEN=" + uuid + "\n",
        "curl -H \"X-Consul-Token: " + uuid + "\" http://127.0.0.1:8500\n"}) {
    std::vector<Match> m = Scan(text, "app/.env");
    ASSERT_EQ(m.size(), 1u) << RulesOf(m) << " in " << text;
    EXPECT_EQ(m[0].description, "ACL token (Consul, Nomad)");
  }
  ExpectNone("REQUEST_ID=" + uuid + "\nCONSUL_HTTP_TOKEN=00000000-0000-0000-0000-000000000000\n",
             "app/.env");
}

TEST(CiJobs, AJenkinsPasswordParameterWithAClearDefaultIsFound) {
  const std::string password = fake::RandomPassword(16);
  auto job = [](const std::string& value) {
    return "<project>\n <properties>\n  <hudson.model.PasswordParameterDefinition>\n"
           "   <name>DEPLOY</name>\n   <defaultValue>" + value + "</defaultValue>\n"
           "  </hudson.model.PasswordParameterDefinition>\n </properties>\n</project>\n";
  };
  std::vector<Match> m = Scan(job(password), "var/jenkins_home/jobs/deploy/config.xml");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].line, 5);
  ExpectNone(job("{AQAAABAAAAAQ" + fake::Random(fake::kBase64, 40) + "}"),
             "var/jenkins_home/jobs/deploy/config.xml");
}

// gcloud's application default credentials hold gcloud's own OAuth client,
// whose secret is public by design: low. The refresh token is the secret.
TEST(CloudCredentials, TheClientSecretOfAnInstalledAppIsLowBesideItsRefreshToken) {
  const std::string refresh = "1//0" + fake::Random(fake::kUrlSafe, 100);
  const std::string adc = "{\n  \"client_id\": \"" + fake::Random("0123456789", 12) + "-" +
                          fake::Random("abcdefghijklmnopqrstuvwxyz0123456789", 32) +
                          ".apps.googleusercontent.com\",\n  \"client_secret\": \"d-" +
                          fake::Random(fake::kBase62, 22) + "\",\n  \"refresh_token\": \"" +
                          refresh + "\",\n  \"type\": \"authorized_user\"\n}\n";
  std::vector<Match> m = Scan(adc, "root/.config/gcloud/application_default_credentials.json");
  ASSERT_EQ(m.size(), 2u) << RulesOf(m);
  EXPECT_EQ(m[0].severity, Severity::kLow);
  EXPECT_EQ(m[1].severity, Severity::kHigh);
  EXPECT_EQ(m[1].fingerprint, Fingerprint(m[1].rule, refresh));
}

// ---------------------------------------------------------------------------
// PDF streams

namespace pdf {

std::string Deflate(std::string_view text) {
  uLongf size = compressBound(text.size());
  std::string out(size, '\0');
  EXPECT_EQ(compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                      reinterpret_cast<const Bytef*>(text.data()), text.size(), 9),
            Z_OK);
  out.resize(size);
  return out;
}

// A PDF of the given streams, each an object with its dictionary.
std::string Make(const std::vector<std::pair<std::string, std::string>>& streams) {
  std::string out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  int n = 1;
  for (const auto& [dict, data] : streams) {
    out += std::to_string(n++) + " 0 obj\n<< /Length " + std::to_string(data.size()) + " " +
           dict + " >>\nstream\n" + data + "\nendstream\nendobj\n";
  }
  return out + "trailer\n<< /Root 1 0 R >>\n%%EOF\n";
}

}  // namespace pdf

TEST(Pdf, SecretsShownByAPagesTextAreFound) {
  const std::string id = "AKIA" + fake::Random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  const std::string secret = fake::Make(Kind::kAwsSecretAccessKey);
  // The key id split by kerning in a TJ array; the secret escaped where a
  // '/' or '+' is a character of it, as PDF writers do not need to.
  const std::string page = "BT /F1 11 Tf 72 720 Td (Runbook: production access) Tj T*\n[(" +
                           id.substr(0, 6) + ") -20 (" + id.substr(6) + ")] TJ T*\n" +
                           "(aws_secret_access_key = " + secret + ") Tj ET\n";
  const std::string file = pdf::Make({{"/Type /XObject /Subtype /Image /Filter /DCTDecode",
                                       std::string("\xff\xd8\xff\xe0", 4) + "jpeg"},
                                      {"/Filter /FlateDecode", pdf::Deflate(page)}});
  std::vector<Match> m = Scan(file, "docs/runbook.pdf");
  ASSERT_EQ(m.size(), 2u) << RulesOf(m);
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, id));
  EXPECT_EQ(m[1].fingerprint, Fingerprint(m[1].rule, secret));
  EXPECT_NE(m[0].description.find("PDF"), std::string::npos);
  // Reported at the compressed stream: its line in the file.
  EXPECT_EQ(file.substr(m[0].offset, 2), pdf::Deflate(page).substr(0, 2));
}

TEST(Pdf, AnAttachedFileIsReadAsItsBytes) {
  const std::string token = FakeFormat("github-classic-token");
  const std::string file = pdf::Make(
      {{"/Type /EmbeddedFile /Filter [/FlateDecode]", pdf::Deflate("GH=" + token + "\n")}});
  std::vector<Match> m = Scan(file, "srv/report.pdf");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "github-classic-token");
}

TEST(Pdf, OtherFiltersCorruptStreamsAndCleanPagesAreNoFindings) {
  const std::string token = FakeFormat("github-classic-token");
  const std::string page = "BT (The token bucket refills every second.) Tj ET\n";
  const std::string deflated = pdf::Deflate("GH=" + token + "\n");
  ExpectNone(pdf::Make({{"/Filter /FlateDecode", pdf::Deflate(page)},
                        {"/Filter [/ASCII85Decode /FlateDecode]", "<~abc~>"},
                        {"/Filter /FlateDecode", "not zlib at all"},
                        {"/Filter /FlateDecode", deflated.substr(0, 1)}}),
             "docs/a.pdf");
}

TEST(Zlib, AFileThatIsOneZlibStreamIsInflatedAndRead) {
  const std::string key = "sk_live_" + fake::Random(fake::kBase62, 24);
  const std::string json = "{\"user\": 7, \"stripe\": \"" + key + "\"}";
  const std::string file = pdf::Deflate(json);
  std::vector<Match> m = Scan(file, "app/cache/session.zlib");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, key));
  EXPECT_EQ(m[0].offset, 0u);
  EXPECT_EQ(m[0].length, file.size());
  // A git object elsewhere than in a repository's object store.
  const std::string token = FakeFormat("github-classic-token");
  const std::string blob = "GH=" + token + "\n";
  m = Scan(pdf::Deflate("blob " + std::to_string(blob.size()) + std::string(1, '\0') + blob),
           "srv/backup/objects-copy/3f/a1b2");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "github-classic-token");
  // 'x' and a byte that makes no zlib header; and zlib of nothing secret.
  ExpectNone("x" + std::string("\x9d\x01\x02\x03\x04\x05\x06", 7), "a.bin");
  ExpectNone(pdf::Deflate(std::string(1000, 'a')), "a.zlib");
}

TEST(Datadog, AnApplicationKeyUnderItsNamesIsFound) {
  const std::string key = fake::Random(fake::kHexDigits, 40);
  for (const std::string& text :
       {"provider \"datadog\" {\n  api_key = var.dd_api\n  app_key = \"" + key + "\"\n}\n",
        "DD_APP_KEY=" + key + "\n", "datadog:\n  application_key: " + key + "\n"}) {
    std::vector<Match> m = Scan(text, "infra/datadog.tf");
    ASSERT_EQ(m.size(), 1u) << RulesOf(m) << " in " << text;
    EXPECT_EQ(m[0].description, "Datadog application key");
    EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, key));
  }
  ExpectNone("app_key = \"" + std::string(40, '0') + "\"\n", "infra/datadog.tf");
}

TEST(Dumps, SecretNamedColumnsOfACsvFileAreFound) {
  const std::string id = "AKIA" + fake::Random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  const std::string secret = fake::Make(Kind::kAwsSecretAccessKey);
  const std::string csv =
      "User name,Password,Access key ID,Secret access key,Console login link\r\n"
      "ci-bot,," + id + "," + secret + ",https://123456789012.signin.aws.amazon.com/console\r\n";
  std::vector<Match> m = Scan(csv, "root/Downloads/ci-bot_accessKeys.csv");
  ASSERT_EQ(m.size(), 2u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "aws-access-key-id");
  EXPECT_EQ(m[1].description, "secret-named column of a CSV file");
  EXPECT_EQ(m[1].fingerprint, Fingerprint(m[1].rule, secret));
  // A password manager's export; and words, blanks and other files.
  const std::string password = fake::RandomPassword(16);
  m = Scan("name,url,username,password\nmail,https://mail.example.org,ops,\"" + password + "\"\n",
           "home/ops/export.csv");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, password));
  ExpectNone("name,password\nalice,\nbob,changeme\ncarol,correct horse\n", "home/ops/export.csv");
  ExpectNone("name,password\nmail," + password + "\n", "home/ops/export.txt");
}

// A YAML tag is a word ("!vault", "!!str"): a password that starts with
// '!' is the value itself, not a tag before it.
TEST(Shapes, APasswordThatStartsWithAnExclamationMarkIsNoYamlTag) {
  const std::string password =
      "!" + fake::Random(fake::kBase62, 4) + "9" + fake::RandomPassword(14);
  for (const std::string& text :
       {"psql \"host=db user=admin \\\n  password=" + password + " dbname=app\" -c 'select 1'\n",
        "db:\n  password: " + password + "\n"}) {
    std::vector<Match> m = Scan(text, "usr/local/bin/migrate.sh");
    ASSERT_EQ(m.size(), 1u) << RulesOf(m) << " in " << text;
    EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, password)) << text;
  }
}

TEST(Escapes, ATokenWrittenWithEscapesIsFoundWhereItsCharactersAre) {
  const std::string token = FakeFormat("github-classic-token");
  const std::string password = fake::RandomPassword(16);
  std::string java_escaped;
  for (char c : token.substr(0, 4)) {
    constexpr std::string_view kHex = "0123456789abcdef";
    java_escaped += "\\u00" + std::string(1, kHex[c >> 4]) + kHex[c & 15];
  }
  std::string html;
  for (char c : token) html += "&#" + std::to_string(static_cast<int>(c)) + ";";
  // C, JavaScript and Python's "\x67", and octal "\147".
  std::string hex_escaped;
  std::string octal_escaped;
  for (char c : token) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
    hex_escaped += buf;
    std::snprintf(buf, sizeof buf, "\\%03o", static_cast<unsigned>(c));
    octal_escaped += buf;
  }
  struct Case {
    std::string text;
    std::string path;
    std::string first;  // the text at the finding
  };
  for (const Case& c :
       {Case{"greeting=Hello\napi.key=" + java_escaped + token.substr(4) + "\n",
             "opt/app/i18n.properties", java_escaped.substr(0, 6)},
        Case{"<div data-token=\"" + html + "\">x</div>\n", "srv/www/page.html", "&#103;"},
        Case{"var k=\"" + hex_escaped + "\";\n", "srv/www/app.min.js", "\\x67"},
        Case{"K = b\"" + octal_escaped + "\"\n", "opt/app/keys.py", "\\147"},
        Case{"#!/bin/sh\ncurl -H \"Authorization: token ghp_\\\n    " + token.substr(4) +
                 "\" https://api.github.com/user\n",
             "opt/app/build.sh", "ghp_"},
        Case{"RUN curl -fsS -H 'Authorization: Bearer " + token.substr(0, 12) + "\\\n" +
                 token.substr(12) + "' https://example.com/a.tgz | tar xz\n",
             "Containerfile", token.substr(0, 4)}}) {
    std::vector<Match> m = Scan(c.text, c.path);
    ASSERT_EQ(m.size(), 1u) << RulesOf(m) << " in " << c.text;
    EXPECT_EQ(m[0].rule, "github-classic-token") << c.text;
    EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, token)) << c.text;
    EXPECT_EQ(c.text.substr(m[0].offset, c.first.size()), c.first) << c.text;
    EXPECT_NE(m[0].description.find("(written with escapes)"), std::string::npos);
  }
  // A JSON string's escape is part of the value: the generic finding of the
  // escaped text gives way to the value it stands for.
  const std::string escaped = password.substr(0, 6) + "\\u0021" + password.substr(6);
  std::vector<Match> m = Scan("{\"db\": {\"password\": \"" + escaped + "\"}}\n", "srv/app.json");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].fingerprint,
            Fingerprint(m[0].rule, password.substr(0, 6) + "!" + password.substr(6)));
}

TEST(Escapes, ATokenCutInAnAuthorizationHeaderIsOneTokenNotTwoPieces) {
  const std::string token = FakeFormat("github-classic-token");
  const std::string script = "#!/bin/sh\ncurl -H \"Authorization: token " + token.substr(0, 20) +
                             "\\\n" + token.substr(20) + "\" https://api.github.com/user\n";
  std::vector<Match> m = Scan(script, "opt/app/fetch.sh");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "github-classic-token");
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, token));
}

TEST(Escapes, EscapesWithoutSecretsAreNoFindings) {
  ExpectNone("{\"msg\": \"caf\\u00e9 \\u003cb\\u003e \\u2713 done\"}\n", "srv/i18n.json");
  ExpectNone("<p>&#169; 2024 Example &#x2014; all rights &#60;reserved&#62;</p>\n",
             "srv/www/index.html");
  ExpectNone("RUN apt-get update && \\\n    apt-get install -y \\\n      curl ca-certificates\n",
             "Containerfile");
  ExpectNone("password=\\\n  ${DB_PASSWORD}\n", "etc/app/app.properties");
  ExpectNone("var re=/[\\x00-\\x1f\\x7f]/g; s=\"\\101\\102\\103\\x44\";\n", "srv/www/app.js");
}

TEST(Shapes, WebServerVariablesSnmpCommunitiesAndYarnTokensAreFound) {
  const std::string password = fake::RandomPassword(18);
  const std::string hex = fake::Random("0123456789abcdef", 64);
  struct Case {
    std::string text;
    std::string path;
    std::string rule;
  };
  for (const Case& c :
       {Case{"<VirtualHost *:80>\n  SetEnv DB_PASSWORD " + password + "\n</VirtualHost>\n",
             "etc/apache2/sites-enabled/app.conf", "generic-secret-assignment"},
        Case{"location ~ \\.php$ {\n  fastcgi_param APP_SECRET \"" + password + "\";\n}\n",
             "etc/nginx/conf.d/app.conf", "generic-secret-assignment"},
        Case{"sysLocation rack 4\nrocommunity " + password + " 10.0.0.0/8\n",
             "etc/snmp/snmpd.conf", "generic-secret-assignment"},
        Case{"npmRegistryServer: \"https://npm.example.com\"\nnpmAuthToken: \"" + hex + "\"\n",
             "app/.yarnrc.yml", "npmrc-auth-token"}}) {
    std::vector<Match> m = Scan(c.text, c.path);
    ASSERT_EQ(m.size(), 1u) << RulesOf(m) << " in " << c.text;
    EXPECT_EQ(m[0].rule, c.rule);
    EXPECT_EQ(m[0].fingerprint,
              Fingerprint(m[0].rule, c.rule == "npmrc-auth-token" ? hex : password));
  }
  // Paths to secrets, defaults and placeholders.
  ExpectNone("SetEnv PASSWORD_FILE /run/secrets/db\nSetEnv APP_ENV production\n"
             "fastcgi_param DB_PASSWORD $db_password;\n",
             "etc/apache2/sites-enabled/app.conf");
  ExpectNone("rocommunity public default\nrwcommunity private localhost\n"
             "rocommunity <community> 10.0.0.0/8\n",
             "etc/snmp/snmpd.conf");
  ExpectNone("npmAuthToken: \"${NPM_TOKEN}\"\n", "app/.yarnrc.yml");
}

// A PNG's text chunk ends in its CRC, a Go binary's string table runs its
// strings together: the bytes after a token are often letters.
TEST(Shapes, AChecksummedTokenGluedToTheBytesAfterItIsFound) {
  for (std::string_view rule : {"github-classic-token", "npm-token"}) {
    const std::string token = FakeFormat(rule);
    const std::string png = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) +
                            std::string(17, '\x01') + std::string("\0\0\0\x3atEXt", 8) +
                            "Comment" + std::string(1, '\0') + token + "Qz7\x91IEND";
    std::vector<Match> m = Scan(png, "srv/www/img/logo.png");
    ASSERT_EQ(m.size(), 1u) << RulesOf(m);
    EXPECT_EQ(m[0].rule, rule);
    EXPECT_EQ(m[0].fingerprint, Fingerprint(rule, token));
    m = Scan("const a=\"" + token + "Bearer\";\n", "srv/app.js");
    ASSERT_EQ(m.size(), 1u) << RulesOf(m);
    EXPECT_EQ(m[0].fingerprint, Fingerprint(rule, token));
  }
  // Glued, a token whose checksum fails is no finding: a longer run of
  // letters that starts with the prefix.
  std::string fake = FakeFormat("github-classic-token");
  fake[10] = fake[10] == 'A' ? 'B' : 'A';
  ExpectNone("x=" + fake + "Q\n", "srv/app.env");
}

namespace png {

std::string BigEndian(uint32_t n) {
  return {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
          static_cast<char>(n)};
}

std::string Chunk(std::string_view type, std::string_view data) {
  std::string body = std::string(type) + std::string(data);
  const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(body.data()),
                          static_cast<uInt>(body.size()));
  return BigEndian(static_cast<uint32_t>(data.size())) + body +
         BigEndian(static_cast<uint32_t>(crc));
}

using pdf::Deflate;

// A 1x1 image with `chunks` before its data.
std::string Image(const std::string& chunks) {
  const std::string ihdr = BigEndian(1) + BigEndian(1) + std::string("\x08\x02\0\0\0", 5);
  return std::string("\x89PNG\r\n\x1a\n", 8) + Chunk("IHDR", ihdr) + chunks +
         Chunk("IDAT", Deflate(std::string(4, '\0'))) + Chunk("IEND", "");
}

}  // namespace png

TEST(Png, TheTextChunksOfAPngAreReadPlainOrCompressed) {
  const std::string figma = FakeFormat("figma-pat");
  const std::string airtable = FakeFormat("airtable-pat");
  const std::string password = fake::RandomPassword(16);
  for (int glue = 0; glue < 8; ++glue) {  // the CRC after the token varies
    const std::string plain = png::Chunk("tEXt", "Comment" + std::string(1, '\0') + "export " +
                                                     std::to_string(glue) + " " + figma);
    const std::string packed = png::Chunk(
        "zTXt", "Source" + std::string(1, '\0') + std::string(1, '\0') +
                    png::Deflate("https://api.airtable.com/v0/app?key=" + airtable + "\n"));
    const std::string international = png::Chunk(
        "iTXt", "Settings" + std::string(1, '\0') + std::string("\x01\0en\0\0", 6) +
                    png::Deflate("db_password: " + password + "\n"));
    const std::string image = png::Image(plain + packed + international);
    std::vector<Match> m = Scan(image, "srv/www/img/logo.png");
    ASSERT_EQ(m.size(), 3u) << RulesOf(m);
    EXPECT_EQ(m[0].rule, "figma-pat");
    EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, figma));
    EXPECT_EQ(image.substr(m[0].offset, figma.size()), figma);
    EXPECT_EQ(m[1].rule, "airtable-pat");
    EXPECT_EQ(m[1].fingerprint, Fingerprint(m[1].rule, airtable));
    EXPECT_EQ(m[2].fingerprint, Fingerprint(m[2].rule, password));
    EXPECT_NE(m[2].description.find("(in a PNG text chunk)"), std::string::npos);
  }
  // What image tools write there is no secret.
  ExpectNone(png::Image(png::Chunk("tEXt", "Software" + std::string(1, '\0') +
                                               "gnome-screenshot") +
                        png::Chunk("zTXt", "Raw profile type exif" + std::string(2, '\0') +
                                               png::Deflate("exif\n 24\n4578696600004d4d\n"))),
             "usr/share/icons/a.png");
}

// A manual quotes a flag in typographic quotes: the value ends at them, as
// at ASCII quotes, and a metavariable there is no password.
TEST(PackageDocs, TypographicQuotesEndAValue) {
  ExpectNone("     Set HTTP password, equivalent to \u2018--http-password=STRING\u2019.\n"
             "     \u201c--proxy-password=STRING\u201d and \u00abpassword=STRING\u00bb\n",
             "/srv/app/MANUAL.txt");
  const std::string pass = fake::Mixed(16);
  const std::string text = "Log in with \u2018password=" + pass + "\u2019 once.\n";
  ExpectOne(text, "/srv/app/notes.txt", "generic-secret-assignment", Severity::kHigh, pass);
  const std::string opened = "Log in with password=\u201c" + pass + "\u201d once.\n";
  ExpectOne(opened, "/srv/app/notes.txt", "generic-secret-assignment", Severity::kHigh, pass);
}

// An AWS ARN names a secret's resource type and the secret's name, no key
// and value (botocore's Athena documentation); a word of another script in
// escapes is no password (the JDK's Thai name of Palau, country code PW).
TEST(Generic, ArnsAndEscapedWordsOfOtherScriptsAreNoAssignments) {
  ExpectNone("{\"SecretArn\":\"arn:aws:secretsmanager:ap-south-1:111122223333:secret:"
             "snowflake-XHb67j\"}\n"
             "role: arn:aws:iam::111122223333:secret:x-Ab12Cd\n"
             "{\"pattern\":\"arn:([a-z\\\\d-]+):.*:.*:secret:AmazonLookoutMetrics-.+\"}\n",
             "srv/app/catalog.json");
  ExpectNone("        final String metaValue_PW = \"\\u0e1b\\u0e32\\u0e40\\u0e25\\u0e32\";\n",
             "usr/lib/jvm/x/src/LocaleNames_th.java");
  const std::string pass = fake::Mixed(16);
  ExpectOne("DB_SECRET: " + pass + "\n", "srv/app/app.yaml", "generic-secret-assignment",
            Severity::kHigh, pass);
  ExpectOne("secret:" + pass + "\n", "srv/app/app.yaml", "generic-secret-assignment",
            Severity::kHigh, pass);
}

// A password with a '$' before letters, in each kind of file that holds
// one.
TEST(Generic, APasswordWithADollarBeforeLettersIsFoundEverywhere) {
  const std::string pw = "xTYGwhNS$jjjRVdxFRzfV";
  for (const auto& [text, path] : std::vector<std::pair<std::string, std::string>>{
           {"spring.datasource.password=" + pw + "\n", "app/application.properties"},
           {"{\"password\": \"" + pw + "\"}\n", "app/config.json"},
           {"postgresPassword: " + pw + "\n", "app/values.yaml"},
           {"define('DB_PASSWORD', '" + pw + "');\n", "var/www/wp-config.php"},
           {"SECRET_KEY = '" + pw + "'\n", "app/settings.py"},
           {"<add name=\"db\" connectionString=\"Server=db;User Id=app;Password=" + pw +
                ";\" />\n",
            "app/web.config"},
           {"db:5432:app:app:" + pw + "\n", "root/.pgpass"}}) {
    std::vector<Match> m = Scan(text, path);
    ASSERT_EQ(m.size(), 1u) << path << ": " << RulesOf(m);
    EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, pw)) << path;
  }
}

// In a config file of lines a bare value runs to the end of its line, '('
// '&' ';' ',' and '*' in it; a comment after a blank is no part of it.
TEST(Generic, ABareValueInAConfigFileRunsToTheEndOfItsLine) {
  const std::string pw = "Xk9(mP2)&vL7q*W3z;a,b";
  for (const auto& [text, path] : std::vector<std::pair<std::string, std::string>>{
           {"DB_PASSWORD=" + pw + "\n", "app/.env"},
           {"export DB_PASSWORD=" + pw + "  # rotated\n", "app/prod.env"},
           {"db.password=" + pw + "\n", "app/application.properties"},
           {"db:\n  password: " + pw + " # from vault\n", "app/values.yaml"},
           {"[db]\npassword = " + pw + "\n", "etc/app.ini"},
           {"[client]\npassword=" + pw + " ; old\n", "etc/mysql/conf.d/app.cnf"}}) {
    std::vector<Match> m = Scan(text, path);
    ASSERT_EQ(m.size(), 1u) << path << ": " << RulesOf(m);
    EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, pw)) << path;
    EXPECT_EQ(text.substr(m[0].offset, m[0].length), pw) << path;
  }
  // A key inside a line (a URL's query, a flow mapping) keeps its
  // delimiters; so does a shell script.
  const std::string short_pw = "Xk9mP2vL7qW3";
  for (const auto& [text, path] : std::vector<std::pair<std::string, std::string>>{
           {"url=jdbc:x://db;password=" + short_pw + ";user=app\n", "app/db.properties"},
           {"db: {password: " + short_pw + ", user: app}\n", "app/values.yaml"},
           {"DB_PASSWORD=" + short_pw + "&& run\n", "app/start.sh"}}) {
    std::vector<Match> m = Scan(text, path);
    for (const Match& f : m) {
      EXPECT_EQ(text.substr(f.offset, f.length), short_pw) << path << ": " << f.rule;
    }
  }
}

// A token in hex (GitHub's before 2021, hub's, CircleCI's: 40 digits)
// under a token's name is a secret, not a digest; Heroku issues its API key
// as a UUID. A digest or a commit under a token's name, and a UUID under
// another name, are none.
TEST(Generic, HexTokensAndHerokuKeysUnderTheirNamesAreFound) {
  const std::string hex = fake::Random(fake::kHexDigits, 40);
  const std::string uuid = fake::Uuid();
  for (const auto& [text, path, value] : std::vector<std::tuple<std::string, std::string,
                                                                 std::string>>{
           {"GITHUB_TOKEN=" + hex + "\n", "app/.env", hex},
           {"github.com:\n- user: ci\n  oauth_token: " + hex + "\n", "root/.config/hub", hex},
           {"HEROKU_API_KEY=" + uuid + "\n", "app/.env", uuid}}) {
    std::vector<Match> m = Scan(text, path);
    ASSERT_EQ(m.size(), 1u) << path << ": " << RulesOf(m);
    EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, value)) << path;
  }
  ExpectNone("commit_token: " + hex + "\ntoken_sha1: " + hex + "\nREQUEST_ID=" + uuid +
                 "\nSESSION_SECRET=" + uuid + "\n",
             "app/.env");
}

// sssd's LDAP bind password, an Oracle thin driver's user/password@host,
// and a JSON Web Key's symmetric "k"; their manuals' examples are none.
TEST(Shapes, SssdAuthtokOracleJdbcAndSymmetricJwksAreFound) {
  const std::string pw = fake::Mixed(18);
  std::string k = fake::Base64(fake::Random(fake::kBase62, 32), true);
  while (!k.empty() && k.back() == '=') k.pop_back();
  for (const auto& [text, path, value] : std::vector<std::tuple<std::string, std::string,
                                                                 std::string>>{
           {"[domain/corp]\nldap_default_bind_dn = cn=sssd\nldap_default_authtok = " + pw +
                "\n",
            "etc/sssd/sssd.conf", pw},
           {"spring.datasource.url=jdbc:oracle:thin:app/" + pw + "@db:1521/ORCL\n",
            "app/application.properties", pw},
           {"{\"keys\":[{\"kty\":\"oct\",\"kid\":\"h1\",\"alg\":\"HS256\",\"k\":\"" + k +
                "\"}]}\n",
            "etc/app/jwks.json", ""}}) {
    std::vector<Match> m = Scan(text, path);
    ASSERT_EQ(m.size(), 1u) << path << ": " << RulesOf(m);
    if (value.empty()) {
      EXPECT_EQ(m[0].description, "symmetric key (JSON Web Key)");
    } else {
      EXPECT_EQ(text.substr(m[0].offset, m[0].length), value) << path;
    }
  }
  ExpectNone("url=jdbc:oracle:thin:scott/tiger@localhost:1521:orcl\n"
             "{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKt"
             "MN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}\n",
             "app/notes.txt");
}

// Every SigV4-signed request names its key ID in the clear, with a
// credential scope after it (a presigned URL in AWS's own examples): low.
// A key ID anywhere else keeps its severity.
TEST(AwsKeyId, AKeyIdInASignedRequestsCredentialScopeIsLow) {
  const std::string id = "AKIA" + fake::Random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  for (const std::string& text :
       {"https://b.s3.us-west-2.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&"
        "X-Amz-Credential=" + id + "%2F20190814%2Fus-west-2%2Fs3%2Faws4_request&"
        "X-Amz-Expires=3600\n",
        "Authorization: AWS4-HMAC-SHA256 Credential=" + id +
            "/20130524/us-east-1/s3/aws4_request, SignedHeaders=host\n"}) {
    std::vector<Match> m = Scan(text, "/srv/app/log.txt");
    ASSERT_EQ(m.size(), 1u) << RulesOf(m);
    EXPECT_EQ(m[0].rule, "aws-access-key-id");
    EXPECT_EQ(m[0].severity, Severity::kLow);
    EXPECT_EQ(m[0].offset, text.find(id));
  }
  for (const std::string& text : {"aws_access_key_id = " + id + "\n",
                                  "key=" + id + "/2019/x\n", "key=" + id + "%2F201908%2F\n"}) {
    std::vector<Match> m = Scan(text, "/srv/app/conf.txt");
    ASSERT_EQ(m.size(), 1u) << RulesOf(m);
    EXPECT_EQ(m[0].severity, Severity::kCritical) << text;
  }
}

// ---------------------------------------------------------------------------
// Limits inside a file: what one cuts is named (a ScanCut, in `skipped`)

std::vector<ScanCut> CutsOf(std::string_view text, std::string_view path) {
  std::vector<ScanCut> cuts;
  Detector::Default().Scan(text, path, &cuts);
  return cuts;
}

// `cuts` is one cut, for `reason`, whose text starts with `what`.
void ExpectCut(const std::vector<ScanCut>& cuts, std::string_view reason, std::string_view what) {
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].reason, reason);
  EXPECT_TRUE(cuts[0].what.starts_with(what)) << cuts[0].what;
}

std::string Uuencoded(int files) {
  std::string shar = "#!/bin/sh\n";
  for (int i = 0; i < files; ++i) {
    shar += wrapped::Uuencode("part " + std::to_string(i) + "\n", "p" + std::to_string(i));
  }
  return shar;
}

TEST(Cuts, EachLimitInsideAFileIsNamedWithItsReason) {
  const std::string zeros = wrapped::Pack(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP,
                                          {{"zeros", std::string(64 << 20, '\0')}});
  ExpectCut(CutsOf("BUNDLE=" + fake::Base64(zeros) + "\n", "srv/app.env"), "size",
            "a packed blob (tar, gzip) past what it may unpack to");
  std::string blob = "GH=x\n";
  std::string name = ".env";
  for (int level = 1; level <= 5; ++level) {
    blob = wrapped::Pack(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP, {{name, blob}});
    name = "level" + std::to_string(level) + ".tar.gz";
  }
  ExpectCut(CutsOf("B=" + fake::Base64(blob) + "\n", "srv/app.env"), "depth",
            "archives in packed blobs past 4 levels deep");
  // Blobs of 960 KiB each: the ninth is cut where a file's blobs have given
  // 8 MiB, and the tenth is not opened.
  std::string many;
  const std::string blob960 = wrapped::Pack(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP,
                                            {{"f", std::string(960 << 10, 'a')}});
  for (int i = 0; i < 10; ++i) many += "B" + std::to_string(i) + "=" + fake::Base64(blob960) + "\n";
  const std::vector<ScanCut> cuts = CutsOf(many, "srv/app.env");
  EXPECT_EQ(cuts,
            (std::vector<ScanCut>{
                {"size", "a packed blob (tar, gzip) past what it may unpack to (1 MiB, 4096 files, "
                         "8 MiB a file)"},
                {"size", "packed blobs past the 8 MiB that those of a file may unpack to"}}));
  ExpectCut(CutsOf(Uuencoded(257), "opt/all.shar"), "entries",
            "uuencoded files past the first 256");
  ExpectCut(CutsOf(pdf::Make({{"/Filter /FlateDecode", pdf::Deflate(std::string(5 << 20, 'a'))}}),
                   "docs/a.pdf"),
            "size", "PDF streams past what they may inflate to");
  ExpectCut(CutsOf(png::Image(png::Chunk("zTXt", "Comment" + std::string(2, '\0') +
                                                     png::Deflate(std::string(2 << 20, 'a')))),
                   "srv/a.png"),
            "size", "PNG text past what it may inflate to");
  ExpectCut(CutsOf(pdf::Deflate(std::string(5 << 20, 'a')), "app/cache/a.zlib"), "size",
            "a zlib stream past its first 4 MiB");
}

TEST(Cuts, AFileReadInFullNamesNoCut) {
  std::string blob = "GH=x\n";
  std::string name = ".env";
  for (int level = 1; level <= 4; ++level) {
    blob = wrapped::Pack(ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP, {{name, blob}});
    name = "level" + std::to_string(level) + ".tar.gz";
  }
  for (const auto& [text, path] : std::vector<std::pair<std::string, std::string>>{
           {"B=" + fake::Base64(blob) + "\n", "srv/app.env"},
           {Uuencoded(256), "opt/all.shar"},
           {"begin the install\n" + std::string(300, 'x') + "\n", "opt/notes.txt"},
           {pdf::Make({{"/Filter /FlateDecode", pdf::Deflate(std::string(3 << 20, 'a'))}}),
            "docs/a.pdf"},
           {png::Image(png::Chunk("zTXt", "Comment" + std::string(2, '\0') +
                                               png::Deflate(std::string(1000, 'a')))),
            "srv/a.png"},
           {pdf::Deflate(std::string(3 << 20, 'a')), "app/cache/a.zlib"},
           {"password = " + fake::RandomPassword(20) + "\n", "srv/app.env"}}) {
    const std::vector<ScanCut> cuts = CutsOf(text, path);
    EXPECT_TRUE(cuts.empty()) << path << ": " << (cuts.empty() ? "" : cuts[0].what);
  }
}

// A value found again and again in one text is listed 100 times; the last
// listed says how many more there were.
TEST(Shapes, OneValueRepeatedThroughAFileIsListedAHundredTimes) {
  const std::string token = FakeFormat("github-classic-token");
  const std::string other = FakeFormat("github-classic-token");
  std::string env;
  for (int i = 0; i < 1000; ++i) env += "GITHUB_TOKEN=" + token + "\n";
  env += "OTHER_TOKEN=" + other + "\n";
  std::vector<Match> m = Scan(env, "app/.env");
  ASSERT_EQ(m.size(), 101u);
  EXPECT_EQ(m[99].fingerprint, Fingerprint(m[99].rule, token));
  EXPECT_EQ(m[99].line, 100);
  EXPECT_NE(m[99].description.find("(and 900 more of the same value in this file, not listed)"),
            std::string::npos)
      << m[99].description;
  EXPECT_EQ(m[98].description.find("more of the same"), std::string::npos);
  EXPECT_EQ(m[100].fingerprint, Fingerprint(m[100].rule, other));
}

// In random base64, '/' is a digit like any other: a token's shape between
// two of them is chance, as between two letters (a random filler failed a
// test about 1 run in 150 so).
TEST(Shapes, ATokenShapeBetweenSlashesInsideBase64IsNoFinding) {
  for (int i = 0; i < 20; ++i) {
    const std::string shape = "EAAB" + fake::Random(fake::kBase62, 90);
    ExpectNone(fake::Random(fake::kBase64, 300) + "/" + shape + "/" +
                   fake::Random(fake::kBase64, 300) + "\n",
               "srv/blob.txt");
  }
  // A path's segment stays a token's place.
  const std::string token = FakeFormat("slack-bot-token");
  EXPECT_EQ(RulesOf(Scan("cp /srv/cache/tokens/" + token + "/meta.json /tmp\n", "run.sh")),
            "slack-bot-token");
}

namespace office {

std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    out += c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : std::string(1, c);
  }
  return out;
}

// xlsx keeps each cell's string once, in order of first use.
std::string SharedStrings(const std::vector<std::string>& cells) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">";
  for (const std::string& cell : cells) xml += "<si><t>" + Escape(cell) + "</t></si>";
  return xml + "</sst>";
}

// A Word paragraph per entry, each cut into runs at `cuts`.
std::string Document(const std::vector<std::vector<std::string>>& paragraphs) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/"
                    "2006/main\"><w:body>";
  for (const auto& runs : paragraphs) {
    xml += "<w:p>";
    for (const std::string& run : runs) {
      xml += "<w:r><w:rPr><w:lang w:val=\"en-GB\"/></w:rPr><w:t xml:space=\"preserve\">" +
             Escape(run) + "</w:t></w:r><w:proofErr w:type=\"spellEnd\"/>";
    }
    xml += "</w:p>";
  }
  return xml + "</w:body></w:document>";
}

}  // namespace office

TEST(Office, ASecretCutByAWordDocumentsRunsIsFound) {
  const std::string password = fake::RandomPassword(16);
  const std::string token = FakeFormat("github-classic-token");
  const std::string xml = office::Document(
      {{"Handover for the new on-call engineer"},
       {"The admin pass", "word: " + password.substr(0, 5), password.substr(5)},
       {"CI token: " + token.substr(0, 10), token.substr(10)}});
  std::vector<Match> m = Scan(xml, "srv/docs/word/document.xml");
  ASSERT_EQ(m.size(), 2u) << RulesOf(m);
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, password));
  EXPECT_EQ(m[1].rule, "github-classic-token");
  EXPECT_EQ(m[1].fingerprint, Fingerprint(m[1].rule, token));
  // Reported where the value's first characters are in the XML.
  EXPECT_EQ(xml.substr(m[0].offset, 5), office::Escape(password.substr(0, 5)).substr(0, 5));
  EXPECT_NE(m[0].description.find("(in a document's text)"), std::string::npos);
  ExpectNone(office::Document({{"Reset your pass", "word from the login page."},
                               {"The token expires after ", "30 days."}}),
             "srv/docs/word/document.xml");
}

// A paragraph of a megabyte: its text is read once (the cost grew with the
// square of its length), and a token at its end is found.
TEST(Office, AVeryLongParagraphIsReadToItsEnd) {
  const std::string token = FakeFormat("github-classic-token");
  std::string words;
  while (words.size() < (1u << 20)) words += fake::Random("abcdefghijklmnopqrstuvwxyz", 8) + " ";
  const std::string xml = office::Document({{words, "deploy key: ", token}});
  std::vector<Match> m = Scan(xml, "srv/docs/word/document.xml");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, token));
}

TEST(Office, ASpreadsheetCellBesideAPasswordCellIsFound) {
  const std::string password = fake::RandomPassword(16);
  const std::string xml = office::SharedStrings(
      {"Service", "Host", "prod-db", "db.internal", "db_password", password, "Notes"});
  std::vector<Match> m = Scan(xml, "srv/reports/xl/sharedStrings.xml");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].rule, "generic-secret-assignment");
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, password));
  EXPECT_EQ(xml.substr(m[0].offset, 4), office::Escape(password).substr(0, 4));
  // OpenDocument keeps the cells in content.xml.
  const std::string ods =
      "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
      "><office:body><office:spreadsheet><table:table><table:table-row>"
      "<table:table-cell><text:p>api_secret</text:p></table:table-cell>"
      "<table:table-cell><text:p>" + office::Escape(password) + "</text:p></table:table-cell>"
      "</table:table-row></table:table></office:spreadsheet></office:body>"
      "</office:document-content>";
  m = Scan(ods, "srv/reports/content.xml");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, password));
  // A table with a row of labels: the value in the row under "password".
  const std::string table = office::SharedStrings(
      {"system", "username", "password", "prod-db", "admin", password, "staging-db"});
  m = Scan(table, "srv/reports/xl/sharedStrings.xml");
  ASSERT_EQ(m.size(), 1u) << RulesOf(m);
  EXPECT_EQ(m[0].fingerprint, Fingerprint(m[0].rule, password));
  EXPECT_EQ(table.substr(m[0].offset, 4), office::Escape(password).substr(0, 4));
  // Headers, names and words beside them are no secrets.
  ExpectNone(office::SharedStrings({"Username", "Password", "Email", "Token", "Expires",
                                    "alice", "changeme", "alice@example.com", "Secret",
                                    "Rotate quarterly"}),
             "srv/reports/xl/sharedStrings.xml");
}

}  // namespace
}  // namespace safebuild
