// Files whose presence in an image is a finding whatever their content:
// tools write credentials there. Decided by name and parent directories
// only, so the scanner can flag a file before (or without) reading it. Key
// material by extension (*.pem, *.key) is flagged unless the name or place
// says it is a CA certificate or a public keyring.
#include <string>
#include <string_view>
#include <vector>

#include "detect/detector.h"
#include "util/text.h"

namespace safebuild {
namespace {

struct NamedFile {
  std::string_view name;
  std::string_view rule;
};

constexpr NamedFile kByBasename[] = {
    {".npmrc", "credential-file-npmrc"},
    {".pypirc", "credential-file-pypirc"},
    {".netrc", "credential-file-netrc"},
    {"_netrc", "credential-file-netrc"},
    {".git-credentials", "credential-file-git-credentials"},
    {"id_rsa", "credential-file-ssh-key"},
    {"id_dsa", "credential-file-ssh-key"},
    {"id_ecdsa", "credential-file-ssh-key"},
    {"id_ed25519", "credential-file-ssh-key"},
    {"id_ecdsa_sk", "credential-file-ssh-key"},
    {"id_ed25519_sk", "credential-file-ssh-key"},
    {".env", "credential-file-dotenv"},
    {"credentials.json", "credential-file-gcp-credentials"},
    {"application_default_credentials.json", "credential-file-gcloud"},
    {"kubeconfig", "credential-file-kubeconfig"},
    {".terraformrc", "credential-file-terraformrc"},
    {"terraform.rc", "credential-file-terraformrc"},
    {"terraform.tfstate", "credential-file-terraform-state"},
    {"terraform.tfstate.backup", "credential-file-terraform-state"},
    {".vault-token", "credential-file-vault-token"},
    {".pgpass", "credential-file-pgpass"},
    {".my.cnf", "credential-file-mysql"},
    {".s3cfg", "credential-file-s3cfg"},
};

// "<dir>/<name>" pairs: the name alone is too common to flag.
struct DirFile {
  std::string_view dir;   // the parent directory, or any ancestor if no name
  std::string_view name;  // "" for any file under dir
  std::string_view rule;
};

constexpr DirFile kByDirectory[] = {
    {".docker", "config.json", "credential-file-docker-config"},
    {".aws", "credentials", "credential-file-aws"},
    {".kube", "config", "credential-file-kubeconfig"},
    {".azure", "", "credential-file-azure"},
    {"gcloud", "credentials.db", "credential-file-gcloud"},
    {"gcloud", "access_tokens.db", "credential-file-gcloud"},
    {"legacy_credentials", "", "credential-file-gcloud"},
    {"gh", "hosts.yml", "credential-file-gh-cli"},
    {".cargo", "credentials", "credential-file-cargo"},
    {".cargo", "credentials.toml", "credential-file-cargo"},
    {".gem", "credentials", "credential-file-gem"},
};

constexpr std::string_view kKeyExtensions[] = {".pem", ".key", ".p12", ".pfx"};

// Template copies of .env files are meant to be committed.
constexpr std::string_view kDotenvTemplates[] = {
    ".env.example", ".env.sample", ".env.template", ".env.dist",
    ".env.defaults"};

// Directories and names of CA bundles and public keyrings: *.pem and *.key
// there are certificates or public keys.
constexpr std::string_view kPublicKeyDirs[] = {
    "certs", "ca-certificates", "ca-trust", "certifi", "trusted.gpg.d",
    "keyrings", "anchors"};
constexpr std::string_view kPublicKeyNameParts[] = {
    "cert", "ca-bundle", "cabundle", "chain", "fullchain", "pub", "ca.pem",
    "trust", "root-ca", "rootca"};

bool AnyEquals(const std::vector<std::string>& parts, std::string_view s) {
  for (const std::string& p : parts) {
    if (p == s) return true;
  }
  return false;
}

bool IsPublicKeyMaterial(std::string_view base,
                         const std::vector<std::string>& dirs) {
  for (std::string_view d : kPublicKeyDirs) {
    if (AnyEquals(dirs, d)) return true;
  }
  std::string lower = ToLower(base);
  for (std::string_view part : kPublicKeyNameParts) {
    if (lower.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string KeyFileRule(std::string_view base,
                        const std::vector<std::string>& dirs) {
  if (StartsWith(base, "ssh_host_") && EndsWith(base, "_key")) {
    return "credential-file-ssh-key";
  }
  for (std::string_view ext : kKeyExtensions) {
    if (base.size() > ext.size() && EndsWith(ToLower(base), ext) &&
        !IsPublicKeyMaterial(base, dirs)) {
      return "credential-file-private-key";
    }
  }
  return "";
}

// ".env.production", and "production.env", "app.env" (Compose's
// env_file, systemd's EnvironmentFile); not their templates.
std::string DotenvRule(std::string_view base) {
  const bool suffix = EndsWith(base, ".env") && base.size() > 4 && base[0] != '.';
  if (!StartsWith(base, ".env.") && !suffix) return "";
  for (std::string_view t : kDotenvTemplates) {
    if (base == t) return "";
  }
  const std::string lower = ToLower(base);
  for (std::string_view t : {"example", "sample", "template", "default", "dist"}) {
    if (suffix && lower.find(t) != std::string::npos) return "";
  }
  return "credential-file-dotenv";
}

}  // namespace

std::string CredentialFileRule(std::string_view path) {
  std::vector<std::string> parts;
  for (std::string& p : Split(path, '/')) {
    if (!p.empty() && p != ".") parts.push_back(std::move(p));
  }
  if (parts.empty()) return "";
  std::string base = parts.back();
  parts.pop_back();  // parts now holds the directories
  for (const NamedFile& f : kByBasename) {
    if (base == f.name) return std::string(f.rule);
  }
  for (const DirFile& f : kByDirectory) {
    bool hit = f.name.empty() ? AnyEquals(parts, f.dir)
                              : !parts.empty() && parts.back() == f.dir &&
                                    base == f.name;
    if (hit) return std::string(f.rule);
  }
  std::string rule = DotenvRule(base);
  return rule.empty() ? KeyFileRule(base, parts) : rule;
}

std::vector<std::string_view> CredentialFileRuleIds() {
  std::vector<std::string_view> ids = {"credential-file-ssh-key", "credential-file-private-key",
                                       "credential-file-dotenv"};
  for (const NamedFile& f : kByBasename) ids.push_back(f.rule);
  for (const DirFile& f : kByDirectory) ids.push_back(f.rule);
  return ids;
}

}  // namespace safebuild
