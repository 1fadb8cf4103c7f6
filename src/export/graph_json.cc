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
// goes through the library. Text is appended to a buffer that is flushed to
// the stream in large pieces: one ostream insertion per field cost more than
// the walk that produced the graph.
void J(std::string* out, const std::string& s) {
  // Every byte looked at without an early exit, so the loop vectorises.
  unsigned bad = 0;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    bad |= static_cast<unsigned>(c < 0x20) | static_cast<unsigned>(c >= 0x7f) |
           static_cast<unsigned>(c == '"') | static_cast<unsigned>(c == '\\');
  }
  if (!bad) {
    *out += '"';
    *out += s;
    *out += '"';
    return;
  }
  *out += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
void JOpt(std::string* out, const std::string& s) {
  if (s.empty()) {
    *out += "null";
  } else {
    J(out, s);
  }
}
// Confidences are in [0, 1] with three decimals: 0.0, 0.95, 1.0, written as
// nlohmann_json writes those doubles (shortest form, ".0" on whole numbers).
void JNum(std::string* out, double d) {
  double r = std::round(d * 1000) / 1000;
  if (r >= 0 && r <= 1) {
    int k = static_cast<int>(std::lround(r * 1000));
    if (k == 0) {
      *out += "0.0";
      return;
    }
    if (k == 1000) {
      *out += "1.0";
      return;
    }
    char buf[8] = {'0', '.', static_cast<char>('0' + k / 100), static_cast<char>('0' + k / 10 % 10),
                   static_cast<char>('0' + k % 10), 0};
    size_t n = 5;
    while (buf[n - 1] == '0') --n;
    out->append(buf, n);
    return;
  }
  *out += nlohmann::json(r).dump();
}
void JBool(std::string* out, bool b) { *out += b ? "true" : "false"; }

void StreamEvidence(const Evidence& ev, std::string* out) {
  *out += "{\"kind\": ";
  J(out, ev.kind);
  *out += ", \"source\": ";
  J(out, ev.source);
  *out += ", \"line\": ";
  *out += std::to_string(ev.line);
  if (!ev.commit.empty()) {
    *out += ", \"commit\": ";
    J(out, ev.commit);
  }
  *out += ", \"detail\": ";
  J(out, ev.detail);
  *out += ", \"relation\": \"";
  *out += RelationName(ev.relation);
  *out += "\", \"relation_inferred\": ";
  JBool(out, ev.relation_inferred);
  *out += ", \"confidence\": ";
  JNum(out, ev.confidence);
  *out += '}';
}

// Writes `buf` to `out` once it holds a large piece, and empties it.
void Flush(std::string* buf, std::ostream& out, bool force = false) {
  if (!force && buf->size() < (1u << 16)) return;
  out.write(buf->data(), static_cast<std::streamsize>(buf->size()));
  buf->clear();
}

}  // namespace

void WriteGraphJson(const Subgraph& g, std::ostream& out) {
  std::string b;
  b.reserve(1u << 17);
  b += "{\n  \"root\": ";
  JOpt(&b, g.root);
  b += ",\n  \"nodes\": [";
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Artifact& a = g.nodes[i].artifact;
    b += i ? ",\n    " : "\n    ";
    b += "{\"id\": ";
    J(&b, a.id);
    b += ", \"depth\": ";
    b += std::to_string(g.nodes[i].depth);
    b += ", \"kind\": \"";
    b += ArtifactKindName(a.kind);
    b += "\", \"author\": ";
    J(&b, a.author);
    b += ", \"organization\": ";
    JOpt(&b, a.organization);
    b += ", \"country\": ";
    JOpt(&b, a.country);
    b += ", \"country_source\": ";
    JOpt(&b, a.country_source);
    b += ", \"country_source_kind\": ";
    JOpt(&b, a.country_source_kind);
    b += ", \"organization_parent\": ";
    JOpt(&b, a.organization_parent);
    b += ", \"license\": ";
    JOpt(&b, a.license);
    b += ", \"license_name\": ";
    JOpt(&b, a.license_name);
    b += ", \"license_link\": ";
    JOpt(&b, a.license_link);
    b += ", \"license_normalized\": ";
    JOpt(&b, a.license_normalized);
    b += ", \"created_at\": ";
    JOpt(&b, a.created_at);
    b += ", \"pipeline_tag\": ";
    JOpt(&b, a.pipeline_tag);
    b += ", \"library_name\": ";
    JOpt(&b, a.library_name);
    b += ", \"source\": ";
    JOpt(&b, a.source);
    b += ", \"declared\": ";
    JBool(&b, a.declared);
    b += '}';
    Flush(&b, out);
  }
  b += g.nodes.empty() ? "],\n" : "\n  ],\n";
  b += "  \"edges\": [";
  for (size_t i = 0; i < g.edges.size(); ++i) {
    const Edge& e = g.edges[i];
    b += i ? ",\n    " : "\n    ";
    b += "{\"child\": ";
    J(&b, e.child);
    b += ", \"parent\": ";
    J(&b, e.parent);
    b += ", \"relation\": \"";
    b += RelationName(e.relation);
    b += "\", \"class\": \"";
    b += RelationClassName(ClassOf(e.relation));
    b += "\", \"relation_inferred\": ";
    JBool(&b, e.relation_inferred);
    b += ", \"confidence\": ";
    JNum(&b, e.confidence);
    b += ", \"inferred\": ";
    JBool(&b, e.inferred);
    b += ", \"evidence\": [";
    for (size_t k = 0; k < e.evidence.size(); ++k) {
      if (k) b += ", ";
      StreamEvidence(e.evidence[k], &b);
    }
    b += "]}";
    Flush(&b, out);
  }
  b += g.edges.empty() ? "]\n}\n" : "\n  ]\n}\n";
  Flush(&b, out, true);
}

}  // namespace lineage
