// The inference engine: evidence pieces from one subject's name, licence and
// signals, combined per family into one confidence (docs/inference.md).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <regex>
#include <set>
#include <unordered_map>

#include "infer/name_matcher.h"
#include "infer/name_table.h"
#include "lineage/infer.h"
#include "lineage/ingest.h"

namespace lineage {

namespace {

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return out;
}

std::string NameOf(const std::string& id) {
  size_t slash = id.rfind('/');
  return slash == std::string::npos ? id : id.substr(slash + 1);
}

std::string NamespaceOf(const std::string& id) {
  size_t slash = id.find('/');
  return slash == std::string::npos ? std::string() : id.substr(0, slash);
}

double Logit(double p) {
  p = std::clamp(p, 0.01, 0.99);
  return std::log(p / (1 - p));
}

// The literals a pattern cannot match without, one per top-level alternative
// ("" for an alternative without one): a name is only tried against the
// regex when it holds one of them.
std::vector<std::string> RequiredLiterals(const std::string& pattern) {
  std::vector<std::string> out;
  std::string best, cur;
  int depth = 0;
  bool in_class = false;
  auto flush = [&]() {
    if (cur.size() > best.size()) best = cur;
    cur.clear();
  };
  for (size_t i = 0; i <= pattern.size(); ++i) {
    char c = i < pattern.size() ? pattern[i] : '|';
    if (in_class) {
      if (c == ']') in_class = false;
      continue;
    }
    if (c == '\\') {
      flush();
      ++i;
      continue;
    }
    if (c == '[') {
      flush();
      in_class = true;
      continue;
    }
    if (c == '(') {
      flush();
      ++depth;
      continue;
    }
    if (c == ')') {
      --depth;
      continue;
    }
    if (depth > 0) continue;
    if (c == '|') {
      flush();
      out.push_back(best.size() >= 2 ? best : std::string());
      best.clear();
      continue;
    }
    if (c == '?' || c == '*' || c == '{') {
      if (!cur.empty()) cur.pop_back();  // the quantifier makes its atom optional
      flush();
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(c))) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      flush();
    }
  }
  return out;
}

// The pattern with its letters lower-cased, escapes (\\D, \\W, \\S, \\B) kept.
std::string LowerPattern(const std::string& pattern) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      out += pattern[i];
      out += pattern[++i];
      continue;
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(pattern[i])));
  }
  return out;
}

// One family name pattern: the hand-written matcher when the pattern is in
// its subset (every shipped one is), std::regex otherwise and for the rare
// name that would cost the matcher too many steps.
struct CompiledPattern {
  std::regex re;
  std::optional<infer_internal::NamePattern> fast;

  bool Search(const std::string& text, size_t* pos, size_t* len) const {
    if (fast) {
      auto r = fast->Search(text, pos, len);
      if (r != infer_internal::NamePattern::Outcome::kTooHard) {
        return r == infer_internal::NamePattern::Outcome::kMatch;
      }
    }
    std::smatch m;
    if (!std::regex_search(text, m, re)) return false;
    *pos = static_cast<size_t>(m.position(0));
    *len = static_cast<size_t>(m.length(0));
    return true;
  }
};

struct FamilyRec {
  Family family;
  std::vector<CompiledPattern> regexes;
  std::vector<size_t> bases;          // indexes into Impl::bases
  int canonical = -1;
};

struct Hit {
  int family;
  size_t pos, len;
};

// One piece of evidence for a parent hypothesis.
struct Piece {
  std::string kind;
  double p = 0;
  int family = -1;
  std::string parent;  // exact parent named, "" for the family only
  Relation relation = Relation::kFinetune;
  bool relation_set = false;
  std::string detail, source;
  int line = 0;
  bool named = false;  // the evidence names `parent` itself (not only its size and variant)
  bool exact = false;  // `parent` is pinned down (named, or size, variant, version all stated)
};

const char* kKinds[] = {"hub.base_models",    "gguf.metadata",   "card.body_phrase",
                        "card.body_link",     "config.fingerprint", "hub.parameters",
                        "tokenizer.identical", "name.pattern",   "license.family",
                        "config.architecture"};

}  // namespace

const Reliability& DefaultReliability() {
  static const Reliability kDefault = {
      {"hub.base_models", 0.95},    {"gguf.metadata", 0.9},   {"card.body_phrase", 0.8},
      {"card.body_link", 0.45},     {"config.fingerprint", 0.8}, {"hub.parameters", 0.75},
      {"tokenizer.identical", 0.6}, {"name.pattern", 0.75},   {"license.family", 0.7},
      {"config.architecture", 0.6}};
  return kDefault;
}

const std::vector<std::string>& Inferer::EvidenceKinds() {
  static const std::vector<std::string> kAll(std::begin(kKinds), std::end(kKinds));
  return kAll;
}

bool BlocksInference(Relation r) {
  RelationClass c = ClassOf(r);
  return c == RelationClass::kWeights || c == RelationClass::kRedistribution;
}

struct Inferer::Impl {
  std::vector<FamilyRec> families;
  std::vector<KnownBase> bases;
  std::unordered_map<std::string, size_t> base_by_key;
  std::unordered_map<std::string, int> family_by_slug;
  std::unordered_map<std::string, int> family_by_license;
  std::unordered_map<std::string, std::vector<size_t>> base_by_tokenizer, base_by_params;
  Reliability reliability = DefaultReliability();
  // Every stored model once, with its names indexed (name_table.h).
  using Names = infer_internal::ModelNames;
  static constexpr uint32_t kEnd = Names::kEnd;
  Names names;
  // A name more than kCrowded uploaders hold is a common name: only the known
  // bases among its holders count (NamedInside looks at nothing else).
  static constexpr size_t kCrowded = 8;
  std::unordered_map<uint32_t, std::vector<std::string>> known_by_dashed;  // chain -> known bases
  std::string key_buffer;  // AddModel's
  struct Desc {
    std::string size, context, version;  // version: the number right after the family
    int tuned = -1;                      // -1 unstated, 0 base, 1 instruct or chat
    std::vector<std::string> special;    // coder, math, vision (sorted)
    std::vector<std::string> versions;   // "v0.3" tokens
  };
  std::vector<Desc> base_desc;  // parallel to bases

  double P(const std::string& kind) const {
    auto it = reliability.find(kind);
    return it == reliability.end() ? 0.5 : it->second;
  }

  // Every family's required literals, found by their first three bytes: a
  // name costs one probe of a small bit filter per position, and a hash
  // probe where the filter lets it through. Two-byte literals ("yi", "t5")
  // are searched for directly.
  struct Literals {
    std::vector<std::string> text;
    std::vector<std::vector<int>> families;  // per literal
    std::vector<std::pair<std::string, int>> shorts;  // two-byte literals and their family
    std::unordered_map<uint32_t, std::vector<uint32_t>> by_gram;
    std::vector<uint64_t> filter = std::vector<uint64_t>(1024, 0);  // 65536 bits
    std::vector<int> always;  // families with an alternative that has no literal

    static uint32_t Gram(const char* p) {
      return static_cast<uint32_t>(static_cast<unsigned char>(p[0])) << 16 |
             static_cast<uint32_t>(static_cast<unsigned char>(p[1])) << 8 |
             static_cast<unsigned char>(p[2]);
    }
    static uint32_t Bit(uint32_t gram) { return (gram * 2654435761u) >> 16; }
    void Add(const std::string& lit, int family) {
      if (lit.size() < 2) {  // RequiredLiterals gives "" or at least two bytes
        if (always.empty() || always.back() != family) always.push_back(family);
        return;
      }
      if (lit.size() == 2) {
        shorts.emplace_back(lit, family);
        return;
      }
      auto at = std::find(text.begin(), text.end(), lit);
      size_t i = static_cast<size_t>(at - text.begin());
      if (at == text.end()) {
        text.push_back(lit);
        families.emplace_back();
        uint32_t g = Gram(lit.data());
        by_gram[g].push_back(static_cast<uint32_t>(i));
        filter[Bit(g) >> 6] |= uint64_t{1} << (Bit(g) & 63);
      }
      if (families[i].empty() || families[i].back() != family) families[i].push_back(family);
    }
    // Marks (*out)[f] for every family with a literal in `lower`, or none
    // needed; stops at the first when `any`. Returns whether one was marked.
    bool Mark(std::string_view lower, std::vector<char>* out, bool any) const {
      bool marked = false;
      for (int f : always) {
        if (any) return true;
        (*out)[f] = 1;
        marked = true;
      }
      for (const auto& [lit, f] : shorts) {
        if (lower.find(lit) == std::string_view::npos) continue;
        if (any) return true;
        (*out)[f] = 1;
        marked = true;
      }
      for (size_t p = 0; p + 3 <= lower.size(); ++p) {
        uint32_t g = Gram(lower.data() + p);
        uint32_t bit = Bit(g);
        if (!(filter[bit >> 6] >> (bit & 63) & 1)) continue;
        auto it = by_gram.find(g);
        if (it == by_gram.end()) continue;
        for (uint32_t i : it->second) {
          if (lower.compare(p, text[i].size(), text[i]) != 0) continue;
          if (any) return true;
          for (int f : families[i]) (*out)[f] = 1;
          marked = true;
        }
      }
      return marked;
    }
  };
  Literals literals;

  // Family matches in `text` (lower case), leftmost first, one per family.
  std::vector<Hit> Match(const std::string& lower) const {
    std::vector<Hit> hits;
    std::vector<char> candidate(families.size(), 0);
    if (!literals.Mark(lower, &candidate, false)) return hits;
    for (size_t f = 0; f < families.size(); ++f) {
      if (!candidate[f]) continue;
      const FamilyRec& fr = families[f];
      for (const auto& re : fr.regexes) {
        size_t pos = 0, len = 0;
        if (re.Search(lower, &pos, &len)) {
          // "ollama" is not "llama": a match must start a word.
          size_t letter = pos;
          while (letter < lower.size() && !std::isalpha(static_cast<unsigned char>(lower[letter]))) {
            ++letter;
          }
          if (letter > 0 && letter < lower.size() &&
              std::isalpha(static_cast<unsigned char>(lower[letter - 1]))) {
            continue;
          }
          hits.push_back(Hit{static_cast<int>(f), pos, len});
          break;
        }
      }
    }
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
      return a.pos != b.pos ? a.pos < b.pos : a.len > b.len;
    });
    // A longer match at the same place (llama-3.1 over llama-3) wins.
    std::vector<Hit> out;
    for (const Hit& h : hits) {
      if (!out.empty() && h.pos < out.back().pos + out.back().len && h.pos >= out.back().pos) {
        continue;
      }
      out.push_back(h);
    }
    return out;
  }

  // The version written right after a family match: "olmo-2-1124-7b" -> "2",
  // "yi-1.5-9b" -> "1.5"; "" when a size or a word follows.
  static std::string VersionAfter(const std::string& lower, size_t end) {
    size_t i = end;
    if (i < lower.size() && (lower[i] == '-' || lower[i] == '_' || lower[i] == ' ')) ++i;
    size_t start = i;
    while (i < lower.size() && (std::isdigit(static_cast<unsigned char>(lower[i])) ||
                                (lower[i] == '.' && i > start))) {
      ++i;
    }
    if (i == start) return "";
    if (i < lower.size() && std::isalnum(static_cast<unsigned char>(lower[i]))) return "";
    return lower.substr(start, i - start);
  }

  // What a name says of the model it is: size, variant, version, context.
  // `hit_end`: where the family's match ends in `lower`, when the caller knows.
  Desc Describe(const std::string& lower, const NameTokens& t, int family,
                size_t hit_end = std::string::npos) const {
    Desc d;
    d.size = t.size;
    d.context = t.context;
    d.versions = t.versions;
    for (const auto& v : t.variants) {
      if (v == "instruct" || v == "chat") d.tuned = 1;
      else if (v == "base") d.tuned = d.tuned < 0 ? 0 : d.tuned;
      else d.special.push_back(v);
    }
    std::sort(d.special.begin(), d.special.end());
    if (hit_end != std::string::npos) {
      d.version = VersionAfter(lower, hit_end);
    } else if (family >= 0) {
      for (const Hit& h : Match(lower)) {
        if (h.family == family) {
          d.version = VersionAfter(lower, h.pos + h.len);
          break;
        }
      }
    }
    return d;
  }

  // True when a name says nothing but its family, version, size, variant
  // and context ("llama3.1", "Qwen2-7B-Instruct", "Mistral-7B-v0.3").
  bool GenericName(const std::string& lower, int family) const {
    std::string rest = lower;
    for (const Hit& h : Match(lower)) {
      if (h.family == family) {
        rest = lower.substr(0, h.pos) + "-" + lower.substr(h.pos + h.len);
        break;
      }
    }
    static const std::set<std::string> kWords = {"instruct", "it", "chat", "base", "coder",
                                                 "code", "math", "vl", "vision", "hf", "v"};
    std::string tok;
    auto descriptive = [](const std::string& t) {
      if (t.empty() || kWords.count(t)) return true;
      size_t i = t[0] == 'v' ? 1 : 0;
      size_t digits = 0;
      for (; i < t.size(); ++i) {
        char c = t[i];
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') ++digits;
        else break;
      }
      if (digits == 0) return false;
      std::string unit = t.substr(i);
      return unit.empty() || unit == "b" || unit == "m" || unit == "k" ||
             (unit[0] == 'x' && unit.back() == 'b');
    };
    for (char c : rest + "-") {
      if (c == '-' || c == '_' || c == ' ') {
        if (!descriptive(tok)) return false;
        tok.clear();
      } else {
        tok += c;
      }
    }
    return true;
  }

  struct Pick {
    int base = -1;       // the closest known base, -1 when none has the size
    bool exact = false;  // the only one whose size, variant, version and context all agree
  };

  // The known base of `family` that a name with `tokens` describes. Exact
  // only when the name states the variant (instruct, chat, base) and exactly
  // one base agrees on size, variant, special variant (coder, math, vision),
  // the version after the family name, the context length and its "v0.x" tag.
  Pick PickBase(int family, const std::string& lower, const NameTokens& tokens,
                const std::string& exclude_key, size_t hit_end = std::string::npos) const {
    Pick out;
    if (family < 0 || tokens.size.empty()) return out;
    Desc d = Describe(lower, tokens, family, hit_end);
    int best_score = -1, agreeing = 0, agreeing_base = -1;
    for (size_t i : families[family].bases) {
      const KnownBase& b = bases[i];
      const Desc& bd = base_desc[i];
      if (bd.size != tokens.size || IdKey(b.id) == exclude_key) continue;
      bool version_ok = bd.version == d.version;
      bool vtag_ok = true;
      for (const auto& v : bd.versions) {
        if (std::find(d.versions.begin(), d.versions.end(), v) == d.versions.end()) vtag_ok = false;
      }
      bool special_ok = bd.special == d.special;
      bool context_ok = bd.context == d.context;
      bool tuned_ok = d.tuned >= 0 && bd.tuned == d.tuned;
      int score = (special_ok ? 16 : 0) + (version_ok ? 8 : 0) + (vtag_ok ? 4 : 0) +
                  (tuned_ok || (d.tuned < 0 && bd.tuned <= 0) ? 2 : 0) + (context_ok ? 1 : 0);
      if (score > best_score) {
        best_score = score;
        out.base = static_cast<int>(i);
      }
      if (version_ok && vtag_ok && special_ok && context_ok && tuned_ok) {
        ++agreeing;
        agreeing_base = static_cast<int>(i);
      }
    }
    if (agreeing == 1) {
      out.base = agreeing_base;
      out.exact = true;
    }
    return out;
  }

  // The longest stored model name written inside `lower` (whole '-'-separated
  // words, '_' read as '-'), of the same family: "qwen2.5-7b-instruct" in
  // "krx-qwen2.5-7b-instruct-it-v6". Ties between namespaces: the subject's
  // own, then unsloth's when the model was trained with Unsloth (its tag),
  // then a known base; "" when still ambiguous.
  struct Named {
    std::string id;      // "" when none
    bool exact = false;  // the name says no less than the model it holds
  };
  Named NamedInside(const std::string& lower, size_t hit_pos, size_t hit_end, int family,
                          const std::string& self_key,
                          const std::string& own_ns, bool unsloth,
                          const std::vector<std::string>& unseen) const {
    std::string dashed = lower;
    for (char& c : dashed) {
      if (c == '_' || c == ' ') c = '-';
    }
    Desc subject = Describe(lower, ReadNameTokens(lower), family, hit_end);
    std::vector<size_t> starts{0}, ends;
    for (size_t i = 0; i < dashed.size(); ++i) {
      if (dashed[i] == '-') {
        ends.push_back(i);
        starts.push_back(i + 1);
      }
    }
    ends.push_back(dashed.size());
    if (starts.size() > 16) return {};
    // Longest span first.
    std::vector<std::pair<size_t, size_t>> spans;
    for (size_t a = 0; a < starts.size(); ++a) {
      for (size_t b = a; b < ends.size(); ++b) {
        // The span holds the family's name.
        if (ends[b] > starts[a] && starts[a] <= hit_pos && ends[b] >= hit_end) {
          spans.emplace_back(starts[a], ends[b]);
        }
      }
    }
    std::stable_sort(spans.begin(), spans.end(), [](const auto& x, const auto& y) {
      return x.second - x.first > y.second - y.first;
    });
    for (const auto& [a, b] : spans) {
      if (b - a < 4) break;
      uint32_t chain = names.Find(std::string_view(dashed).substr(a, b - a));
      if (chain == kEnd) continue;
      bool whole = a == 0 && b == dashed.size();
      std::vector<std::string> cands;
      const std::string& pub = families[family].family.publisher;
      // A name many uploaders hold is a common name, not one model: only a
      // known base among them counts (and the check stays cheap).
      bool crowded = names.chain(chain).count > kCrowded;
      std::vector<std::string> holders;
      if (crowded) {
        auto known = known_by_dashed.find(chain);
        if (known != known_by_dashed.end()) holders = known->second;
      } else {
        holders = names.Ids(chain);
      }
      for (const auto& id : holders) {
        std::string key = IdKey(id);
        bool known = base_by_key.count(key) > 0;
        if (key == self_key || (crowded && !known)) continue;
        if (!known && std::find(unseen.begin(), unseen.end(), key) != unseen.end()) continue;
        // The same name elsewhere is a sibling or a copy, not a parent; a
        // quantized upload is rarely fine-tuned from.
        if (whole && !known) continue;
        // A bitsandbytes upload is one (QLoRA trains on it), when the name
        // holds its format tokens too.
        if (!known && !StripFormatSuffix(NameOf(id)).empty() &&
            LowerAscii(NameOf(id)).find("bnb") == std::string::npos) {
          continue;
        }
        // A name of nothing but the family, size and variant ("llama3.1",
        // "Qwen2-7B") from anyone but the publisher (or unsloth, for a model
        // trained with it) is a namesake, not a known model.
        std::string ns = IdKey(NamespaceOf(id));
        if (!known && ns != IdKey(pub) && !(unsloth && ns == "unsloth") &&
            GenericName(LowerAscii(NameOf(id)), family)) {
          continue;
        }
        cands.push_back(id);
      }
      if (cands.empty()) continue;
      if (FamilyOfId(cands[0]) != family) continue;
      // The name must not say otherwise than the model it holds: "Yi-6B-Chat"
      // holds "Yi-6B" but is a chat model, "Yi-34B-200K" a long-context one.
      {
        std::string cand_lower = LowerAscii(NameOf(cands[0]));
        Desc cd = Describe(cand_lower, ReadNameTokens(cand_lower), family);
        if (subject.tuned == 1 && cd.tuned != 1) continue;
        if (!std::includes(cd.special.begin(), cd.special.end(), subject.special.begin(),
                           subject.special.end())) {
          continue;
        }
        if (!subject.context.empty() && cd.context != subject.context) continue;
        if (!subject.size.empty() && !cd.size.empty() && cd.size != subject.size) continue;
        if (!subject.version.empty() && !cd.version.empty() && cd.version != subject.version) {
          continue;
        }
      }
      auto narrow = [&cands](auto pred) {
        std::vector<std::string> kept;
        for (const auto& c : cands) {
          if (pred(c)) kept.push_back(c);
        }
        if (!kept.empty()) cands = std::move(kept);
      };
      narrow([&](const std::string& c) { return IdKey(NamespaceOf(c)) == own_ns; });
      if (unsloth) narrow([](const std::string& c) { return IdKey(NamespaceOf(c)) == "unsloth"; });
      narrow([&](const std::string& c) { return base_by_key.count(IdKey(c)) > 0; });
      if (cands.size() != 1) return {};
      // "FinancialAdvice-Qwen2.5-7B" holds "Qwen2.5-7B" but does not say
      // whether the base or the instruct model was tuned: not exact.
      bool vague = subject.tuned < 0 && GenericName(LowerAscii(NameOf(cands[0])), family);
      return {cands[0], !vague};
    }
    return {};
  }

  // unsloth holds `id`'s name with a bitsandbytes suffix, beside `id` itself.
  bool HasBnbUpload(const std::string& id, const std::vector<std::string>& unseen) const {
    std::string lower = LowerAscii(NameOf(id));
    for (const char* tail : {"-bnb-4bit", "-unsloth-bnb-4bit"}) {
      for (const std::string& id : names.Named(lower + tail)) {
        std::string key = IdKey(id);
        if (IdKey(NamespaceOf(key)) != "unsloth") continue;
        if (std::find(unseen.begin(), unseen.end(), key) != unseen.end()) continue;
        return true;
      }
    }
    return false;
  }

  int FamilyOfId(const std::string& id) const {
    auto it = base_by_key.find(IdKey(id));
    if (it != base_by_key.end()) {
      auto f = family_by_slug.find(IdKey(bases[it->second].family));
      if (f != family_by_slug.end()) return f->second;
    }
    auto hits = Match(LowerAscii(NameOf(id)));
    return hits.empty() ? -1 : hits.front().family;
  }

  // A Hub id inside free text ("Qwen/Qwen2-7B"), or "".
  static std::string IdInText(const std::string& text) {
    std::vector<std::pair<size_t, std::string>> links;
    size_t hf = text.find("huggingface.co/");
    if (hf != std::string::npos) {
      auto ref = ParseHubRef(text.substr(hf, text.find_first_of(" )]\"'", hf) - hf));
      if (ref.ok() && ref->qualified && ref->kind == ArtifactKind::kModel) return ref->id;
      if (ref.ok()) return "";
    }
    size_t slash = text.find('/');
    while (slash != std::string::npos) {
      auto id_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
      };
      size_t a = slash, b = slash + 1;
      while (a > 0 && id_char(text[a - 1])) --a;
      while (b < text.size() && id_char(text[b])) ++b;
      if (a < slash && b > slash + 1) {
        std::string cand = text.substr(a, b - a);
        while (!cand.empty() && cand.back() == '.') cand.pop_back();
        auto ref = ParseHubRef(cand);
        if (ref.ok() && ref->qualified && ref->kind == ArtifactKind::kModel &&
            cand.rfind("datasets/", 0) != 0) {
          return ref->id;
        }
      }
      slash = text.find('/', slash + 1);
    }
    return "";
  }

  // Software and tools named after a family (llama-cpp-tools, llama-factory)
  // give no name evidence. `name` is lower case.
  static bool SoftwareName(std::string_view name) {
    for (const char* trap : {"cpp", "tools", "toolkit", "webui", "index", "factory", "recipes"}) {
      size_t pos = name.find(trap);
      if (pos != std::string::npos &&
          (pos == 0 || !std::isalpha(static_cast<unsigned char>(name[pos - 1])) ||
           std::string_view(trap) == "cpp")) {
        return true;
      }
    }
    return false;
  }

  // Name pieces: the family whose weights the name says it carries.
  void NamePieces(const InferenceSubject& s, std::vector<Piece>* out,
                  std::vector<Piece>* architecture, const std::vector<std::string>& unseen) const {
    std::string name = LowerAscii(NameOf(s.id));
    if (SoftwareName(name)) return;
    std::vector<Hit> hits = Match(name);
    if (hits.empty()) return;
    size_t distil = name.find("distil");
    std::vector<Hit> weights;
    std::vector<std::string> notes;
    for (const Hit& h : hits) {
      const FamilyRec& fr = families[h.family];
      std::string after = name.substr(h.pos + h.len, 6);
      // "Qwen2.5-7B-llamafied": the design of Llama, the weights of Qwen.
      size_t word_end = h.pos + h.len;
      while (word_end < name.size() && std::isalpha(static_cast<unsigned char>(name[word_end]))) {
        ++word_end;
      }
      std::string suffix = name.substr(h.pos + h.len, word_end - h.pos - h.len);
      if (suffix == "fied" || suffix == "fy" || suffix == "fication" ||
          name.compare(h.pos + h.len, 5, "-arch") == 0) {
        Piece p;
        p.kind = "config.architecture";
        p.p = P("name.pattern");
        p.family = h.family;
        p.relation = Relation::kArchitecture;
        p.relation_set = true;
        p.detail = "name '" + NameOf(s.id) + "' says the " + fr.family.name +
                   " architecture ('" + name.substr(h.pos, word_end - h.pos) + "'), not its weights";
        p.source = s.id;
        architecture->push_back(std::move(p));
        notes.push_back(fr.family.slug + " architecture only");
        continue;
      }
      if (distil != std::string::npos) {
        // "X-distilled-from-Y": Y taught X. "Y-Distill-X": the same, written the other way.
        size_t from = name.find("from", distil);
        bool teacher = from != std::string::npos ? h.pos > from : h.pos < distil;
        if (teacher) {
          notes.push_back(fr.family.slug + " is the distillation teacher");
          continue;
        }
      }
      weights.push_back(h);
    }
    // A publisher's own line named beside the base it built on
    // ("cogvlm2-llama3", "InternVL2-Llama3"): the base is the other family.
    if (weights.size() > 1) {
      std::string ns = IdKey(NamespaceOf(s.id));
      std::vector<Hit> others;
      for (const Hit& h : weights) {
        if (IdKey(families[h.family].family.publisher) != ns) others.push_back(h);
      }
      if (!others.empty() && others.size() < weights.size()) weights = others;
    }
    if (weights.empty()) return;
    const Hit& h = weights.front();
    const FamilyRec& fr = families[h.family];
    NameTokens tokens = ReadNameTokens(name);
    Piece p;
    p.kind = "name.pattern";
    p.p = P("name.pattern") * (weights.size() > 1 ? 0.8 : 1.0);
    p.family = h.family;
    p.source = s.id;
    // Trained with Unsloth (its tag): the weights came from one of unsloth's
    // uploads more often than from the original, so only an upload named in
    // the name is exact.
    bool unsloth = IdKey(NamespaceOf(s.id)) != "unsloth" &&
                   std::find(s.tags.begin(), s.tags.end(), "unsloth") != s.tags.end();
    size_t hit_pos = h.pos;
    while (hit_pos < name.size() && !std::isalnum(static_cast<unsigned char>(name[hit_pos]))) {
      ++hit_pos;
    }
    Named named = NamedInside(name, hit_pos, h.pos + h.len, h.family, IdKey(s.id),
                              IdKey(NamespaceOf(s.id)), unsloth, unseen);
    const std::string& inside = named.id;
    if (!inside.empty()) {
      p.parent = inside;
      p.named = true;
      p.exact = named.exact && (!unsloth || IdKey(NamespaceOf(inside)) == "unsloth");
      // Trained with Unsloth from one of its uploads, which unsloth also
      // holds in bitsandbytes form: which of them was loaded is not said.
      if (unsloth && name.find("bnb") == std::string::npos &&
          HasBnbUpload(inside, unseen)) {
        p.exact = false;
      }
      // "X-lora" beside its own "X": the adapter that made X, more often
      // than one trained on X.
      if (IdKey(NamespaceOf(inside)) == IdKey(NamespaceOf(s.id))) {
        std::string base = LowerAscii(NameOf(inside));
        for (const char* tail : {"-lora", "_lora", "-adapter", "-qlora"}) {
          if (name == base + tail) p.exact = false;
        }
      }
    } else {
      Pick pick = PickBase(h.family, name, tokens, IdKey(s.id), h.pos + h.len);
      if (pick.base >= 0) p.parent = bases[pick.base].id;
      p.exact = pick.exact && !unsloth;
    }
    p.detail = "name '" + NameOf(s.id) + "': " + fr.family.name + " ('" +
               name.substr(h.pos, h.len) + "')";
    if (!inside.empty()) p.detail += ", holds the name of " + inside;
    if (!tokens.size.empty()) p.detail += ", size " + tokens.size;
    for (const auto& v : tokens.variants) p.detail += ", " + v;
    for (size_t i = 1; i < weights.size(); ++i) {
      p.detail += "; also names " + families[weights[i].family].family.name;
    }
    for (const auto& n : notes) p.detail += "; " + n;
    out->push_back(std::move(p));
  }

  // A piece naming `id` (a link, a GGUF repo URL, a Hub field).
  Piece IdPiece(const std::string& kind, double p, const std::string& id, const Signal& sig) const {
    Piece piece;
    piece.kind = kind;
    piece.p = p;
    piece.parent = id;
    piece.named = true;
    piece.exact = true;
    piece.family = FamilyOfId(id);
    piece.source = sig.source;
    piece.line = sig.line;
    return piece;
  }

  // A piece from free text naming a model ("Meta Llama 3", "Qwen2.5-7B").
  bool TextPiece(const std::string& kind, double p, const std::string& text, const Signal& sig,
                 const std::string& self_key, Piece* out) const {
    std::string id = IdInText(text);
    if (!id.empty()) {
      if (IdKey(id) == self_key) return false;
      *out = IdPiece(kind, p, id, sig);
      return true;
    }
    std::string norm = LowerAscii(text);
    if (norm.find("dataset") != std::string::npos || norm.find(" data") != std::string::npos) {
      return false;
    }
    for (char& c : norm) {
      if (c == ' ') c = '-';
    }
    auto hits = Match(norm);
    if (hits.empty()) return false;
    // The first model named, its size and variant from the words after it.
    const Hit& h = hits.front();
    std::string tail = norm.substr(h.pos);
    size_t stop = tail.find_first_of(",;:");
    NameTokens tokens = ReadNameTokens(tail.substr(0, std::min<size_t>(stop, 48)));
    Piece piece;
    piece.kind = kind;
    piece.p = p;
    piece.family = h.family;
    Pick pick = PickBase(h.family, tail, tokens, self_key, h.len);
    if (pick.base >= 0) piece.parent = bases[pick.base].id;
    piece.exact = pick.exact;
    piece.source = sig.source;
    piece.line = sig.line;
    *out = std::move(piece);
    return true;
  }
};

Inferer::Inferer() : impl_(std::make_unique<Impl>()) {}
Inferer::~Inferer() = default;

Result<std::unique_ptr<Inferer>> Inferer::Build(const std::vector<Family>& families,
                                                const std::vector<KnownBase>& bases) {
  std::unique_ptr<Inferer> inf(new Inferer());
  Impl& im = *inf->impl_;
  for (const Family& f : families) {
    FamilyRec r;
    r.family = f;
    for (const auto& pat : f.name_patterns) {
      if (pat.empty()) continue;
      try {
        // Names are lower-cased once; a lower-cased pattern then needs no
        // icase, which costs a locale lookup per character in libstdc++.
        std::string lowered = LowerPattern(pat);
        CompiledPattern cp;
        cp.re = std::regex(lowered, std::regex::ECMAScript | std::regex::optimize);
        cp.fast = infer_internal::NamePattern::Compile(lowered);
        r.regexes.push_back(std::move(cp));
      } catch (const std::regex_error& e) {
        return Status::InvalidInput("family '" + f.slug + "': name pattern '" + pat +
                                    "' is not a valid regex: " + e.what());
      }
      for (auto& lit : RequiredLiterals(pat)) {
        im.literals.Add(lit, static_cast<int>(im.families.size()));
      }
    }
    im.family_by_slug[IdKey(f.slug)] = static_cast<int>(im.families.size());
    for (const auto& lic : f.licenses) {
      if (!lic.empty()) im.family_by_license.emplace(IdKey(lic), static_cast<int>(im.families.size()));
    }
    im.families.push_back(std::move(r));
  }
  for (const KnownBase& b : bases) {
    size_t i = im.bases.size();
    im.bases.push_back(b);
    im.base_by_key[IdKey(b.id)] = i;
    auto f = im.family_by_slug.find(IdKey(b.family));
    if (f != im.family_by_slug.end()) im.families[f->second].bases.push_back(i);
  }
  for (size_t i = 0; i < im.bases.size(); ++i) {
    const KnownBase& b = im.bases[i];
    std::string lower = LowerAscii(NameOf(b.id));
    auto f = im.family_by_slug.find(IdKey(b.family));
    Impl::Desc d = im.Describe(lower, ReadNameTokens(lower), f == im.family_by_slug.end() ? -1 : f->second);
    d.size = LowerAscii(b.params);
    std::string v = LowerAscii(b.variant);
    if (v == "instruct" || v == "chat") d.tuned = 1;
    else if (d.tuned < 0) d.tuned = 0;  // a base checkpoint unless its name or row says otherwise
    if ((v == "coder" || v == "math" || v == "vision") &&
        std::find(d.special.begin(), d.special.end(), v) == d.special.end()) {
      d.special.push_back(v);
      std::sort(d.special.begin(), d.special.end());
    }
    im.base_desc.push_back(std::move(d));
  }
  for (FamilyRec& r : im.families) {
    auto it = im.base_by_key.find(IdKey(r.family.canonical_base));
    if (it != im.base_by_key.end()) r.canonical = static_cast<int>(it->second);
  }
  return inf;
}

void Inferer::AddBaseSignal(const std::string& base_id, const Signal& s) {
  auto it = impl_->base_by_key.find(IdKey(base_id));
  if (it == impl_->base_by_key.end()) return;
  if (s.kind == kSignalTokenizer) impl_->base_by_tokenizer[s.value].push_back(it->second);
  if (s.kind == kSignalParameters) impl_->base_by_params[s.value].push_back(it->second);
}

std::string Inferer::FamilyPublisher(const std::string& id) const {
  int f = impl_->FamilyOfId(id);
  return f < 0 ? std::string() : IdKey(impl_->families[f].family.publisher);
}

uint32_t Inferer::AddModel(std::string_view id) {
  Impl& im = *impl_;
  uint32_t chain = 0;
  uint32_t model = im.names.Add(id, &chain);
  // Lowered in a buffer kept between calls: no allocation per model.
  std::string& key = im.key_buffer;
  key.assign(id);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  if (im.base_by_key.count(key)) im.known_by_dashed[chain].emplace_back(id);
  return model;
}

std::string_view Inferer::ModelId(uint32_t model) const { return impl_->names.Id(model); }

void Inferer::set_reliability(const Reliability& r) {
  for (const auto& [k, v] : r) impl_->reliability[k] = v;
}
const Reliability& Inferer::reliability() const { return impl_->reliability; }

bool Inferer::IsKnownBase(const std::string& id) const {
  return impl_->base_by_key.count(IdKey(id)) > 0;
}

bool Inferer::MayPropose(std::string_view id, std::string_view license,
                         std::string_view license_name, std::string_view license_normalized,
                         bool has_signals) const {
  const Impl& im = *impl_;
  if (has_signals) return true;
  // Propose's pieces without signals: the licence, the name's families, and
  // an upload's format suffix ("X-GGUF").
  for (std::string_view lic : {license_normalized, license, license_name}) {
    if (!lic.empty() && im.family_by_license.count(IdKey(lic))) return true;
  }
  size_t slash = id.rfind('/');
  std::string_view name = slash == std::string_view::npos ? id : id.substr(slash + 1);
  if (EndsWithFormatToken(name)) return true;
  thread_local std::string lower;
  lower.assign(name);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  // The name's pieces (NamePieces) need a family match in a name that is
  // not a tool's; the literal screen first spares most names the patterns.
  if (Impl::SoftwareName(lower) || !im.literals.Mark(lower, nullptr, true)) return false;
  return !im.Match(lower).empty();
}

std::vector<Proposal> Inferer::Propose(const InferenceSubject& s, const std::string& only_kind,
                                       const std::vector<std::string>& unseen) const {
  const Impl& im = *impl_;
  std::string self_key = IdKey(s.id);
  std::string own_ns = IdKey(NamespaceOf(s.id));
  std::vector<Piece> pieces, architecture;
  auto want = [&only_kind](const char* kind) { return only_kind.empty() || only_kind == kind; };

  if (want("name.pattern") || want("config.architecture")) {
    std::vector<Piece> names;
    im.NamePieces(s, &names, &architecture, unseen);
    if (want("name.pattern")) pieces.insert(pieces.end(), names.begin(), names.end());
    if (!want("config.architecture")) architecture.clear();
  }
  if (want("name.pattern")) {
    // "X-GGUF", "X-exl2-4bpw": an upload of the stored model X.
    std::string stripped = StripFormatSuffix(NameOf(s.id));
    if (!stripped.empty()) {
      std::vector<std::string> same_ns, others;
      for (const auto& id : im.names.Named(stripped)) {
        if (IdKey(id) == self_key ||
            std::find(unseen.begin(), unseen.end(), IdKey(id)) != unseen.end()) {
          continue;
        }
        (IdKey(NamespaceOf(id)) == own_ns ? same_ns : others).push_back(id);
      }
      const auto& pick = !same_ns.empty() ? same_ns : others;
      if (pick.size() == 1) {
        Signal where{"", "", s.id, 0, ""};
        Piece p = im.IdPiece("name.pattern", im.P("name.pattern") * (same_ns.empty() ? 1.0 : 1.05),
                             pick[0], where);
        p.p = std::min(p.p, 0.97);
        p.detail = "name '" + NameOf(s.id) + "' is " + pick[0] +
                   "'s with quantization/format tokens added";
        p.relation = Relation::kQuantized;
        p.relation_set = InferRelation(1, s.tags, s.library_name, s.id) == Relation::kQuantized;
        pieces.push_back(std::move(p));
      }
    }
  }
  if (want("license.family")) {
    for (const std::string* lic : {&s.license_normalized, &s.license, &s.license_name}) {
      if (lic->empty()) continue;
      auto it = im.family_by_license.find(IdKey(*lic));
      if (it == im.family_by_license.end()) continue;
      Piece p;
      p.kind = "license.family";
      p.p = im.P("license.family");
      p.family = it->second;
      p.detail = "licence '" + *lic + "' is carried only by " +
                 im.families[it->second].family.name + " and its derivatives";
      p.source = s.id;
      pieces.push_back(std::move(p));
      break;
    }
  }
  ConfigFingerprint config;
  int links = 0;
  for (const Signal& sig : s.signals) {
    if (sig.kind == kSignalHubBaseModels && want("hub.base_models")) {
      auto ref = ParseHubRef(sig.value);
      if (!ref.ok() || !ref->qualified || IdKey(ref->id) == self_key) continue;
      Piece p = im.IdPiece("hub.base_models", im.P("hub.base_models"), ref->id, sig);
      p.detail = "baseModels: " + sig.value + (sig.detail.empty() ? "" : " (" + sig.detail + ")");
      if (auto rel = ParseRelation(sig.detail)) {
        p.relation = *rel;
        p.relation_set = true;
      }
      pieces.push_back(std::move(p));
    } else if ((sig.kind == kSignalGgufBase || sig.kind == kSignalGgufSource) &&
               want("gguf.metadata")) {
      Piece p;
      std::string field = sig.detail.empty() ? sig.kind : sig.detail;
      auto ref = ParseHubRef(sig.value);
      if (ref.ok() && ref->qualified && ref->kind == ArtifactKind::kModel) {
        if (IdKey(ref->id) == self_key) continue;
        p = im.IdPiece("gguf.metadata", im.P("gguf.metadata"), ref->id, sig);
      } else if (!im.TextPiece("gguf.metadata", im.P("gguf.metadata") * 0.85, sig.value, sig,
                               self_key, &p)) {
        continue;
      }
      p.detail = field + " = " + sig.value;
      if (sig.kind == kSignalGgufSource) {
        p.relation = Relation::kQuantized;
        p.relation_set = true;
      }
      pieces.push_back(std::move(p));
    } else if (sig.kind == kSignalBodyPhrase && want("card.body_phrase")) {
      Piece p;
      if (!im.TextPiece("card.body_phrase", im.P("card.body_phrase"), sig.value, sig, self_key,
                        &p)) {
        continue;
      }
      if (sig.detail == "distilled from") {
        p.relation = Relation::kDistillation;
        p.relation_set = true;
      }
      if (sig.detail == "based on" || sig.detail == "built with") p.p *= 0.9;
      p.detail = "card: \"" + sig.detail + " " + sig.value + "\"";
      pieces.push_back(std::move(p));
    } else if (sig.kind == kSignalBodyLink && want("card.body_link")) {
      if (++links > 6) continue;
      auto ref = ParseHubRef(sig.value);
      if (!ref.ok() || !ref->qualified || IdKey(ref->id) == self_key) continue;
      double p = im.P("card.body_link");
      // A link within the owner's namespace is a sibling more often than a base.
      if (IdKey(NamespaceOf(ref->id)) == own_ns) p *= 0.5;
      Piece piece = im.IdPiece("card.body_link", p, ref->id, sig);
      piece.detail = "card links to https://huggingface.co/" + ref->id;
      pieces.push_back(std::move(piece));
    } else if (sig.kind == kSignalConfig) {
      config = DecodeFingerprint(sig.value);
      if (!config.empty()) {
        config.model_type = LowerAscii(config.model_type);
      }
      // Config pieces are made below, once.
      (void)config;
    } else if (sig.kind == kSignalTokenizer && want("tokenizer.identical")) {
      auto it = im.base_by_tokenizer.find(sig.value);
      if (it == im.base_by_tokenizer.end()) continue;
      std::set<int> fams;
      for (size_t b : it->second) {
        auto f = im.family_by_slug.find(IdKey(im.bases[b].family));
        if (f != im.family_by_slug.end()) fams.insert(f->second);
      }
      if (fams.size() != 1) continue;
      Piece p;
      p.kind = "tokenizer.identical";
      p.p = im.P("tokenizer.identical");
      p.family = *fams.begin();
      if (it->second.size() == 1 && IdKey(im.bases[it->second[0]].id) != self_key) {
        p.parent = im.bases[it->second[0]].id;
        p.exact = true;
      }
      p.detail = sig.detail + " identical to " + im.bases[it->second[0]].id + "'s (" +
                 sig.value.substr(0, 19) + ")";
      p.source = sig.source;
      p.line = sig.line;
      pieces.push_back(std::move(p));
    } else if (sig.kind == kSignalParameters && want("hub.parameters")) {
      auto it = im.base_by_params.find(sig.value);
      if (it == im.base_by_params.end()) continue;
      std::vector<size_t> others;
      for (size_t b : it->second) {
        if (IdKey(im.bases[b].id) != self_key) others.push_back(b);
      }
      if (others.empty()) continue;
      auto f = im.family_by_slug.find(IdKey(im.bases[others[0]].family));
      if (f == im.family_by_slug.end()) continue;
      Piece p;
      p.kind = "hub.parameters";
      p.p = im.P("hub.parameters");
      p.family = f->second;
      if (others.size() == 1) {
        p.parent = im.bases[others[0]].id;
        p.exact = true;
      }
      p.detail = "safetensors.parameters " + sig.value + " = " + im.bases[others[0]].id + "'s";
      p.source = sig.source;
      pieces.push_back(std::move(p));
    }
  }
  if (!config.empty() && config.hidden_size > 0 &&
      (want("config.fingerprint") || want("config.architecture"))) {
    std::vector<size_t> same_vocab, other_vocab;
    std::vector<size_t> same_type;
    for (size_t i = 0; i < im.bases.size(); ++i) {
      const ConfigFingerprint& b = im.bases[i].config;
      if (b.hidden_size == 0 || IdKey(im.bases[i].id) == self_key) continue;
      bool type_ok = b.model_type.empty() || config.model_type.empty() ||
                     LowerAscii(b.model_type) == config.model_type;
      auto eq = [](int64_t x, int64_t y) { return x == 0 || y == 0 || x == y; };
      bool shape = type_ok && b.hidden_size == config.hidden_size &&
                   b.num_hidden_layers == config.num_hidden_layers &&
                   eq(b.intermediate_size, config.intermediate_size) &&
                   eq(b.num_attention_heads, config.num_attention_heads) &&
                   eq(b.num_key_value_heads, config.num_key_value_heads);
      if (shape) {
        (b.vocab_size == config.vocab_size ? same_vocab : other_vocab).push_back(i);
      } else if (!config.model_type.empty() && LowerAscii(b.model_type) == config.model_type) {
        same_type.push_back(i);
      }
    }
    const std::vector<size_t>& hit = !same_vocab.empty() ? same_vocab : other_vocab;
    if (!hit.empty() && want("config.fingerprint")) {
      std::set<int> fams;
      for (size_t b : hit) {
        auto f = im.family_by_slug.find(IdKey(im.bases[b].family));
        if (f != im.family_by_slug.end()) fams.insert(f->second);
      }
      if (fams.size() == 1) {
        Piece p;
        p.kind = "config.fingerprint";
        p.p = im.P("config.fingerprint") * (same_vocab.empty() ? 0.75 : 1.0);
        p.family = *fams.begin();
        NameTokens tokens = ReadNameTokens(s.id);
        // Several bases share a shape (base and instruct): the name's variant decides.
        // Exact only when one base has the shape and vocabulary, or the
        // name's stated variant picks one of those that do.
        size_t pick = hit[0];
        bool exact = !same_vocab.empty() && hit.size() == 1;
        bool tuned = std::find(tokens.variants.begin(), tokens.variants.end(), "instruct") !=
                         tokens.variants.end() ||
                     std::find(tokens.variants.begin(), tokens.variants.end(), "chat") !=
                         tokens.variants.end();
        bool based = std::find(tokens.variants.begin(), tokens.variants.end(), "base") !=
                     tokens.variants.end();
        int agreeing = 0;
        for (size_t b : hit) {
          int bt = im.base_desc[b].tuned;
          if ((tuned && bt == 1) || (!tuned && bt == 0)) {
            if (agreeing++ == 0) pick = b;
          }
        }
        if (!same_vocab.empty() && hit.size() > 1 && (tuned || based) && agreeing == 1) {
          exact = true;
        }
        p.parent = im.bases[pick].id;
        p.exact = exact;
        p.detail = "config.json shape (hidden " + std::to_string(config.hidden_size) +
                   ", layers " + std::to_string(config.num_hidden_layers) + ", intermediate " +
                   std::to_string(config.intermediate_size) + ") is " + im.bases[pick].id + "'s" +
                   (same_vocab.empty() ? "; vocabulary " + std::to_string(config.vocab_size) +
                                             " extended from " +
                                             std::to_string(im.bases[pick].config.vocab_size)
                                       : ", same vocabulary");
        pieces.push_back(std::move(p));
      }
    } else if (hit.empty() && !same_type.empty() && want("config.architecture")) {
      // The same design, not the same weights: the earliest base of that model_type.
      size_t first = same_type[0];
      for (size_t b : same_type) {
        if (!im.bases[b].created_at.empty() &&
            (im.bases[first].created_at.empty() || im.bases[b].created_at < im.bases[first].created_at)) {
          first = b;
        }
      }
      auto f = im.family_by_slug.find(IdKey(im.bases[first].family));
      if (f != im.family_by_slug.end()) {
        Piece p;
        p.kind = "config.architecture";
        p.p = im.P("config.architecture");
        p.family = f->second;
        p.relation = Relation::kArchitecture;
        p.relation_set = true;
        p.detail = "config.json model_type '" + config.model_type +
                   "' with a shape no known base has (hidden " +
                   std::to_string(config.hidden_size) + ", layers " +
                   std::to_string(config.num_hidden_layers) + ")";
        architecture.push_back(std::move(p));
      }
    }
  }

  // Hypotheses: one per family (or per named id whose family is unknown).
  struct Hyp {
    int family = -1;
    std::map<std::string, const Piece*> best_by_kind;
    std::vector<const Piece*> all;
  };
  std::map<std::string, Hyp> hyps;
  for (const Piece& p : pieces) {
    if (!p.parent.empty() && IdKey(p.parent) == self_key) continue;
    std::string key = p.family >= 0 ? "f:" + std::to_string(p.family) : "id:" + IdKey(p.parent);
    if (p.family < 0 && p.parent.empty()) continue;
    Hyp& h = hyps[key];
    h.family = p.family;
    h.all.push_back(&p);
    auto& slot = h.best_by_kind[p.kind];
    if (!slot || slot->p < p.p) slot = &p;
  }
  std::vector<std::pair<std::string, double>> odds;
  double total = 1.0;  // the null hypothesis: none of these
  for (auto& [key, h] : hyps) {
    double l = 0;
    for (const auto& [kind, piece] : h.best_by_kind) l += Logit(piece->p);
    double o = std::exp(l);
    odds.emplace_back(key, o);
    total += o;
  }
  std::vector<Proposal> out;
  Relation default_rel = InferRelation(1, s.tags, s.library_name, s.id);
  for (const auto& [key, o] : odds) {
    const Hyp& h = hyps[key];
    Proposal pr;
    pr.confidence = o / total;
    // The exact parent: the one its pieces name most strongly.
    struct ParentScore {
      double score = 0;
      std::string display;
      bool exact = false;
    };
    std::map<std::string, ParentScore> by_parent;  // key ->
    for (const Piece* p : h.all) {
      if (p->parent.empty()) continue;
      auto& slot = by_parent[IdKey(p->parent)];
      // A model named outright beats one picked by size and variant, which
      // beats the closest base of a name that leaves something unsaid.
      slot.score += Logit(p->p) + (p->named ? 30 : p->exact ? 20 : 10);
      slot.display = p->parent;
      slot.exact = slot.exact || p->exact;
    }
    if (!by_parent.empty()) {
      auto best = std::max_element(by_parent.begin(), by_parent.end(), [](auto& a, auto& b) {
        return a.second.score < b.second.score;
      });
      pr.parent = best->second.display;
      pr.family_level = !best->second.exact;
    } else if (h.family >= 0 && im.families[h.family].canonical >= 0) {
      pr.parent = im.bases[im.families[h.family].canonical].id;
      pr.family_level = true;
    } else if (h.family >= 0) {
      pr.parent = im.families[h.family].family.canonical_base;
      pr.family_level = true;
    }
    if (pr.parent.empty() || IdKey(pr.parent) == self_key) continue;
    if (h.family >= 0) pr.family = im.families[h.family].family.slug;
    pr.relation = default_rel;
    for (const Piece* p : h.all) {
      if (p->relation_set) pr.relation = p->relation;
    }
    for (size_t i = 0; i < h.all.size(); ++i) {
      const Piece* p = h.all[i];
      Evidence ev;
      ev.kind = p->kind;
      ev.source = p->source.empty() ? s.id : p->source;
      ev.line = p->line;
      ev.detail = p->detail;
      if (!p->parent.empty() && IdKey(p->parent) != IdKey(pr.parent)) {
        ev.detail += " (names " + p->parent + ")";
      }
      if (pr.family_level && i == 0 && h.family >= 0) {
        ev.detail += " [family-level: " + im.families[h.family].family.name +
                     (by_parent.empty() ? ", canonical base]" : ", closest known base]");
      }
      ev.confidence = p->p;
      ev.relation = pr.relation;
      ev.relation_inferred = true;
      pr.evidence.push_back(std::move(ev));
    }
    std::sort(pr.evidence.begin(), pr.evidence.end(), [](const Evidence& a, const Evidence& b) {
      return a.confidence != b.confidence ? a.confidence > b.confidence : a.kind < b.kind;
    });
    out.push_back(std::move(pr));
  }
  std::sort(out.begin(), out.end(), [](const Proposal& a, const Proposal& b) {
    return a.confidence != b.confidence ? a.confidence > b.confidence
                                        : IdKey(a.parent) < IdKey(b.parent);
  });
  // The design reused, only when nothing points to the weights.
  if (out.empty() && !architecture.empty()) {
    const Piece& p = architecture.front();
    const FamilyRec& fr = im.families[p.family];
    Proposal pr;
    pr.parent = fr.canonical >= 0 ? im.bases[fr.canonical].id : fr.family.canonical_base;
    if (!pr.parent.empty() && IdKey(pr.parent) != self_key) {
      pr.relation = Relation::kArchitecture;
      pr.family = fr.family.slug;
      pr.family_level = true;
      pr.confidence = p.p;
      Evidence ev;
      ev.kind = p.kind;
      ev.source = p.source.empty() ? s.id : p.source;
      ev.detail = p.detail + " [family-level: " + fr.family.name + "]";
      ev.confidence = p.p;
      ev.relation = Relation::kArchitecture;
      ev.relation_inferred = true;
      pr.evidence.push_back(std::move(ev));
      out.push_back(std::move(pr));
    }
  }
  return out;
}

}  // namespace lineage
