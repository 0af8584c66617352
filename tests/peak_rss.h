// The peak resident memory of a test process, for tests of bounded memory.
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <fstream>
#include <string>

namespace safebuild::test {

// Peak resident memory of this process so far (each test runs alone).
// AddressSanitizer's shadow and quarantine would count too: under it the
// bound is not measured.
inline uint64_t PeakRssBytes() {
#if defined(__SANITIZE_ADDRESS__)
  return 0;
#else
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;
#endif
}

// Starts the peak over from the present size, so that what a test built
// before the scan does not count (Linux 4.0 and later).
inline void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

}  // namespace safebuild::test
