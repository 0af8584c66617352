#include "image/layer_stack.h"

#include <algorithm>

namespace safebuild {
namespace {

// "/a/b/c" -> "", "/a", "/a/b": the directories above a path, root first.
std::vector<std::string> Ancestors(const std::string& path) {
  std::vector<std::string> out;
  if (path.empty()) return out;
  out.emplace_back();
  for (size_t i = path.find('/', 1); i != std::string::npos;
       i = path.find('/', i + 1)) {
    out.push_back(path.substr(0, i));
  }
  return out;
}

}  // namespace

void LayerStack::Record(int layer, const LayerEntry& entry) {
  Layer& l = layers_[layer];
  max_layer_ = std::max(max_layer_, layer);
  if (entry.is_opaque) {
    l.opaque_dirs.insert(entry.path);
  } else if (entry.is_whiteout) {
    l.whiteouts.insert(entry.path);
  } else {
    l.entries[entry.path] = entry.type;
  }
}

const LayerStack::Layer* LayerStack::Find(int layer) const {
  auto it = layers_.find(layer);
  return it == layers_.end() ? nullptr : &it->second;
}

// Only later layers can hide content: whiteouts and opaque markers act on
// what lies below their own layer, never on their siblings.
bool LayerStack::IsVisible(int layer, const std::string& path) const {
  return IsVisibleBelow(layer, path, max_layer_ + 1);
}

bool LayerStack::IsVisibleBelow(int layer, const std::string& path, int below) const {
  const std::vector<std::string> ancestors = Ancestors(path);
  for (int upper = layer + 1; upper < below && upper <= max_layer_; ++upper) {
    const Layer* l = Find(upper);
    if (l == nullptr) continue;
    if (l->entries.count(path) != 0 || l->whiteouts.count(path) != 0 ||
        l->opaque_dirs.count(path) != 0) {
      return false;
    }
    for (const std::string& dir : ancestors) {
      if (l->whiteouts.count(dir) != 0 || l->opaque_dirs.count(dir) != 0) {
        return false;
      }
      // The root cannot be replaced by a file, whatever a layer claims.
      auto it = dir.empty() ? l->entries.end() : l->entries.find(dir);
      if (it != l->entries.end() && it->second != LayerEntry::Type::kDir) {
        return false;
      }
    }
  }
  return true;
}

int LayerStack::NewestWriter(const std::string& path, int below) const {
  for (int layer = std::min(below, max_layer_ + 1) - 1; layer >= 0; --layer) {
    const Layer* l = Find(layer);
    if (l != nullptr && l->entries.count(path) != 0) return layer;
  }
  return -1;
}

}  // namespace safebuild
