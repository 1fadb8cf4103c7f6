#include "infer/name_table.h"

namespace lineage::infer_internal {

namespace {

std::string_view NameOf(std::string_view id) {
  size_t slash = id.rfind('/');
  return slash == std::string_view::npos ? id : id.substr(slash + 1);
}

// FNV-1a of the folded name; folding is idempotent, so a key hashes as the
// names that fold to it.
uint64_t Hash(std::string_view name) {
  uint64_t h = 1469598103934665603ull;
  for (char c : name) {
    h ^= static_cast<unsigned char>(ModelNames::Fold(c));
    h *= 1099511628211ull;
  }
  return h;
}

bool SameFolded(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ModelNames::Fold(a[i]) != ModelNames::Fold(b[i])) return false;
  }
  return true;
}

bool IsLower(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    if (c != lower[i]) return false;
  }
  return true;
}

constexpr uint64_t kTagMask = 0xffffffff00000000ull;

}  // namespace

uint32_t ModelNames::Add(std::string_view id, uint32_t* chain_out) {
  uint32_t model = static_cast<uint32_t>(size());
  arena_.append(id);
  starts_.push_back(arena_.size());
  next_.push_back(kEnd);
  std::string_view name = NameOf(Id(model));
  if ((chains_.size() + 1) * 2 > slots_.size()) Grow();
  uint64_t h = Hash(name);
  uint64_t tag = h & kTagMask;
  size_t mask = slots_.size() - 1;
  for (size_t p = h & mask;; p = (p + 1) & mask) {
    uint64_t slot = slots_[p];
    if (slot == kEmpty) {
      uint32_t c = static_cast<uint32_t>(chains_.size());
      chains_.push_back(Chain{model, model, 1});
      hashes_.push_back(h);
      slots_[p] = tag | c;
      if (chain_out) *chain_out = c;
      return model;
    }
    if ((slot & kTagMask) != tag) continue;
    uint32_t c = static_cast<uint32_t>(slot);
    Chain& chain = chains_[c];
    if (SameFolded(NameOf(Id(chain.first)), name)) {
      next_[chain.last] = model;
      chain.last = model;
      ++chain.count;
      if (chain_out) *chain_out = c;
      return model;
    }
  }
}

void ModelNames::Grow() {
  size_t n = slots_.empty() ? 1024 : slots_.size() * 2;
  slots_.assign(n, kEmpty);
  size_t mask = n - 1;
  for (uint32_t c = 0; c < chains_.size(); ++c) {
    uint64_t h = hashes_[c];
    size_t p = h & mask;
    while (slots_[p] != kEmpty) p = (p + 1) & mask;
    slots_[p] = (h & kTagMask) | c;
  }
}

uint32_t ModelNames::Find(std::string_view key) const {
  if (slots_.empty()) return kEnd;
  uint64_t h = Hash(key);
  uint64_t tag = h & kTagMask;
  size_t mask = slots_.size() - 1;
  for (size_t p = h & mask;; p = (p + 1) & mask) {
    uint64_t slot = slots_[p];
    if (slot == kEmpty) return kEnd;
    if ((slot & kTagMask) != tag) continue;
    uint32_t c = static_cast<uint32_t>(slot);
    if (SameFolded(NameOf(Id(chains_[c].first)), key)) return c;
  }
}

std::vector<std::string> ModelNames::Ids(uint32_t number) const {
  std::vector<std::string> out;
  out.reserve(chains_[number].count);
  for (uint32_t i = chains_[number].first; i != kEnd; i = next_[i]) out.emplace_back(Id(i));
  return out;
}

std::vector<std::string> ModelNames::Named(std::string_view lower) const {
  std::vector<std::string> out;
  uint32_t c = Find(lower);
  if (c == kEnd) return out;
  for (uint32_t i = chains_[c].first; i != kEnd; i = next_[i]) {
    if (IsLower(NameOf(Id(i)), lower)) out.emplace_back(Id(i));
  }
  return out;
}

}  // namespace lineage::infer_internal
