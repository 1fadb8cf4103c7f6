// What a repository's metadata files say: README.md through the card parser,
// config.json and adapter_config.json through the small JSON reader, and
// LICENSE texts by their titles.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <set>

#include "git/internal.h"
#include "lineage/infer.h"
#include "git/json_scan.h"
#include "ingest/util.h"
#include "lineage/ingest.h"

namespace lineage::git {

namespace {

constexpr double kAdapterConfidence = 0.9;
constexpr double kNameOrPathConfidence = 0.7;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string Join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Training scripts save `_name_or_path` / `base_model_name_or_path` as the
// folder they loaded from; such values are not Hub ids even when they happen
// to have the namespace/name shape.
bool LooksLocal(const std::string& value) {
  std::string v = Trimmed(value);
  if (v.empty()) return true;
  std::string lower = Lower(v);
  if (lower.rfind("http://", 0) == 0 || lower.rfind("https://", 0) == 0 ||
      lower.rfind("hf.co/", 0) == 0 || lower.rfind("huggingface.co/", 0) == 0) {
    return false;
  }
  if (v[0] == '/' || v[0] == '.' || v[0] == '~' || v[0] == '$' ||
      v.find('\\') != std::string::npos || (v.size() > 1 && v[1] == ':')) {
    return true;
  }
  if (std::count(v.begin(), v.end(), '/') > 1) return true;
  size_t slash = lower.find('/');
  if (slash != std::string::npos) {
    static const std::set<std::string> kLocalRoots = {
        "output",      "outputs", "checkpoint", "checkpoints", "ckpt",         "ckpts", "models",
        "model",       "tmp",     "temp",       "data",        "workspace",    "home",  "root",
        "mnt",         "content", "runs",       "results",     "saved_models", "save",  "exp",
        "experiments", "train",   "training",   "weights",     "pretrained",   "cache", "work"};
    if (kLocalRoots.count(lower.substr(0, slash))) return true;
  }
  std::string name = slash == std::string::npos ? lower : lower.substr(slash + 1);
  for (const char* prefix : {"checkpoint-", "checkpoint_", "global_step", "step_", "epoch_"}) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

Diagnostic Diag(const std::string& source, int line, const char* severity, const char* code,
                std::string message) {
  return Diagnostic{source, line, severity, code, std::move(message)};
}

const git_json::Member* StringMember(const git_json::Object& obj, const char* key) {
  auto it = obj.members.find(key);
  if (it == obj.members.end() || it->second.kind != git_json::Member::Kind::kString) {
    return nullptr;
  }
  return &it->second;
}

bool ReadJson(const std::optional<std::string>& text, const std::string& source,
              git_json::Object* out, std::vector<Diagnostic>* diags) {
  if (!text) return false;
  std::string error;
  int line = 0;
  if (!git_json::ParseObject(*text, out, &error, &line)) {
    diags->push_back(Diag(source, line, "error", "json",
                          "malformed JSON: " + error + "; the file's facts are ignored"));
    return false;
  }
  return true;
}

// A declared base from a JSON file: an edge for a Hub id, a pending name for a
// bare one, a diagnostic for anything else. Returns false when no fact came of it.
bool AddJsonBase(const std::string& value, int line, const std::string& source,
                 const std::string& key, Evidence ev, const std::string& own_id, bool warn_local,
                 DocumentFacts* facts) {
  if (LooksLocal(value)) {
    if (warn_local) {
      facts->diagnostics.push_back(
          Diag(source, line, "warning", "local_path",
               key + " '" + value + "' is a local path, not a Hub id; no edge"));
    }
    return false;
  }
  auto ref = ParseHubRef(value);
  if (!ref.ok() || ref->kind != ArtifactKind::kModel) {
    if (warn_local) {
      facts->diagnostics.push_back(Diag(
          source, line, "warning", "bad_base_model",
          key + ": " + (ref.ok() ? "'" + value + "' names a dataset" : ref.status().message())));
    }
    return false;
  }
  if (IdKey(ref->id) == IdKey(own_id)) return false;
  ev.source = source;
  ev.line = line;
  if (!ref->qualified) {
    if (!warn_local) return false;  // a bare name in config.json is too weak to resolve
    facts->pending.push_back(PendingRef{ref->id, ev});
    return true;
  }
  Edge e;
  e.child = own_id;
  e.parent = ref->id;
  e.relation = ev.relation;
  e.relation_inferred = ev.relation_inferred;
  e.confidence = ev.confidence;
  e.evidence.push_back(std::move(ev));
  facts->edges.push_back(std::move(e));
  return true;
}

void DiffList(const std::string& file, const std::string& field,
              const std::vector<std::string>& before, const std::vector<std::string>& after,
              const CommitInfo& c, std::vector<HistoryEntry>* out) {
  std::set<std::string> b, a;
  for (const auto& s : before) b.insert(IdKey(s));
  for (const auto& s : after) a.insert(IdKey(s));
  if (a == b) return;
  HistoryEntry h;
  h.commit = c.id;
  h.date = c.date;
  h.author = c.author;
  h.file = file;
  h.field = field;
  h.old_value = Join(before, ", ");
  h.new_value = Join(after, ", ");
  bool lost = std::any_of(b.begin(), b.end(), [&a](const std::string& k) { return !a.count(k); });
  if (lost) h.finding = a.empty() ? "base_model_removed" : "base_model_replaced";
  out->push_back(std::move(h));
}

}  // namespace

std::string HashHex(std::string_view data) { return ingest_util::HashHex(data); }

std::string RecognizeLicense(std::string_view text) {
  // Titles only: the first few kilobytes, upper-cased, whitespace collapsed.
  std::string t;
  for (char c : text.substr(0, 4096)) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (std::isspace(static_cast<unsigned char>(u))) {
      if (!t.empty() && t.back() != ' ') t.push_back(' ');
    } else {
      t.push_back(u);
    }
  }
  auto has = [&t](const char* s) { return t.find(s) != std::string::npos; };
  struct Rule {
    const char* needle;
    const char* also;  // nullptr: none
    const char* id;
  };
  static constexpr Rule kRules[] = {
      {"LLAMA 4 COMMUNITY LICENSE", nullptr, "llama4"},
      {"LLAMA 3.3 COMMUNITY LICENSE", nullptr, "llama3.3"},
      {"LLAMA 3.2 COMMUNITY LICENSE", nullptr, "llama3.2"},
      {"LLAMA 3.1 COMMUNITY LICENSE", nullptr, "llama3.1"},
      {"LLAMA 3 COMMUNITY LICENSE", nullptr, "llama3"},
      {"LLAMA 2 COMMUNITY LICENSE", nullptr, "llama2"},
      {"GEMMA TERMS OF USE", nullptr, "gemma"},
      {"TONGYI QIANWEN RESEARCH LICENSE", nullptr, "tongyi-qianwen-research"},
      {"TONGYI QIANWEN LICENSE", nullptr, "tongyi-qianwen"},
      {"QWEN RESEARCH LICENSE", nullptr, "qwen-research"},
      {"QWEN LICENSE AGREEMENT", nullptr, "qwen"},
      {"DEEPSEEK LICENSE AGREEMENT", nullptr, "deepseek"},
      {"CREATIVEML OPEN RAIL-M", nullptr, "creativeml-openrail-m"},
      {"BIGCODE OPEN RAIL-M", nullptr, "bigcode-openrail-m"},
      {"APACHE LICENSE", "VERSION 2.0", "apache-2.0"},
      {"GNU AFFERO GENERAL PUBLIC LICENSE", nullptr, "agpl-3.0"},
      {"GNU LESSER GENERAL PUBLIC LICENSE", "VERSION 3", "lgpl-3.0"},
      {"GNU LESSER GENERAL PUBLIC LICENSE", "VERSION 2.1", "lgpl-2.1"},
      {"GNU GENERAL PUBLIC LICENSE", "VERSION 3", "gpl-3.0"},
      {"GNU GENERAL PUBLIC LICENSE", "VERSION 2", "gpl-2.0"},
      {"MOZILLA PUBLIC LICENSE", "2.0", "mpl-2.0"},
      {"ATTRIBUTION-NONCOMMERCIAL-SHAREALIKE 4.0", nullptr, "cc-by-nc-sa-4.0"},
      {"ATTRIBUTION-NONCOMMERCIAL-NODERIVATIVES 4.0", nullptr, "cc-by-nc-nd-4.0"},
      {"ATTRIBUTION-NONCOMMERCIAL 4.0", nullptr, "cc-by-nc-4.0"},
      {"ATTRIBUTION-SHAREALIKE 4.0", nullptr, "cc-by-sa-4.0"},
      {"ATTRIBUTION 4.0 INTERNATIONAL", nullptr, "cc-by-4.0"},
      {"CC0 1.0 UNIVERSAL", nullptr, "cc0-1.0"},
      {"MIT LICENSE", nullptr, "mit"},
      {"PERMISSION IS HEREBY GRANTED, FREE OF CHARGE", nullptr, "mit"},
      {"BSD 3-CLAUSE", nullptr, "bsd-3-clause"},
      {"THIS IS FREE AND UNENCUMBERED SOFTWARE", nullptr, "unlicense"},
  };
  for (const Rule& r : kRules) {
    if (has(r.needle) && (!r.also || has(r.also))) return r.id;
  }
  return "";
}

Meta BuildMeta(const MetaInput& in) {
  Meta m;
  auto src = [&in](const char* file) { return in.repo_path + "/" + file; };
  CardFields fields;
  if (in.readme) {
    fields = ParseCardText(*in.readme, src("README.md"));
  } else {
    fields.diagnostics.push_back(Diag(in.repo_path, 0, "warning", "no_card",
                                      "the repository has no README.md (no model card)"));
  }
  m.facts = BuildCardFacts(fields, in.id, src("README.md"), "card.base_model");
  if (in.readme) m.facts.signals = CardBodySignals(*in.readme, in.id, src("README.md"));
  if (in.config) {
    auto fp = ParseConfigFingerprint(*in.config);
    if (fp.ok() && !fp->empty()) {
      m.facts.signals.push_back(
          Signal{kSignalConfig, EncodeFingerprint(*fp), src("config.json"), 0, "config.json"});
    }
  }
  for (Edge& e : m.facts.edges) {
    for (Evidence& ev : e.evidence) ev.commit = in.commit;
  }
  for (PendingRef& p : m.facts.pending) p.evidence.commit = in.commit;

  // The history compares ids, so a base written as a URL one day and as an id
  // the next is no change.
  std::set<std::string> seen;
  for (const auto& v : fields.base_models) {
    auto ref = ParseHubRef(v.text);
    std::string id = ref.ok() ? ref->id : Trimmed(v.text);
    if (IdKey(id) == IdKey(in.id) || !seen.insert(IdKey(id)).second) continue;
    m.card_bases.push_back(id);
  }
  std::sort(m.card_bases.begin(), m.card_bases.end(),
            [](const std::string& a, const std::string& b) { return IdKey(a) < IdKey(b); });
  m.license = Trimmed(fields.license.text);
  if (Lower(m.license) == "other" && !Trimmed(fields.license_name.text).empty()) {
    m.license += " (" + Trimmed(fields.license_name.text) + ")";
  }

  // adapter_config.json: a PEFT adapter, whose base is declared, not inferred.
  git_json::Object adapter;
  bool is_adapter =
      ReadJson(in.adapter, src("adapter_config.json"), &adapter, &m.facts.diagnostics);
  if (is_adapter) {
    const git_json::Member* base = StringMember(adapter, "base_model_name_or_path");
    const git_json::Member* peft = StringMember(adapter, "peft_type");
    // A card that left its relation to inference is an adapter after all.
    for (Edge& e : m.facts.edges) {
      if (e.relation_inferred && e.relation != Relation::kTrainedOn) {
        e.relation = Relation::kAdapter;
        e.relation_inferred = false;
        for (Evidence& ev : e.evidence) {
          ev.relation = Relation::kAdapter;
          ev.relation_inferred = false;
          ev.detail += " (adapter: the repository has adapter_config.json)";
        }
      }
    }
    for (PendingRef& p : m.facts.pending) {
      if (p.evidence.relation_inferred) {
        p.evidence.relation = Relation::kAdapter;
        p.evidence.relation_inferred = false;
      }
    }
    if (base && !Trimmed(base->text).empty()) {
      m.adapter_base = Trimmed(base->text);
      Evidence ev;
      ev.kind = "adapter_config";
      ev.commit = in.commit;
      ev.detail = "base_model_name_or_path: " + m.adapter_base;
      if (peft && !peft->text.empty()) ev.detail += " (peft_type " + peft->text + ")";
      ev.relation = Relation::kAdapter;
      ev.confidence = kAdapterConfidence;
      AddJsonBase(m.adapter_base, base->line, src("adapter_config.json"), "base_model_name_or_path",
                  ev, in.id, true, &m.facts);
    } else {
      m.facts.diagnostics.push_back(Diag(src("adapter_config.json"), 1, "warning", "no_base",
                                         "adapter_config.json names no base_model_name_or_path"));
    }
  }

  // config.json: `_name_or_path` is where the weights were loaded from when
  // saved, often the base, sometimes a local folder; weaker than the card.
  git_json::Object config;
  if (ReadJson(in.config, src("config.json"), &config, &m.facts.diagnostics)) {
    const git_json::Member* path = StringMember(config, "_name_or_path");
    const git_json::Member* model_type = StringMember(config, "model_type");
    std::vector<std::string> architectures;
    auto arch = config.members.find("architectures");
    if (arch != config.members.end()) architectures = arch->second.items;
    if (model_type && !model_type->text.empty() && m.facts.artifact) {
      auto& tags = m.facts.artifact->tags;
      bool present = std::any_of(tags.begin(), tags.end(), [&](const std::string& t) {
        return IdKey(t) == IdKey(model_type->text);
      });
      // The Hub tags a model with its config's model_type; so do we.
      if (!present) tags.push_back(model_type->text);
    }
    if (path && !Trimmed(path->text).empty()) {
      m.name_or_path = Trimmed(path->text);
      Evidence ev;
      ev.kind = "config.name_or_path";
      ev.commit = in.commit;
      ev.detail = "_name_or_path: " + m.name_or_path;
      std::vector<std::string> about;
      if (!architectures.empty()) about.push_back("architectures " + Join(architectures, ", "));
      if (model_type && !model_type->text.empty())
        about.push_back("model_type " + model_type->text);
      if (!about.empty()) ev.detail += " (" + Join(about, "; ") + ")";
      const Artifact* a = m.facts.artifact ? &*m.facts.artifact : nullptr;
      ev.relation = is_adapter ? Relation::kAdapter
                               : InferRelation(1, a ? a->tags : std::vector<std::string>{},
                                               a ? a->library_name : "", in.id);
      ev.relation_inferred = true;
      ev.confidence = kNameOrPathConfidence;
      AddJsonBase(m.name_or_path, path->line, src("config.json"), "_name_or_path", ev, in.id, false,
                  &m.facts);
    }
  }

  // The relation the card's bases carry, for the history.
  for (const Edge& e : m.facts.edges) {
    if (e.evidence.empty() || e.evidence[0].kind != "card.base_model") continue;
    m.relation = std::string(RelationName(e.relation)) + (e.relation_inferred ? " (inferred)" : "");
    break;
  }
  if (m.relation.empty()) {
    for (const PendingRef& p : m.facts.pending) {
      if (p.evidence.kind != "card.base_model") continue;
      m.relation = std::string(RelationName(p.evidence.relation)) +
                   (p.evidence.relation_inferred ? " (inferred)" : "");
      break;
    }
  }
  return m;
}

void DiffMeta(const Meta& before, const Meta& after, const CommitInfo& c,
              std::vector<HistoryEntry>* out) {
  auto entry = [&](const char* file, const char* field, const std::string& old_value,
                   const std::string& new_value) {
    HistoryEntry h;
    h.commit = c.id;
    h.date = c.date;
    h.author = c.author;
    h.file = file;
    h.field = field;
    h.old_value = old_value;
    h.new_value = new_value;
    return h;
  };
  DiffList("README.md", "base_model", before.card_bases, after.card_bases, c, out);
  if (after.relation != before.relation && !after.relation.empty()) {
    out->push_back(entry("README.md", "relation", before.relation, after.relation));
  }
  if (Lower(before.license) != Lower(after.license)) {
    HistoryEntry h = entry("README.md", "license", before.license, after.license);
    if (!before.license.empty()) {
      h.finding = after.license.empty() ? "license_removed" : "license_changed";
    }
    out->push_back(std::move(h));
  }
  std::vector<std::string> ab_before, ab_after;
  if (!before.adapter_base.empty()) ab_before.push_back(before.adapter_base);
  if (!after.adapter_base.empty()) ab_after.push_back(after.adapter_base);
  DiffList("adapter_config.json", "base_model", ab_before, ab_after, c, out);
  if (before.name_or_path != after.name_or_path) {
    out->push_back(entry("config.json", "name_or_path", before.name_or_path, after.name_or_path));
  }
}

}  // namespace lineage::git
