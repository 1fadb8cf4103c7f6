// Writes GGUF headers byte by byte as docs/gguf.md of ggml lays them out
// (little-endian): test-only, for real-shaped, truncated and hostile files.
#ifndef LINEAGE_TESTS_GGUF_WRITER_H_
#define LINEAGE_TESTS_GGUF_WRITER_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace lineage::testing {

inline std::string Le32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>(v >> (8 * i) & 0xff);
  return s;
}

inline std::string Le64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>(v >> (8 * i) & 0xff);
  return s;
}

inline std::string GgufString(const std::string& s) { return Le64(s.size()) + s; }

// Key/value pairs in the order added; Build() puts the header in front.
class GgufWriter {
 public:
  GgufWriter& String(const std::string& key, const std::string& value) {
    return Pair(key, 8, GgufString(value));
  }
  GgufWriter& U32(const std::string& key, uint32_t v) { return Pair(key, 4, Le32(v)); }
  GgufWriter& U64(const std::string& key, uint64_t v) { return Pair(key, 10, Le64(v)); }
  GgufWriter& F32(const std::string& key, float v) {
    uint32_t bits = 0;
    std::memcpy(&bits, &v, 4);
    return Pair(key, 6, Le32(bits));
  }
  GgufWriter& Bool(const std::string& key, bool v) {
    return Pair(key, 7, std::string(1, v ? '\1' : '\0'));
  }
  GgufWriter& StringArray(const std::string& key, const std::vector<std::string>& values) {
    std::string body = Le32(8) + Le64(values.size());
    for (const auto& v : values) body += GgufString(v);
    return Pair(key, 9, body);
  }
  GgufWriter& I32Array(const std::string& key, size_t n, int32_t v) {
    std::string body = Le32(5) + Le64(n);
    for (size_t i = 0; i < n; ++i) body += Le32(static_cast<uint32_t>(v));
    return Pair(key, 9, body);
  }

  // "GGUF", version, tensor count, pair count, the pairs; then, for each
  // tensor, a tensor info (name, 1 dimension, type F32, offset) as files do.
  std::string Build(uint32_t version, uint64_t tensors) const {
    std::string out = "GGUF" + Le32(version) + Le64(tensors) + Le64(count_) + pairs_;
    for (uint64_t t = 0; t < tensors; ++t) {
      out += GgufString("blk." + std::to_string(t) + ".weight") + Le32(1) + Le64(16) + Le32(0) +
             Le64(t * 64);
    }
    return out;
  }

 private:
  GgufWriter& Pair(const std::string& key, uint32_t type, const std::string& value) {
    pairs_ += GgufString(key) + Le32(type) + value;
    ++count_;
    return *this;
  }

  std::string pairs_;
  uint64_t count_ = 0;
};

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_GGUF_WRITER_H_
