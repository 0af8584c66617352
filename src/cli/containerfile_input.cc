#include "cli/containerfile_input.h"

#include <iostream>

#include "cli/diag.h"
#include "cli/source_error.h"
#include "containerfile/source_file.h"
#include "util/text.h"

namespace safebuild {

bool IsRemoteContext(const std::string& context) {
  return StartsWith(context, "http://") || StartsWith(context, "https://") ||
         StartsWith(context, "git://") || StartsWith(context, "github.com/") ||
         StartsWith(context, "git@");
}

namespace {

// podman's include directory for cpp: the context when it is a directory
// here, else the current one.
std::string IncludeDir(const std::string& context) {
  return !context.empty() && !IsRemoteContext(context) ? context : ".";
}

// The parse error of preprocessed text, pointed at the file and line the
// text came from; the excerpt shows the line as cpp printed it.
void PrintPreprocessedError(const Preprocessed& pre, const std::string& file,
                            const std::string& error) {
  std::string mapped = MapError(pre, file, error);
  PrintError(mapped);
  std::cerr << SourceExcerpt(error, pre.text, PositionLine(mapped));
}

}  // namespace

std::optional<ContainerfileInput> LoadContainerfile(
    const std::string& file, const std::string& context,
    const std::optional<std::string>& stdin_text) {
  ContainerfileInput in;
  in.name = file == "-" ? "<stdin>" : file;
  if (file != "-" && NeedsPreprocessing(file)) {
    auto pre = PreprocessContainerfile(file, IncludeDir(context));
    if (pre) {
      in.pre = std::move(*pre);
    } else {
      PrintWarning(file + ": " + pre.error() + "; reading it as written");
    }
  }
  if (in.pre) {
    in.text = in.pre->text;
  } else if (file == "-") {
    in.text = stdin_text.value_or("");
  } else {
    auto text = ReadContainerfile(file);
    if (!text) {
      PrintError(text.error());
      return std::nullopt;
    }
    in.text = std::move(*text);
  }
  auto parsed = ParseContainerfile(in.text, in.name);
  if (!parsed) {
    if (in.pre) {
      PrintPreprocessedError(*in.pre, file, parsed.error());
    } else {
      PrintSourceError(parsed.error(), in.text);
    }
    return std::nullopt;
  }
  in.parsed = std::move(*parsed);
  return in;
}

}  // namespace safebuild
