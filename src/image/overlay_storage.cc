#include "image/overlay_storage.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "image/file_range.h"
#include "util/digest.h"
#include "util/text.h"

namespace safebuild {
namespace {

using json = nlohmann::json;

std::string StringAt(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// Base layer first: LowerDir lists the layers below the top one, top first.
std::vector<std::string> LayerDirs(const json& data) {
  std::vector<std::string> dirs;
  std::string lower = StringAt(data, "LowerDir");
  size_t start = 0;
  while (start < lower.size()) {
    size_t end = std::min(lower.find(':', start), lower.size());
    if (end > start) dirs.push_back(lower.substr(start, end - start));
    start = end + 1;
  }
  std::reverse(dirs.begin(), dirs.end());
  std::string upper = StringAt(data, "UpperDir");
  if (!upper.empty()) dirs.push_back(upper);
  return dirs;
}

// As in an OCI config: the i-th history entry that made a layer is layer i.
void MapHistory(const json& history, std::vector<LayerBlob>& layers) {
  if (!history.is_array()) return;
  size_t next = 0;
  for (size_t i = 0; i < history.size() && next < layers.size(); ++i) {
    const json& h = history[i];
    if (!h.is_object()) continue;
    if (h.value("empty_layer", false)) continue;
    layers[next].history_index = static_cast<int>(i);
    layers[next].created_by = StringAt(h, "created_by");
    ++next;
  }
}

json OciConfig(const json& inspect, const json& diff_ids) {
  json config = {{"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
  if (inspect.contains("Config") && inspect["Config"].is_object()) {
    config["config"] = inspect["Config"];
  }
  config["history"] = inspect.contains("History") ? inspect["History"] : json::array();
  if (inspect.contains("Author") && inspect["Author"].is_string()) {
    config["author"] = inspect["Author"];
  }
  return config;
}

// containers/storage's root: the top layer's directory is ROOT/overlay/L/diff.
std::string StorageRoot(const std::string& upper_dir) {
  std::filesystem::path p(upper_dir);
  if (p.filename() != "diff" || p.parent_path().parent_path().filename() != "overlay") return "";
  return p.parent_path().parent_path().parent_path().string();
}

// The config blob stored with the image, when it is there and is the one
// the image ID names; nothing otherwise.
std::optional<json> StoredConfig(const std::string& root, const std::string& id,
                                 size_t layers) {
  if (root.empty() || id.size() != 64 || id.find_first_not_of("0123456789abcdef") !=
                                             std::string::npos) {
    return std::nullopt;
  }
  const std::string key = "sha256:" + id;
  const std::filesystem::path file =
      std::filesystem::path(root) / "overlay-images" / id / ("=" + Base64(key));
  Expected<std::string> bytes = ReadFileRange(FileRange{file, 0, std::nullopt, ""}, 16 << 20);
  if (!bytes || Sha256Hex(*bytes) != id) return std::nullopt;
  json config = json::parse(*bytes, nullptr, false);
  if (!config.is_object() || !config.contains("rootfs") || !config["rootfs"].is_object() ||
      !config["rootfs"].contains("diff_ids") || !config["rootfs"]["diff_ids"].is_array() ||
      config["rootfs"]["diff_ids"].size() != layers) {
    return std::nullopt;
  }
  return config;
}

}  // namespace

Expected<OpenedImage> OpenOverlayImage(const json& inspect) {
  const json* driver = inspect.contains("GraphDriver") ? &inspect["GraphDriver"] : nullptr;
  if (driver == nullptr || !driver->is_object() || StringAt(*driver, "Name") != "overlay") {
    return Fail("the storage driver is not overlay");
  }
  const json empty = json::object();
  const json& data = driver->contains("Data") ? (*driver)["Data"] : empty;
  std::vector<std::string> dirs = LayerDirs(data.is_object() ? data : empty);
  const json* rootfs = inspect.contains("RootFS") ? &inspect["RootFS"] : nullptr;
  if (rootfs == nullptr || !rootfs->contains("Layers") || !(*rootfs)["Layers"].is_array()) {
    return Fail("podman image inspect lists no layers");
  }
  const json& ids = (*rootfs)["Layers"];
  if (ids.size() != dirs.size()) {
    return Fail("podman image inspect lists " + std::to_string(ids.size()) + " layers but " +
                std::to_string(dirs.size()) + " layer directories");
  }
  OpenedImage image;
  image.id = "sha256:" + StringAt(inspect, "Id");
  std::optional<json> stored =
      StoredConfig(StorageRoot(StringAt(data.is_object() ? data : empty, "UpperDir")),
                   StringAt(inspect, "Id"), ids.size());
  image.config = stored ? std::move(*stored) : OciConfig(inspect, ids);
  if (inspect.contains("Annotations") && inspect["Annotations"].is_object()) {
    image.annotations = inspect["Annotations"];
  }
  for (size_t i = 0; i < dirs.size(); ++i) {
    if (access(dirs[i].c_str(), R_OK | X_OK) != 0) {
      return Fail("cannot read the layer directory " + dirs[i]);
    }
    LayerBlob layer;
    layer.index = static_cast<int>(i);
    layer.diff_id = ids[i].is_string() ? ids[i].get<std::string>() : "";
    layer.digest = layer.diff_id;
    layer.media_type = "application/vnd.oci.image.layer.v1.tar";
    layer.dir = dirs[i];
    image.layers.push_back(std::move(layer));
  }
  MapHistory(image.config["history"], image.layers);
  return image;
}

}  // namespace safebuild
