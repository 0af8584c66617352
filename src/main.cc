#include <exception>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/diag.h"
#include "cli/exit_codes.h"
#include "util/allocator.h"
#include "util/temp_dir.h"

int main(int argc, char** argv) {
  safebuild::ReturnLargeBuffersWhenFreed();
  try {
    return safebuild::Main(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    safebuild::RemoveAllTempDirs();
    safebuild::PrintError(std::string("internal error: ") + e.what());
    return safebuild::kExitInternal;
  }
}
