// A hand-written matcher for the family name patterns (data/families.csv):
// the ECMAScript subset they use, searched with std::regex_search's
// semantics (leftmost start, then the first alternative in priority order,
// greedy quantifiers) but without std::regex's cost per character.
//
// Supported: literals, '.', escapes (\d \D \w \W \s \S \b \B and escaped
// punctuation), classes ([...], [^...], ranges, escapes inside), groups
// ((...), (?:...)), lookaheads ((?=...), (?!...)), anchors ^ and $,
// alternation, and the quantifiers ? * + {n} {n,} {n,m}, greedy or lazy.
// Anything else (back-references, lookbehind, a quantified group that can
// match the empty string, ^ \b \B inside a lookahead, where libstdc++
// differs from ECMAScript) makes Compile fail; the caller then keeps
// std::regex for that pattern.
#ifndef LINEAGE_SRC_INFER_NAME_MATCHER_H_
#define LINEAGE_SRC_INFER_NAME_MATCHER_H_

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lineage::infer_internal {

class NamePattern {
 public:
  // nullopt when the pattern is malformed or outside the subset.
  static std::optional<NamePattern> Compile(std::string_view pattern);

  enum class Outcome { kNoMatch, kMatch, kTooHard };
  // The leftmost match in `text`, as std::regex_search (ECMAScript) finds it.
  // kTooHard when the search would backtrack more than a fixed budget; the
  // caller then asks std::regex.
  Outcome Search(std::string_view text, size_t* pos, size_t* len) const;

 private:
  enum class Op : uint8_t {
    kChar,       // c
    kClass,      // classes[arg]
    kSplit,      // try x first, then y
    kJmp,        // x
    kBol,        // ^
    kEol,        // $
    kWordB,      // \b
    kNotWordB,   // \B
    kLook,       // lookahead program at x..y (ends with kLookEnd); arg: 1 negative
    kLookEnd,
    kMatch,
  };
  struct Inst {
    Op op;
    unsigned char c = 0;
    uint32_t arg = 0;
    uint32_t x = 0, y = 0;
  };
  struct Thread {
    uint32_t pc;
    size_t sp;
  };
  friend class PatternCompiler;
  // Runs from `pc` at `sp`; the end of the first match in priority order, or
  // npos. `budget` counts steps down; `threads` is the backtracking stack.
  size_t Run(uint32_t pc, size_t sp, std::string_view text, int64_t* budget,
             std::vector<Thread>* threads) const;

  std::vector<Inst> prog_;
  std::vector<std::bitset<256>> classes_;
  std::bitset<256> first_;    // the bytes a match can start with ...
  bool first_known_ = false;  // ... when every match consumes at least one
};

}  // namespace lineage::infer_internal

#endif  // LINEAGE_SRC_INFER_NAME_MATCHER_H_
