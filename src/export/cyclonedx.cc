// CycloneDX 1.6 ML-BOM of one model's ancestry. Built as one nlohmann_json
// document (a chain is small) so every string is escaped by the library.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

#include "lineage/export.h"

namespace lineage {

namespace {

using nlohmann::ordered_json;

bool IsUrl(const std::string& s) {
  return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
}

std::string Fixed2(double d) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << d;
  return s.str();
}

std::string BomRef(const Artifact& a) { return std::string(ArtifactKindName(a.kind)) + ":" + a.id; }

const char* ComponentType(ArtifactKind k) {
  switch (k) {
    case ArtifactKind::kModel: return "machine-learning-model";
    case ArtifactKind::kDataset: return "data";
    case ArtifactKind::kSoftware: return "library";
  }
  return "machine-learning-model";
}

// The Hub page of a Hub-style id ("ns/name"), or "" for anything else.
std::string HubUrl(const Artifact& a) {
  if (a.kind == ArtifactKind::kSoftware) return "";
  auto ref = ParseHubRef(a.id);
  if (!ref.ok() || !ref->qualified) return "";
  return std::string("https://huggingface.co/") +
         (a.kind == ArtifactKind::kDataset ? "datasets/" : "") + ref->id;
}

void AddProperty(ordered_json& props, const std::string& name, const std::string& value) {
  if (value.empty()) return;
  props.push_back({{"name", name}, {"value", value}});
}

std::string EvidenceLine(const Evidence& ev) {
  std::string s = ev.kind + " " + ev.source;
  if (ev.line > 0) s += ":" + std::to_string(ev.line);
  if (!ev.commit.empty()) s += " @" + ev.commit.substr(0, 12);
  s += " (confidence " + Fixed2(ev.confidence) + ")";
  if (!ev.detail.empty()) s += ": " + ev.detail;
  return s;
}

// The licence as CycloneDX wants it: an SPDX id when the catalogue gives one
// (an expression when that is a compound), else the licence's name.
ordered_json Licenses(const Artifact& a, const LicenseCatalogue* cat) {
  const LicenseTerms* t =
      cat && !a.license_normalized.empty() ? cat->Find(a.license_normalized) : nullptr;
  std::string url = IsUrl(a.license_link) ? a.license_link : (t && IsUrl(t->url) ? t->url : "");
  ordered_json lic;
  // SPDX ids younger than the licence list CycloneDX 1.6's schema carries go
  // as names, so the BOM validates (tests/cyclonedx_test.cc checks the
  // catalogue against that list).
  static const std::set<std::string> kNotInSchema = {"CreativeML-OpenRAIL-M"};
  if (t && !t->spdx.empty() && !kNotInSchema.count(t->spdx)) {
    if (t->spdx.find(' ') != std::string::npos) {
      return ordered_json::array({{{"expression", t->spdx}}});
    }
    lic["id"] = t->spdx;
  } else {
    std::string name = t ? t->name : "";
    if (name.empty()) name = !a.license_name.empty() ? a.license_name : a.license;
    if (name.empty()) return ordered_json();
    lic["name"] = name;
  }
  if (!url.empty()) lic["url"] = url;
  return ordered_json::array({{{"license", lic}}});
}

// The parts of a component every mention of an artifact shares.
ordered_json Identity(const Artifact& a) {
  ordered_json c;
  c["type"] = ComponentType(a.kind);
  size_t slash = a.id.find('/');
  if (slash != std::string::npos && slash > 0 && slash + 1 < a.id.size()) {
    c["group"] = a.id.substr(0, slash);
    c["name"] = a.id.substr(slash + 1);
  } else {
    c["name"] = a.id;
  }
  if (a.kind == ArtifactKind::kModel && !HubUrl(a).empty()) c["purl"] = "pkg:huggingface/" + a.id;
  return c;
}

struct Parent {
  const Edge* edge;
  const Artifact* artifact;
};

ordered_json Component(const Artifact& a, int depth, const std::vector<Parent>& parents,
                       const CycloneDxOptions& o) {
  ordered_json c = Identity(a);
  ordered_json out;
  // Keys in the schema's order of importance: identity first.
  out["type"] = c["type"];
  out["bom-ref"] = BomRef(a);
  if (!a.organization.empty()) out["supplier"] = {{"name", a.organization}};
  if (c.contains("group")) out["group"] = c["group"];
  out["name"] = c["name"];
  if (ordered_json lic = Licenses(a, o.licenses); !lic.is_null()) out["licenses"] = lic;
  if (c.contains("purl")) out["purl"] = c["purl"];

  ordered_json refs = ordered_json::array();
  if (std::string hub = HubUrl(a); !hub.empty()) {
    refs.push_back({{"type", "website"}, {"url", hub}, {"comment", "Hugging Face Hub page"}});
  }
  if (IsUrl(a.source)) {
    refs.push_back({{"type", a.kind == ArtifactKind::kModel ? "model-card" : "documentation"},
                    {"url", a.source},
                    {"comment", "the record lineage read"}});
  }
  if (IsUrl(a.license_link)) {
    refs.push_back({{"type", "license"}, {"url", a.license_link}, {"comment", "licence link in the card"}});
  }
  if (IsUrl(a.country_source)) {
    refs.push_back({{"type", "evidence"}, {"url", a.country_source},
                    {"comment", "source of the owner's country"}});
  }
  if (!refs.empty()) out["externalReferences"] = refs;

  ordered_json ancestors = ordered_json::array();
  ordered_json datasets = ordered_json::array();
  ordered_json props = ordered_json::array();
  for (const Parent& p : parents) {
    const Edge& e = *p.edge;
    if (p.artifact->kind == ArtifactKind::kDataset && e.relation == Relation::kTrainedOn) {
      datasets.push_back({{"ref", BomRef(*p.artifact)}});
      AddProperty(props, "lineage:trained_on", p.artifact->id);
      for (const auto& ev : e.evidence) {
        AddProperty(props, "lineage:trained_on:evidence", p.artifact->id + ": " + EvidenceLine(ev));
      }
      continue;
    }
    ordered_json anc = Identity(*p.artifact);
    ordered_json ap = ordered_json::array();
    AddProperty(ap, "lineage:ref", BomRef(*p.artifact));
    AddProperty(ap, "lineage:relation", RelationName(e.relation));
    AddProperty(ap, "lineage:class", RelationClassName(ClassOf(e.relation)));
    AddProperty(ap, "lineage:relation_inferred", e.relation_inferred ? "true" : "false");
    AddProperty(ap, "lineage:inferred", e.inferred ? "true" : "false");
    AddProperty(ap, "lineage:confidence", Fixed2(e.confidence));
    ordered_json evrefs = ordered_json::array();
    std::set<std::string> seen_urls;
    for (const auto& ev : e.evidence) {
      AddProperty(ap, "lineage:evidence", EvidenceLine(ev));
      if (IsUrl(ev.source) && seen_urls.insert(ev.source).second) {
        evrefs.push_back({{"type", "evidence"}, {"url", ev.source}, {"comment", ev.kind}});
      }
    }
    if (!evrefs.empty()) anc["externalReferences"] = evrefs;
    anc["properties"] = ap;
    ancestors.push_back(anc);
  }
  if (!ancestors.empty()) out["pedigree"] = {{"ancestors", ancestors}};

  if (a.kind == ArtifactKind::kModel) {
    ordered_json params = ordered_json::object();
    if (!a.pipeline_tag.empty()) params["task"] = a.pipeline_tag;
    if (!datasets.empty()) params["datasets"] = datasets;
    if (!params.empty()) out["modelCard"] = {{"modelParameters", params}};
  } else if (a.kind == ArtifactKind::kDataset) {
    out["data"] = ordered_json::array({{{"type", "dataset"}, {"name", a.id}}});
  }

  AddProperty(props, "lineage:id", a.id);
  AddProperty(props, "lineage:depth", std::to_string(depth));
  AddProperty(props, "lineage:declared", a.declared ? "true" : "false");
  AddProperty(props, "lineage:author", a.author);
  AddProperty(props, "lineage:organization", a.organization);
  AddProperty(props, "lineage:organization_parent", a.organization_parent);
  AddProperty(props, "lineage:country", a.country.empty() ? "unknown" : a.country);
  AddProperty(props, "lineage:country_source", a.country_source);
  AddProperty(props, "lineage:country_source_kind", a.country_source_kind);
  AddProperty(props, "lineage:license", a.license);
  AddProperty(props, "lineage:license_name", a.license_name);
  AddProperty(props, "lineage:license_normalized", a.license_normalized);
  AddProperty(props, "lineage:created_at", a.created_at);
  AddProperty(props, "lineage:library_name", a.library_name);
  if (!IsUrl(a.source)) AddProperty(props, "lineage:source", a.source);
  out["properties"] = props;
  return out;
}

}  // namespace

void WriteCycloneDx(const Subgraph& g, const CycloneDxOptions& o, std::ostream& out) {
  std::map<std::string, const GraphNode*> nodes;
  for (const auto& n : g.nodes) nodes[IdKey(n.artifact.id)] = &n;
  std::map<std::string, std::vector<Parent>> parents;  // child key -> its parents
  for (const auto& e : g.edges) {
    auto p = nodes.find(IdKey(e.parent));
    if (p == nodes.end() || !nodes.count(IdKey(e.child))) continue;
    parents[IdKey(e.child)].push_back({&e, &p->second->artifact});
  }
  for (auto& [k, list] : parents) {
    std::sort(list.begin(), list.end(), [](const Parent& a, const Parent& b) {
      return IdKey(a.artifact->id) < IdKey(b.artifact->id);
    });
  }

  ordered_json bom;
  bom["$schema"] = "http://cyclonedx.org/schema/bom-1.6.schema.json";
  bom["bomFormat"] = "CycloneDX";
  bom["specVersion"] = "1.6";
  bom["version"] = 1;
  ordered_json meta;
  ordered_json tool = {{"type", "application"}, {"name", "lineage"}};
  if (!o.tool_version.empty()) tool["version"] = o.tool_version;
  meta["tools"] = {{"components", ordered_json::array({tool})}};
  ordered_json components = ordered_json::array();
  ordered_json deps = ordered_json::array();
  // g.nodes is sorted by (depth, id key), so the root comes first.
  for (const auto& n : g.nodes) {
    const std::string key = IdKey(n.artifact.id);
    auto it = parents.find(key);
    static const std::vector<Parent> kNone;
    const std::vector<Parent>& ps = it == parents.end() ? kNone : it->second;
    ordered_json c = Component(n.artifact, n.depth, ps, o);
    if (key == IdKey(g.root)) meta["component"] = c;
    else components.push_back(c);
    std::set<std::string> on;
    for (const Parent& p : ps) on.insert(BomRef(*p.artifact));
    deps.push_back({{"ref", BomRef(n.artifact)}, {"dependsOn", ordered_json(on)}});
  }
  ordered_json mprops = ordered_json::array();
  AddProperty(mprops, "lineage:root", g.root);
  AddProperty(mprops, "lineage:data_version", o.data_version);
  AddProperty(mprops, "lineage:edges", std::to_string(g.edges.size()));
  meta["properties"] = mprops;
  bom["metadata"] = meta;
  bom["components"] = components;
  bom["dependencies"] = deps;
  out << bom.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace lineage
