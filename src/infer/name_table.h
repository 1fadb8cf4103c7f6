// Every stored model's id once, and the index "names inside names" and "X-GGUF
// is an upload of X" look names up in (docs/inference.md).
//
// A model's name is the part of its id after the last '/'. The index folds
// it to lower case with '_' and ' ' read as '-'; each distinct folded name is
// one chain of the models that hold it, in the order they were added. Exact
// lower-case names (Named) are that chain filtered. The ids live in one
// arena and the index is open addressing over chain numbers, its keys read
// back from a chain's first id: a million names cost no node, key copy or
// vector each, and freeing them is a handful of frees.
#ifndef LINEAGE_SRC_INFER_NAME_TABLE_H_
#define LINEAGE_SRC_INFER_NAME_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lineage::infer_internal {

class ModelNames {
 public:
  static constexpr uint32_t kEnd = UINT32_MAX;
  struct Chain {
    uint32_t first = kEnd, last = kEnd, count = 0;
  };

  // Adds `id` (a display id); returns its model index. `chain`, when given,
  // receives the number of the chain its folded name joined.
  uint32_t Add(std::string_view id, uint32_t* chain = nullptr);
  size_t size() const { return starts_.size() - 1; }
  std::string_view Id(uint32_t model) const {
    return std::string_view(arena_).substr(starts_[model], starts_[model + 1] - starts_[model]);
  }

  // The number of the chain whose folded name is `key` (lower case, '-' for
  // '_' and ' '), or kEnd.
  uint32_t Find(std::string_view key) const;
  const Chain& chain(uint32_t number) const { return chains_[number]; }
  // The model after `model` in its chain, or kEnd.
  uint32_t Next(uint32_t model) const { return next_[model]; }
  // The ids of a chain's models, in the order added.
  std::vector<std::string> Ids(uint32_t number) const;
  // The ids of the models whose lower-cased name is `lower` ('_' and ' '
  // kept), in the order added.
  std::vector<std::string> Named(std::string_view lower) const;

  // The index's folding of one character.
  static char Fold(char c) {
    if (c >= 'A' && c <= 'Z') return static_cast<char>(c + ('a' - 'A'));
    if (c == '_' || c == ' ') return '-';
    return c;
  }

 private:
  static constexpr uint64_t kEmpty = UINT64_MAX;
  void Grow();

  std::string arena_;
  std::vector<uint64_t> starts_{0};  // model i is arena_[starts_[i], starts_[i + 1])
  std::vector<Chain> chains_;
  std::vector<uint64_t> hashes_;  // per chain
  // (hash's top 32 bits << 32 | chain number), kEmpty when empty; a power of
  // two long. The tag spares most probes the chain's id (cache misses).
  std::vector<uint64_t> slots_;
  std::vector<uint32_t> next_;  // per model
};

}  // namespace lineage::infer_internal

#endif  // LINEAGE_SRC_INFER_NAME_TABLE_H_
