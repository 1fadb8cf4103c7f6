// Graph-shaped results as JSON, streamed so large graphs need no document in memory.
#include "lineage/export.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>
#include <string_view>
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
// goes through the library. Text goes to a fixed buffer that is flushed to
// the stream in large pieces: one ostream insertion per field cost more than
// the walk that produced the graph, and a std::string's checks per append a
// fifth of the writing of a 95,000-model answer.
class Out {
 public:
  explicit Out(std::ostream& os) : os_(os), buf_(new char[kSize]) {}
  ~Out() { Flush(); }
  Out(const Out&) = delete;
  Out& operator=(const Out&) = delete;

  void Put(const char* p, size_t n) {
    if (n > kSize - used_) {
      Flush();
      if (n > kSize) {
        os_.write(p, static_cast<std::streamsize>(n));
        return;
      }
    }
    std::memcpy(buf_.get() + used_, p, n);
    used_ += n;
  }
  void Put(std::string_view s) { Put(s.data(), s.size()); }
  void Put(char c) {
    if (used_ == kSize) Flush();
    buf_[used_++] = c;
  }
  // A string literal, its length known at compile time.
  template <size_t N>
  void Lit(const char (&s)[N]) {
    Put(s, N - 1);
  }
  void Flush() {
    if (used_) os_.write(buf_.get(), static_cast<std::streamsize>(used_));
    used_ = 0;
  }

 private:
  static constexpr size_t kSize = size_t{1} << 16;
  std::ostream& os_;
  std::unique_ptr<char[]> buf_;
  size_t used_ = 0;
};

void J(Out* out, const std::string& s) {
  // Every byte looked at without an early exit, so the loop vectorises.
  unsigned bad = 0;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    bad |= static_cast<unsigned>(c < 0x20) | static_cast<unsigned>(c >= 0x7f) |
           static_cast<unsigned>(c == '"') | static_cast<unsigned>(c == '\\');
  }
  if (!bad) {
    out->Put('"');
    out->Put(s);
    out->Put('"');
    return;
  }
  out->Put(nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}
void JOpt(Out* out, const std::string& s) {
  if (s.empty()) {
    out->Lit("null");
  } else {
    J(out, s);
  }
}
// Confidences are in [0, 1] with three decimals: 0.0, 0.95, 1.0, written as
// nlohmann_json writes those doubles (shortest form, ".0" on whole numbers).
void JNum(Out* out, double d) {
  double r = std::round(d * 1000) / 1000;
  if (r >= 0 && r <= 1) {
    int k = static_cast<int>(std::lround(r * 1000));
    if (k == 0) {
      out->Lit("0.0");
      return;
    }
    if (k == 1000) {
      out->Lit("1.0");
      return;
    }
    char buf[8] = {'0', '.', static_cast<char>('0' + k / 100), static_cast<char>('0' + k / 10 % 10),
                   static_cast<char>('0' + k % 10), 0};
    size_t n = 5;
    while (buf[n - 1] == '0') --n;
    out->Put(buf, n);
    return;
  }
  out->Put(nlohmann::json(r).dump());
}
void JBool(Out* out, bool b) {
  if (b) {
    out->Lit("true");
  } else {
    out->Lit("false");
  }
}
// An integer as std::to_string writes it.
void JInt(Out* out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->Put(buf, static_cast<size_t>(r.ptr - buf));
}

void StreamEvidence(const Evidence& ev, Out* out) {
  out->Lit("{\"kind\": ");
  J(out, ev.kind);
  out->Lit(", \"source\": ");
  J(out, ev.source);
  out->Lit(", \"line\": ");
  JInt(out, ev.line);
  if (!ev.commit.empty()) {
    out->Lit(", \"commit\": ");
    J(out, ev.commit);
  }
  out->Lit(", \"detail\": ");
  J(out, ev.detail);
  out->Lit(", \"relation\": \"");
  out->Put(std::string_view(RelationName(ev.relation)));
  out->Lit("\", \"relation_inferred\": ");
  JBool(out, ev.relation_inferred);
  out->Lit(", \"confidence\": ");
  JNum(out, ev.confidence);
  out->Put('}');
}

// The text of a node or edge a few ahead of the one being written is asked
// for early: the strings of a big answer lie scattered over the heap in the
// order they were read, not the order they are written, and waiting for
// each was most of the writing.
constexpr size_t kAhead = 8;
void Prefetch(const Artifact& a) {
  for (const std::string* s : {&a.id, &a.organization, &a.country_source, &a.license_link,
                               &a.created_at, &a.pipeline_tag, &a.source}) {
    __builtin_prefetch(s->data());
  }
}
void Prefetch(const Edge& e) {
  __builtin_prefetch(e.child.data());
  __builtin_prefetch(e.parent.data());
  for (const Evidence& ev : e.evidence) {
    __builtin_prefetch(ev.source.data());
    __builtin_prefetch(ev.detail.data());
  }
}

}  // namespace

void WriteGraphJson(const Subgraph& g, std::ostream& out) {
  Out o(out);
  Out* b = &o;
  b->Lit("{\n  \"root\": ");
  JOpt(b, g.root);
  b->Lit(",\n  \"nodes\": [");
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (i + kAhead < g.nodes.size()) Prefetch(g.nodes[i + kAhead].artifact);
    const Artifact& a = g.nodes[i].artifact;
    if (i) {
      b->Lit(",\n    ");
    } else {
      b->Lit("\n    ");
    }
    b->Lit("{\"id\": ");
    J(b, a.id);
    b->Lit(", \"depth\": ");
    JInt(b, g.nodes[i].depth);
    b->Lit(", \"kind\": \"");
    b->Put(std::string_view(ArtifactKindName(a.kind)));
    b->Lit("\", \"author\": ");
    J(b, a.author);
    b->Lit(", \"organization\": ");
    JOpt(b, a.organization);
    b->Lit(", \"country\": ");
    JOpt(b, a.country);
    b->Lit(", \"country_source\": ");
    JOpt(b, a.country_source);
    b->Lit(", \"country_source_kind\": ");
    JOpt(b, a.country_source_kind);
    b->Lit(", \"organization_parent\": ");
    JOpt(b, a.organization_parent);
    b->Lit(", \"license\": ");
    JOpt(b, a.license);
    b->Lit(", \"license_name\": ");
    JOpt(b, a.license_name);
    b->Lit(", \"license_link\": ");
    JOpt(b, a.license_link);
    b->Lit(", \"license_normalized\": ");
    JOpt(b, a.license_normalized);
    b->Lit(", \"created_at\": ");
    JOpt(b, a.created_at);
    b->Lit(", \"pipeline_tag\": ");
    JOpt(b, a.pipeline_tag);
    b->Lit(", \"library_name\": ");
    JOpt(b, a.library_name);
    b->Lit(", \"source\": ");
    JOpt(b, a.source);
    b->Lit(", \"declared\": ");
    JBool(b, a.declared);
    b->Put('}');
  }
  if (g.nodes.empty()) {
    b->Lit("],\n");
  } else {
    b->Lit("\n  ],\n");
  }
  b->Lit("  \"edges\": [");
  for (size_t i = 0; i < g.edges.size(); ++i) {
    if (i + 2 * kAhead < g.edges.size()) __builtin_prefetch(g.edges[i + 2 * kAhead].evidence.data());
    if (i + kAhead < g.edges.size()) Prefetch(g.edges[i + kAhead]);
    const Edge& e = g.edges[i];
    if (i) {
      b->Lit(",\n    ");
    } else {
      b->Lit("\n    ");
    }
    b->Lit("{\"child\": ");
    J(b, e.child);
    b->Lit(", \"parent\": ");
    J(b, e.parent);
    b->Lit(", \"relation\": \"");
    b->Put(std::string_view(RelationName(e.relation)));
    b->Lit("\", \"class\": \"");
    b->Put(std::string_view(RelationClassName(ClassOf(e.relation))));
    b->Lit("\", \"relation_inferred\": ");
    JBool(b, e.relation_inferred);
    b->Lit(", \"confidence\": ");
    JNum(b, e.confidence);
    b->Lit(", \"inferred\": ");
    JBool(b, e.inferred);
    b->Lit(", \"evidence\": [");
    for (size_t k = 0; k < e.evidence.size(); ++k) {
      if (k) b->Lit(", ");
      StreamEvidence(e.evidence[k], b);
    }
    b->Lit("]}");
  }
  if (g.edges.empty()) {
    b->Lit("]\n}\n");
  } else {
    b->Lit("\n  ]\n}\n");
  }
}

}  // namespace lineage
