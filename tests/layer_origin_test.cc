#include "report/layer_origin.h"

#include <gtest/gtest.h>

namespace safebuild {
namespace {

using nlohmann::json;

Containerfile Parse(const std::string& text) {
  auto cf = ParseContainerfile(text, "Containerfile");
  EXPECT_TRUE(cf) << cf.error();
  return *cf;
}

json Entry(const std::string& created_by, bool empty = false) {
  json h = {{"created_by", created_by}};
  if (empty) h["empty_layer"] = true;
  return h;
}

// The history podman 4.3 writes for the two-stage file below, built without
// --target: the base image's entry, then one per final-stage instruction.
const char* kTwoStages =
    "FROM busybox AS build\n"
    "RUN make\n"
    "FROM busybox\n"
    "ARG V=1\n"
    "# a comment\n"
    "RUN echo $V > /v \\\n"
    "  && true\n"
    "COPY app /app\n"
    "ENV A=1\n";

json TwoStageHistory() {
  return json::array({Entry("/bin/sh -c #(nop) ADD file:4014 in /"),
                      Entry("/bin/sh -c #(nop) ARG V", true),
                      Entry("|1 V=1 /bin/sh -c echo $V > /v   && true"),
                      Entry("/bin/sh -c #(nop) COPY file:402f in /app "),
                      Entry("/bin/sh -c #(nop) ENV A=1", true)});
}

TEST(LayerOriginTest, EachEntryOfTheBuiltStageMapsToItsInstructionLine) {
  auto map = MapHistoryToInstructions(Parse(kTwoStages), TwoStageHistory(), "");
  ASSERT_EQ(map.size(), 4u);
  EXPECT_EQ(map.count(0), 0u);  // the base image's own entry
  EXPECT_EQ(map[1].line, 4);
  EXPECT_EQ(map[2].line, 6);
  EXPECT_EQ(map[3].line, 8);
  EXPECT_EQ(map[4].line, 9);
  EXPECT_EQ(map[2].file, "Containerfile");
}

TEST(LayerOriginTest, TargetPicksTheNamedStage) {
  json history = json::array({Entry("/bin/sh -c #(nop) ADD file:4014 in /"),
                              Entry("/bin/sh -c make")});
  auto map = MapHistoryToInstructions(Parse(kTwoStages), history, "build");
  ASSERT_EQ(map.size(), 1u);
  EXPECT_EQ(map[1].line, 2);
  EXPECT_TRUE(MapHistoryToInstructions(Parse(kTwoStages), history, "nosuch").empty());
}

TEST(LayerOriginTest, AHistoryThatDisagreesAttributesNothing) {
  json history = TwoStageHistory();
  history[3] = Entry("/bin/sh -c #(nop) ADD file:402f in /app ");
  EXPECT_TRUE(MapHistoryToInstructions(Parse(kTwoStages), history, "").empty());
  json squashed = json::array({Entry("/bin/sh -c make")});
  EXPECT_TRUE(MapHistoryToInstructions(Parse(kTwoStages), squashed, "").empty());
}

// An Env or Label of the config names the last ENV or LABEL of the built
// stage that set it; one the file does not set (the base image's) none.
TEST(LayerOriginTest, ConfigEntriesGetTheEnvOrLabelThatSetThem) {
  const Containerfile cf = Parse("FROM busybox AS build\n"
                                 "ENV TOKEN=a\n"
                                 "FROM busybox\n"
                                 "ENV TOKEN=b OTHER=c\n"
                                 "LABEL org.key=\"d e\"\n"
                                 "ENV TOKEN=f\n");
  const auto map = MapConfigToInstructions(cf, "");
  std::vector<Finding> findings(4);
  const char* paths[] = {"Env/TOKEN", "Env/OTHER", "Labels/org.key", "Env/PATH"};
  for (size_t i = 0; i < findings.size(); ++i) {
    findings[i].origin = Origin::kConfig;
    findings[i].path = paths[i];
  }
  AttributeConfigToInstructions(map, findings);
  std::vector<int> lines;  // 0: none
  for (const Finding& f : findings) lines.push_back(f.instruction ? f.instruction->line : 0);
  EXPECT_EQ(lines, (std::vector<int>{6, 4, 5, 0}));
  // --target build: the first stage's ENV.
  std::vector<Finding> first(1);
  first[0].origin = Origin::kConfig;
  first[0].path = "Env/TOKEN";
  AttributeConfigToInstructions(MapConfigToInstructions(cf, "build"), first);
  ASSERT_TRUE(first[0].instruction);
  EXPECT_EQ(first[0].instruction->line, 2);
}

TEST(LayerOriginTest, FindingsOfLayersAndHistoryEntriesGetTheInstruction) {
  auto map = MapHistoryToInstructions(Parse(kTwoStages), TwoStageHistory(), "");
  Finding layer;
  layer.origin = Origin::kLayer;
  layer.layer = LayerRef{2, "sha256:b", "COPY", 3};
  Finding history;
  history.origin = Origin::kHistory;
  history.path = "history/2";
  Finding config;
  config.origin = Origin::kConfig;
  config.path = "Env/A";
  Finding base;
  base.origin = Origin::kLayer;
  base.layer = LayerRef{0, "sha256:a", "ADD", 0};
  std::vector<Finding> findings = {layer, history, config, base};
  AttributeToInstructions(map, findings);
  ASSERT_TRUE(findings[0].instruction);
  EXPECT_EQ(findings[0].instruction->line, 8);
  ASSERT_TRUE(findings[1].instruction);
  EXPECT_EQ(findings[1].instruction->line, 6);
  EXPECT_FALSE(findings[2].instruction);
  EXPECT_FALSE(findings[3].instruction);
}

}  // namespace
}  // namespace safebuild
