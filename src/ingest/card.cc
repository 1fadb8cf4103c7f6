// Model cards: YAML front matter (yaml-cpp) to CardFields to DocumentFacts.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "ingest/fast_front_matter.h"
#include "ingest/util.h"
#include "lineage/ingest.h"

namespace lineage {

namespace {

Diagnostic Diag(const std::string& source, int line, const char* severity, const char* code,
                std::string message) {
  return Diagnostic{source, line, severity, code, std::move(message)};
}

// Splits off the front matter. Returns false when there is none; sets
// `first_line` to the file line of the first YAML line.
enum class Fence { kNone, kOk, kUnterminated };
Fence FindFrontMatter(std::string_view text, std::string_view* yaml, int* first_line,
                      int* open_line) {
  size_t pos = 0;
  int line = 1;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  // Leading blank lines are tolerated, as the Hub does.
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    std::string_view l = text.substr(pos, (eol == std::string_view::npos ? text.size() : eol) - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (!ingest_util::Trim(l).empty()) break;
    if (eol == std::string_view::npos) return Fence::kNone;
    pos = eol + 1;
    ++line;
  }
  auto line_at = [&](size_t p) {
    size_t eol = text.find('\n', p);
    std::string_view l = text.substr(p, (eol == std::string_view::npos ? text.size() : eol) - p);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    return std::make_pair(l, eol);
  };
  auto [first, eol] = line_at(pos);
  if (ingest_util::TrimRight(first) != "---") return Fence::kNone;
  *open_line = line;
  if (eol == std::string_view::npos) return Fence::kUnterminated;
  size_t start = eol + 1;
  *first_line = line + 1;
  size_t p = start;
  while (p < text.size()) {
    auto [l, e] = line_at(p);
    std::string_view t = ingest_util::TrimRight(l);
    if (t == "---" || t == "...") {
      *yaml = text.substr(start, p - start);
      return Fence::kOk;
    }
    if (e == std::string_view::npos) break;
    p = e + 1;
  }
  return Fence::kUnterminated;
}

std::string Scalar(const YAML::Node& n) {
  try {
    return n.IsScalar() ? n.Scalar() : std::string();
  } catch (const YAML::Exception&) {
    return {};
  }
}

int LineOf(const YAML::Node& n, int first_line) {
  YAML::Mark m = n.Mark();
  return m.line >= 0 ? first_line + m.line : 0;
}

// A key that may hold a string or a list of strings.
void ReadList(const YAML::Node& n, int first_line, const std::string& source, const char* key,
              std::vector<CardFields::Value>* out, std::vector<Diagnostic>* diags) {
  if (!n || n.IsNull()) return;
  if (n.IsScalar()) {
    if (!ingest_util::Trim(n.Scalar()).empty()) out->push_back({n.Scalar(), LineOf(n, first_line)});
    return;
  }
  if (n.IsSequence()) {
    for (const auto& item : n) {
      if (item.IsScalar()) {
        if (!ingest_util::Trim(item.Scalar()).empty()) {
          out->push_back({item.Scalar(), LineOf(item, first_line)});
        }
      } else if (!item.IsNull()) {
        diags->push_back(Diag(source, LineOf(item, first_line), "warning", "bad_value",
                              std::string(key) + ": list item is not a string; ignored"));
      }
    }
    return;
  }
  diags->push_back(Diag(source, LineOf(n, first_line), "warning", "bad_value",
                        std::string(key) + " is a mapping, expected a string or a list; ignored"));
}

std::vector<std::string> Strings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n || n.IsNull()) return out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
  } else if (n.IsSequence()) {
    for (const auto& item : n) {
      if (item.IsScalar()) out.push_back(item.Scalar());
    }
  }
  return out;
}

bool ContainsAny(const std::string& hay, std::initializer_list<const char*> needles) {
  for (const char* n : needles) {
    if (hay.find(n) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

namespace {

// Both readers keep the first of two equal top-level keys; the YAML spec
// forbids them, so each repeat is a warning naming both lines.
void WarnDuplicateKeys(const std::string& yaml, int first_line, const std::string& source,
                       std::vector<Diagnostic>* diags) {
  std::map<std::string, int> seen;
  int line = first_line;
  size_t start = 0;
  while (start < yaml.size()) {
    size_t end = yaml.find('\n', start);
    if (end == std::string::npos) end = yaml.size();
    std::string_view l(yaml.data() + start, end - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (!l.empty() && l[0] != ' ' && l[0] != '\t' && l[0] != '#' && l[0] != '-' &&
        l[0] != '{' && l[0] != '[' && l.substr(0, 3) != "...") {
      size_t colon = l.find(':');
      while (colon != std::string_view::npos && colon + 1 < l.size() && l[colon + 1] != ' ' &&
             l[colon + 1] != '\t') {
        colon = l.find(':', colon + 1);
      }
      if (colon != std::string_view::npos) {
        std::string key(ingest_util::Trim(l.substr(0, colon)));
        if (key.size() >= 2 && (key[0] == '"' || key[0] == '\'') && key.back() == key[0]) {
          key = key.substr(1, key.size() - 2);
        }
        auto [it, fresh] = seen.emplace(key, line);
        if (!fresh && !key.empty()) {
          diags->push_back(Diag(source, line, "warning", "duplicate_key",
                                "key '" + key + "' repeats the one on line " +
                                    std::to_string(it->second) + "; the first value is used"));
        }
      }
    }
    ++line;
    start = end + 1;
  }
}

}  // namespace

CardFields ParseCardText(std::string_view text, const std::string& source) {
  return ParseCardTextWith(text, source, true);
}

CardFields ParseCardTextWith(std::string_view text, const std::string& source, bool fast_path) {
  CardFields f;
  std::string_view yaml;
  int first_line = 2, open_line = 1;
  Fence fence = FindFrontMatter(text, &yaml, &first_line, &open_line);
  if (fence == Fence::kNone) {
    f.diagnostics.push_back(Diag(source, 1, "warning", "no_front_matter",
                                 "no YAML front matter (the card declares no metadata)"));
    return f;
  }
  if (fence == Fence::kUnterminated) {
    f.diagnostics.push_back(Diag(source, open_line, "error", "unterminated_front_matter",
                                 "front matter opened with '---' is never closed; "
                                 "metadata ignored"));
    return f;
  }
  std::string clean;
  int bad_line = ingest_util::FixUtf8(yaml, &clean);
  if (bad_line > 0) {
    f.diagnostics.push_back(Diag(source, first_line + bad_line - 1, "warning", "encoding",
                                 "invalid UTF-8 byte; replaced with U+FFFD"));
  }
  // A NUL is not YAML (yaml-cpp would turn it into \x07): it becomes U+FFFD,
  // with a warning, on both reading paths.
  for (size_t at = clean.find('\0'); at != std::string::npos; at = clean.find('\0', at)) {
    int line = first_line + static_cast<int>(std::count(clean.begin(), clean.begin() + at, '\n'));
    f.diagnostics.push_back(Diag(source, line, "warning", "encoding",
                                 "NUL byte in front matter; replaced with U+FFFD"));
    clean.replace(at, 1, "\xEF\xBF\xBD");
  }
  WarnDuplicateKeys(clean, first_line, source, &f.diagnostics);
  if (fast_path) {
    CardFields fast;
    fast.diagnostics = f.diagnostics;
    if (FastParseFrontMatter(clean, first_line, source, &fast)) return fast;
  }
  YAML::Node root;
  try {
    root = YAML::Load(clean);
  } catch (const YAML::Exception& e) {
    int line = e.mark.line >= 0 ? first_line + e.mark.line : open_line;
    f.diagnostics.push_back(Diag(source, line, "error", "yaml",
                                 "malformed YAML front matter: " + e.msg + "; metadata ignored"));
    return f;
  }
  if (!root || root.IsNull()) return f;
  if (!root.IsMap()) {
    f.diagnostics.push_back(Diag(source, first_line, "error", "yaml",
                                 "front matter is not a mapping of keys; metadata ignored"));
    return f;
  }
  try {
    // Only top-level keys are lineage: a tool's own nested base_model is not.
    ReadList(root["base_model"], first_line, source, "base_model", &f.base_models,
             &f.diagnostics);
    ReadList(root["datasets"], first_line, source, "datasets", &f.datasets, &f.diagnostics);
    auto value = [&](const char* key, CardFields::Value* out) {
      YAML::Node n = root[key];
      if (!n || n.IsNull()) return;
      if (n.IsSequence()) {
        std::vector<std::string> parts = Strings(n);
        std::string joined;
        for (const auto& p : parts) joined += (joined.empty() ? "" : "; ") + p;
        *out = {joined, LineOf(n, first_line)};
        return;
      }
      *out = {Scalar(n), LineOf(n, first_line)};
    };
    value("base_model_relation", &f.base_model_relation);
    value("license", &f.license);
    value("license_name", &f.license_name);
    value("license_link", &f.license_link);
    f.languages = Strings(root["language"]);
    f.tags = Strings(root["tags"]);
    f.pipeline_tag = Scalar(root["pipeline_tag"]);
    f.library_name = Scalar(root["library_name"]);
    f.new_version = Scalar(root["new_version"]);
  } catch (const YAML::Exception& e) {
    f.diagnostics.push_back(Diag(source, first_line + std::max(0, e.mark.line), "error", "yaml",
                                 "cannot read front matter: " + e.msg));
  }
  return f;
}

Relation InferRelation(size_t base_count, const std::vector<std::string>& tags,
                       const std::string& library_name, const std::string& id) {
  if (base_count > 1) return Relation::kMerge;
  std::string lib = IdKey(library_name);
  std::string name = IdKey(id.substr(id.find('/') == std::string::npos ? 0 : id.find('/') + 1));
  std::set<std::string> t;
  for (const auto& tag : tags) t.insert(IdKey(tag));
  static const char* kQuantTags[] = {"gguf", "gptq", "awq", "exl2", "exl3", "bitsandbytes",
                                     "4-bit", "8-bit", "4bit", "8bit", "int4", "int8", "fp8",
                                     "quantized", "hqq", "aqlm", "bnb", "ggml", "nf4"};
  for (const char* q : kQuantTags) {
    if (t.count(q)) return Relation::kQuantized;
  }
  if (lib == "gguf" || lib == "ggml" || lib == "exllamav2" || lib == "bitsandbytes") {
    return Relation::kQuantized;
  }
  if (ContainsAny(name, {"gguf", "gptq", "-awq", "_awq", "exl2", "exl3", "bnb-4bit", "bnb-8bit",
                         "-4bit", "-8bit", "-int4", "-int8", "-fp8", "-nf4", "-ggml", "quantized",
                         "-q4_k_m", "-q8_0"})) {
    return Relation::kQuantized;
  }
  if (lib == "peft" || t.count("lora") || t.count("peft") || t.count("qlora") ||
      t.count("adapter") || t.count("adapters")) {
    return Relation::kAdapter;
  }
  return Relation::kFinetune;
}

DocumentFacts BuildCardFacts(const CardFields& f, const std::string& id, const std::string& source,
                             const std::string& evidence_kind) {
  DocumentFacts facts;
  facts.diagnostics = f.diagnostics;
  Artifact a;
  a.id = id;
  a.kind = ArtifactKind::kModel;
  size_t slash = id.find('/');
  a.author = slash == std::string::npos ? std::string() : id.substr(0, slash);
  a.license = f.license.text;
  a.license_name = f.license_name.text;
  a.license_link = f.license_link.text;
  a.pipeline_tag = f.pipeline_tag;
  a.library_name = f.library_name;
  a.new_version = f.new_version;
  a.tags = f.tags;
  a.languages = f.languages;
  a.created_at = f.created_at;
  a.source = source;
  a.declared = true;
  std::string own_key = IdKey(id);

  // Bases: parse, drop duplicates, keep what is a Hub id.
  struct Base {
    std::string id;
    bool qualified;
    CardFields::Value raw;
  };
  std::vector<Base> bases;
  std::set<std::string> seen;
  for (const auto& v : f.base_models) {
    auto ref = ParseHubRef(v.text);
    if (!ref.ok()) {
      facts.diagnostics.push_back(Diag(source, v.line, "warning", "bad_base_model",
                                       "base_model: " + ref.status().message()));
      continue;
    }
    if (ref->kind != ArtifactKind::kModel) {
      facts.diagnostics.push_back(Diag(source, v.line, "warning", "bad_base_model",
                                       "base_model '" + v.text + "' names a dataset"));
      continue;
    }
    std::string key = IdKey(ref->id);
    if (key == own_key) {
      facts.diagnostics.push_back(Diag(source, v.line, "warning", "self_reference",
                                       "base_model names the model itself ('" + v.text + "')"));
      continue;
    }
    if (!seen.insert(key).second) {
      facts.diagnostics.push_back(Diag(source, v.line, "warning", "duplicate_base_model",
                                       "base_model '" + v.text + "' is listed twice"));
      continue;
    }
    bases.push_back({ref->id, ref->qualified, v});
  }

  Relation relation;
  bool inferred = false;
  std::optional<Relation> declared;
  if (!f.base_model_relation.text.empty()) {
    declared = ParseRelation(f.base_model_relation.text);
    if (!declared) {
      facts.diagnostics.push_back(Diag(source, f.base_model_relation.line, "warning",
                                       "bad_relation",
                                       "base_model_relation '" + f.base_model_relation.text +
                                           "' is not a known relation; inferred instead"));
    }
  }
  if (declared) {
    relation = *declared;
  } else {
    relation = InferRelation(bases.size(), f.tags, f.library_name, id);
    inferred = true;
  }
  for (const Base& b : bases) {
    Evidence ev;
    ev.kind = evidence_kind;
    ev.source = source;
    ev.line = b.raw.line;
    ev.detail = b.raw.text;
    ev.relation = relation;
    ev.relation_inferred = inferred;
    ev.confidence = 0.95;
    if (!b.qualified) {
      facts.pending.push_back(PendingRef{b.id, ev});
      continue;
    }
    Edge e;
    e.child = id;
    e.parent = b.id;
    e.relation = relation;
    e.relation_inferred = inferred;
    e.confidence = ev.confidence;
    e.evidence.push_back(ev);
    facts.edges.push_back(std::move(e));
  }
  std::set<std::string> seen_ds;
  for (const auto& v : f.datasets) {
    auto ref = ParseHubRef(v.text);
    if (!ref.ok()) {
      facts.diagnostics.push_back(Diag(source, v.line, "warning", "bad_dataset",
                                       "datasets: " + ref.status().message()));
      continue;
    }
    std::string ds = ref->kind == ArtifactKind::kDataset ? ref->id : "datasets/" + ref->id;
    if (!seen_ds.insert(IdKey(ds)).second) continue;
    Evidence ev;
    ev.kind = evidence_kind == "card.base_model" ? "card.datasets" : evidence_kind;
    ev.source = source;
    ev.line = v.line;
    ev.detail = v.text;
    ev.relation = Relation::kTrainedOn;
    ev.confidence = 0.9;
    Edge e;
    e.child = id;
    e.parent = ds;
    e.relation = Relation::kTrainedOn;
    e.confidence = ev.confidence;
    e.evidence.push_back(ev);
    facts.edges.push_back(std::move(e));
  }
  facts.artifact = std::move(a);
  return facts;
}

}  // namespace lineage
