// Containerfile.in: cpp's line markers map the preprocessed text back to
// the file and line each line came from.
#include "containerfile/preprocess.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "report/finding.h"
#include "util/temp_dir.h"

namespace safebuild {
namespace {

TEST(Preprocess, OnlyFilesEndingInDotInArePreprocessed) {
  EXPECT_TRUE(NeedsPreprocessing("Containerfile.in"));
  EXPECT_TRUE(NeedsPreprocessing("dir/Dockerfile.in"));
  EXPECT_FALSE(NeedsPreprocessing("Containerfile"));
  EXPECT_FALSE(NeedsPreprocessing("Containerfile.inc"));
}

TEST(Preprocess, MapsLinesThroughMarkersOfIncludedFiles) {
  Preprocessed p = MapLineMarkers(
      "# 0 \"<stdin>\"\n"
      "# 1 \"<stdin>\"\n"
      "FROM busybox\n"
      "\n"
      "# 1 \"inc/args.cf\" 1\n"
      "\n"
      "ARG X=1\n"
      "# 3 \"<stdin>\" 2\n"
      "RUN true\n",
      "Containerfile.in");
  EXPECT_EQ(p.text, "FROM busybox\n\n\nARG X=1\nRUN true\n");
  ASSERT_EQ(p.lines.size(), 5u);
  EXPECT_EQ(p.Origin(1).file, "Containerfile.in");
  EXPECT_EQ(p.Origin(1).line, 1);
  EXPECT_EQ(p.Origin(4).file, "inc/args.cf");
  EXPECT_EQ(p.Origin(4).line, 2);
  EXPECT_EQ(p.Origin(5).file, "Containerfile.in");
  EXPECT_EQ(p.Origin(5).line, 3);
}

TEST(Preprocess, UnescapesFileNamesInMarkers) {
  Preprocessed p = MapLineMarkers("# 7 \"a \\\"b\\\".cf\" 1\nENV A=b\n", "C.in");
  EXPECT_EQ(p.Origin(1).file, "a \"b\".cf");
  EXPECT_EQ(p.Origin(1).line, 7);
}

TEST(Preprocess, PointsFindingsAndErrorsAtTheOriginalLine) {
  Preprocessed p =
      MapLineMarkers("# 1 \"<stdin>\"\nFROM a\n# 4 \"/ctx/s.cf\" 1\nARG T\n", "C.in");
  std::vector<Finding> findings(2);
  findings[0].origin = Origin::kContainerfile;
  findings[0].path = "C.in";
  findings[0].line = 2;
  findings[1].origin = Origin::kLayer;
  findings[1].path = "/etc/x";
  findings[1].line = 2;
  MapFindings(p, "C.in", findings);
  EXPECT_EQ(findings[0].path, "/ctx/s.cf");
  EXPECT_EQ(findings[0].line, 4);
  EXPECT_EQ(findings[1].path, "/etc/x");
  EXPECT_EQ(findings[1].line, 2);
  EXPECT_EQ(MapError(p, "C.in", "C.in:2:1: unknown instruction"),
            "/ctx/s.cf:4:1: unknown instruction");
}

TEST(Preprocess, RunsCppAsPodmanDoesAndFollowsIncludes) {
  Expected<TempDir> dir = TempDir::Create("sb-pre");
  ASSERT_TRUE(dir.ok()) << dir.error();
  const std::filesystem::path root = dir->path();
  std::ofstream(root / "args.cf") << "# not a directive\nARG API_TOKEN\n";
  std::ofstream(root / "Containerfile.in")
      << "FROM busybox\n#include \"args.cf\"\nRUN true\n";
  Expected<Preprocessed> p = PreprocessContainerfile(
      (root / "Containerfile.in").string(), root.string());
  ASSERT_TRUE(p.ok()) << p.error();
  size_t arg = p->text.find("ARG API_TOKEN");
  ASSERT_NE(arg, std::string::npos) << p->text;
  int line = 1 + static_cast<int>(std::count(p->text.begin(),
                                             p->text.begin() + static_cast<long>(arg), '\n'));
  EXPECT_EQ(std::filesystem::path(p->Origin(line).file).filename(), "args.cf");
  EXPECT_EQ(p->Origin(line).line, 2);
  size_t run = p->text.find("RUN true");
  ASSERT_NE(run, std::string::npos);
  line = 1 + static_cast<int>(std::count(p->text.begin(),
                                         p->text.begin() + static_cast<long>(run), '\n'));
  EXPECT_EQ(p->Origin(line).file, (root / "Containerfile.in").string());
  EXPECT_EQ(p->Origin(line).line, 3);
}

}  // namespace
}  // namespace safebuild
