#include "core/key_sort.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace lineage {
namespace {

// The reference: indices sorted by comparing the keys whole.
std::vector<uint32_t> Reference(const std::vector<std::string_view>& keys) {
  std::vector<uint32_t> order(keys.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return keys[a] < keys[b] || (keys[a] == keys[b] && a < b);
  });
  return order;
}

// Keys of `OrderByBytes` in rank order (equal keys may come in any order).
std::vector<std::string_view> Ranked(const std::vector<std::string_view>& keys,
                                     const std::vector<uint32_t>& order) {
  std::vector<std::string_view> out;
  for (uint32_t i : order) out.push_back(keys[i]);
  return out;
}

}  // namespace

TEST_CASE("OrderByBytes orders keys as comparing them whole does", "[core]") {
  SECTION("ids of one family sharing long prefixes, of every length around 8 bytes") {
    std::mt19937 rng(7);
    std::vector<std::string> owned;
    const char* stems[] = {"", "a", "aiai/", "aiai/qwen1.5-0.5b-", "aiai-5o5o/qwen1.5-0.5b-distill",
                           "zz/qwen1.5-0.5b-instruct-lora-ft-"};
    for (int i = 0; i < 3000; ++i) {
      std::string k = stems[rng() % 6];
      size_t extra = rng() % 20;
      for (size_t j = 0; j < extra; ++j) k += static_cast<char>("ab-/\x7f\xc3\xa9"[rng() % 7]);
      owned.push_back(k);
    }
    owned.push_back("");
    owned.push_back("");
    std::vector<std::string_view> keys(owned.begin(), owned.end());
    auto order = OrderByBytes(keys);
    REQUIRE(order.size() == keys.size());
    std::vector<uint32_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    for (uint32_t i = 0; i < sorted.size(); ++i) REQUIRE(sorted[i] == i);
    CHECK(Ranked(keys, order) == Ranked(keys, Reference(keys)));
  }
  SECTION("keys that differ only by NUL bytes past a shorter key's end") {
    std::vector<std::string> owned = {std::string("ab\0", 3), "ab", std::string("ab\0\0\0\0\0\0\0\0x", 11),
                                      std::string("abcdefgh\0", 9), "abcdefgh",
                                      std::string("ab\0\0\0\0\0\0\0\0", 10)};
    std::vector<std::string_view> keys(owned.begin(), owned.end());
    CHECK(Ranked(keys, OrderByBytes(keys)) == Ranked(keys, Reference(keys)));
  }
  SECTION("nothing to sort") { CHECK(OrderByBytes({}).empty()); }
}

}  // namespace lineage
