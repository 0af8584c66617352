// detect-bench: the detector alone over a file, to measure its throughput.
//
//   detect-bench FILE [CHUNK_KB]
//
// Scans FILE in chunks (default 1024 KiB, as a layer's files are scanned
// one by one) and prints MB/s and the number of findings. Reading the file
// is outside the timing.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "detect/detector.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fputs("usage: detect-bench FILE [CHUNK_KB]\n", stderr);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const size_t chunk = (argc == 3 ? std::strtoul(argv[2], nullptr, 10) : 1024) << 10;
  const safebuild::Detector& detector = safebuild::Detector::Default();

  auto start = std::chrono::steady_clock::now();
  size_t findings = 0;
  for (size_t pos = 0; pos < text.size(); pos += chunk) {
    findings += detector.Scan(std::string_view(text).substr(pos, chunk), "bench.txt").size();
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%zu bytes in %.2f s: %.1f MB/s, %zu findings\n", text.size(), seconds,
              static_cast<double>(text.size()) / 1e6 / seconds, findings);
  return 0;
}
