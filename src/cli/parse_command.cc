#include "cli/parse_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include "cli/containerfile_input.h"
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

// A Containerfile.in prints as cpp made it; every line number becomes the
// line of the file the text came from, and "file" names an #include'd file.
void MapLine(const Preprocessed& pre, const std::string& main, nlohmann::json& j,
             const char* key) {
  SourceLine from = pre.Origin(j[key].get<int>());
  j[key] = from.line;
  if (from.file != main && !j.contains("file")) j["file"] = from.file;
}

void PointAtSources(const Preprocessed& pre, const std::string& main, nlohmann::json& j) {
  j["preprocessed"] = "cpp";
  for (auto& d : j["directives"]) MapLine(pre, main, d, "line");
  for (auto& ins : j["instructions"]) {
    MapLine(pre, main, ins, "start_line");
    MapLine(pre, main, ins, "end_line");
    for (auto& h : ins["heredocs"]) {
      MapLine(pre, main, h, "start_line");
      MapLine(pre, main, h, "end_line");
    }
  }
  if (j.contains("ignored_escape")) MapLine(pre, main, j["ignored_escape"], "line");
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
  std::optional<std::string> stdin_text;
  if (*file == "-") {
    stdin_text = std::string(std::istreambuf_iterator<char>(std::cin), {});
    if (stdin_text->size() > kMaxContainerfileSize) {
      PrintError("<stdin>: file is too large");
      return kExitIncomplete;
    }
  }
  auto in = LoadContainerfile(*file, parsed_args->context, stdin_text);
  if (!in) return kExitIncomplete;
  nlohmann::json j = ParsedToJson(in->parsed);
  if (in->pre) PointAtSources(*in->pre, *file, j);
  // A Containerfile need not be UTF-8; JSON must be: bad bytes become U+FFFD.
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return kExitPass;
}

}  // namespace safebuild
