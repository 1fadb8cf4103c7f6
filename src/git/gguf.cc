// GGUF header reader: the metadata key/value pairs, up to the tensor infos.
// Layout (docs/gguf.md of ggml, v2/v3): "GGUF", u32 version, u64 tensor_count,
// u64 kv_count, then kv_count pairs of {string key, u32 type, value}; a string
// is a u64 length and its bytes; an array is a u32 element type, a u64 count
// and the elements. All little-endian.
#include "lineage/gguf.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>

#include "lineage/infer.h"

namespace lineage {

namespace {

// Value types of the spec (gguf_metadata_value_type).
enum : uint32_t {
  kU8 = 0,
  kI8 = 1,
  kU16 = 2,
  kI16 = 3,
  kU32 = 4,
  kI32 = 5,
  kF32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kU64 = 10,
  kI64 = 11,
  kF64 = 12,
};

constexpr uint64_t kMaxKeyLength = 65535;  // the spec's limit on a key
constexpr int kMaxArrayDepth = 8;
// The smallest key/value pair: an empty key (8), a type (4), a one-byte value.
constexpr uint64_t kMinPairSize = 13;

// Bytes a value of `type` takes at least; 0 for an unknown type.
uint64_t MinSize(uint32_t type) {
  switch (type) {
    case kU8:
    case kI8:
    case kBool:
      return 1;
    case kU16:
    case kI16:
      return 2;
    case kU32:
    case kI32:
    case kF32:
      return 4;
    case kU64:
    case kI64:
    case kF64:
    case kString:
      return 8;
    case kArray:
      return 12;
    default:
      return 0;
  }
}

bool FixedSize(uint32_t type) { return type != kString && type != kArray; }

// Sequential bytes with a known total size.
class ByteSource {
 public:
  explicit ByteSource(uint64_t size) : size_(size) {}
  virtual ~ByteSource() = default;
  uint64_t pos() const { return pos_; }
  uint64_t left() const { return size_ - pos_; }
  // False, reading nothing, when fewer than `n` bytes are left or the
  // underlying file fails.
  bool Read(char* out, uint64_t n) {
    if (n > left()) return false;
    if (!DoRead(out, n)) return false;
    pos_ += n;
    return true;
  }
  bool Skip(uint64_t n) {
    if (n > left()) return false;
    if (!DoSkip(n)) return false;
    pos_ += n;
    return true;
  }
  virtual bool failed() const { return false; }

 protected:
  virtual bool DoRead(char* out, uint64_t n) = 0;
  virtual bool DoSkip(uint64_t n) = 0;

 private:
  uint64_t size_;
  uint64_t pos_ = 0;
};

class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string_view data) : ByteSource(data.size()), data_(data) {}

 private:
  bool DoRead(char* out, uint64_t n) override {
    std::memcpy(out, data_.data() + at_, n);
    at_ += n;
    return true;
  }
  bool DoSkip(uint64_t n) override {
    at_ += n;
    return true;
  }
  std::string_view data_;
  uint64_t at_ = 0;
};

// A file read through its own buffer: a tokenizer array is a few hundred
// thousand short strings, and a skip inside the buffer must not cost a seek.
class FileSource : public ByteSource {
 public:
  FileSource(std::ifstream& in, uint64_t size) : ByteSource(size), in_(in), buf_(kBuffer) {}
  bool failed() const override { return failed_; }

 private:
  static constexpr uint64_t kBuffer = 1 << 20;

  bool Fill() {
    in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    have_ = static_cast<uint64_t>(in_.gcount());
    at_ = 0;
    if (have_ == 0) failed_ = true;
    return have_ > 0;
  }
  bool DoRead(char* out, uint64_t n) override {
    while (n > 0) {
      if (at_ == have_ && !Fill()) return false;
      uint64_t take = std::min(n, have_ - at_);
      std::memcpy(out, buf_.data() + at_, take);
      at_ += take;
      out += take;
      n -= take;
    }
    return true;
  }
  bool DoSkip(uint64_t n) override {
    if (n <= have_ - at_) {
      at_ += n;
      return true;
    }
    n -= have_ - at_;
    at_ = have_ = 0;
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(n), std::ios::cur);
    if (!in_) failed_ = true;
    return !failed_;
  }

  std::ifstream& in_;
  std::vector<char> buf_;
  uint64_t at_ = 0, have_ = 0;
  bool failed_ = false;
};

// "general.base_model.N.FIELD" -> N and FIELD; false for any other key.
bool BaseModelKey(std::string_view key, int* n, std::string_view* field) {
  constexpr std::string_view kPrefix = "general.base_model.";
  if (key.substr(0, kPrefix.size()) != kPrefix) return false;
  key.remove_prefix(kPrefix.size());
  size_t dot = key.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot > 3) return false;
  int v = 0;
  for (size_t i = 0; i < dot; ++i) {
    if (key[i] < '0' || key[i] > '9') return false;
    v = v * 10 + (key[i] - '0');
  }
  if (v >= kMaxGgufBaseModels) return false;
  *n = v;
  *field = key.substr(dot + 1);
  return true;
}

class Parser {
 public:
  Parser(ByteSource& src, const std::string& source) : src_(src), source_(source) {}

  Result<GgufMetadata> Run() {
    GgufMetadata m;
    char magic[4];
    if (!src_.Read(magic, 4)) return Truncated("the magic number");
    if (std::memcmp(magic, "GGUF", 4) != 0) {
      static const char kHex[] = "0123456789abcdef";
      std::string shown;
      for (char c : magic) {
        auto b = static_cast<unsigned char>(c);
        if (!shown.empty()) shown += ' ';
        shown += kHex[b >> 4];
        shown += kHex[b & 15];
      }
      return Status::InvalidInput(source_ + ": not a GGUF file: it starts with bytes " + shown +
                                  ", not \"GGUF\"");
    }
    if (!U32(&m.version)) return Truncated("the version");
    if (m.version != 2 && m.version != 3) {
      if (m.version == 1) {
        return Status::InvalidInput(source_ +
                                    ": GGUF version 1 is not supported (only versions 2 and 3)");
      }
      if ((m.version & 0xffffff) == 0 && ((m.version >> 24) == 2 || (m.version >> 24) == 3)) {
        return Status::InvalidInput(source_ + ": a big-endian GGUF file, which is not supported");
      }
      return Status::InvalidInput(source_ + ": unknown GGUF version " + std::to_string(m.version) +
                                  " (versions 2 and 3 are read)");
    }
    if (!U64(&m.tensor_count)) return Truncated("the tensor count");
    if (!U64(&m.kv_count)) return Truncated("the metadata count");
    if (m.kv_count > src_.left() / kMinPairSize) {
      return Invalid("metadata count " + std::to_string(m.kv_count) + " is more than the " +
                     std::to_string(src_.left()) + " bytes left can hold");
    }
    int highest = -1;
    for (uint64_t i = 0; i < m.kv_count; ++i) {
      std::string key;
      std::string what = "the key of metadata pair " + std::to_string(i);
      if (Status s = String(what, kMaxKeyLength, true, &key); !s.ok()) return s;
      uint32_t type = 0;
      if (!U32(&type)) return Truncated("the value type of '" + key + "'");
      std::string* keep = nullptr;
      int n = 0;
      std::string_view field;
      if (key == "general.architecture") {
        keep = &m.architecture;
      } else if (key == "general.name") {
        keep = &m.name;
      } else if (key == "general.source.repo_url") {
        keep = &m.source_repo_url;
      } else if (BaseModelKey(key, &n, &field) &&
                 (field == "name" || field == "organization" || field == "repo_url")) {
        if (static_cast<int>(m.base_models.size()) <= n) m.base_models.resize(n + 1);
        GgufBaseModel& b = m.base_models[n];
        keep = field == "name" ? &b.name : field == "organization" ? &b.organization : &b.repo_url;
        highest = std::max(highest, n);
      }
      if (keep && type == kString) {
        if (Status s = String("the value of '" + key + "'", kMaxGgufKeptString, false, keep);
            !s.ok()) {
          return s;
        }
        continue;
      }
      if (key == "general.base_model.count" && FixedSize(type) && type != kF32 && type != kF64 &&
          type != kBool) {
        uint64_t v = 0;
        if (Status s = Integer(type, key, &v); !s.ok()) return s;
        m.base_model_count = static_cast<int64_t>(std::min<uint64_t>(v, INT64_MAX));
        continue;
      }
      if (Status s = SkipValue(type, key, 0); !s.ok()) return s;
    }
    if (src_.failed()) return Status::IoError(source_ + ": cannot read the file");
    size_t want =
        m.base_model_count >= 0
            ? static_cast<size_t>(std::min<int64_t>(m.base_model_count, kMaxGgufBaseModels))
            : static_cast<size_t>(highest + 1);
    m.base_models.resize(want);
    return m;
  }

 private:
  Status Invalid(const std::string& what) const {
    return Status::InvalidInput(source_ + ": " + what + " at byte " + std::to_string(src_.pos()));
  }
  Status Truncated(const std::string& what) const {
    if (src_.failed()) return Status::IoError(source_ + ": cannot read the file");
    return Status::InvalidInput(source_ + ": truncated: the file ends inside " + what +
                                " at byte " + std::to_string(src_.pos()));
  }

  bool U32(uint32_t* v) {
    unsigned char b[4];
    if (!src_.Read(reinterpret_cast<char*>(b), 4)) return false;
    *v = uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
    return true;
  }
  bool U64(uint64_t* v) {
    unsigned char b[8];
    if (!src_.Read(reinterpret_cast<char*>(b), 8)) return false;
    *v = 0;
    for (int i = 7; i >= 0; --i) *v = *v << 8 | b[i];
    return true;
  }

  // A string: kept in `out` when it is at most `keep_max` bytes long; a longer
  // one is an error when `strict`, else skipped with `out` left as it was.
  Status String(const std::string& what, uint64_t keep_max, bool strict, std::string* out) {
    uint64_t len = 0;
    if (!U64(&len)) return Truncated("the length of " + what);
    if (len > src_.left()) {
      return Invalid(what + " is " + std::to_string(len) + " bytes long, more than the " +
                     std::to_string(src_.left()) + " bytes left");
    }
    if (len > keep_max) {
      if (strict) {
        return Invalid(what + " is " + std::to_string(len) + " bytes long, over the limit of " +
                       std::to_string(keep_max));
      }
      if (!src_.Skip(len)) return Truncated(what);
      return Status::Ok();
    }
    std::string s(static_cast<size_t>(len), '\0');
    if (!src_.Read(s.data(), len)) return Truncated(what);
    *out = std::move(s);
    return Status::Ok();
  }

  Status Integer(uint32_t type, const std::string& key, uint64_t* v) {
    uint64_t size = MinSize(type);
    unsigned char b[8] = {};
    if (!src_.Read(reinterpret_cast<char*>(b), size))
      return Truncated("the value of '" + key + "'");
    uint64_t raw = 0;
    for (int i = static_cast<int>(size) - 1; i >= 0; --i) raw = raw << 8 | b[i];
    bool is_signed = type == kI8 || type == kI16 || type == kI32 || type == kI64;
    bool negative = is_signed && (b[size - 1] & 0x80) != 0;
    *v = negative ? 0 : raw;
    return Status::Ok();
  }

  Status SkipValue(uint32_t type, const std::string& key, int depth) {
    if (MinSize(type) == 0) {
      return Invalid("unknown value type " + std::to_string(type) + " for '" + key + "'");
    }
    if (FixedSize(type)) {
      if (!src_.Skip(MinSize(type))) return Truncated("the value of '" + key + "'");
      return Status::Ok();
    }
    if (type == kString) {
      uint64_t len = 0;
      if (!U64(&len)) return Truncated("the length of a string in '" + key + "'");
      if (len > src_.left()) {
        return Invalid("a string in '" + key + "' is " + std::to_string(len) +
                       " bytes long, more than the " + std::to_string(src_.left()) + " bytes left");
      }
      if (!src_.Skip(len)) return Truncated("a string in '" + key + "'");
      return Status::Ok();
    }
    if (depth >= kMaxArrayDepth) {
      return Invalid("arrays nested deeper than " + std::to_string(kMaxArrayDepth) +
                     " levels in '" + key + "'");
    }
    uint32_t elem = 0;
    uint64_t count = 0;
    if (!U32(&elem)) return Truncated("the element type of array '" + key + "'");
    if (!U64(&count)) return Truncated("the length of array '" + key + "'");
    uint64_t min = MinSize(elem);
    if (min == 0) {
      return Invalid("unknown element type " + std::to_string(elem) + " in array '" + key + "'");
    }
    if (count > src_.left() / min) {
      return Invalid("array '" + key + "' of " + std::to_string(count) +
                     " elements is larger than the " + std::to_string(src_.left()) + " bytes left");
    }
    if (FixedSize(elem)) {
      if (!src_.Skip(count * min)) return Truncated("array '" + key + "'");
      return Status::Ok();
    }
    for (uint64_t i = 0; i < count; ++i) {
      if (Status s = SkipValue(elem, key, depth + 1); !s.ok()) return s;
    }
    return Status::Ok();
  }

  ByteSource& src_;
  const std::string& source_;
};

}  // namespace

Result<GgufMetadata> ParseGgufMetadata(std::string_view data, const std::string& source) {
  MemorySource src(data);
  return Parser(src, source).Run();
}

Result<GgufMetadata> ReadGgufFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(path + ": cannot open the file");
  in.seekg(0, std::ios::end);
  std::streamoff end = in.tellg();
  if (end < 0) return Status::IoError(path + ": cannot read the file's size");
  in.seekg(0, std::ios::beg);
  FileSource src(in, static_cast<uint64_t>(end));
  return Parser(src, path).Run();
}

std::vector<Signal> GgufSignals(const GgufMetadata& metadata, const std::string& source) {
  std::vector<Signal> out;
  for (size_t n = 0; n < metadata.base_models.size(); ++n) {
    const GgufBaseModel& b = metadata.base_models[n];
    std::string prefix = "general.base_model." + std::to_string(n) + ".";
    if (!b.repo_url.empty()) {
      out.push_back(Signal{kSignalGgufBase, b.repo_url, source, 0, prefix + "repo_url"});
    } else if (!b.name.empty()) {
      std::string text = b.organization.empty() ? b.name : b.organization + " " + b.name;
      out.push_back(Signal{kSignalGgufBase, text, source, 0, prefix + "name"});
    }
  }
  if (!metadata.source_repo_url.empty()) {
    out.push_back(
        Signal{kSignalGgufSource, metadata.source_repo_url, source, 0, "general.source.repo_url"});
  }
  return out;
}

}  // namespace lineage
