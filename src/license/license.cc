#include "lineage/license.h"

#include <algorithm>
#include <cctype>

namespace lineage {

namespace {

std::string Clean(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return IdKey(s.substr(b, e - b));
}

// Letters and digits only, lower case: "Llama 3" and "llama-3" compare equal.
std::string Squash(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

bool Permissive(const LicenseTerms& t) {
  return t.family == "permissive" || t.family == "public-domain";
}

bool ModelRelation(Relation r) {
  return r != Relation::kTrainedOn && r != Relation::kDependsOn;
}

std::string Written(const Artifact& a) {
  if (a.license.empty() && a.license_name.empty()) return "";
  if (a.license_name.empty()) return a.license;
  return (a.license.empty() ? "other" : a.license) + " (" + a.license_name + ")";
}

std::string NameOf(const std::string& id) {
  size_t slash = id.rfind('/');
  return slash == std::string::npos ? id : id.substr(slash + 1);
}

}  // namespace

Term ParseTerm(const std::string& s) {
  std::string k = Clean(s);
  if (k == "yes" || k == "true" || k == "y") return Term::kYes;
  if (k == "no" || k == "false" || k == "n") return Term::kNo;
  return Term::kUnknown;
}

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "info";
  }
  return "warning";
}

void LicenseCatalogue::Add(LicenseTerms terms) {
  std::string id = Clean(terms.id);
  terms.id = id;
  aliases_[id] = id;
  terms_[id] = std::move(terms);
}

void LicenseCatalogue::AddAlias(const std::string& alias, const std::string& id) {
  aliases_[Clean(alias)] = Clean(id);
}

std::string LicenseCatalogue::Normalize(const std::string& license,
                                        const std::string& license_name,
                                        const std::string& license_link) const {
  auto lookup = [this](const std::string& s) -> std::string {
    auto it = aliases_.find(Clean(s));
    return it == aliases_.end() ? std::string() : it->second;
  };
  std::string l = Clean(license);
  if (!l.empty() && l != "other") {
    std::string id = lookup(l);
    if (!id.empty()) return id;
  }
  if (!license_name.empty()) {
    std::string id = lookup(license_name);
    if (!id.empty()) return id;
  }
  if (!license_link.empty()) {
    // A link to a licence file sometimes names it: .../blob/main/LICENSE-llama3.1
    std::string tail = license_link.substr(license_link.rfind('/') + 1);
    std::string id = lookup(tail);
    if (!id.empty()) return id;
  }
  if (l == "other" && license_name.empty()) return "other";
  return "";
}

const LicenseTerms* LicenseCatalogue::Find(const std::string& id) const {
  auto it = terms_.find(Clean(id));
  return it == terms_.end() ? nullptr : &it->second;
}

std::vector<LicenseFinding> CheckArtifact(const LicenseCatalogue& cat, const Artifact& a) {
  std::vector<LicenseFinding> out;
  if (a.kind != ArtifactKind::kModel || !a.declared) return out;
  LicenseFinding f;
  f.child = a.id;
  f.child_license = Written(a);
  f.child_license_id = cat.Normalize(a.license, a.license_name, a.license_link);
  if (f.child_license.empty()) {
    f.severity = Severity::kWarning;
    f.rule = "missing_license";
    f.message = "declares no licence";
    out.push_back(f);
  } else if (f.child_license_id.empty() || f.child_license_id == "other" ||
             f.child_license_id == "unknown") {
    f.severity = Severity::kWarning;
    f.rule = "unknown_license";
    f.message = "licence '" + f.child_license + "' is not in the catalogue";
    if (!a.license_link.empty()) f.urls.push_back(a.license_link);
    out.push_back(f);
  }
  return out;
}

std::vector<LicenseFinding> CheckEdge(const LicenseCatalogue& cat, const Artifact& child,
                                      const Artifact& parent, const Edge& e) {
  if (!ModelRelation(e.relation)) return {};
  std::string pid = cat.Normalize(parent.license, parent.license_name, parent.license_link);
  std::string cid = cat.Normalize(child.license, child.license_name, child.license_link);
  return CheckEdge(cat, child, parent, e, cid, pid);
}

std::vector<LicenseFinding> CheckEdge(const LicenseCatalogue& cat, const Artifact& child,
                                      const Artifact& parent, const Edge& e,
                                      const std::string& cid, const std::string& pid) {
  std::vector<LicenseFinding> out;
  if (!ModelRelation(e.relation)) return out;
  const LicenseTerms* p = pid.empty() ? nullptr : cat.Find(pid);
  const LicenseTerms* c = cid.empty() ? nullptr : cat.Find(cid);
  if (!p || p->id == "other" || p->id == "unknown") return out;
  auto finding = [&](Severity s, const char* rule, std::string msg) {
    LicenseFinding f;
    f.severity = s;
    f.rule = rule;
    f.child = child.id;
    f.parent = parent.id;
    f.relation = e.relation;
    f.child_license = Written(child);
    f.parent_license = Written(parent);
    f.child_license_id = cid;
    f.parent_license_id = pid;
    f.message = std::move(msg);
    if (!p->url.empty()) f.urls.push_back(p->url);
    if (c && !c->url.empty() && c->url != p->url) f.urls.push_back(c->url);
    f.evidence = e.evidence;
    out.push_back(std::move(f));
  };
  bool same = c && c->id == p->id;
  bool child_known = c && c->id != "other" && c->id != "unknown";

  if (p->no_derivatives == Term::kYes && e.relation != Relation::kCopy) {
    finding(Severity::kError, "no_derivatives",
            "base licence " + p->id + " allows no derivatives, yet this is a " +
                RelationName(e.relation));
  }
  bool base_nc = p->non_commercial == Term::kYes || p->commercial == Term::kNo;
  if (base_nc && child_known && !same && c->commercial == Term::kYes &&
      c->non_commercial != Term::kYes) {
    finding(Severity::kError, "non_commercial_base",
            "base licence " + p->id + " is non-commercial, but the derivative's " + c->id +
                " allows commercial use");
  }
  if (p->share_alike == Term::kYes && child_known && !same && c->share_alike != Term::kYes) {
    finding(Severity::kError, "share_alike",
            "base licence " + p->id + " is share-alike; derivative licensed " + c->id +
                " without share-alike");
  }
  bool drift = false;
  if (!Permissive(*p) && child_known && !same && Permissive(*c)) {
    drift = true;
    finding(Severity::kError, "license_drift",
            "derivative declares " + c->id + ", more permissive than its base's " + p->id +
                " allows (the base's terms still apply)");
  }
  // Use restrictions travel with the base's own licence text: another
  // licence, even one with restrictions of its own, does not carry them.
  if (!drift && p->pass_on_use_restrictions == Term::kYes && child_known && !same) {
    finding(Severity::kWarning, "use_restrictions_not_passed",
            "base licence " + p->id + " has use restrictions that derivatives must carry; " +
                c->id + " does not carry them");
  }
  if ((e.relation == Relation::kQuantized || e.relation == Relation::kCopy) && child_known &&
      !same && !drift && !Permissive(*p)) {
    finding(Severity::kWarning, "relicensed_copy",
            std::string("a ") + RelationName(e.relation) + " of a " + p->id +
                " model is published under " + c->id);
  }
  if (!p->naming_prefix.empty() && e.relation != Relation::kComponent) {
    std::string name = Squash(NameOf(child.id));
    std::string prefix = Squash(p->naming_prefix);
    if (name.rfind(prefix, 0) != 0) {
      finding(Severity::kWarning, "naming_prefix",
              "base licence " + p->id + " asks derivative names to begin with '" +
                  p->naming_prefix + "'; '" + NameOf(child.id) + "' does not");
    }
  }
  if (p->output_restriction == Term::kYes && e.relation == Relation::kDistillation) {
    finding(Severity::kWarning, "output_restriction",
            "base licence " + p->id + " limits using its outputs to build other models");
  }
  return out;
}

}  // namespace lineage
