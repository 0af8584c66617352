// Prints the regex of every built-in detector pattern, one a line, for
// scan_bench.sh to give ripgrep the same pattern set (`rg -f FILE`).
#include <iostream>

#include "detect/rules.h"

int main() {
  for (const auto& p : safebuild::detect::BuiltinPatterns()) std::cout << p.regex << "\n";
  return 0;
}
