#include "cli/base_users.h"

#include <nlohmann/json.hpp>

#include "cli/diag.h"
#include "util/text.h"

namespace safebuild {
namespace {

// The value of flag `name` in `args` (the last one), "" without one.
std::string FlagValue(const std::vector<std::string>& args, const std::string& name) {
  std::string value;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (args[i] == name && i + 1 < args.size()) value = args[++i];
    if (StartsWith(args[i], name + "=")) value = args[i].substr(name.size() + 1);
  }
  return value;
}

bool HasFlag(const std::vector<std::string>& args, const std::string& name) {
  for (const auto& a : args) {
    if (a == "--") break;
    if (a == name || StartsWith(a, name + "=")) return true;
  }
  return false;
}

// Go's names for the machines that uname calls otherwise.
std::string NormalArch(std::string arch) {
  arch = ToLower(arch);
  if (arch == "x86_64" || arch == "x86-64") return "amd64";
  if (arch == "aarch64") return "arm64";
  return arch;
}

std::string JsonText(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// Does an image of `os`, `arch` and `variant` suit `platform`?
bool Suits(const std::string& platform, const std::string& os, const std::string& arch,
           const std::string& variant) {
  if (platform.empty()) return true;
  if (platform == "?") return false;
  std::vector<std::string> want = Split(platform, '/');
  want.resize(3);
  return (want[0].empty() || ToLower(want[0]) == ToLower(os)) &&
         (want[1].empty() || NormalArch(want[1]) == NormalArch(arch)) &&
         (want[2].empty() || variant.empty() || ToLower(want[2]) == ToLower(variant));
}

}  // namespace

std::string BuildPlatform(const std::vector<std::string>& passthrough) {
  std::string platform = FlagValue(passthrough, "--platform");
  if (platform.find(',') != std::string::npos) return "?";
  std::vector<std::string> parts = Split(platform, '/');
  if (platform.empty()) parts.clear();
  parts.resize(3);
  // --os, --arch and --variant override the parts of --platform.
  const char* flags[] = {"--os", "--arch", "--variant"};
  for (size_t k = 0; k < 3; ++k) {
    if (std::string v = FlagValue(passthrough, flags[k]); !v.empty()) parts[k] = v;
  }
  if (parts[0].empty() && parts[1].empty() && parts[2].empty()) return "";
  return parts[0] + "/" + parts[1] + (parts[2].empty() ? "" : "/" + parts[2]);
}

std::optional<std::string> InspectedUser(std::string_view json, const std::string& platform) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_array() || j.size() != 1 || !j[0].is_object()) {
    return std::nullopt;
  }
  const nlohmann::json& image = j[0];
  if (!Suits(platform, JsonText(image, "Os"), JsonText(image, "Architecture"),
             JsonText(image, "Variant"))) {
    return std::nullopt;
  }
  // The OCI config's User; podman repeats it at the top level.
  auto config = image.find("Config");
  if (config != image.end() && config->is_object() && config->contains("User")) {
    return JsonText(*config, "User");
  }
  return JsonText(image, "User");
}

std::map<std::string, std::string> BaseUsers(const Podman& podman,
                                             const std::vector<BaseImage>& bases,
                                             const std::vector<std::string>& passthrough) {
  std::map<std::string, std::string> users;
  if (HasFlag(passthrough, "--from")) return users;  // the first FROM is another image
  const std::string build = BuildPlatform(passthrough);
  std::map<std::string, bool> unsuitable;
  for (const auto& base : bases) {
    if (unsuitable[base.ref]) continue;
    auto inspect = podman.InspectJson(base.ref);
    std::optional<std::string> user =
        inspect ? InspectedUser(*inspect, base.platform.empty() ? build : base.platform)
                : std::nullopt;
    if (!user) {
      // Not pulled yet, or of another platform: podman's pull may bring any user.
      PrintVerbose("the user of base image " + base.ref + " is not known; its secret "
                   "mounts are readable by the step's user, whoever that is (mode=0444)");
      unsuitable[base.ref] = true;
      users.erase(base.ref);
      continue;
    }
    users[base.ref] = *user;
  }
  return users;
}

}  // namespace safebuild
