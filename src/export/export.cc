// Writers. JSON goes through nlohmann_json so that every string is escaped
// the way the JSON grammar wants; DOT, GraphML, CSV and SVG escape here.
#include "lineage/export.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace lineage {

namespace {

using nlohmann::ordered_json;

std::string Or(const std::string& s, const char* fallback) { return s.empty() ? fallback : s; }

std::string LicenseText(const Artifact& a) {
  std::string l = a.license;
  if (!a.license_name.empty()) l += (l.empty() ? "" : " ") + std::string("(") + a.license_name + ")";
  if (!a.license_normalized.empty() && IdKey(a.license_normalized) != IdKey(a.license)) {
    l += " = " + a.license_normalized;
  }
  return l;
}

std::string OwnerText(const Artifact& a) {
  std::string who = a.organization.empty() ? a.author : a.organization;
  if (who.empty()) who = "?";
  return who + " \xC2\xB7 " + (a.country.empty() ? "country unknown" : a.country);
}

std::string RelationText(const Edge& e) {
  std::string r = RelationName(e.relation);
  if (e.inferred) {
    std::ostringstream c;
    c << std::fixed << std::setprecision(2) << e.confidence;
    r += " (inferred edge, confidence " + c.str() + ")";
  } else if (e.relation_inferred) {
    r += " (inferred)";
  }
  return r;
}

std::string EvidenceText(const Evidence& ev) {
  std::ostringstream s;
  s << ev.kind << " " << ev.source;
  if (ev.line > 0) s << ":" << ev.line;
  if (!ev.commit.empty()) s << " @" << ev.commit.substr(0, 12);
  s << " (confidence " << std::fixed << std::setprecision(2) << ev.confidence << ")";
  return s.str();
}

ordered_json EvidenceJson(const Evidence& ev) {
  ordered_json j;
  j["kind"] = ev.kind;
  j["source"] = ev.source;
  j["line"] = ev.line;
  if (!ev.commit.empty()) j["commit"] = ev.commit;
  j["detail"] = ev.detail;
  j["relation"] = RelationName(ev.relation);
  j["relation_inferred"] = ev.relation_inferred;
  j["confidence"] = std::round(ev.confidence * 1000) / 1000;
  return j;
}

ordered_json EdgeJson(const Edge& e) {
  ordered_json j;
  j["child"] = e.child;
  j["parent"] = e.parent;
  j["relation"] = RelationName(e.relation);
  j["class"] = RelationClassName(ClassOf(e.relation));
  j["relation_inferred"] = e.relation_inferred;
  j["confidence"] = std::round(e.confidence * 1000) / 1000;
  j["inferred"] = e.inferred;
  ordered_json ev = ordered_json::array();
  for (const auto& x : e.evidence) ev.push_back(EvidenceJson(x));
  j["evidence"] = ev;
  return j;
}

ordered_json NullIfEmpty(const std::string& s) { return s.empty() ? ordered_json() : ordered_json(s); }

ordered_json ArtifactJson(const Artifact& a) {
  ordered_json j;
  j["id"] = a.id;
  j["kind"] = ArtifactKindName(a.kind);
  j["author"] = a.author;
  j["organization"] = NullIfEmpty(a.organization);
  j["country"] = NullIfEmpty(a.country);
  j["country_source"] = NullIfEmpty(a.country_source);
  j["country_source_kind"] = NullIfEmpty(a.country_source_kind);
  j["organization_parent"] = NullIfEmpty(a.organization_parent);
  j["license"] = NullIfEmpty(a.license);
  j["license_name"] = NullIfEmpty(a.license_name);
  j["license_link"] = NullIfEmpty(a.license_link);
  j["license_normalized"] = NullIfEmpty(a.license_normalized);
  j["created_at"] = NullIfEmpty(a.created_at);
  j["pipeline_tag"] = NullIfEmpty(a.pipeline_tag);
  j["library_name"] = NullIfEmpty(a.library_name);
  j["source"] = NullIfEmpty(a.source);
  j["declared"] = a.declared;
  // Popularity as a Hub dump gave it; null when no dump did.
  auto count = [](int64_t n) { return n >= 0 ? ordered_json(n) : ordered_json(); };
  j["downloads"] = count(a.downloads);
  j["downloads_all_time"] = count(a.downloads_all_time);
  j["likes"] = count(a.likes);
  j["last_modified"] = NullIfEmpty(a.last_modified);
  return j;
}

void Dump(const ordered_json& j, std::ostream& out) {
  out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

// Colours for the bloc of a node's country; blocs beyond the palette cycle.
const char* kBlocColors[] = {"#ffd8d8", "#d6e6ff", "#dff5d8", "#fff0c2", "#eadcff", "#d9f3f3",
                             "#ffe3cc", "#f0f0f0"};

struct RelationStyle {
  const char* style;
  const char* color;
  const char* arrow;
};
RelationStyle StyleOf(Relation r) {
  switch (r) {
    case Relation::kFinetune: return {"solid", "#222222", "normal"};
    case Relation::kAdapter: return {"dashed", "#1f5fbf", "normal"};
    case Relation::kQuantized: return {"dotted", "#777777", "normal"};
    case Relation::kMerge: return {"bold", "#7b2cbf", "normal"};
    case Relation::kDistillation: return {"dashed", "#d9480f", "vee"};
    case Relation::kContinuedPretraining: return {"solid", "#2b8a3e", "normal"};
    case Relation::kCopy: return {"dotted", "#c92a2a", "empty"};
    case Relation::kComponent: return {"dashed", "#8d6e63", "odiamond"};
    case Relation::kTrainedOn: return {"dotted", "#0b7285", "onormal"};
    case Relation::kDependsOn: return {"dotted", "#495057", "onormal"};
    case Relation::kArchitecture: return {"dashed", "#5c940d", "odot"};
  }
  return {"solid", "#222222", "normal"};
}

const char* ShapeOf(ArtifactKind k) {
  switch (k) {
    case ArtifactKind::kModel: return "box";
    case ArtifactKind::kDataset: return "cylinder";
    case ArtifactKind::kSoftware: return "component";
  }
  return "box";
}

std::string Quote(const std::string& s) { return "\"" + DotEscape(s) + "\""; }

}  // namespace

std::string DotEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': break;
      // Graphviz reads entities in labels: brackets and ampersands stay literal.
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string CsvField(const std::string& s) {
  bool quote = s.find_first_of(",\"\n\r") != std::string::npos;
  // A leading =, +, - or @ would run as a formula in a spreadsheet.
  bool formula = !s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                                s[0] == '\t' || s[0] == '\r');
  std::string body = formula ? "'" + s : s;
  if (!quote) return body;
  std::string out = "\"";
  for (char c : body) {
    if (c == '"') out += "\"\"";
    else out += c;
  }
  return out + "\"";
}

// --- show --------------------------------------------------------------------------

void WriteShowText(const Artifact& a, const std::vector<Edge>& parents,
                   const std::vector<Edge>& children, std::ostream& out,
                   int64_t children_total) {
  out << a.id << "\n";
  auto row = [&out](const char* k, const std::string& v) {
    if (!v.empty()) out << "  " << std::left << std::setw(15) << k << v << "\n";
  };
  row("kind:", ArtifactKindName(a.kind));
  row("namespace:", a.author);
  row("organization:", Or(a.organization, "unknown"));
  row("part of:", a.organization_parent);
  row("country:", a.country.empty() ? "unknown"
                                    : a.country + (a.country_source.empty()
                                                       ? ""
                                                       : "  (source" +
                                                             (a.country_source_kind.empty()
                                                                  ? std::string()
                                                                  : ", " + a.country_source_kind) +
                                                             ": " + a.country_source + ")"));
  row("licence:", Or(LicenseText(a), "none declared"));
  if (!a.license_link.empty()) row("licence link:", a.license_link);
  row("created:", Or(a.created_at, "unknown"));
  row("pipeline:", a.pipeline_tag);
  row("library:", a.library_name);
  if (!a.declared) row("record:", "none (known only because another model names it)");
  row("source:", a.source);
  out << "  parents (" << parents.size() << "):\n";
  for (const auto& e : parents) {
    out << "    " << RelationText(e) << " -> " << e.parent << "\n";
    for (const auto& ev : e.evidence) {
      out << "        evidence: " << EvidenceText(ev) << "\n";
      if (e.inferred && !ev.detail.empty()) out << "          " << ev.detail << "\n";
    }
  }
  int64_t total = std::max<int64_t>(children_total, static_cast<int64_t>(children.size()));
  out << "  children (" << total << "):\n";
  for (const auto& e : children) {
    out << "    " << e.child << " (" << RelationText(e) << ")\n";
  }
  if (total > static_cast<int64_t>(children.size())) {
    out << "    ... and " << total - static_cast<int64_t>(children.size()) << " more\n";
  }
}

void WriteShowJson(const Artifact& a, const std::vector<Edge>& parents,
                   const std::vector<Edge>& children, std::ostream& out,
                   int64_t children_total) {
  ordered_json j = ArtifactJson(a);
  ordered_json p = ordered_json::array(), c = ordered_json::array();
  for (const auto& e : parents) p.push_back(EdgeJson(e));
  for (const auto& e : children) c.push_back(EdgeJson(e));
  j["parents"] = p;
  j["children"] = c;
  j["children_total"] =
      std::max<int64_t>(children_total, static_cast<int64_t>(children.size()));
  Dump(j, out);
}

// --- graph-shaped ------------------------------------------------------------------

void WriteTreeText(const Subgraph& g, bool upward, std::ostream& out) {
  std::unordered_map<std::string, const Artifact*> nodes;
  for (const auto& n : g.nodes) nodes[IdKey(n.artifact.id)] = &n.artifact;
  std::unordered_map<std::string, std::vector<const Edge*>> next;
  for (const auto& e : g.edges) next[IdKey(upward ? e.child : e.parent)].push_back(&e);
  auto describe = [&](const std::string& id) {
    auto it = nodes.find(IdKey(id));
    if (it == nodes.end()) return id;
    const Artifact& a = *it->second;
    std::string lic = LicenseText(a);
    return a.id + "  [" + OwnerText(a) + " \xC2\xB7 " + (lic.empty() ? "no licence declared" : lic) + "]";
  };
  std::unordered_set<std::string> printed;
  std::function<void(const std::string&, const std::string&, int)> walk =
      [&](const std::string& id, const std::string& indent, int) {
        auto it = next.find(IdKey(id));
        if (it == next.end()) return;
        const auto& list = it->second;
        for (size_t i = 0; i < list.size(); ++i) {
          const Edge& e = *list[i];
          bool last = i + 1 == list.size();
          const std::string& other = upward ? e.parent : e.child;
          bool seen = printed.count(IdKey(other)) > 0;
          out << indent << (last ? "\xE2\x94\x94\xE2\x94\x80 " : "\xE2\x94\x9C\xE2\x94\x80 ")
              << RelationText(e) << (upward ? " of " : " by ") << describe(other)
              << (seen ? "  (shown above)" : "") << "\n";
          std::string child_indent = indent + (last ? "   " : "\xE2\x94\x82  ");
          for (const auto& ev : e.evidence) {
            out << child_indent << "  evidence: " << EvidenceText(ev) << "\n";
          }
          if (!seen) {
            printed.insert(IdKey(other));
            walk(other, child_indent, 0);
          }
        }
      };
  out << describe(g.root) << "\n";
  printed.insert(IdKey(g.root));
  walk(g.root, "", 0);
  size_t count = g.nodes.empty() ? 0 : g.nodes.size() - 1;
  int max_depth = 0;
  for (const auto& n : g.nodes) max_depth = std::max(max_depth, n.depth);
  out << "\n" << count << (upward ? " ancestor" : " descendant") << (count == 1 ? "" : "s")
      << ", " << g.edges.size() << " edge" << (g.edges.size() == 1 ? "" : "s") << ", depth "
      << max_depth << "\n";
}

namespace {

// Streaming JSON for large graphs: the structure is written here, every
// string and number through nlohmann_json so escaping stays the library's.
// Strings of printable ASCII without quote or backslash, the common case,
// are written as they are (what nlohmann_json writes for them); anything else
// goes through the library.
std::string J(const std::string& s) {
  bool plain = std::all_of(s.begin(), s.end(), [](char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
  if (plain) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    out += s;
    out += '"';
    return out;
  }
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
std::string JOpt(const std::string& s) { return s.empty() ? "null" : J(s); }
// Confidences are in [0, 1] with three decimals: 0.0, 0.95, 1.0, written as
// nlohmann_json writes those doubles (shortest form, ".0" on whole numbers).
std::string JNum(double d) {
  double r = std::round(d * 1000) / 1000;
  if (r >= 0 && r <= 1) {
    int k = static_cast<int>(std::lround(r * 1000));
    if (k == 0) return "0.0";
    if (k == 1000) return "1.0";
    char buf[8] = {'0', '.', static_cast<char>('0' + k / 100), static_cast<char>('0' + k / 10 % 10),
                   static_cast<char>('0' + k % 10), 0};
    size_t n = 5;
    while (buf[n - 1] == '0') --n;
    return std::string(buf, n);
  }
  return nlohmann::json(r).dump();
}

void StreamEvidence(const Evidence& ev, std::ostream& out) {
  out << "{\"kind\": " << J(ev.kind) << ", \"source\": " << J(ev.source)
      << ", \"line\": " << ev.line;
  if (!ev.commit.empty()) out << ", \"commit\": " << J(ev.commit);
  out << ", \"detail\": " << J(ev.detail) << ", \"relation\": \"" << RelationName(ev.relation)
      << "\", \"relation_inferred\": " << (ev.relation_inferred ? "true" : "false")
      << ", \"confidence\": " << JNum(ev.confidence) << "}";
}

}  // namespace

void WriteGraphJson(const Subgraph& g, std::ostream& out) {
  out << "{\n  \"root\": " << JOpt(g.root) << ",\n  \"nodes\": [";
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Artifact& a = g.nodes[i].artifact;
    out << (i ? ",\n    " : "\n    ") << "{\"id\": " << J(a.id)
        << ", \"depth\": " << g.nodes[i].depth << ", \"kind\": \"" << ArtifactKindName(a.kind)
        << "\", \"author\": " << J(a.author) << ", \"organization\": " << JOpt(a.organization)
        << ", \"country\": " << JOpt(a.country) << ", \"country_source\": " << JOpt(a.country_source)
        << ", \"country_source_kind\": " << JOpt(a.country_source_kind)
        << ", \"organization_parent\": " << JOpt(a.organization_parent)
        << ", \"license\": " << JOpt(a.license) << ", \"license_name\": " << JOpt(a.license_name)
        << ", \"license_link\": " << JOpt(a.license_link)
        << ", \"license_normalized\": " << JOpt(a.license_normalized)
        << ", \"created_at\": " << JOpt(a.created_at) << ", \"pipeline_tag\": " << JOpt(a.pipeline_tag)
        << ", \"library_name\": " << JOpt(a.library_name) << ", \"source\": " << JOpt(a.source)
        << ", \"declared\": " << (a.declared ? "true" : "false") << "}";
  }
  out << (g.nodes.empty() ? "],\n" : "\n  ],\n") << "  \"edges\": [";
  for (size_t i = 0; i < g.edges.size(); ++i) {
    const Edge& e = g.edges[i];
    out << (i ? ",\n    " : "\n    ") << "{\"child\": " << J(e.child) << ", \"parent\": " << J(e.parent)
        << ", \"relation\": \"" << RelationName(e.relation)
        << "\", \"class\": \"" << RelationClassName(ClassOf(e.relation))
        << "\", \"relation_inferred\": " << (e.relation_inferred ? "true" : "false")
        << ", \"confidence\": " << JNum(e.confidence)
        << ", \"inferred\": " << (e.inferred ? "true" : "false") << ", \"evidence\": [";
    for (size_t k = 0; k < e.evidence.size(); ++k) {
      if (k) out << ", ";
      StreamEvidence(e.evidence[k], out);
    }
    out << "]}";
  }
  out << (g.edges.empty() ? "]\n}\n" : "\n  ]\n}\n");
}

void WriteGraphCsv(const Subgraph& g, std::ostream& out) {
  std::unordered_map<std::string, const GraphNode*> nodes;
  for (const auto& n : g.nodes) nodes[IdKey(n.artifact.id)] = &n;
  out << "child,child_country,parent,parent_country,parent_depth,relation,relation_inferred,"
         "confidence,evidence\n";
  for (const auto& e : g.edges) {
    auto country = [&](const std::string& id) {
      auto it = nodes.find(IdKey(id));
      return it == nodes.end() ? std::string() : it->second->artifact.country;
    };
    auto depth = [&](const std::string& id) {
      auto it = nodes.find(IdKey(id));
      return it == nodes.end() ? std::string() : std::to_string(it->second->depth);
    };
    std::string ev;
    for (const auto& x : e.evidence) ev += (ev.empty() ? "" : "; ") + EvidenceText(x);
    std::ostringstream conf;
    conf << std::fixed << std::setprecision(2) << e.confidence;
    out << CsvField(e.child) << "," << CsvField(country(e.child)) << "," << CsvField(e.parent)
        << "," << CsvField(country(e.parent)) << "," << depth(e.parent) << ","
        << RelationName(e.relation) << "," << (e.relation_inferred ? "true" : "false") << ","
        << conf.str() << "," << CsvField(ev) << "\n";
  }
}

void WriteDot(const Subgraph& g, const DotOptions& o, std::ostream& out) {
  // West blue and cn red in every picture; other blocs take the remaining
  // colours in name order. Only blocs present in the graph reach the legend.
  std::map<std::string, const char*> bloc_color;
  std::set<std::string> present;
  for (const auto& n : g.nodes) {
    std::string b = BlocOf(o.blocs, n.artifact.country);
    if (!b.empty()) present.insert(b);
  }
  size_t next = 2;
  for (const auto& [name, countries] : o.blocs) {
    if (!present.count(name)) continue;
    if (name == "west") bloc_color[name] = kBlocColors[1];
    else if (name == "cn") bloc_color[name] = kBlocColors[0];
    else bloc_color[name] = kBlocColors[next++ % (sizeof kBlocColors / sizeof *kBlocColors)];
  }
  auto color_of = [&](const Artifact& a) -> std::string {
    std::string b = BlocOf(o.blocs, a.country);
    return b.empty() ? "#ffffff" : bloc_color[b];
  };
  out << "digraph lineage {\n";
  out << "  graph [rankdir=BT, fontname=\"Helvetica\", fontsize=12, labelloc=t, label="
      << Quote(o.title.empty() ? "lineage: " + g.root : o.title) << "];\n";
  out << "  node [fontname=\"Helvetica\", fontsize=10, style=\"filled\", fillcolor=\"#ffffff\"];\n";
  out << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  std::vector<const GraphNode*> nodes;
  for (const auto& n : g.nodes) nodes.push_back(&n);
  std::sort(nodes.begin(), nodes.end(), [](const GraphNode* a, const GraphNode* b) {
    return IdKey(a->artifact.id) < IdKey(b->artifact.id);
  });
  auto node_line = [&](const GraphNode& n, const std::string& indent) {
    const Artifact& a = n.artifact;
    std::string label = a.id + "\n" + OwnerText(a);
    std::string lic = LicenseText(a);
    if (!lic.empty()) label += "\n" + lic;
    out << indent << Quote(IdKey(a.id)) << " [label=" << Quote(label) << ", shape=" << ShapeOf(a.kind)
        << ", fillcolor=\"" << color_of(a) << "\"" << (IdKey(a.id) == IdKey(g.root) ? ", penwidth=2.5" : "")
        << (a.declared ? "" : ", color=\"#999999\", fontcolor=\"#555555\"") << "];\n";
  };
  if (o.cluster_by_organization) {
    std::map<std::string, std::vector<const GraphNode*>> clusters;
    for (const auto* n : nodes) {
      const Artifact& a = n->artifact;
      std::string org = a.organization.empty() ? a.author : a.organization;
      clusters[org + (a.country.empty() ? "" : " (" + a.country + ")")].push_back(n);
    }
    int i = 0;
    for (const auto& [name, members] : clusters) {
      out << "  subgraph cluster_" << i++ << " {\n    label=" << Quote(name)
          << ";\n    style=\"rounded\";\n    color=\"#bbbbbb\";\n";
      for (const auto* n : members) node_line(*n, "    ");
      out << "  }\n";
    }
  } else {
    for (const auto* n : nodes) node_line(*n, "  ");
  }
  std::set<Relation> used;
  for (const auto& e : g.edges) {
    RelationStyle st = StyleOf(e.relation);
    used.insert(e.relation);
    std::string label = RelationName(e.relation);
    if (e.relation_inferred) label += "?";
    auto mark = o.marked_edges.find(IdKey(e.child) + "\t" + IdKey(e.parent));
    out << "  " << Quote(IdKey(e.child)) << " -> " << Quote(IdKey(e.parent)) << " [label="
        << Quote(mark == o.marked_edges.end() ? label : label + "\n" + mark->second)
        << ", style=" << st.style << ", color=\""
        << (mark == o.marked_edges.end() ? st.color : "#e03131") << "\", arrowhead=" << st.arrow
        << (mark == o.marked_edges.end() ? "" : ", penwidth=2") << "];\n";
  }
  // Legend: the relations drawn and the bloc colours.
  out << "  subgraph cluster_legend {\n    label=\"legend\";\n    fontsize=10;\n"
         "    style=\"rounded\";\n    color=\"#cccccc\";\n";
  int k = 0;
  for (Relation r : used) {
    RelationStyle st = StyleOf(r);
    out << "    \"legend_rel_" << k << "_a\" [label=\"\", shape=point, width=0.05];\n";
    out << "    \"legend_rel_" << k << "_b\" [label=" << Quote(RelationName(r))
        << ", shape=plaintext, style=\"\"];\n";
    out << "    \"legend_rel_" << k << "_a\" -> \"legend_rel_" << k << "_b\" [style=" << st.style
        << ", color=\"" << st.color << "\", arrowhead=" << st.arrow << "];\n";
    ++k;
  }
  for (const auto& [bloc, color] : bloc_color) {
    out << "    " << Quote("legend_bloc_" + bloc) << " [label=" << Quote("bloc: " + bloc)
        << ", shape=box, fillcolor=\"" << color << "\"];\n";
  }
  out << "    \"legend_bloc_unknown\" [label=\"country unknown or no bloc\", shape=box, "
         "fillcolor=\"#ffffff\"];\n";
  if (!o.marked_edges.empty()) {
    out << "    \"legend_marked\" [label=\"red edge: licence finding\", shape=plaintext, "
           "style=\"\", fontcolor=\"#e03131\"];\n";
  }
  out << "  }\n}\n";
}

void WriteGraphml(const Subgraph& g, std::ostream& out) {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n";
  const char* node_keys[] = {"kind", "author", "organization", "country", "license", "created_at",
                             "depth"};
  for (const char* k : node_keys) {
    out << "  <key id=\"" << k << "\" for=\"node\" attr.name=\"" << k << "\" attr.type=\""
        << (std::string(k) == "depth" ? "int" : "string") << "\"/>\n";
  }
  out << "  <key id=\"relation\" for=\"edge\" attr.name=\"relation\" attr.type=\"string\"/>\n"
         "  <key id=\"confidence\" for=\"edge\" attr.name=\"confidence\" attr.type=\"double\"/>\n"
         "  <key id=\"evidence\" for=\"edge\" attr.name=\"evidence\" attr.type=\"string\"/>\n";
  out << "  <graph id=\"lineage\" edgedefault=\"directed\">\n";
  std::vector<const GraphNode*> nodes;
  for (const auto& n : g.nodes) nodes.push_back(&n);
  std::sort(nodes.begin(), nodes.end(), [](const GraphNode* a, const GraphNode* b) {
    return IdKey(a->artifact.id) < IdKey(b->artifact.id);
  });
  for (const auto* n : nodes) {
    const Artifact& a = n->artifact;
    out << "    <node id=\"" << XmlEscape(a.id) << "\">\n";
    auto data = [&out](const char* k, const std::string& v) {
      out << "      <data key=\"" << k << "\">" << XmlEscape(v) << "</data>\n";
    };
    data("kind", ArtifactKindName(a.kind));
    data("author", a.author);
    data("organization", a.organization);
    data("country", a.country);
    data("license", LicenseText(a));
    data("created_at", a.created_at);
    data("depth", std::to_string(n->depth));
    out << "    </node>\n";
  }
  for (const auto& e : g.edges) {
    std::string ev;
    for (const auto& x : e.evidence) ev += (ev.empty() ? "" : "; ") + EvidenceText(x);
    out << "    <edge source=\"" << XmlEscape(e.child) << "\" target=\"" << XmlEscape(e.parent)
        << "\">\n      <data key=\"relation\">" << RelationName(e.relation)
        << "</data>\n      <data key=\"confidence\">" << e.confidence
        << "</data>\n      <data key=\"evidence\">" << XmlEscape(ev) << "</data>\n    </edge>\n";
  }
  out << "  </graph>\n</graphml>\n";
}

// --- flows -------------------------------------------------------------------------

namespace {

std::string PathText(const Flow& f) {
  std::string s = f.path.empty() ? "" : f.path[0];
  for (size_t i = 1; i < f.path.size(); ++i) {
    s += " -[" + std::string(RelationName(f.relations[i - 1])) + "]-> " + f.path[i];
  }
  return s;
}

}  // namespace

void WriteFlowsText(const FlowReport& r, std::ostream& out, size_t max_rows) {
  out << "Models in " << r.to << " built on bases from " << r.from << ": " << r.models
      << " model" << (r.models == 1 ? "" : "s") << ", " << r.bases << " base"
      << (r.bases == 1 ? "" : "s") << ", " << r.flows.size() << " path"
      << (r.flows.size() == 1 ? "" : "s") << "\n";
  if (r.flows.empty()) return;
  out << "\n";
  size_t shown = 0;
  for (const auto& f : r.flows) {
    if (max_rows && shown >= max_rows) {
      out << "  ... " << (r.flows.size() - shown) << " more (use --format csv or json for all)\n";
      break;
    }
    ++shown;
    out << "  " << f.model << " [" << Or(f.model_organization, "?") << " \xC2\xB7 "
        << Or(f.model_country, "?") << "]\n      <- " << f.base << " [" << Or(f.base_organization, "?")
        << " \xC2\xB7 " << Or(f.base_country, "?") << "], " << (f.path.size() - 1) << " hop"
        << (f.path.size() == 2 ? "" : "s") << ": " << PathText(f) << "\n";
  }
  auto table = [&out](const char* title, const std::vector<FlowSummaryRow>& rows) {
    out << "\n" << title << "\n";
    size_t n = 0;
    for (const auto& row : rows) {
      if (++n > 15) {
        out << "  ... " << rows.size() - 15 << " more\n";
        break;
      }
      out << "  " << std::right << std::setw(5) << row.models << "  " << row.key << "\n";
    }
  };
  table("By base organization -> derivative organization (models):", r.by_organization);
  table("By base family (models):", r.by_family);
  table("By kind of dependence on the path (models; a model may count in several):", r.by_class);
}

void WriteFlowsJson(const FlowReport& r, std::ostream& out) {
  ordered_json j;
  j["from"] = r.from;
  j["to"] = r.to;
  j["models"] = r.models;
  j["bases"] = r.bases;
  ordered_json flows = ordered_json::array();
  for (const auto& f : r.flows) {
    ordered_json x;
    x["model"] = f.model;
    x["model_organization"] = NullIfEmpty(f.model_organization);
    x["model_country"] = NullIfEmpty(f.model_country);
    x["base"] = f.base;
    x["base_organization"] = NullIfEmpty(f.base_organization);
    x["base_country"] = NullIfEmpty(f.base_country);
    x["family"] = f.family;
    x["path"] = f.path;
    ordered_json rel = ordered_json::array();
    for (auto rr : f.relations) rel.push_back(RelationName(rr));
    x["relations"] = rel;
    flows.push_back(x);
  }
  j["flows"] = flows;
  auto summary = [](const std::vector<FlowSummaryRow>& rows) {
    ordered_json a = ordered_json::array();
    for (const auto& row : rows) a.push_back({{"key", row.key}, {"models", row.models}});
    return a;
  };
  j["by_organization"] = summary(r.by_organization);
  j["by_family"] = summary(r.by_family);
  j["by_class"] = summary(r.by_class);
  Dump(j, out);
}

void WriteFlowsCsv(const FlowReport& r, std::ostream& out) {
  out << "model,model_organization,model_country,base,base_organization,base_country,family,"
         "hops,relations,path\n";
  for (const auto& f : r.flows) {
    std::string rel, path;
    for (auto x : f.relations) rel += (rel.empty() ? "" : " ") + std::string(RelationName(x));
    for (const auto& p : f.path) path += (path.empty() ? "" : " > ") + p;
    out << CsvField(f.model) << "," << CsvField(f.model_organization) << ","
        << CsvField(f.model_country) << "," << CsvField(f.base) << ","
        << CsvField(f.base_organization) << "," << CsvField(f.base_country) << ","
        << CsvField(f.family) << "," << (f.path.size() - 1) << "," << CsvField(rel) << ","
        << CsvField(path) << "\n";
  }
}

// --- timeline ----------------------------------------------------------------------

void WriteTimelineText(const Timeline& t, std::ostream& out) {
  std::string counted;
  for (const auto& c : t.classes) counted += (counted.empty() ? "" : ", ") + c;
  out << "New derivatives per month, by the bloc of their root bases (counted: " << counted
      << " edges)\n\n";
  out << std::left << std::setw(9) << "month";
  for (const auto& b : t.blocs) out << std::right << std::setw(10) << b;
  out << "\n";
  for (const auto& m : t.months) {
    out << std::left << std::setw(9) << m;
    for (const auto& b : t.blocs) {
      auto it = t.counts.at(m).find(b);
      out << std::right << std::setw(10) << (it == t.counts.at(m).end() ? 0 : it->second);
    }
    out << "\n";
  }
  if (t.undated) out << "\n" << t.undated << " derivatives have no creation date and are not shown\n";
  if (!t.by_class.empty()) {
    out << "\nModels with a direct parent, by kind of dependence (all dates; --class to count "
           "another):\n";
    for (const auto& [c, n] : t.by_class) {
      out << "  " << std::right << std::setw(6) << n << "  " << c << "\n";
    }
  }
}

void WriteTimelineCsv(const Timeline& t, std::ostream& out) {
  out << "month";
  for (const auto& b : t.blocs) out << "," << CsvField(b);
  out << "\n";
  for (const auto& m : t.months) {
    out << m;
    for (const auto& b : t.blocs) {
      auto it = t.counts.at(m).find(b);
      out << "," << (it == t.counts.at(m).end() ? 0 : it->second);
    }
    out << "\n";
  }
}

void WriteTimelineSvg(const Timeline& t, const std::string& title, std::ostream& out) {
  const int left = 60, top = 50, bar_w = 18, gap = 6, height = 300;
  int width = left + static_cast<int>(t.months.size()) * (bar_w + gap) + 180;
  int64_t max_total = 1;
  for (const auto& m : t.months) {
    int64_t total = 0;
    for (const auto& [b, c] : t.counts.at(m)) total += c;
    max_total = std::max(max_total, total);
  }
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\""
      << (height + top + 90) << "\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"11\">\n";
  out << "  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out << "  <text x=\"" << left << "\" y=\"24\" font-size=\"14\">" << XmlEscape(title) << "</text>\n";
  out << "  <line x1=\"" << left << "\" y1=\"" << top + height << "\" x2=\""
      << width - 170 << "\" y2=\"" << top + height << "\" stroke=\"#333\"/>\n";
  out << "  <text x=\"" << left - 8 << "\" y=\"" << top + 4 << "\" text-anchor=\"end\">"
      << max_total << "</text>\n";
  out << "  <text x=\"" << left - 8 << "\" y=\"" << top + height << "\" text-anchor=\"end\">0</text>\n";
  std::map<std::string, const char*> color;
  for (size_t i = 0; i < t.blocs.size(); ++i) {
    color[t.blocs[i]] = t.blocs[i] == "unknown" ? "#cccccc" : kBlocColors[i % 7];
  }
  // Stronger tones of the bloc colours so bars read on paper.
  auto fill = [&](const std::string& b) {
    static const std::map<std::string, std::string> kStrong = {
        {"#ffd8d8", "#e8590c"}, {"#d6e6ff", "#1c7ed6"}, {"#dff5d8", "#2f9e44"},
        {"#fff0c2", "#f59f00"}, {"#eadcff", "#7048e8"}, {"#d9f3f3", "#0c8599"},
        {"#ffe3cc", "#d9480f"}, {"#cccccc", "#adb5bd"}};
    auto it = kStrong.find(color[b]);
    return it == kStrong.end() ? std::string("#868e96") : it->second;
  };
  for (size_t i = 0; i < t.months.size(); ++i) {
    int x = left + gap + static_cast<int>(i) * (bar_w + gap);
    double y = top + height;
    for (const auto& b : t.blocs) {
      auto it = t.counts.at(t.months[i]).find(b);
      if (it == t.counts.at(t.months[i]).end() || it->second == 0) continue;
      double h = static_cast<double>(it->second) * height / max_total;
      y -= h;
      out << "  <rect x=\"" << x << "\" y=\"" << std::fixed << std::setprecision(1) << y
          << "\" width=\"" << bar_w << "\" height=\"" << h << "\" fill=\"" << fill(b)
          << "\"><title>" << XmlEscape(t.months[i] + " " + b + ": " + std::to_string(it->second))
          << "</title></rect>\n";
    }
    if (i % 3 == 0 || i + 1 == t.months.size()) {
      out << "  <text transform=\"translate(" << x + bar_w / 2 << "," << top + height + 8
          << ") rotate(60)\">" << XmlEscape(t.months[i]) << "</text>\n";
    }
  }
  int ly = top;
  for (const auto& b : t.blocs) {
    out << "  <rect x=\"" << width - 160 << "\" y=\"" << ly << "\" width=\"12\" height=\"12\" fill=\""
        << fill(b) << "\"/>\n  <text x=\"" << width - 142 << "\" y=\"" << ly + 10 << "\">"
        << XmlEscape("bases from " + b) << "</text>\n";
    ly += 18;
  }
  out << "</svg>\n";
}

// --- licence findings -------------------------------------------------------------

void WriteLicenseFindings(const std::vector<LicenseFinding>& findings, int64_t edges_checked,
                          const std::string& format,
                          const std::function<std::string(const std::string&)>& bloc_of,
                          std::ostream& out) {
  std::map<std::string, int64_t> by_rule, by_blocs;
  for (const auto& f : findings) {
    ++by_rule[std::string(SeverityName(f.severity)) + " " + f.rule];
    if (!f.parent.empty()) ++by_blocs[bloc_of(f.parent) + " -> " + bloc_of(f.child)];
  }
  if (format == "json") {
    ordered_json j;
    j["edges_checked"] = edges_checked;
    ordered_json a = ordered_json::array();
    for (const auto& f : findings) {
      ordered_json x;
      x["severity"] = SeverityName(f.severity);
      x["rule"] = f.rule;
      x["child"] = f.child;
      x["parent"] = NullIfEmpty(f.parent);
      x["relation"] = f.parent.empty() ? ordered_json() : ordered_json(RelationName(f.relation));
      x["child_license"] = NullIfEmpty(f.child_license);
      x["child_license_id"] = NullIfEmpty(f.child_license_id);
      x["parent_license"] = NullIfEmpty(f.parent_license);
      x["parent_license_id"] = NullIfEmpty(f.parent_license_id);
      x["message"] = f.message;
      x["license_urls"] = f.urls;
      ordered_json ev = ordered_json::array();
      for (const auto& e : f.evidence) ev.push_back(EvidenceJson(e));
      x["evidence"] = ev;
      a.push_back(x);
    }
    j["findings"] = a;
    ordered_json r = ordered_json::object();
    for (const auto& [k, n] : by_rule) r[k] = n;
    j["by_rule"] = r;
    ordered_json b = ordered_json::object();
    for (const auto& [k, n] : by_blocs) b[k] = n;
    j["by_blocs"] = b;
    Dump(j, out);
    return;
  }
  if (format == "csv") {
    out << "severity,rule,child,parent,relation,child_license,child_license_id,parent_license,"
           "parent_license_id,message,license_urls,evidence\n";
    for (const auto& f : findings) {
      std::string urls, ev;
      for (const auto& u : f.urls) urls += (urls.empty() ? "" : " ") + u;
      for (const auto& e : f.evidence) ev += (ev.empty() ? "" : "; ") + EvidenceText(e);
      out << SeverityName(f.severity) << "," << f.rule << "," << CsvField(f.child) << ","
          << CsvField(f.parent) << "," << (f.parent.empty() ? "" : RelationName(f.relation)) << ","
          << CsvField(f.child_license) << "," << CsvField(f.child_license_id) << ","
          << CsvField(f.parent_license) << "," << CsvField(f.parent_license_id) << ","
          << CsvField(f.message) << "," << CsvField(urls) << "," << CsvField(ev) << "\n";
    }
    return;
  }
  out << findings.size() << " finding" << (findings.size() == 1 ? "" : "s") << " on "
      << edges_checked << " edge" << (edges_checked == 1 ? "" : "s") << " checked\n\n";
  for (const auto& f : findings) {
    out << SeverityName(f.severity) << " [" << f.rule << "] " << f.child;
    if (!f.parent.empty()) out << " -(" << RelationName(f.relation) << ")-> " << f.parent;
    out << "\n    " << f.message << "\n";
    if (!f.parent.empty()) {
      out << "    licences: " << Or(f.child_license, "none") << " on the derivative, "
          << Or(f.parent_license, "none") << " on the base\n";
    }
    for (const auto& u : f.urls) out << "    licence text: " << u << "\n";
    for (const auto& e : f.evidence) out << "    evidence: " << EvidenceText(e) << "\n";
  }
  out << "\nBy rule:\n";
  for (const auto& [k, n] : by_rule) out << "  " << std::right << std::setw(5) << n << "  " << k << "\n";
  if (!by_blocs.empty()) {
    out << "By bloc (base -> derivative):\n";
    for (const auto& [k, n] : by_blocs) out << "  " << std::right << std::setw(5) << n << "  " << k << "\n";
  }
}

// --- store-wide --------------------------------------------------------------------

void WriteDiagnosticsText(const std::vector<Diagnostic>& d, std::ostream& out) {
  for (const auto& x : d) {
    out << x.source;
    if (x.line > 0) out << ":" << x.line;
    out << ": " << x.severity << ": " << x.message << " [" << x.code << "]\n";
  }
  out << d.size() << " diagnostic" << (d.size() == 1 ? "" : "s") << "\n";
}

void WriteDiagnosticsJson(const std::vector<Diagnostic>& d, std::ostream& out) {
  ordered_json a = ordered_json::array();
  for (const auto& x : d) {
    a.push_back({{"source", x.source}, {"line", x.line}, {"severity", x.severity},
                 {"code", x.code}, {"message", x.message}});
  }
  Dump(ordered_json{{"diagnostics", a}}, out);
}

void WriteDiagnosticsCsv(const std::vector<Diagnostic>& d, std::ostream& out) {
  out << "source,line,severity,code,message\n";
  for (const auto& x : d) {
    out << CsvField(x.source) << "," << x.line << "," << x.severity << "," << x.code << ","
        << CsvField(x.message) << "\n";
  }
}

void WriteStatsText(const StoreStats& s, std::ostream& out) {
  auto pct = [](int64_t a, int64_t b) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(1) << (b ? 100.0 * a / b : 0.0) << "%";
    return o.str();
  };
  out << "artifacts      " << s.artifacts << "  (" << s.by_kind[0] << " models, " << s.by_kind[1]
      << " datasets, " << s.by_kind[2] << " software; " << s.declared
      << " with a record of their own)\n";
  out << "edges          " << s.edges << "  (" << s.inferred_relations
      << " with an inferred relation)\n";
  for (int r = 0; r < kRelationCount; ++r) {
    if (s.edges_by_relation[r]) {
      out << "  " << std::left << std::setw(22) << RelationName(static_cast<Relation>(r))
          << std::right << std::setw(9) << s.edges_by_relation[r] << "\n";
    }
  }
  out << "evidence by kind\n";
  for (const auto& [k, n] : s.evidence_by_kind) {
    out << "  " << std::left << std::setw(22) << k << std::right << std::setw(9) << n << "\n";
  }
  out << "attribution of " << s.models << " models\n";
  out << "  organization known   " << s.models_with_organization << " ("
      << pct(s.models_with_organization, s.models) << ")\n";
  out << "  country known        " << s.models_with_country << " ("
      << pct(s.models_with_country, s.models) << ")\n";
  out << "  licence declared     " << s.models_with_license << " ("
      << pct(s.models_with_license, s.models) << ")\n";
  out << "  creation date        " << s.models_with_date << " (" << pct(s.models_with_date, s.models)
      << ")\n";
  out << "models by country\n";
  size_t n = 0;
  for (const auto& [c, k] : s.models_by_country) {
    if (++n > 12) break;
    out << "  " << std::left << std::setw(22) << (c == "??" ? "unknown" : c) << std::right
        << std::setw(9) << k << "\n";
  }
  out << "organizations  " << s.organizations << "\n";
  out << "diagnostics    " << s.diagnostics << "\n";
  for (const auto& [k, c] : s.diagnostics_by_code) {
    out << "  " << std::left << std::setw(22) << k << std::right << std::setw(9) << c << "\n";
  }
}

void WriteStatsJson(const StoreStats& s, std::ostream& out) {
  ordered_json j;
  j["artifacts"] = s.artifacts;
  j["declared"] = s.declared;
  j["models"] = s.by_kind[0];
  j["datasets"] = s.by_kind[1];
  j["software"] = s.by_kind[2];
  j["edges"] = s.edges;
  j["inferred_relations"] = s.inferred_relations;
  ordered_json rel = ordered_json::object();
  for (int r = 0; r < kRelationCount; ++r) rel[RelationName(static_cast<Relation>(r))] = s.edges_by_relation[r];
  j["edges_by_relation"] = rel;
  ordered_json ev = ordered_json::object();
  for (const auto& [k, n] : s.evidence_by_kind) ev[k] = n;
  j["evidence_by_kind"] = ev;
  j["models_with_organization"] = s.models_with_organization;
  j["models_with_country"] = s.models_with_country;
  j["models_with_license"] = s.models_with_license;
  j["models_with_date"] = s.models_with_date;
  ordered_json bc = ordered_json::object();
  for (const auto& [c, k] : s.models_by_country) bc[c == "??" ? "unknown" : c] = k;
  j["models_by_country"] = bc;
  j["organizations"] = s.organizations;
  j["diagnostics"] = s.diagnostics;
  ordered_json dc = ordered_json::object();
  for (const auto& [k, c] : s.diagnostics_by_code) dc[k] = c;
  j["diagnostics_by_code"] = dc;
  Dump(j, out);
}

void WriteTableText(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  if (rows.empty()) return;
  std::vector<size_t> w(rows[0].size(), 0);
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], std::min<size_t>(r[i].size(), 60));
  }
  for (size_t k = 0; k < rows.size(); ++k) {
    for (size_t i = 0; i < rows[k].size(); ++i) {
      std::string cell = rows[k][i];
      for (char& c : cell) if (c == '\n' || c == '\t') c = ' ';
      out << (i ? "  " : "") << std::left << std::setw(static_cast<int>(w[i])) << cell;
    }
    out << "\n";
    if (k == 0) {
      for (size_t i = 0; i < w.size(); ++i) out << (i ? "  " : "") << std::string(w[i], '-');
      out << "\n";
    }
  }
}

void WriteTableCsv(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) out << (i ? "," : "") << CsvField(r[i]);
    out << "\n";
  }
}

void WriteTableJson(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  ordered_json a = ordered_json::array();
  for (size_t k = 1; k < rows.size(); ++k) {
    ordered_json o;
    for (size_t i = 0; i < rows[k].size() && i < rows[0].size(); ++i) o[rows[0][i]] = rows[k][i];
    a.push_back(o);
  }
  Dump(a, out);
}

}  // namespace lineage
