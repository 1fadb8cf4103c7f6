#include <algorithm>
#include <cctype>
#include <vector>

#include "lineage/artifact.h"

namespace lineage {

namespace {

constexpr const char* kRelationNames[kRelationCount] = {
    "finetune", "adapter",  "quantized", "merge",      "distillation",
    "continued_pretraining", "copy", "component", "trained_on", "depends_on",
    "architecture"};

constexpr const char* kClassNames[kRelationClassCount] = {
    "weights", "redistribution", "knowledge", "component", "architecture", "data", "software"};

bool IsIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

Status CheckPart(std::string_view part, std::string_view whole) {
  if (part.empty()) return Status::InvalidInput("empty name part in '" + std::string(whole) + "'");
  if (part.size() > 96) return Status::InvalidInput("name part longer than 96 characters");
  if (part == "." || part == "..") {
    return Status::InvalidInput("'" + std::string(whole) + "' is not a Hub id");
  }
  for (char c : part) {
    if (!IsIdChar(c)) {
      return Status::InvalidInput("'" + std::string(whole) +
                                  "' is not a Hub id (character '" + std::string(1, c) + "')");
    }
  }
  return Status::Ok();
}

}  // namespace

const char* ArtifactKindName(ArtifactKind kind) {
  switch (kind) {
    case ArtifactKind::kModel: return "model";
    case ArtifactKind::kDataset: return "dataset";
    case ArtifactKind::kSoftware: return "software";
  }
  return "model";
}

const char* RelationName(Relation relation) {
  int i = static_cast<int>(relation);
  return (i >= 0 && i < kRelationCount) ? kRelationNames[i] : "finetune";
}

RelationClass ClassOf(Relation relation) {
  switch (relation) {
    case Relation::kFinetune:
    case Relation::kAdapter:
    case Relation::kMerge:
    case Relation::kContinuedPretraining: return RelationClass::kWeights;
    case Relation::kQuantized:
    case Relation::kCopy: return RelationClass::kRedistribution;
    case Relation::kDistillation: return RelationClass::kKnowledge;
    case Relation::kComponent: return RelationClass::kComponent;
    case Relation::kArchitecture: return RelationClass::kArchitecture;
    case Relation::kTrainedOn: return RelationClass::kData;
    case Relation::kDependsOn: return RelationClass::kSoftware;
  }
  return RelationClass::kWeights;
}

const char* RelationClassName(RelationClass c) {
  int i = static_cast<int>(c);
  return (i >= 0 && i < kRelationClassCount) ? kClassNames[i] : "weights";
}

std::optional<RelationClass> ParseRelationClass(std::string_view name) {
  std::string lower(Trim(name));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (int i = 0; i < kRelationClassCount; ++i) {
    if (lower == kClassNames[i]) return static_cast<RelationClass>(i);
  }
  return std::nullopt;
}

std::optional<Relation> ParseRelation(std::string_view name) {
  std::string lower(Trim(name));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return c == '-' ? '_' : std::tolower(c); });
  for (int i = 0; i < kRelationCount; ++i) {
    if (lower == kRelationNames[i]) return static_cast<Relation>(i);
  }
  if (lower == "fine_tune" || lower == "finetuned") return Relation::kFinetune;
  if (lower == "quantization" || lower == "quantised") return Relation::kQuantized;
  return std::nullopt;
}

std::string IdKey(std::string_view id) {
  // ASCII only, as std::tolower in the "C" locale the tool runs in, without
  // its call per character (inference lowers millions of ids).
  std::string out(id);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return out;
}

Result<HubRef> ParseHubRef(std::string_view text) {
  std::string_view s = Trim(text);
  if (s.empty()) return Status::InvalidInput("empty reference");
  HubRef ref;
  for (std::string_view prefix : {"https://", "http://"}) {
    if (StartsWithNoCase(s, prefix)) {
      s.remove_prefix(prefix.size());
      ref.from_url = true;
    }
  }
  if (StartsWithNoCase(s, "www.")) s.remove_prefix(4);
  bool host = false;
  for (std::string_view h : {"huggingface.co/", "hf.co/"}) {
    if (StartsWithNoCase(s, h)) {
      s.remove_prefix(h.size());
      host = true;
      ref.from_url = true;
      break;
    }
  }
  if (ref.from_url && !host) {
    return Status::InvalidInput("'" + std::string(Trim(text)) + "' is a URL outside huggingface.co");
  }
  if (ref.from_url) {
    // Drop query, fragment and file views such as /tree/main or /blob/main/x.
    size_t cut = s.find_first_of("?#");
    if (cut != std::string_view::npos) s = s.substr(0, cut);
    while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  }
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= s.size()) {
    size_t slash = s.find('/', start);
    if (slash == std::string_view::npos) slash = s.size();
    parts.push_back(s.substr(start, slash - start));
    start = slash + 1;
  }
  if (!parts.empty() && (parts[0] == "datasets" || parts[0] == "spaces") && parts.size() >= 2) {
    if (parts[0] == "spaces") {
      return Status::InvalidInput("'" + std::string(Trim(text)) + "' names a Space, not a model");
    }
    ref.kind = ArtifactKind::kDataset;
    parts.erase(parts.begin());
  }
  if (ref.from_url && parts.size() > 2) {
    static constexpr std::string_view kViews[] = {"tree", "blob", "resolve", "commit",
                                                  "discussions", "raw", "commits"};
    if (std::find(std::begin(kViews), std::end(kViews), parts[2]) != std::end(kViews)) {
      parts.resize(2);
    }
  }
  if (parts.size() > 2) {
    return Status::InvalidInput("'" + std::string(Trim(text)) +
                                "' is not a Hub id (more than namespace/name)");
  }
  for (std::string_view p : parts) {
    Status st = CheckPart(p, Trim(text));
    if (!st.ok()) return st;
  }
  ref.qualified = parts.size() == 2;
  ref.id = ref.qualified ? std::string(parts[0]) + "/" + std::string(parts[1])
                         : std::string(parts[0]);
  if (ref.kind == ArtifactKind::kDataset) ref.id = "datasets/" + ref.id;
  return ref;
}

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int sub = prev[j - 1] + (std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                                       std::tolower(static_cast<unsigned char>(b[j - 1]))
                                   ? 0
                                   : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace lineage
