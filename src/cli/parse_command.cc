#include "cli/parse_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "cli/source_error.h"
#include "containerfile/parse_json.h"
#include "containerfile/parser.h"
#include "containerfile/source_file.h"
#include "util/expected.h"

namespace safebuild {
namespace fs = std::filesystem;
namespace {

struct ParseArgs {
  std::optional<std::string> file;  // "-" for standard input
  std::string context = ".";
  bool help = false;
};

Expected<ParseArgs> ParseParseArgs(const std::vector<std::string>& args) {
  ParseArgs out;
  bool have_context = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      out.help = true;
    } else if (a == "-f" || a == "--file") {
      if (i + 1 >= args.size()) return Fail(a + " needs a FILE");
      out.file = args[++i];
    } else if (a.starts_with("--file=")) {
      out.file = a.substr(7);
    } else if (a.size() > 2 && a.starts_with("-f")) {
      out.file = a.substr(2);
    } else if (a.starts_with("-") && a != "-") {
      return Fail("unknown option " + a);
    } else if (have_context) {
      return Fail("takes at most one CONTEXT");
    } else {
      out.context = a;
      have_context = true;
    }
  }
  return out;
}

// The file podman would read: -f, else Containerfile, else Dockerfile.
Expected<std::string> PickFile(const ParseArgs& a) {
  if (a.file) return *a.file;
  auto files = ContainerfilesFor({}, a.context);
  if (files.empty()) return Fail("no Containerfile or Dockerfile in " + a.context);
  return files.front();
}

Expected<std::string> ReadText(const std::string& file) {
  if (file != "-") return ReadContainerfile(file);
  std::string text(std::istreambuf_iterator<char>(std::cin), {});
  if (text.size() > kMaxContainerfileSize) return Fail("<stdin>: file is too large");
  return text;
}

}  // namespace

int RunParse(const std::vector<std::string>& args) {
  auto parsed_args = ParseParseArgs(args);
  if (!parsed_args) {
    PrintError("parse: " + parsed_args.error());
    return kExitUsage;
  }
  if (parsed_args->help) {
    std::cout << CommandUsage("parse");
    return kExitPass;
  }
  auto file = PickFile(*parsed_args);
  if (!file) {
    PrintError("parse: " + file.error());
    return kExitUsage;
  }
  auto text = ReadText(*file);
  if (!text) {
    PrintError(text.error());
    return kExitIncomplete;
  }
  auto parsed = ParseContainerfile(*text, *file == "-" ? "<stdin>" : *file);
  if (!parsed) {
    PrintSourceError(parsed.error(), *text);
    return kExitIncomplete;
  }
  // A Containerfile need not be UTF-8; JSON must be: bad bytes become U+FFFD.
  std::cout << ParsedToJson(*parsed).dump(2, ' ', false,
                                          nlohmann::json::error_handler_t::replace)
            << "\n";
  return kExitPass;
}

}  // namespace safebuild
