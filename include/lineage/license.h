// The licence catalogue (data/licenses.csv, data/license_aliases.csv) and the
// obligation checks run along every lineage edge.
#ifndef LINEAGE_LICENSE_H_
#define LINEAGE_LICENSE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lineage/artifact.h"

namespace lineage {

// A term of a licence as read from its text: yes, no, or not known.
enum class Term { kUnknown, kYes, kNo };
Term ParseTerm(const std::string& s);  // "yes"/"no"/"" (anything else: kUnknown)

struct LicenseTerms {
  std::string id;  // Hub identifier or our lower-case id for `other` licences
  std::string name, family, spdx, url;
  Term commercial = Term::kUnknown;
  int64_t user_threshold = 0;  // monthly active users above which a separate licence is needed
  Term attribution = Term::kUnknown;
  std::string naming_prefix;  // required start of a derivative's name, e.g. "Llama"
  Term pass_on_use_restrictions = Term::kUnknown;
  Term share_alike = Term::kUnknown;
  Term non_commercial = Term::kUnknown;
  Term no_derivatives = Term::kUnknown;
  Term output_restriction = Term::kUnknown;
  std::string source, note;
};

// Maps what cards write (license, license_name, license_link) to catalogue ids.
class LicenseCatalogue {
 public:
  void Add(LicenseTerms terms);
  // `alias` is compared case-insensitively, ignoring surrounding spaces.
  void AddAlias(const std::string& alias, const std::string& id);
  // The catalogue id for a card's licence fields, or "" when none matches.
  // `other` (or an empty licence) defers to license_name, then to a
  // license_link naming a known licence file.
  std::string Normalize(const std::string& license, const std::string& license_name,
                        const std::string& license_link) const;
  const LicenseTerms* Find(const std::string& id) const;
  size_t size() const { return terms_.size(); }
  bool empty() const { return terms_.empty(); }

 private:
  std::map<std::string, LicenseTerms> terms_;
  std::map<std::string, std::string> aliases_;
};

enum class Severity { kError, kWarning, kInfo };
const char* SeverityName(Severity s);

// One broken (or doubtful) obligation on one edge.
struct LicenseFinding {
  Severity severity = Severity::kWarning;
  std::string rule;  // stable id: license_drift, non_commercial_base, naming_prefix, ...
  std::string child, parent;
  Relation relation = Relation::kFinetune;
  std::string child_license, parent_license;  // as written
  std::string child_license_id, parent_license_id;  // normalised, "" if unknown
  std::string message;
  std::vector<std::string> urls;  // the licence texts the rule comes from
  std::vector<Evidence> evidence;  // why the edge exists
};

// Checks the obligations that `parent`'s licence puts on `child` across the
// edge `e` (a merge is checked against each parent through its own edge).
// Returns no findings for edges to datasets or software.
std::vector<LicenseFinding> CheckEdge(const LicenseCatalogue& catalogue, const Artifact& child,
                                      const Artifact& parent, const Edge& e);

// The same with both ends' licences already normalised: `child_license_id`
// and `parent_license_id` are what LicenseCatalogue::Normalize returns for
// each end's license, license_name and license_link.
std::vector<LicenseFinding> CheckEdge(const LicenseCatalogue& catalogue, const Artifact& child,
                                      const Artifact& parent, const Edge& e,
                                      const std::string& child_license_id,
                                      const std::string& parent_license_id);

// Findings about one artifact alone: no licence declared, or one the catalogue
// does not know.
std::vector<LicenseFinding> CheckArtifact(const LicenseCatalogue& catalogue, const Artifact& a);

}  // namespace lineage

#endif  // LINEAGE_LICENSE_H_
