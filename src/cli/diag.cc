#include "cli/diag.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace safebuild {
namespace {

DiagSettings g_settings;

void Print(std::string_view label, const char* color, std::string_view message) {
  std::cerr << "safebuild: ";
  if (!label.empty()) {
    if (g_settings.color) std::cerr << color;
    std::cerr << label << ":";
    if (g_settings.color) std::cerr << "\033[0m";
    std::cerr << " ";
  }
  std::cerr << message << "\n";
}

}  // namespace

bool WantColor(std::string_view choice) {
  if (choice == "always") return true;
  if (choice == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return isatty(STDERR_FILENO) != 0;
}

void SetDiagSettings(const DiagSettings& settings) { g_settings = settings; }
const DiagSettings& GetDiagSettings() { return g_settings; }

void PrintError(std::string_view message) { Print("error", "\033[1;31m", message); }

void PrintWarning(std::string_view message) {
  if (g_settings.verbosity >= 0) Print("warning", "\033[1;33m", message);
}

void PrintNote(std::string_view message) {
  if (g_settings.verbosity >= 0) Print("", "", message);
}

void PrintVerbose(std::string_view message) {
  if (g_settings.verbosity >= 1) Print("", "", message);
}

}  // namespace safebuild
