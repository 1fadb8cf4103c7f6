// Sorting many strings that share long prefixes (the ids of one family:
// "someone/Qwen1.5-0.5B-..."), which a comparison sort reads again in every
// comparison.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace lineage {

// The order of `keys` by their bytes (as std::string_view's operator<
// orders them): order[r] is the index of the key of rank r. Keys are copied
// side by side first and then sorted 8 bytes at a time as one number, each
// run of equal numbers by the next 8, so each key is read once per 8 bytes of
// shared prefix.
std::vector<uint32_t> OrderByBytes(const std::vector<std::string_view>& keys);

}  // namespace lineage
