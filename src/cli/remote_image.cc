#include "cli/remote_image.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <system_error>

#include "util/fd.h"
#include "util/text.h"

namespace safebuild {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 3> kValueFlags = {"--creds", "--authfile", "--cert-dir"};

Expected<bool> ParseBool(const std::string& value) {
  std::string v = ToLower(value);
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  return Fail("--tls-verify takes true or false, not \"" + value + "\"");
}

Status SetValue(RemoteOptions& out, std::string_view name, const std::string& value) {
  if (value.empty()) return Fail(std::string(name) + " needs a value");
  if (name == "--creds") {
    if (value.find(':') == std::string::npos || value.front() == ':') {
      return Fail("--creds takes USER:PASSWORD");
    }
    out.creds = value;
  } else if (name == "--authfile") {
    out.authfile = value;
  } else {
    out.cert_dir = value;
  }
  return Ok{};
}

// One flag at args[i]; returns how many arguments it used (0: not ours).
Expected<size_t> TakeOne(const std::vector<std::string>& args, size_t i, RemoteOptions& out) {
  const std::string& a = args[i];
  std::string name = a.substr(0, a.find('='));
  bool inline_value = name.size() < a.size();
  std::string value = inline_value ? a.substr(name.size() + 1) : "";
  if (name == "--tls-verify") {
    auto b = inline_value ? ParseBool(value) : Expected<bool>(true);
    if (!b) return Fail(b.error());
    out.tls_verify = *b;
    return size_t{1};
  }
  for (std::string_view flag : kValueFlags) {
    if (name != flag) continue;
    if (!inline_value) {
      if (i + 1 >= args.size()) return Fail(std::string(flag) + " needs a value");
      value = args[i + 1];
    }
    if (Status s = SetValue(out, flag, value); !s) return Fail(s.error());
    return size_t{inline_value ? 1u : 2u};
  }
  return size_t{0};
}

std::string Base64(std::string_view bytes) {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// Overwrites and unlinks the file when it goes out of scope, whatever path
// the copy took.
class SecretFile {
 public:
  explicit SecretFile(fs::path path) : path_(std::move(path)) {}
  SecretFile(const SecretFile&) = delete;
  SecretFile& operator=(const SecretFile&) = delete;
  ~SecretFile() {
    Fd fd(::open(path_.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() >= 0) {
      off_t size = ::lseek(fd.get(), 0, SEEK_END);
      std::string zeros(static_cast<size_t>(std::max<off_t>(size, 0)), '\0');
      if (::pwrite(fd.get(), zeros.data(), zeros.size(), 0) < 0) {
        // Nothing more to do: the file is unlinked below all the same.
      }
    }
    ::unlink(path_.c_str());
  }
  Status Write(const std::string& text) const {
    Fd fd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0) return Fail("cannot create an auth file: " + ErrnoMessage());
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
      return Fail("cannot write an auth file: " + ErrnoMessage());
    }
    return Ok{};
  }
  const fs::path& path() const { return path_; }

 private:
  static std::string ErrnoMessage() { return std::generic_category().message(errno); }
  fs::path path_;
};

// skopeo logs `time="…" level=fatal msg="…"`; the message alone is wanted.
std::string SkopeoMessage(const std::string& text) {
  size_t at = text.rfind("msg=\"");
  if (at == std::string::npos) return std::string(Trim(text));
  std::string out;
  for (size_t i = at + 5; i < text.size() && text[i] != '"'; ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) ++i;
    out += text[i];
  }
  return out;
}

bool HasAny(const std::string& text, std::initializer_list<std::string_view> needles) {
  for (std::string_view n : needles) {
    if (text.find(n) != std::string::npos) return true;
  }
  return false;
}

std::vector<std::string> SkopeoArgs(const std::string& name, const RemoteOptions& options,
                                    const std::string& authfile, const fs::path& dest) {
  std::vector<std::string> args = {"copy", "--quiet"};
  if (!authfile.empty()) args.push_back("--src-authfile=" + authfile);
  if (options.tls_verify) {
    args.push_back(std::string("--src-tls-verify=") + (*options.tls_verify ? "true" : "false"));
  }
  if (options.cert_dir) args.push_back("--src-cert-dir=" + *options.cert_dir);
  args.push_back("docker://" + name);
  args.push_back("oci:" + dest.string());
  return args;
}

// Boost.Process errors and failed runs come back as "podman ARGS failed
// (exit N): STDERR" from the shared runner; only STDERR matters here.
std::string StderrOf(const std::string& error) {
  size_t at = error.find(" failed (exit ");
  size_t colon = at == std::string::npos ? at : error.find("): ", at);
  return colon == std::string::npos ? error : error.substr(colon + 3);
}

}  // namespace

Expected<RemoteOptions> TakeRemoteFlags(std::vector<std::string>& args) {
  RemoteOptions out;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size();) {
    auto used = TakeOne(args, i, out);
    if (!used) return Fail(used.error());
    if (*used == 0) rest.push_back(args[i++]);
    i += *used;
  }
  args = std::move(rest);
  return out;
}

std::string RegistryHost(const std::string& name) {
  size_t slash = name.find('/');
  if (slash == std::string::npos) return "docker.io";
  std::string first = name.substr(0, slash);
  bool is_host = first.find('.') != std::string::npos ||
                 first.find(':') != std::string::npos || first == "localhost";
  return is_host ? first : "docker.io";
}

Expected<std::string> AuthFileText(const std::string& host, const std::string& creds) {
  if (creds.find(':') == std::string::npos) return Fail("--creds takes USER:PASSWORD");
  nlohmann::json j = {{"auths", {{host, {{"auth", Base64(creds)}}}}}};
  return j.dump();
}

std::string DescribeSkopeoError(const std::string& name, const std::string& stderr_text) {
  std::string msg = SkopeoMessage(stderr_text);
  std::string host = RegistryHost(name);
  std::string why;
  if (HasAny(msg, {"unauthorized", "authentication required", "invalid username/password",
                   "denied"})) {
    why = "the registry " + host + " refused access (check --creds or --authfile)";
  } else if (HasAny(msg, {"manifest unknown", "name unknown", "not found"})) {
    why = "the registry " + host + " has no image " + name;
  } else if (HasAny(msg, {"x509", "certificate", "server gave HTTP response to HTTPS"})) {
    why = "TLS with " + host + " failed (--tls-verify=false or --cert-dir DIR)";
  } else if (HasAny(msg, {"pinging container registry", "dial tcp", "no such host",
                          "connection refused", "i/o timeout"})) {
    why = "cannot reach the registry " + host;
  } else {
    why = "skopeo could not copy docker://" + name;
  }
  return msg.empty() ? why : why + ": " + msg;
}

Status CopyRemoteImage(const std::string& name, const RemoteOptions& options,
                       const TempDir& scratch, const fs::path& dest) {
  std::optional<SecretFile> auth;
  std::string authfile = options.authfile.value_or("");
  if (options.creds) {
    auto text = AuthFileText(RegistryHost(name), *options.creds);
    if (!text) return Fail(text.error());
    auth.emplace(scratch.path() / "auth.json");
    if (Status s = auth->Write(*text); !s) return s;
    authfile = auth->path().string();
  }
  // The shared runner gives skopeo the same signal forwarding as podman.
  Podman skopeo({"skopeo", {}});
  RunOptions run;
  run.capture_stdout = true;
  run.add_globals = false;
  auto r = skopeo.Run(SkopeoArgs(name, options, authfile, dest), run);
  if (!r) return Fail(DescribeSkopeoError(name, StderrOf(r.error())));
  return Ok{};
}

}  // namespace safebuild
