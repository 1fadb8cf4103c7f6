// Helpers the export writers share: how an artifact, edge or piece of
// evidence reads in text and JSON, and the bloc palette. Private to
// src/export/; not part of the public library.
#ifndef LINEAGE_EXPORT_INTERNAL_H_
#define LINEAGE_EXPORT_INTERNAL_H_

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <string>
#include <vector>

#include "lineage/artifact.h"

namespace lineage::export_internal {

using nlohmann::ordered_json;

std::string Or(const std::string& s, const char* fallback);
// "license (name) = normalized", as shown beside an artifact.
std::string LicenseText(const Artifact& a);
// "organization-or-namespace · country".
std::string OwnerText(const Artifact& a);
// The relation, marked when inferred.
std::string RelationText(const Edge& e);
// "kind source:line @commit (confidence x)".
std::string EvidenceText(const Evidence& ev);
ordered_json EvidenceJson(const Evidence& ev);
ordered_json EdgeJson(const Edge& e);
ordered_json NullIfEmpty(const std::string& s);
ordered_json ArtifactJson(const Artifact& a);
// Pretty-printed with invalid UTF-8 replaced, and a newline.
void Dump(const ordered_json& j, std::ostream& out);

// Colours for the bloc of a node's country; blocs beyond the palette cycle.
extern const char* const kBlocColors[8];
// The bar colour of `bloc` in a chart whose blocs are `blocs` (in order):
// a strong tone of its bloc colour, grey for "unknown".
std::string BarColor(const std::vector<std::string>& blocs, const std::string& bloc);

}  // namespace lineage::export_internal

#endif  // LINEAGE_EXPORT_INTERNAL_H_
