// Graph-shaped results as JSON, streamed so large graphs need no document in memory.
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

}  // namespace lineage
