// Diagnostics for people, on stderr: "safebuild: error: …". Colour only on
// a terminal and never with NO_COLOR; -q silences notes, -v adds detail.
#pragma once

#include <string>
#include <string_view>

namespace safebuild {

struct DiagSettings {
  int verbosity = 0;  // -1 quiet, 0 normal, 1+ verbose
  bool color = false;
};

/// Decides colour from the terminal, NO_COLOR and an explicit choice
/// ("auto", "always", "never").
bool WantColor(std::string_view choice);

void SetDiagSettings(const DiagSettings& settings);
const DiagSettings& GetDiagSettings();

void PrintError(std::string_view message);
void PrintWarning(std::string_view message);
void PrintNote(std::string_view message);     // hidden with -q
void PrintVerbose(std::string_view message);  // shown with -v

}  // namespace safebuild
