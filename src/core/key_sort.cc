#include "core/key_sort.h"

#include <algorithm>
#include <string>

namespace lineage {

namespace {

struct Keyed {
  uint64_t word;    // bytes [depth, depth + 8) of the key, big-endian, zero past its end
  const char* key;  // in the buffer of all the keys
  uint32_t size;
  uint32_t index;
};

uint64_t WordAt(const Keyed& k, size_t at) {
  uint64_t w = 0;
  for (size_t i = at; i < at + 8; ++i) {
    w = (w << 8) | (i < k.size ? static_cast<unsigned char>(k.key[i]) : 0);
  }
  return w;
}

// Sorts `a`, whose keys agree on their first `depth` bytes. Equal words with
// different sizes can only differ by NUL bytes past a shorter key's end, so a
// run is finished by a full comparison once all of its keys have ended.
void SortFrom(Keyed* a, size_t n, size_t depth) {
  for (size_t i = 0; i < n; ++i) a[i].word = WordAt(a[i], depth);
  std::sort(a, a + n, [](const Keyed& x, const Keyed& y) { return x.word < y.word; });
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && a[j].word == a[i].word) ++j;
    if (j - i > 1) {
      bool ended = true;
      for (size_t k = i; k < j && ended; ++k) ended = a[k].size <= depth + 8;
      if (ended) {
        std::sort(a + i, a + j, [](const Keyed& x, const Keyed& y) {
          return std::string_view(x.key, x.size) < std::string_view(y.key, y.size);
        });
      } else {
        SortFrom(a + i, j - i, depth + 8);
      }
    }
    i = j;
  }
}

}  // namespace

std::vector<uint32_t> OrderByBytes(const std::vector<std::string_view>& keys) {
  size_t total = 0;
  for (std::string_view k : keys) total += k.size();
  std::string buffer;
  buffer.reserve(total);
  for (std::string_view k : keys) buffer += k;
  std::vector<Keyed> a(keys.size());
  size_t at = 0;
  for (uint32_t i = 0; i < a.size(); ++i) {
    uint32_t size = static_cast<uint32_t>(keys[i].size());
    a[i] = {0, buffer.data() + at, size, i};
    at += size;
  }
  SortFrom(a.data(), a.size(), 0);
  std::vector<uint32_t> order(a.size());
  for (size_t r = 0; r < a.size(); ++r) order[r] = a[r].index;
  return order;
}

}  // namespace lineage
