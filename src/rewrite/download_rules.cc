// curl downloads with credentials written into the RUN line: a URL's
// user:password@ or an `Authorization:` header. The RUN line is recorded in
// the image history, so the credentials go into a build secret: a netrc
// file for the URL (`--netrc-file`), a header file for the header
// (`-H @file`, curl 7.55 and later). Values that come from a variable
// (`$TOKEN`) are left to the ARG/ENV rules. wget and other clients are not
// rewritten: busybox wget reads neither a netrc file nor a header file.
#include <cctype>
#include <regex>
#include <string>
#include <vector>

#include "rewrite/rewrite_internal.h"
#include "util/text.h"

namespace safebuild::rewrite {
namespace {

constexpr char kNetrc[] = "/run/secrets/netrc";
constexpr char kHeader[] = "/run/secrets/auth_header";

std::string Guard(const std::string& file, const std::string& id) {
  return "test -s " + file + " || { echo 'secret " + id + " is missing or empty' >&2; "
         "exit 1; }; ";
}

// URL userinfo is percent-encoded; netrc holds the plain value.
std::string Decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool UsesCurl(const Instruction& ins) {
  return std::regex_search(ins.args, std::regex(R"((^|[\s;&|(])curl\s)"));
}

// "scheme://user:pass@host" in a RUN line; the credentials become netrc
// lines and the URL loses them.
void RewriteUrls(State& st, size_t index, std::string& netrc) {
  const Instruction& ins = st.file.instructions[index];
  static const std::regex kUrl(
      R"((["']?)((?:https?|ftp)://)([^/@:\s"'$]+):([^/\s"'$]+)@([^/@:\s"']+))");
  for (int l = ins.start_line; l <= ins.end_line; ++l) {
    const std::string& line = st.file.lines[l - 1];
    for (std::sregex_iterator it(line.begin(), line.end(), kUrl), end; it != end; ++it) {
      const std::smatch& m = *it;
      std::string from = m.str(1) + m.str(2) + m.str(3) + ":" + m.str(4) + "@";
      std::string to = std::string("--netrc-file ") + kNetrc + " " + m.str(1) + m.str(2);
      st.edits[index].substitutions.emplace_back(from, to);
      netrc += "machine " + m.str(5) + " login " + Decode(m.str(3)) + " password " +
               Decode(m.str(4)) + "\n";
      st.Mount(index, "--mount=type=secret,id=netrc", Guard(kNetrc, "netrc"));
      st.Change(l, kRuleDownload, "credentials of the URL to " + m.str(5) +
                                      " moved into secret netrc (--netrc-file)");
    }
  }
}

// -H "Authorization: …" with a literal value.
void RewriteHeaders(State& st, size_t index, std::string& header) {
  const Instruction& ins = st.file.instructions[index];
  static const std::regex kAuth(R"((-H|--header)\s+(["'])(Authorization:\s*[^"'$]+)\2)",
                                std::regex::icase);
  for (int l = ins.start_line; l <= ins.end_line; ++l) {
    const std::string& line = st.file.lines[l - 1];
    std::smatch m;
    if (!std::regex_search(line, m, kAuth)) continue;
    if (!header.empty()) {
      st.Skip(l, kRuleDownload, "a second Authorization header left as is");
      continue;
    }
    header = m.str(3) + "\n";
    st.edits[index].substitutions.emplace_back(m.str(0), m.str(1) + " @" + kHeader);
    st.Mount(index, "--mount=type=secret,id=auth_header", Guard(kHeader, "auth_header"));
    st.Change(l, kRuleDownload, "Authorization header moved into secret auth_header (-H @file)");
  }
}

}  // namespace

void RewriteDownloads(State& st) {
  const auto& all = st.file.instructions;
  std::string netrc;
  std::string header;
  for (size_t i = 0; i < all.size(); ++i) {
    if (!IsEditableRun(all[i]) || !UsesCurl(all[i])) continue;
    RewriteUrls(st, i, netrc);
    RewriteHeaders(st, i, header);
  }
  if (!netrc.empty()) {
    st.Need({"netrc", SecretNeed::kFile, "netrc", netrc, ""});
    st.Advise("write the credentials to a file named netrc (chmod 600), one line per host: "
              "machine HOST login USER password PASSWORD; rotate the password: it was in the "
              "Containerfile");
  }
  if (!header.empty()) {
    st.Need({"auth_header", SecretNeed::kFile, "auth_header", header, ""});
    st.Advise("write the header line (Authorization: …) to a file named auth_header "
              "(chmod 600); rotate the token: it was in the Containerfile");
  }
}

}  // namespace safebuild::rewrite
