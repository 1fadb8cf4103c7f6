// The store's cache of artifact row ids by id key during a run (id_cache): an
// open-addressing table over one arena of key bytes. A 2M-document run holds
// millions of keys: as std::unordered_map<std::string, int64_t> that was a
// node and often a second allocation per key (~100 bytes each), each freed
// one by one at commit; here it is two arrays.
#ifndef LINEAGE_STORE_KEY_ID_MAP_H_
#define LINEAGE_STORE_KEY_ID_MAP_H_

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace lineage::store_detail {

class KeyIdMap {
 public:
  // The id stored for `key`, or nullptr.
  const int64_t* Find(std::string_view key) const {
    if (slots_.empty()) return nullptr;
    uint64_t h = Hash(key);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.offset == kEmpty) return nullptr;
      if (s.hash == static_cast<uint32_t>(h) && Equal(s, key)) return &s.id;
    }
  }
  // Stores `id` for `key` unless it holds one (`replace`: overwrites it).
  void Put(std::string_view key, int64_t id, bool replace = false) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    uint64_t h = Hash(key);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.offset == kEmpty) {
        s.offset = arena_.size();
        s.len = static_cast<uint32_t>(key.size());
        s.hash = static_cast<uint32_t>(h);
        s.id = id;
        arena_.append(key.data(), key.size());
        ++size_;
        return;
      }
      if (s.hash == static_cast<uint32_t>(h) && Equal(s, key)) {
        if (replace) s.id = id;
        return;
      }
    }
  }
  size_t size() const { return size_; }
  // Forgets every key and gives the memory back.
  void Release() {
    std::vector<Slot>().swap(slots_);
    std::string().swap(arena_);
    size_ = 0;
    mask_ = 0;
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  struct Slot {
    uint64_t offset = kEmpty;
    uint32_t len = 0;
    uint32_t hash = 0;
    int64_t id = 0;
  };
  static uint64_t Hash(std::string_view key) { return std::hash<std::string_view>()(key); }
  bool Equal(const Slot& s, std::string_view key) const {
    return s.len == key.size() && std::memcmp(arena_.data() + s.offset, key.data(), key.size()) == 0;
  }
  void Grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.offset == kEmpty) continue;
      // Re-placed by the stored hash's slot; the full hash is not kept, so
      // the probe starts from its low 32 bits (tables stay under 2^32 slots).
      size_t i = s.hash & mask_;
      while (slots_[i].offset != kEmpty) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;
  std::string arena_;
  size_t size_ = 0;
  size_t mask_ = 0;
};

// A list of strings in one arena (a run's artifact keys, millions of them).
class StringList {
 public:
  void Add(std::string_view s) {
    text_.append(s.data(), s.size());
    ends_.push_back(text_.size());
  }
  size_t size() const { return ends_.size(); }
  std::vector<std::string> ToVector() const {
    std::vector<std::string> out;
    out.reserve(ends_.size());
    size_t begin = 0;
    for (size_t end : ends_) {
      out.emplace_back(text_, begin, end - begin);
      begin = end;
    }
    return out;
  }
  void Release() {
    std::string().swap(text_);
    std::vector<size_t>().swap(ends_);
  }

 private:
  std::string text_;
  std::vector<size_t> ends_;
};

}  // namespace lineage::store_detail

#endif  // LINEAGE_STORE_KEY_ID_MAP_H_
