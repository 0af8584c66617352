// What a stack of layers shows in the end. Each layer records the paths it
// adds, its whiteouts (".wh.NAME" deletes NAME) and its opaque directories
// (".wh..wh..opq" hides all lower content of the directory). A path written
// in layer i is still visible unless a later layer deletes it, deletes or
// makes opaque one of its parent directories, writes the same path again, or
// puts a non-directory (file, symlink) where a parent directory was: an
// implicit delete with no whiteout entry. Entry order inside a layer does not
// matter.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "image/layer_reader.h"

namespace safebuild {

class LayerStack {
 public:
  /// Records one entry of layer `layer` (0-based; layers may be recorded in
  /// any order).
  void Record(int layer, const LayerEntry& entry);

  /// True when the content written at `path` by `layer` is what the final
  /// filesystem shows.
  bool IsVisible(int layer, const std::string& path) const;

  /// True when the content written at `path` by `layer` is what the layers
  /// below `below` show, whatever `below` and later layers do.
  bool IsVisibleBelow(int layer, const std::string& path, int below) const;

  /// The newest layer under `below` with an entry at `path` other than a
  /// whiteout, or -1: where a hardlink of layer `below` finds its target.
  int NewestWriter(const std::string& path, int below) const;

 private:
  struct Layer {
    std::unordered_map<std::string, LayerEntry::Type> entries;
    std::unordered_set<std::string> whiteouts;
    std::unordered_set<std::string> opaque_dirs;
  };
  const Layer* Find(int layer) const;
  std::unordered_map<int, Layer> layers_;
  int max_layer_ = -1;
};

}  // namespace safebuild
