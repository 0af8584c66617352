// Prints the SARIF of the sample report (every kind of location), for the
// schema check in tests/sarif/validate.sh.
#include <iostream>

#include "report/sarif.h"
#include "sample_report.h"

int main() {
  safebuild::SarifOptions options{"/src/project"};
  std::cout << safebuild::ToSarif(safebuild::test::SampleReport(), options).dump(2) << "\n";
  return 0;
}
