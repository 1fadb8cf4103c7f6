// Chains and descendants as an indented text tree.
#include "lineage/export.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "export/internal.h"

namespace lineage {

using export_internal::LicenseText;
using export_internal::OwnerText;
using export_internal::RelationText;
using export_internal::EvidenceText;

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

}  // namespace lineage
