// Builders for the image tests: layer tars written with libarchive's writer
// (any filter, ustar/pax/gnu), and small OCI layouts and docker archives.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <lzma.h>
#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "image/layer_reader.h"
#include "util/temp_dir.h"

namespace safebuild::test {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct TarMember {
  enum class Kind { kFile, kDir, kSymlink, kHardlink, kCharDev, kFifo };
  Kind kind = Kind::kFile;
  std::string name;
  std::string data;  // file content or link target
  unsigned major = 0;
  unsigned minor = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;  // SCHILY.xattr.* in pax
};

inline TarMember Member(TarMember::Kind kind, std::string name, std::string data = "",
                        unsigned major = 0, unsigned minor = 0) {
  TarMember m;
  m.kind = kind;
  m.name = std::move(name);
  m.data = std::move(data);
  m.major = major;
  m.minor = minor;
  return m;
}
inline TarMember File(std::string name, std::string data = "") {
  return Member(TarMember::Kind::kFile, std::move(name), std::move(data));
}
inline TarMember Dir(std::string name) { return Member(TarMember::Kind::kDir, std::move(name)); }
inline TarMember Symlink(std::string name, std::string target) {
  return Member(TarMember::Kind::kSymlink, std::move(name), std::move(target));
}
inline TarMember Hardlink(std::string name, std::string target) {
  return Member(TarMember::Kind::kHardlink, std::move(name), std::move(target));
}
inline TarMember CharDev(std::string name, unsigned major, unsigned minor) {
  return Member(TarMember::Kind::kCharDev, std::move(name), "", major, minor);
}
inline TarMember Fifo(std::string name) { return Member(TarMember::Kind::kFifo, std::move(name)); }

enum class Filter { kNone, kGzip, kZstd, kXz, kBzip2 };
enum class Format { kUstar, kPax, kGnu };

inline la_ssize_t AppendToString(archive*, void* out, const void* buf,
                                 size_t n) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

inline void AddFilter(archive* a, Filter filter) {
  if (filter == Filter::kGzip) archive_write_add_filter_gzip(a);
  if (filter == Filter::kZstd) archive_write_add_filter_zstd(a);
  if (filter == Filter::kXz) archive_write_add_filter_xz(a);
  if (filter == Filter::kBzip2) archive_write_add_filter_bzip2(a);
}

inline void SetFormat(archive* a, Format format) {
  if (format == Format::kUstar) archive_write_set_format_ustar(a);
  if (format == Format::kPax) archive_write_set_format_pax_restricted(a);
  if (format == Format::kGnu) archive_write_set_format_gnutar(a);
}

inline void Describe(archive_entry* e, const TarMember& m) {
  archive_entry_set_pathname(e, m.name.c_str());
  for (const auto& [name, value] : m.xattrs) {
    archive_entry_xattr_add_entry(e, name.c_str(), value.data(), value.size());
  }
  archive_entry_set_perm(e, 0644);
  switch (m.kind) {
    case TarMember::Kind::kFile:
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_size(e, static_cast<la_int64_t>(m.data.size()));
      break;
    case TarMember::Kind::kDir:
      archive_entry_set_filetype(e, AE_IFDIR);
      archive_entry_set_perm(e, 0755);
      break;
    case TarMember::Kind::kSymlink:
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_symlink(e, m.data.c_str());
      break;
    case TarMember::Kind::kHardlink:
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_hardlink(e, m.data.c_str());
      break;
    case TarMember::Kind::kCharDev:
      archive_entry_set_filetype(e, AE_IFCHR);
      archive_entry_set_rdevmajor(e, m.major);
      archive_entry_set_rdevminor(e, m.minor);
      break;
    case TarMember::Kind::kFifo:
      archive_entry_set_filetype(e, AE_IFIFO);
      break;
  }
}

inline std::string MakeTar(const std::vector<TarMember>& members,
                           Filter filter = Filter::kNone,
                           Format format = Format::kPax) {
  std::string out;
  archive* a = archive_write_new();
  SetFormat(a, format);
  AddFilter(a, filter);
  archive_write_set_bytes_in_last_block(a, 1);
  EXPECT_EQ(archive_write_open(a, &out, nullptr, AppendToString, nullptr),
            ARCHIVE_OK);
  for (const TarMember& m : members) {
    archive_entry* e = archive_entry_new();
    Describe(e, m);
    // ARCHIVE_WARN: a name that is not UTF-8 is written as raw bytes.
    EXPECT_GE(archive_write_header(a, e), ARCHIVE_WARN)
        << m.name << ": " << archive_error_string(a);
    if (m.kind == TarMember::Kind::kFile && !m.data.empty()) {
      archive_write_data(a, m.data.data(), m.data.size());
    }
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

// A pax tar with one sparse file of `size` bytes holding `data` at `offset`.
// A pax tar of one sparse file of `size` bytes: zeros but for `pieces`
// (offset, bytes), in order and apart. The tar holds only the pieces.
inline std::string MakeSparseTar(
    const std::string& name, int64_t size,
    const std::vector<std::pair<int64_t, std::string>>& pieces) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_pax(a);
  archive_write_open(a, &out, nullptr, AppendToString, nullptr);
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, size);
  for (const auto& [offset, data] : pieces) {
    archive_entry_sparse_add_entry(e, offset, static_cast<int64_t>(data.size()));
  }
  EXPECT_GE(archive_write_header(a, e), ARCHIVE_WARN)
      << archive_error_string(a);
  // The writer takes the logical bytes and drops the holes itself; the
  // zeros go in pieces, so a file of gigabytes costs no memory here.
  const std::string zeros(1 << 20, '\0');
  int64_t at = 0;
  auto zeros_to = [&](int64_t end) {
    for (; at < end; at += std::min<int64_t>(end - at, zeros.size())) {
      archive_write_data(a, zeros.data(),
                         static_cast<size_t>(std::min<int64_t>(end - at, zeros.size())));
    }
  };
  for (const auto& [offset, data] : pieces) {
    zeros_to(offset);
    archive_write_data(a, data.data(), data.size());
    at += static_cast<int64_t>(data.size());
  }
  // The hole after the last piece is the writer's to fill.
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

inline std::string MakeSparseTar(const std::string& name, int64_t size,
                                 int64_t offset, const std::string& data) {
  return MakeSparseTar(name, size, {{offset, data}});
}

// Compresses bytes as one stream (libarchive's "raw" format).
inline std::string Compress(const std::string& bytes, Filter filter) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_raw(a);
  AddFilter(a, filter);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(a, &out, nullptr, AppendToString, nullptr);
  archive_entry* e = archive_entry_new();
  archive_entry_set_filetype(e, AE_IFREG);
  archive_write_header(a, e);
  archive_write_data(a, bytes.data(), bytes.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

// An xz stream (as Compress writes it: one block, one LZMA2 filter) whose
// block now declares the dictionary `dict_code` (LZMA2's one-byte code: 28
// is 64 MiB, 32 is 256 MiB). The data needs no more than it had, so it
// decodes the same with any larger dictionary.
inline std::string WithXzDict(std::string xz, uint8_t dict_code) {
  constexpr size_t kBlock = 12;  // after the stream header
  const size_t header = (static_cast<uint8_t>(xz.at(kBlock)) + 1) * 4;
  const auto flags = static_cast<uint8_t>(xz.at(kBlock + 1));
  EXPECT_EQ(flags & 0x03, 0) << "one filter";
  size_t p = kBlock + 2;
  for (uint8_t size_field : {uint8_t{0x40}, uint8_t{0x80}}) {  // sizes: varints
    if ((flags & size_field) == 0) continue;
    while ((static_cast<uint8_t>(xz.at(p++)) & 0x80) != 0) {
    }
  }
  EXPECT_EQ(xz.at(p), 0x21) << "LZMA2";
  EXPECT_EQ(xz.at(p + 1), 0x01) << "one byte of properties";
  xz[p + 2] = static_cast<char>(dict_code);
  uint32_t crc = lzma_crc32(reinterpret_cast<const uint8_t*>(xz.data() + kBlock),
                            header - 4, 0);
  for (size_t i = 0; i < 4; ++i) {
    xz[kBlock + header - 4 + i] = static_cast<char>((crc >> (8 * i)) & 0xff);
  }
  return xz;
}

// `bytes` in the lzma "alone" format (.lzma), its header then declaring a
// dictionary of `dict` bytes (the data needs no more than 1 MiB).
inline std::string LzmaAlone(const std::string& bytes, uint32_t dict = 1u << 20) {
  lzma_options_lzma opt;
  lzma_lzma_preset(&opt, 1);
  opt.dict_size = 1u << 20;
  lzma_stream s = LZMA_STREAM_INIT;
  EXPECT_EQ(lzma_alone_encoder(&s, &opt), LZMA_OK);
  std::string out(bytes.size() + bytes.size() / 2 + 4096, '\0');
  s.next_in = reinterpret_cast<const uint8_t*>(bytes.data());
  s.avail_in = bytes.size();
  s.next_out = reinterpret_cast<uint8_t*>(out.data());
  s.avail_out = out.size();
  EXPECT_EQ(lzma_code(&s, LZMA_FINISH), LZMA_STREAM_END);
  out.resize(out.size() - s.avail_out);
  lzma_end(&s);
  for (int i = 0; i < 4; ++i) out[1 + i] = static_cast<char>((dict >> (8 * i)) & 0xff);
  return out;
}

// A zstd frame (as Compress writes it: no content size, so a window
// descriptor) whose window is now 2^(10 + exponent) bytes: 18 is 256 MiB.
inline std::string WithZstdWindow(std::string zst, uint8_t exponent) {
  EXPECT_EQ(static_cast<uint8_t>(zst.at(4)) & 0x20, 0) << "a window descriptor";
  zst[5] = static_cast<char>(exponent << 3);
  return zst;
}

inline void WriteFile(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

inline std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline std::string Sha256Hex(const std::string& bytes) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  char hex[sizeof out * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

inline TempDir MakeTempDir() {
  Expected<TempDir> dir = TempDir::Create("sb-image-test");
  EXPECT_TRUE(dir.ok());
  return std::move(*dir);
}

// What ReadLayer reported, in order.
struct ReadEntries {
  std::vector<LayerEntry> entries;
  std::vector<std::string> contents;
  std::vector<int> windows;  // how many windows each entry came in

  const LayerEntry* Find(const std::string& path) const {
    for (const LayerEntry& e : entries) {
      if (e.path == path) return &e;
    }
    return nullptr;
  }
};

inline Expected<ReadEntries> ReadAll(const fs::path& blob,
                                     const LayerLimits& limits = {}) {
  ReadEntries out;
  Status s = ReadLayer(
      blob, limits,
      [&out](const LayerEntry& e, const ContentWindow& w) {
        if (w.offset == 0) {
          out.entries.push_back(e);
          out.contents.emplace_back();
          out.windows.push_back(0);
        }
        // Each window starts with what the one before it ended with.
        EXPECT_EQ(w.offset + w.fresh, out.contents.back().size());
        out.contents.back().append(w.bytes.substr(w.fresh));
        ++out.windows.back();
        return true;
      });
  if (!s) return Fail(s.error());
  return out;
}

constexpr char kTarGzip[] = "application/vnd.oci.image.layer.v1.tar+gzip";
constexpr char kTarZstd[] = "application/vnd.oci.image.layer.v1.tar+zstd";
constexpr char kOciManifest[] = "application/vnd.oci.image.manifest.v1+json";
constexpr char kOciIndex[] = "application/vnd.oci.image.index.v1+json";
constexpr char kOciConfig[] = "application/vnd.oci.image.config.v1+json";

// An OCI image layout under construction.
class OciLayout {
 public:
  explicit OciLayout(fs::path dir) : dir_(std::move(dir)) {
    fs::create_directories(dir_ / "blobs" / "sha256");
    WriteFile(dir_ / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  }

  const fs::path& dir() const { return dir_; }

  json AddBlob(const std::string& media_type, const std::string& bytes) {
    std::string hex = Sha256Hex(bytes);
    WriteFile(dir_ / "blobs" / "sha256" / hex, bytes);
    return {{"mediaType", media_type},
            {"digest", "sha256:" + hex},
            {"size", bytes.size()}};
  }

  // A config whose history has an empty entry first, one per layer after.
  static json Config(size_t layers) {
    json config = {{"architecture", "amd64"}, {"os", "linux"}};
    config["rootfs"] = {{"type", "layers"}, {"diff_ids", json::array()}};
    config["history"] = json::array();
    config["history"].push_back(
        {{"created_by", "/bin/sh -c #(nop) ARG TOKEN"}, {"empty_layer", true}});
    for (size_t i = 0; i < layers; ++i) {
      config["rootfs"]["diff_ids"].push_back("sha256:" + std::string(64, 'a'));
      config["history"].push_back(
          {{"created_by", "step " + std::to_string(i)}});
    }
    return config;
  }

  // Adds config and manifest blobs; returns the manifest's descriptor.
  json AddImage(const std::vector<json>& layers, const json& config) {
    json manifest = {{"schemaVersion", 2}, {"mediaType", kOciManifest}};
    manifest["config"] = AddBlob(kOciConfig, config.dump());
    manifest["layers"] = layers;
    return AddBlob(kOciManifest, manifest.dump());
  }

  json AddImage(const std::vector<json>& layers) {
    return AddImage(layers, Config(layers.size()));
  }

  void WriteIndex(const std::vector<json>& manifests, const json& annotations = nullptr) {
    json index = {{"schemaVersion", 2}, {"manifests", manifests}};
    if (!annotations.is_null()) index["annotations"] = annotations;
    WriteFile(dir_ / "index.json", index.dump());
  }

 private:
  fs::path dir_;
};

inline json Named(json descriptor, const std::string& name) {
  descriptor["annotations"]["org.opencontainers.image.ref.name"] = name;
  return descriptor;
}

}  // namespace safebuild::test
