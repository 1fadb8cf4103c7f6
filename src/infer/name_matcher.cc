// The hand-written name matcher (name_matcher.h): a parser for the pattern
// subset, a program of split/jump instructions, and a backtracking run in
// priority order, which is what ECMAScript's regex_search does.
#include "infer/name_matcher.h"

#include <cctype>
#include <memory>

namespace lineage::infer_internal {

namespace {

constexpr size_t kNpos = std::string_view::npos;
constexpr size_t kHard = kNpos - 1;
constexpr int kMaxRepeat = 32;
constexpr int64_t kBudget = 200000;

bool WordChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

struct Node {
  enum Kind { kChar, kClass, kEmpty, kBol, kEol, kWordB, kNotWordB, kConcat, kAlt, kRepeat, kLook };
  Kind kind = kEmpty;
  unsigned char c = 0;
  std::bitset<256> set;
  std::vector<std::unique_ptr<Node>> kids;
  int min = 0, max = 0;  // kRepeat; max -1: unbounded
  bool greedy = true;
  bool negative = false;  // kLook
};
using NodeP = std::unique_ptr<Node>;

NodeP Make(Node::Kind k) {
  auto n = std::make_unique<Node>();
  n->kind = k;
  return n;
}

bool Nullable(const Node& n) {
  switch (n.kind) {
    case Node::kChar:
    case Node::kClass: return false;
    case Node::kConcat:
      for (const auto& k : n.kids) {
        if (!Nullable(*k)) return false;
      }
      return true;
    case Node::kAlt:
      for (const auto& k : n.kids) {
        if (Nullable(*k)) return true;
      }
      return false;
    case Node::kRepeat: return n.min == 0 || Nullable(*n.kids[0]);
    default: return true;  // assertions and empty
  }
}

// The bytes a match can start with, when every match consumes one (the
// search then skips the other start positions). Returns nullable.
bool FirstBytes(const Node& n, std::bitset<256>* out) {
  switch (n.kind) {
    case Node::kChar: out->set(n.c); return false;
    case Node::kClass: *out |= n.set; return false;
    case Node::kConcat:
      for (const auto& k : n.kids) {
        if (!FirstBytes(*k, out)) return false;
      }
      return true;
    case Node::kAlt: {
      bool nullable = false;
      for (const auto& k : n.kids) nullable = FirstBytes(*k, out) || nullable;
      return nullable;
    }
    case Node::kRepeat: {
      bool body = FirstBytes(*n.kids[0], out);
      return n.min == 0 || body;
    }
    default: return true;  // assertions consume nothing
  }
}

class Parser {
 public:
  explicit Parser(std::string_view p) : p_(p) {}
  NodeP Parse() {
    NodeP n = Alt();
    if (!ok_ || i_ != p_.size()) return nullptr;
    return n;
  }

 private:
  bool More() const { return i_ < p_.size(); }
  char Peek() const { return p_[i_]; }

  NodeP Alt() {
    NodeP first = Seq();
    if (!More() || Peek() != '|') return first;
    NodeP alt = Make(Node::kAlt);
    alt->kids.push_back(std::move(first));
    while (ok_ && More() && Peek() == '|') {
      ++i_;
      alt->kids.push_back(Seq());
    }
    return alt;
  }

  NodeP Seq() {
    NodeP seq = Make(Node::kConcat);
    while (ok_ && More() && Peek() != '|' && Peek() != ')') {
      NodeP atom = Atom();
      if (!ok_) break;
      atom = Quantified(std::move(atom));
      seq->kids.push_back(std::move(atom));
    }
    return seq;
  }

  // Reads a {n}, {n,}, {n,m}; false when the text is not one.
  bool Braces(int* min, int* max) {
    size_t j = i_ + 1;
    auto number = [&](int* out) {
      size_t s = j;
      long v = 0;
      while (j < p_.size() && p_[j] >= '0' && p_[j] <= '9') {
        v = v * 10 + (p_[j] - '0');
        if (v > 100000) return false;
        ++j;
      }
      *out = static_cast<int>(v);
      return j > s;
    };
    if (!number(min)) return false;
    *max = *min;
    if (j < p_.size() && p_[j] == ',') {
      ++j;
      if (j < p_.size() && p_[j] == '}') {
        *max = -1;
      } else if (!number(max)) {
        return false;
      }
    }
    if (j >= p_.size() || p_[j] != '}') return false;
    i_ = j + 1;
    return true;
  }

  NodeP Quantified(NodeP atom) {
    if (!More()) return atom;
    char c = Peek();
    int min = 0, max = 0;
    if (c == '?') {
      min = 0, max = 1, ++i_;
    } else if (c == '*') {
      min = 0, max = -1, ++i_;
    } else if (c == '+') {
      min = 1, max = -1, ++i_;
    } else if (c == '{') {
      if (!Braces(&min, &max)) return Fail();
    } else {
      return atom;
    }
    bool assertion = atom->kind == Node::kBol || atom->kind == Node::kEol ||
                     atom->kind == Node::kWordB || atom->kind == Node::kNotWordB ||
                     atom->kind == Node::kLook;
    if (assertion || min > kMaxRepeat || max > kMaxRepeat || (max >= 0 && max < min)) return Fail();
    if ((max < 0 || max > 1) && Nullable(*atom)) return Fail();  // empty-loop rules differ
    NodeP r = Make(Node::kRepeat);
    r->min = min;
    r->max = max;
    if (More() && Peek() == '?') {
      r->greedy = false;
      ++i_;
    }
    r->kids.push_back(std::move(atom));
    if (More() && (Peek() == '?' || Peek() == '*' || Peek() == '+' || Peek() == '{')) return Fail();
    return r;
  }

  NodeP Fail() {
    ok_ = false;
    return Make(Node::kEmpty);
  }

  // A class escape (\d \w \s and their negations) into `set`; false when `e` is none.
  static bool ClassEscape(char e, std::bitset<256>* set) {
    std::bitset<256> s;
    char lower = static_cast<char>(e | 0x20);
    if (lower != 'd' && lower != 'w' && lower != 's') return false;
    for (int c = 0; c < 256; ++c) {
      bool in = lower == 'd'   ? (c >= '0' && c <= '9')
                : lower == 'w' ? WordChar(static_cast<unsigned char>(c))
                               : (c == ' ' || (c >= '\t' && c <= '\r'));
      s[c] = in;
    }
    if (e != lower) s.flip();
    *set = s;
    return true;
  }

  // A character escape's character; false when unsupported.
  static bool CharEscape(char e, unsigned char* out) {
    switch (e) {
      case 'n': *out = '\n'; return true;
      case 't': *out = '\t'; return true;
      case 'r': *out = '\r'; return true;
      case 'f': *out = '\f'; return true;
      case 'v': *out = '\v'; return true;
      default: break;
    }
    unsigned char u = static_cast<unsigned char>(e);
    if (u >= 0x80 || std::isalnum(u) || u == '_') return false;  // \0, \1, \x, \u, \c, ...
    *out = u;
    return true;
  }

  NodeP Atom() {
    char c = Peek();
    ++i_;
    switch (c) {
      // libstdc++ runs a lookahead as a search of its own from where it
      // stands, so ^, \b and \B inside one disagree with ECMAScript: such a
      // pattern stays with std::regex, whose answers the matcher must repeat.
      case '^': return looks_ > 0 ? Fail() : Make(Node::kBol);
      case '$': return Make(Node::kEol);
      case '.': {
        NodeP n = Make(Node::kClass);
        n->set.set();
        n->set['\n'] = false;
        n->set['\r'] = false;
        return n;
      }
      case '(': {
        NodeP look;
        if (More() && Peek() == '?') {
          if (i_ + 1 >= p_.size()) return Fail();
          char k = p_[i_ + 1];
          if (k == '=' || k == '!') {
            look = Make(Node::kLook);
            look->negative = k == '!';
          } else if (k != ':') {
            return Fail();
          }
          i_ += 2;
        }
        if (look) ++looks_;
        NodeP inner = Alt();
        if (look) --looks_;
        if (!ok_ || !More() || Peek() != ')') return Fail();
        ++i_;
        if (look) {
          look->kids.push_back(std::move(inner));
          return look;
        }
        return inner;
      }
      case '[': return Class();
      case '\\': {
        if (!More()) return Fail();
        char e = Peek();
        ++i_;
        if (e == 'b') return looks_ > 0 ? Fail() : Make(Node::kWordB);
        if (e == 'B') return looks_ > 0 ? Fail() : Make(Node::kNotWordB);
        NodeP n = Make(Node::kClass);
        if (ClassEscape(e, &n->set)) return n;
        unsigned char ch;
        if (!CharEscape(e, &ch)) return Fail();
        NodeP lit = Make(Node::kChar);
        lit->c = ch;
        return lit;
      }
      case ')':
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case ']':
      case '|': return Fail();
      default: {
        NodeP lit = Make(Node::kChar);
        lit->c = static_cast<unsigned char>(c);
        return lit;
      }
    }
  }

  NodeP Class() {
    NodeP n = Make(Node::kClass);
    bool negate = false;
    if (More() && Peek() == '^') {
      negate = true;
      ++i_;
    }
    if (More() && Peek() == ']') return Fail();  // "[]" and "[]a]" differ between dialects
    std::bitset<256> set;
    bool first = true;
    while (true) {
      if (!More()) return Fail();
      char c = Peek();
      if (c == ']') {
        ++i_;
        break;
      }
      // One item: a character, or a class escape.
      unsigned char lo;
      ++i_;
      if (c == '\\') {
        if (!More()) return Fail();
        char e = Peek();
        ++i_;
        std::bitset<256> esc;
        if (ClassEscape(e, &esc)) {
          if (More() && Peek() == '-' && i_ + 1 < p_.size() && p_[i_ + 1] != ']') return Fail();
          set |= esc;
          first = false;
          continue;
        }
        if (e == 'b' || !CharEscape(e, &lo)) return Fail();
      } else if (c == '[') {
        return Fail();  // [:alpha:] and friends
      } else {
        lo = static_cast<unsigned char>(c);
      }
      (void)first;
      first = false;
      // A range "a-z"; a '-' before ']' is itself.
      if (More() && Peek() == '-' && i_ + 1 < p_.size() && p_[i_ + 1] != ']') {
        ++i_;
        char h = Peek();
        ++i_;
        unsigned char hi;
        if (h == '\\') {
          if (!More()) return Fail();
          char e = Peek();
          ++i_;
          if (!CharEscape(e, &hi)) return Fail();
        } else if (h == '[') {
          return Fail();
        } else {
          hi = static_cast<unsigned char>(h);
        }
        if (hi < lo) return Fail();
        for (int x = lo; x <= hi; ++x) set[x] = true;
      } else {
        set[lo] = true;
      }
    }
    if (negate) set.flip();
    n->set = set;
    return n;
  }

  std::string_view p_;
  size_t i_ = 0;
  int looks_ = 0;  // lookaheads open
  bool ok_ = true;
};

}  // namespace

class PatternCompiler {
 public:
  explicit PatternCompiler(NamePattern* out) : out_(*out) {}

  void Emit(const Node& n) {
    using Op = NamePattern::Op;
    switch (n.kind) {
      case Node::kChar: Push(Op::kChar).c = n.c; break;
      case Node::kClass: {
        uint32_t idx = static_cast<uint32_t>(out_.classes_.size());
        out_.classes_.push_back(n.set);
        Push(Op::kClass).arg = idx;
        break;
      }
      case Node::kEmpty: break;
      case Node::kBol: Push(Op::kBol); break;
      case Node::kEol: Push(Op::kEol); break;
      case Node::kWordB: Push(Op::kWordB); break;
      case Node::kNotWordB: Push(Op::kNotWordB); break;
      case Node::kConcat:
        for (const auto& k : n.kids) Emit(*k);
        break;
      case Node::kAlt: {
        std::vector<size_t> jumps;
        for (size_t i = 0; i < n.kids.size(); ++i) {
          if (i + 1 < n.kids.size()) {
            size_t split = Here();
            Push(Op::kSplit);
            At(split).x = Here();
            Emit(*n.kids[i]);
            jumps.push_back(Here());
            Push(Op::kJmp);
            At(split).y = Here();
          } else {
            Emit(*n.kids[i]);
          }
        }
        for (size_t j : jumps) At(j).x = Here();
        break;
      }
      case Node::kRepeat: {
        const Node& body = *n.kids[0];
        for (int i = 0; i < n.min; ++i) Emit(body);
        if (n.max < 0) {
          size_t loop = Here();
          Push(Op::kSplit);
          uint32_t body_pc = Here();
          Emit(body);
          Push(Op::kJmp).x = static_cast<uint32_t>(loop);
          SetSplit(loop, body_pc, Here(), n.greedy);
        } else {
          std::vector<size_t> splits;
          for (int i = n.min; i < n.max; ++i) {
            splits.push_back(Here());
            Push(Op::kSplit);
            At(splits.back()).x = Here();
            Emit(body);
          }
          for (size_t s : splits) SetSplit(s, At(s).x, Here(), n.greedy);
        }
        break;
      }
      case Node::kLook: {
        size_t look = Here();
        Push(Op::kLook).arg = n.negative ? 1 : 0;
        At(look).x = Here();
        Emit(*n.kids[0]);
        Push(Op::kLookEnd);
        At(look).y = Here();
        break;
      }
    }
  }
  void Finish() { Push(NamePattern::Op::kMatch); }

 private:
  uint32_t Here() const { return static_cast<uint32_t>(out_.prog_.size()); }
  NamePattern::Inst& At(size_t i) { return out_.prog_[i]; }
  NamePattern::Inst& Push(NamePattern::Op op) {
    out_.prog_.push_back(NamePattern::Inst{op});
    return out_.prog_.back();
  }
  void SetSplit(size_t s, uint32_t body, uint32_t skip, bool greedy) {
    At(s).x = greedy ? body : skip;
    At(s).y = greedy ? skip : body;
  }
  NamePattern& out_;
};

std::optional<NamePattern> NamePattern::Compile(std::string_view pattern) {
  Parser parser(pattern);
  NodeP root = parser.Parse();
  if (!root) return std::nullopt;
  NamePattern p;
  std::bitset<256> first;
  p.first_known_ = !FirstBytes(*root, &first);
  p.first_ = first;
  PatternCompiler c(&p);
  c.Emit(*root);
  c.Finish();
  if (p.prog_.size() > 4096) return std::nullopt;
  return p;
}

size_t NamePattern::Run(uint32_t start_pc, size_t start_sp, std::string_view text,
                        int64_t* budget, std::vector<Thread>* threads) const {
  std::vector<Thread>& stack = *threads;
  const size_t base = stack.size();
  struct Unwind {
    std::vector<Thread>& s;
    size_t base;
    ~Unwind() { s.resize(base); }
  } unwind{stack, base};
  stack.push_back({start_pc, start_sp});
  const size_t n = text.size();
  while (stack.size() > base) {
    Thread t = stack.back();
    stack.pop_back();
    uint32_t pc = t.pc;
    size_t sp = t.sp;
    while (true) {
      if (--*budget < 0) return kHard;
      const Inst& in = prog_[pc];
      bool ok = true;
      switch (in.op) {
        case Op::kChar:
          ok = sp < n && static_cast<unsigned char>(text[sp]) == in.c;
          if (ok) ++sp, ++pc;
          break;
        case Op::kClass:
          ok = sp < n && classes_[in.arg][static_cast<unsigned char>(text[sp])];
          if (ok) ++sp, ++pc;
          break;
        case Op::kSplit:
          stack.push_back({in.y, sp});
          pc = in.x;
          break;
        case Op::kJmp: pc = in.x; break;
        case Op::kBol:
          ok = sp == 0;
          ++pc;
          break;
        case Op::kEol:
          ok = sp == n;
          ++pc;
          break;
        case Op::kWordB:
        case Op::kNotWordB: {
          bool before = sp > 0 && WordChar(static_cast<unsigned char>(text[sp - 1]));
          bool after = sp < n && WordChar(static_cast<unsigned char>(text[sp]));
          ok = (before != after) == (in.op == Op::kWordB);
          ++pc;
          break;
        }
        case Op::kLook: {
          size_t r = Run(in.x, sp, text, budget, threads);
          if (r == kHard) return kHard;
          ok = (r != kNpos) != (in.arg == 1);
          pc = in.y;
          break;
        }
        case Op::kLookEnd:
        case Op::kMatch: return sp;
      }
      if (!ok) break;
    }
  }
  return kNpos;
}

NamePattern::Outcome NamePattern::Search(std::string_view text, size_t* pos, size_t* len) const {
  int64_t budget = kBudget;
  thread_local std::vector<Thread> threads;
  threads.clear();
  bool anchored = !prog_.empty() && prog_[0].op == Op::kBol;
  for (size_t start = 0; start <= text.size(); ++start) {
    if (first_known_ && (start == text.size() || !first_[static_cast<unsigned char>(text[start])])) {
      if (anchored) break;
      continue;
    }
    size_t end = Run(0, start, text, &budget, &threads);
    if (end == kHard) return Outcome::kTooHard;
    if (end != kNpos) {
      *pos = start;
      *len = end - start;
      return Outcome::kMatch;
    }
    if (anchored) break;
  }
  return Outcome::kNoMatch;
}

}  // namespace lineage::infer_internal
