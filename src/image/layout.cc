// Two on-disk forms of an image. An OCI layout has index.json pointing at
// manifests (or at nested indexes, one per platform) by digest, and every
// blob lives at blobs/sha256/<hex>; a digest is therefore a file name and is
// checked character by character before it becomes one. A docker archive
// has manifest.json naming the config and layer files by relative path;
// those names are checked the same way. Every JSON document is read with a
// size bound and a nesting bound, and small blobs (indexes, manifests,
// configs) are checked against their digests; layer blobs are only checked
// against their declared sizes, since hashing gigabytes is too slow.
#include "image/layout.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>

#include "util/digest.h"
#include "util/fd.h"
#include "util/text.h"

namespace safebuild {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr uint64_t kMaxJsonBytes = 16 << 20;
constexpr int kMaxJsonDepth = 64;
constexpr int kMaxIndexDepth = 4;
constexpr char kRefNameAnnotation[] = "org.opencontainers.image.ref.name";

#if defined(__aarch64__)
constexpr char kHostArch[] = "arm64";
#else
constexpr char kHostArch[] = "amd64";
#endif

std::string ErrnoText() { return std::generic_category().message(errno); }

// ---------------------------------------------------------------- files

// Deep nesting is refused while parsing: other stages walk the config
// recursively, and a hostile one could otherwise exhaust the stack.
Expected<json> ParseJson(const std::string& text, const std::string& what) {
  bool too_deep = false;
  json::parser_callback_t cb = [&too_deep](int depth, json::parse_event_t,
                                           json&) {
    if (depth > kMaxJsonDepth) too_deep = true;
    return !too_deep;
  };
  json j = json::parse(text, cb, /*allow_exceptions=*/false);
  if (too_deep) return Fail(what + ": JSON nested too deeply");
  if (j.is_discarded()) return Fail(what + ": not valid JSON");
  return j;
}

// Go's encoding/json, which podman uses, also folds "ſ" to "s" and the
// Kelvin sign to "k" when it matches field names.
std::string FoldKey(std::string_view key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    if (key.substr(i, 2) == "\xc5\xbf") {
      out += 's';
      ++i;
    } else if (key.substr(i, 3) == "\xe2\x84\xaa") {
      out += 'k';
      i += 2;
    } else {
      out += key[i];
    }
  }
  return ToLower(out);
}

// A struct field of a manifest or config. Go matches field names without
// regard to case and lets the last spelling win, so a document that spells
// a field two ways could show podman one thing and us another: such a field
// reads as absent here, and a required one fails.
const json* Member(const json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  const json* found = nullptr;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (FoldKey(it.key()) != FoldKey(key)) continue;
    if (found != nullptr || it.key() != key) return nullptr;
    found = &it.value();
  }
  return found;
}

// A key of a string map (annotations, labels): matched exactly.
std::string MapString(const json& j, const std::string& key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return (it != j.end() && it->is_string()) ? it->get<std::string>() : "";
}

std::string StringMember(const json& j, const char* key) {
  const json* m = Member(j, key);
  return (m != nullptr && m->is_string()) ? m->get<std::string>() : "";
}

// True for a directory that is not a symlink.
bool IsRealDir(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() == fs::file_type::directory;
}

// ---------------------------------------------------------------- blobs

struct Descriptor {
  std::string media_type;
  std::string digest;
  uint64_t size = 0;
  const json* raw = nullptr;  // annotations, platform
};

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

bool IsSha256Digest(std::string_view d) {
  return d.size() == 71 && StartsWith(d, "sha256:") && IsLowerHex(d.substr(7));
}

Expected<Descriptor> ParseDescriptor(const json& j, const std::string& where) {
  Descriptor d;
  d.raw = &j;
  d.media_type = StringMember(j, "mediaType");
  d.digest = StringMember(j, "digest");
  if (!IsSha256Digest(d.digest)) {
    return Fail(where + ": invalid or unsupported digest '" +
                d.digest.substr(0, 80) + "' (want sha256:<64 hex digits>)");
  }
  const json* size = Member(j, "size");
  if (size == nullptr || !size->is_number_unsigned()) {
    return Fail(where + ": descriptor " + d.digest + " has no valid size");
  }
  d.size = size->get<uint64_t>();
  return d;
}

// The blob of a checked descriptor: a regular file of the declared size.
Expected<fs::path> BlobPath(const fs::path& dir, const Descriptor& d) {
  if (!IsRealDir(dir / "blobs") || !IsRealDir(dir / "blobs" / "sha256")) {
    return Fail(dir.string() + ": no blobs/sha256 directory");
  }
  fs::path p = dir / "blobs" / "sha256" / d.digest.substr(7);
  std::error_code ec;
  fs::file_status st = fs::symlink_status(p, ec);
  if (ec || st.type() == fs::file_type::not_found) {
    return Fail(dir.string() + ": blob " + d.digest + " is missing");
  }
  if (st.type() != fs::file_type::regular) {
    return Fail(dir.string() + ": blob " + d.digest + " is not a regular file");
  }
  uint64_t size = fs::file_size(p, ec);
  if (ec || size != d.size) {
    return Fail(dir.string() + ": blob " + d.digest + " has " +
                std::to_string(size) + " bytes, its descriptor says " +
                std::to_string(d.size));
  }
  return p;
}

// Where a layout's files are: a directory, or the members of an archive
// read in place. Each lookup checks what it names and returns its bytes'
// place; reading them is the same for both.
class ImageFiles {
 public:
  virtual ~ImageFiles() = default;
  /// The archive or directory, for messages.
  virtual std::string Where() const = 0;
  /// A document at the top: "index.json" or "manifest.json".
  virtual Expected<FileRange> Top(const std::string& name) const = 0;
  /// The blob of a checked descriptor, of its declared size.
  virtual Expected<FileRange> Blob(const Descriptor& d) const = 0;
  /// A file that manifest.json names by a relative path.
  virtual Expected<FileRange> Named(const json& name) const = 0;
};

Expected<json> ReadJsonRange(const FileRange& range) {
  Expected<std::string> text = ReadFileRange(range, kMaxJsonBytes);
  if (!text) return Fail(text.error());
  return ParseJson(*text, range.Name());
}

// Reads a small blob and checks it against its digest.
Expected<std::string> ReadVerifiedBlob(const ImageFiles& files,
                                       const Descriptor& d) {
  Expected<FileRange> range = files.Blob(d);
  if (!range) return Fail(range.error());
  Expected<std::string> data = ReadFileRange(*range, kMaxJsonBytes);
  if (!data) return data;
  if ("sha256:" + Sha256Hex(*data) != d.digest) {
    return Fail(range->Name() + ": content does not match digest " + d.digest);
  }
  return data;
}

Expected<json> ReadJsonBlob(const ImageFiles& files, const Descriptor& d) {
  Expected<std::string> data = ReadVerifiedBlob(files, d);
  if (!data) return Fail(data.error());
  return ParseJson(*data, files.Where() + ": blob " + d.digest);
}

// ---------------------------------------------------------------- OCI index

std::string RefName(const json& descriptor) {
  const json* ann = Member(descriptor, "annotations");
  return ann == nullptr ? "" : MapString(*ann, kRefNameAnnotation);
}

std::string ListRefs(const json& manifests) {
  std::string out;
  for (const json& m : manifests) {
    std::string name = RefName(m);
    if (name.empty()) continue;
    out += (out.empty() ? "" : ", ") + name;
  }
  return out.empty() ? "(no manifest has a name)" : out;
}

Expected<const json*> ManifestList(const json& index,
                                   const std::string& where) {
  const json* list = Member(index, "manifests");
  if (list == nullptr || !list->is_array()) {
    return Fail(where + ": no \"manifests\" array");
  }
  if (list->empty()) return Fail(where + ": the index lists no manifests");
  return list;
}

// Picks the top-level manifest by ref name, or the only one.
Expected<Descriptor> PickManifest(const json& index, const std::string& ref,
                                  const std::string& where) {
  Expected<const json*> list = ManifestList(index, where);
  if (!list) return Fail(list.error());
  const json& manifests = **list;
  if (ref.empty()) {
    if (manifests.size() == 1) return ParseDescriptor(manifests[0], where);
    return Fail(where + ": holds " + std::to_string(manifests.size()) +
                " images; name one of: " + ListRefs(manifests));
  }
  for (const json& m : manifests) {
    if (RefName(m) == ref) return ParseDescriptor(m, where);
  }
  return Fail(where + ": no image named '" + ref +
              "'; available: " + ListRefs(manifests));
}

bool IsPlatform(const json& descriptor, std::string_view os,
                std::string_view arch) {
  const json* p = Member(descriptor, "platform");
  return p != nullptr && StringMember(*p, "os") == os &&
         StringMember(*p, "architecture") == arch;
}

// Prefers the host's platform, then the first entry that is not an
// attestation ("unknown/unknown" in BuildKit indexes).
Expected<Descriptor> PickPlatform(const json& index, const std::string& where) {
  Expected<const json*> list = ManifestList(index, where);
  if (!list) return Fail(list.error());
  const json* pick = nullptr;
  for (const json& m : **list) {
    if (IsPlatform(m, "linux", kHostArch)) {
      pick = &m;
      break;
    }
    if (pick == nullptr && !IsPlatform(m, "unknown", "unknown")) pick = &m;
  }
  if (pick == nullptr) pick = &(**list)[0];
  return ParseDescriptor(*pick, where);
}

bool IsIndexType(std::string_view t) {
  return t == "application/vnd.oci.image.index.v1+json" ||
         t == "application/vnd.docker.distribution.manifest.list.v2+json";
}

bool IsConfigType(std::string_view t) {
  return t.empty() || t == "application/vnd.oci.image.config.v1+json" ||
         t == "application/vnd.docker.container.image.v1+json";
}

bool IsManifestType(std::string_view t) {
  return t == "application/vnd.oci.image.manifest.v1+json" ||
         t == "application/vnd.docker.distribution.manifest.v2+json";
}

// Follows nested indexes down to an image manifest.
Expected<json> ResolveManifest(const ImageFiles& files, const Descriptor& d,
                               int depth) {
  std::string where = files.Where() + ": blob " + d.digest;
  if (depth > kMaxIndexDepth)
    return Fail(where + ": indexes nested too deeply");
  Expected<json> doc = ReadJsonBlob(files, d);
  if (!doc) return doc;
  std::string type =
      d.media_type.empty() ? StringMember(*doc, "mediaType") : d.media_type;
  if (type.empty() && Member(*doc, "manifests") != nullptr) {
    type = "application/vnd.oci.image.index.v1+json";
  }
  if (IsIndexType(type)) {
    Expected<Descriptor> next = PickPlatform(*doc, where);
    if (!next) return Fail(next.error());
    return ResolveManifest(files, *next, depth + 1);
  }
  if (!IsManifestType(type) && !(type.empty() && Member(*doc, "layers"))) {
    return Fail(where + ": unsupported manifest media type '" + type + "'");
  }
  return doc;
}

// ---------------------------------------------------------------- images

struct LayerType {
  std::string_view media_type;
  Compression compression;
};

constexpr std::array<LayerType, 10> kLayerTypes = {{
    {"application/vnd.oci.image.layer.v1.tar", Compression::kNone},
    {"application/vnd.oci.image.layer.v1.tar+gzip", Compression::kGzip},
    {"application/vnd.oci.image.layer.v1.tar+zstd", Compression::kZstd},
    {"application/vnd.oci.image.layer.nondistributable.v1.tar",
     Compression::kNone},
    {"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
     Compression::kGzip},
    {"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
     Compression::kZstd},
    {"application/vnd.docker.image.rootfs.diff.tar", Compression::kNone},
    {"application/vnd.docker.image.rootfs.diff.tar.gzip", Compression::kGzip},
    {"application/vnd.docker.image.rootfs.foreign.diff.tar",
     Compression::kNone},
    {"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
     Compression::kGzip},
}};

const LayerType* FindLayerType(std::string_view media_type) {
  for (const LayerType& t : kLayerTypes) {
    if (t.media_type == media_type) return &t;
  }
  return nullptr;
}

// The i-th history entry that made a layer belongs to layer i.
void MapHistory(const json& config, std::vector<LayerBlob>& layers) {
  const json* history = Member(config, "history");
  if (history == nullptr || !history->is_array()) return;
  size_t next = 0;
  for (size_t i = 0; i < history->size() && next < layers.size(); ++i) {
    const json& h = (*history)[i];
    const json* empty = Member(h, "empty_layer");
    if (empty != nullptr && empty->is_boolean() && empty->get<bool>()) continue;
    layers[next].history_index = static_cast<int>(i);
    layers[next].created_by = StringMember(h, "created_by");
    ++next;
  }
}

Status MapDiffIds(const json& config, std::vector<LayerBlob>& layers,
                  const std::string& where) {
  const json* rootfs = Member(config, "rootfs");
  const json* ids = rootfs == nullptr ? nullptr : Member(*rootfs, "diff_ids");
  size_t count = (ids != nullptr && ids->is_array()) ? ids->size() : 0;
  if (count != layers.size()) {
    return Fail(where + ": config lists " + std::to_string(count) +
                " diff_ids for " + std::to_string(layers.size()) + " layers");
  }
  for (size_t i = 0; i < count; ++i) {
    if ((*ids)[i].is_string()) layers[i].diff_id = (*ids)[i].get<std::string>();
  }
  return Ok{};
}

// History and diff_ids complete what the manifest said about the layers.
Status Finish(OpenedImage& image, const std::string& where) {
  if (!image.config.is_object())
    return Fail(where + ": config is not an object");
  if (Status s = MapDiffIds(image.config, image.layers, where); !s) return s;
  MapHistory(image.config, image.layers);
  return Ok{};
}

void PlaceBlob(LayerBlob& layer, const FileRange& range) {
  layer.file = range.file;
  layer.offset = range.offset;
  layer.size = range.size;
  layer.member = range.member;
}

Expected<LayerBlob> OciLayer(const ImageFiles& files, const json& j, int index,
                             const std::string& where) {
  Expected<Descriptor> d = ParseDescriptor(j, where);
  if (!d) return Fail(d.error());
  const LayerType* type = FindLayerType(d->media_type);
  if (type == nullptr) {
    return Fail(where + ": layer " + d->digest +
                " has unsupported media type '" + d->media_type + "'");
  }
  Expected<FileRange> range = files.Blob(*d);
  if (!range) return Fail(range.error());
  LayerBlob layer;
  layer.index = index;
  layer.digest = d->digest;
  layer.media_type = d->media_type;
  layer.compression = type->compression;
  PlaceBlob(layer, *range);
  return layer;
}

Expected<OpenedImage> ReadOciImage(const ImageFiles& files, const json& manifest) {
  const std::string where = files.Where();
  const json* config = Member(manifest, "config");
  const json* layers = Member(manifest, "layers");
  if (config == nullptr || layers == nullptr || !layers->is_array()) {
    return Fail(where + ": manifest has no config or no layers");
  }
  Expected<Descriptor> cd = ParseDescriptor(*config, where);
  if (!cd) return Fail(cd.error());
  if (!IsConfigType(cd->media_type)) {
    return Fail(where + ": not a container image: config media type '" +
                cd->media_type + "'");
  }
  Expected<json> cj = ReadJsonBlob(files, *cd);
  if (!cj) return Fail(cj.error());
  OpenedImage image;
  image.id = cd->digest;
  image.config = std::move(*cj);
  if (const json* a = Member(manifest, "annotations"); a != nullptr && a->is_object()) {
    image.annotations = *a;
  }
  for (const json& l : *layers) {
    int index = static_cast<int>(image.layers.size());
    Expected<LayerBlob> layer = OciLayer(files, l, index, where);
    if (!layer) return Fail(layer.error());
    image.layers.push_back(std::move(*layer));
  }
  if (Status s = Finish(image, where); !s) return Fail(s.error());
  return image;
}

// ---------------------------------------------------------------- docker

// A file named by manifest.json: relative, no "..", no symlink on the way.
Expected<fs::path> ArchiveMember(const fs::path& dir, const json& name) {
  std::string n = name.is_string() ? name.get<std::string>() : "";
  if (n.empty() || n.front() == '/' || n.find('\0') != std::string::npos) {
    return Fail(dir.string() + ": invalid file name '" + n +
                "' in manifest.json");
  }
  fs::path p = dir;
  for (const std::string& part : Split(n, '/')) {
    if (part == "..") {
      return Fail(dir.string() + ": file name '" + n +
                  "' in manifest.json leaves the archive");
    }
    if (part.empty() || part == ".") continue;
    if (p != dir && !IsRealDir(p)) {
      return Fail(dir.string() + ": '" + n +
                  "' is not inside a plain directory");
    }
    p /= part;
  }
  std::error_code ec;
  if (fs::symlink_status(p, ec).type() != fs::file_type::regular) {
    return Fail(dir.string() + ": '" + n +
                "' is missing or not a regular file");
  }
  return p;
}

Expected<Compression> SniffCompression(const FileRange& range) {
  FileRange head = range;
  head.size = std::min<uint64_t>(4, range.size.value_or(0));
  Expected<std::string> bytes = ReadFileRange(head, 4);
  if (!bytes) return Fail(bytes.error());
  unsigned char magic[4] = {};
  std::memcpy(magic, bytes->data(), bytes->size());
  if (magic[0] == 0x1f && magic[1] == 0x8b) return Compression::kGzip;
  if (magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f &&
      magic[3] == 0xfd) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

std::string_view DockerMediaType(Compression c) {
  switch (c) {
    case Compression::kGzip:
      return "application/vnd.docker.image.rootfs.diff.tar.gzip";
    case Compression::kZstd:
      return "application/vnd.oci.image.layer.v1.tar+zstd";
    case Compression::kNone:
      break;
  }
  return "application/vnd.docker.image.rootfs.diff.tar";
}

// Newer docker saves name layers "blobs/sha256/<hex>"; an uncompressed
// layer's digest is its diff_id, which Finish() fills in afterwards.
std::string DigestFromName(const std::string& name) {
  constexpr std::string_view kPrefix = "blobs/sha256/";
  if (!StartsWith(name, kPrefix)) return "";
  std::string digest = "sha256:" + name.substr(kPrefix.size());
  return IsSha256Digest(digest) ? digest : "";
}

Expected<LayerBlob> DockerLayer(const ImageFiles& files, const json& name,
                                int index) {
  Expected<FileRange> range = files.Named(name);
  if (!range) return Fail(range.error());
  Expected<Compression> c = SniffCompression(*range);
  if (!c) return Fail(c.error());
  LayerBlob layer;
  layer.index = index;
  layer.digest = DigestFromName(name.get<std::string>());
  layer.compression = *c;
  layer.media_type = std::string(DockerMediaType(*c));
  PlaceBlob(layer, *range);
  return layer;
}

struct DockerEntry {
  const json* config = nullptr;
  const json* layers = nullptr;
};

// The first image of manifest.json; a docker archive may hold several.
Expected<DockerEntry> FirstDockerImage(const json& manifest,
                                       const std::string& where) {
  if (!manifest.is_array() || manifest.empty()) {
    return Fail(where + ": manifest.json does not list an image");
  }
  DockerEntry entry{Member(manifest[0], "Config"),
                    Member(manifest[0], "Layers")};
  if (entry.config == nullptr || entry.layers == nullptr ||
      !entry.layers->is_array()) {
    return Fail(where + ": manifest.json has no Config or no Layers");
  }
  return entry;
}

// ---------------------------------------------------------------- sources

class DirFiles : public ImageFiles {
 public:
  explicit DirFiles(const fs::path& dir) : dir_(dir) {}
  std::string Where() const override { return dir_.string(); }
  Expected<FileRange> Top(const std::string& name) const override {
    return FileRange{dir_ / name, 0, std::nullopt, ""};
  }
  Expected<FileRange> Blob(const Descriptor& d) const override {
    Expected<fs::path> p = BlobPath(dir_, d);
    if (!p) return Fail(p.error());
    return FileRange{*p, 0, d.size, ""};
  }
  Expected<FileRange> Named(const json& name) const override {
    Expected<fs::path> p = ArchiveMember(dir_, name);
    if (!p) return Fail(p.error());
    std::error_code ec;
    uint64_t size = fs::file_size(*p, ec);
    if (ec) return Fail(p->string() + ": " + ec.message());
    return FileRange{*p, 0, size, ""};
  }

 private:
  const fs::path& dir_;
};

// The members of an archive, by the same names and with the same checks
// as the files of an unpacked one.
class ArchiveFiles : public ImageFiles {
 public:
  explicit ArchiveFiles(const ArchiveIndex& index) : index_(index) {}
  std::string Where() const override { return index_.path().string(); }
  Expected<FileRange> Top(const std::string& name) const override {
    std::optional<FileRange> r = index_.Find(name);
    if (!r) return Fail(Where() + ": no " + name + " in the archive");
    return *r;
  }
  Expected<FileRange> Blob(const Descriptor& d) const override {
    std::optional<FileRange> r = index_.Find("blobs/sha256/" + d.digest.substr(7));
    if (!r) return Fail(Where() + ": blob " + d.digest + " is missing");
    if (*r->size != d.size) {
      return Fail(Where() + ": blob " + d.digest + " has " + std::to_string(*r->size) +
                  " bytes, its descriptor says " + std::to_string(d.size));
    }
    return *r;
  }
  Expected<FileRange> Named(const json& name) const override {
    std::string n = name.is_string() ? name.get<std::string>() : "";
    if (n.empty() || n.find('\0') != std::string::npos) {
      return Fail(Where() + ": invalid file name '" + n + "' in manifest.json");
    }
    Expected<std::string> key = ArchiveMemberName(n);
    if (!key || key->empty()) {
      return Fail(Where() + ": file name '" + n + "' in manifest.json leaves the archive");
    }
    std::optional<FileRange> r = index_.Find(*key);
    if (!r) return Fail(Where() + ": '" + n + "' is missing or not a regular file");
    return *r;
  }

 private:
  const ArchiveIndex& index_;
};

// The annotations of the index's descriptor of the image, and those of
// the index itself, are the image's too (`podman manifest annotate`, OCI
// tools, pushed with it): a key the manifest also has with another value is
// kept as "KEY (index.json)".
void AddIndexAnnotations(const json* ann, OpenedImage& image) {
  if (ann == nullptr || !ann->is_object()) return;
  if (!image.annotations.is_object()) image.annotations = json::object();
  for (const auto& item : ann->items()) {
    auto same = image.annotations.find(item.key());
    if (same == image.annotations.end()) {
      image.annotations[item.key()] = item.value();
    } else if (*same != item.value()) {
      image.annotations[item.key() + " (index.json)"] = item.value();
    }
  }
}

Expected<OpenedImage> OpenOci(const ImageFiles& files, const std::string& ref) {
  Expected<FileRange> top = files.Top("index.json");
  if (!top) return Fail(top.error());
  Expected<json> index = ReadJsonRange(*top);
  if (!index) return Fail(index.error());
  Expected<Descriptor> pick = PickManifest(*index, ref, files.Where());
  if (!pick) return Fail(pick.error());
  Expected<json> manifest = ResolveManifest(files, *pick, 0);
  if (!manifest) return Fail(manifest.error());
  Expected<OpenedImage> image = ReadOciImage(files, *manifest);
  if (image) {
    AddIndexAnnotations(pick->raw == nullptr ? nullptr : Member(*pick->raw, "annotations"),
                        *image);
    AddIndexAnnotations(Member(*index, "annotations"), *image);
  }
  return image;
}

Expected<OpenedImage> OpenDocker(const ImageFiles& files) {
  const std::string where = files.Where();
  Expected<FileRange> top = files.Top("manifest.json");
  if (!top) return Fail(top.error());
  Expected<json> manifest = ReadJsonRange(*top);
  if (!manifest) return Fail(manifest.error());
  Expected<DockerEntry> entry = FirstDockerImage(*manifest, where);
  if (!entry) return Fail(entry.error());
  Expected<FileRange> config_file = files.Named(*entry->config);
  if (!config_file) return Fail(config_file.error());
  Expected<std::string> config = ReadFileRange(*config_file, kMaxJsonBytes);
  if (!config) return Fail(config.error());
  Expected<json> cj = ParseJson(*config, config_file->Name());
  if (!cj) return Fail(cj.error());
  OpenedImage image;
  image.id = "sha256:" + Sha256Hex(*config);
  image.config = std::move(*cj);
  for (const json& name : *entry->layers) {
    int index = static_cast<int>(image.layers.size());
    Expected<LayerBlob> layer = DockerLayer(files, name, index);
    if (!layer) return Fail(layer.error());
    image.layers.push_back(std::move(*layer));
  }
  if (Status s = Finish(image, where); !s) return Fail(s.error());
  for (LayerBlob& l : image.layers) {
    if (l.digest.empty() && l.compression == Compression::kNone)
      l.digest = l.diff_id;
  }
  return image;
}

// ---------------------------------------------------------------- unpack

struct UnpackDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

class Unpacker {
 public:
  Unpacker(const fs::path& archive, const fs::path& dest,
           const UnpackLimits& limits)
      : archive_(archive), dest_(dest), limits_(limits) {}
  Status Run();

 private:
  Status Error(const std::string& what) const;
  Status Open();
  Status Extract(archive_entry* e);
  Status MakeParents(const std::string& rel);
  Status WriteFile(const fs::path& path, uint64_t declared);

  const fs::path& archive_;
  const fs::path& dest_;
  const UnpackLimits& limits_;
  std::unique_ptr<archive, UnpackDeleter> a_;
  std::string member_;
  uint64_t total_ = 0;
};

Status Unpacker::Error(const std::string& what) const {
  std::string msg = archive_.string();
  if (!member_.empty()) msg += ": member '" + member_ + "'";
  return Fail(msg + ": " + what);
}

Status Unpacker::Open() {
  a_.reset(archive_read_new());
  if (a_ == nullptr) return Error("cannot create an archive reader");
  // As for layers: named decoders only, never external programs.
  archive_read_support_filter_gzip(a_.get());
  archive_read_support_filter_zstd(a_.get());
  archive_read_support_format_tar(a_.get());
  if (archive_read_open_filename(a_.get(), archive_.c_str(), 64 << 10) !=
      ARCHIVE_OK) {
    return Error(archive_error_string(a_.get()));
  }
  return Ok{};
}

Status Unpacker::MakeParents(const std::string& rel) {
  fs::path p = dest_;
  std::vector<std::string> parts = Split(rel, '/');
  parts.pop_back();
  for (const std::string& part : parts) {
    p /= part;
    if (::mkdir(p.c_str(), 0700) != 0 && errno != EEXIST) {
      return Error("cannot create " + p.string() + ": " + ErrnoText());
    }
    if (!IsRealDir(p)) return Error(p.string() + " is not a directory");
  }
  return Ok{};
}

Status Unpacker::WriteFile(const fs::path& path, uint64_t declared) {
  Fd fd(::open(path.c_str(),
               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0)
    return Error("cannot create " + path.string() + ": " + ErrnoText());
  while (true) {
    const void* buf = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int r = archive_read_data_block(a_.get(), &buf, &size, &offset);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK) return Error(archive_error_string(a_.get()));
    if (offset < 0 || static_cast<uint64_t>(offset) > declared ||
        size > declared - static_cast<uint64_t>(offset)) {
      return Error("more data than its declared " + std::to_string(declared) +
                   " bytes");
    }
    if (::pwrite(fd.get(), buf, size, offset) != static_cast<ssize_t>(size)) {
      return Error("cannot write " + path.string() + ": " + ErrnoText());
    }
  }
  // Sparse members may end in a hole.
  if (::ftruncate(fd.get(), static_cast<off_t>(declared)) != 0) {
    return Error("cannot write " + path.string() + ": " + ErrnoText());
  }
  return Ok{};
}

Status Unpacker::Extract(archive_entry* e) {
  const char* name = archive_entry_pathname(e);
  member_ = name == nullptr ? "" : name;
  if (archive_entry_hardlink(e) != nullptr ||
      archive_entry_filetype(e) != AE_IFREG) {
    return Ok{};  // directories are made as needed; links are never made
  }
  Expected<std::string> rel = ArchiveMemberName(member_);
  if (!rel) return Error(rel.error());
  if (rel->empty()) return Error("a regular file with no name");
  uint64_t declared = archive_entry_size_is_set(e) && archive_entry_size(e) > 0
                          ? static_cast<uint64_t>(archive_entry_size(e))
                          : 0;
  if (declared > limits_.max_total_bytes - total_) {
    return Error("archive holds more than " +
                 std::to_string(limits_.max_total_bytes) + " bytes");
  }
  total_ += declared;
  if (Status s = MakeParents(*rel); !s) return s;
  return WriteFile(dest_ / *rel, declared);
}

Status Unpacker::Run() {
  if (Status s = Open(); !s) return s;
  for (uint64_t count = 0;; ++count) {
    member_.clear();
    archive_entry* e = nullptr;
    int r = archive_read_next_header(a_.get(), &e);
    if (r == ARCHIVE_EOF) return Ok{};
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      return Error(archive_error_string(a_.get()));
    }
    if (count >= limits_.max_entries) {
      return Error("more than " + std::to_string(limits_.max_entries) +
                   " entries");
    }
    if (Status s = Extract(e); !s) return s;
  }
}

}  // namespace

Expected<OpenedImage> OpenOciLayout(const fs::path& dir,
                                    const std::string& ref) {
  return OpenOci(DirFiles(dir), ref);
}

Expected<OpenedImage> OpenDockerArchiveDir(const fs::path& dir) {
  return OpenDocker(DirFiles(dir));
}

Expected<OpenedImage> OpenOciArchive(const ArchiveIndex& archive,
                                     const std::string& ref) {
  return OpenOci(ArchiveFiles(archive), ref);
}

Expected<OpenedImage> OpenDockerArchive(const ArchiveIndex& archive) {
  return OpenDocker(ArchiveFiles(archive));
}

FileRange BlobRange(const LayerBlob& layer) {
  return FileRange{layer.file, layer.offset, layer.size, layer.member};
}

Status UnpackArchive(const fs::path& archive, const fs::path& dest,
                     const UnpackLimits& limits) {
  return Unpacker(archive, dest, limits).Run();
}

}  // namespace safebuild
