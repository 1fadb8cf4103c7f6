// Writers of the inference evaluation (lineage/infer.h).
#include <nlohmann/json.hpp>

#include <cmath>
#include <iomanip>
#include <sstream>
#include <ostream>

#include "lineage/infer.h"

namespace lineage {

namespace {

std::string Fixed(double v) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(3) << v;
  return os.str();
}

nlohmann::ordered_json CountsJson(const EvalCounts& c) {
  nlohmann::ordered_json j;
  j["kind"] = c.kind;
  j["models"] = c.models;
  j["proposed"] = c.proposed;
  j["family_level"] = c.family_level;
  j["exact_proposed"] = c.ExactProposed();
  j["exact_correct"] = c.exact_correct;
  j["family_correct"] = c.family_correct;
  j["exact_precision"] = std::round(c.ExactPrecision() * 1000) / 1000;
  j["exact_recall"] = std::round(c.ExactRecall() * 1000) / 1000;
  j["family_precision"] = std::round(c.FamilyPrecision() * 1000) / 1000;
  j["family_recall"] = std::round(c.FamilyRecall() * 1000) / 1000;
  return j;
}

}  // namespace

void WriteEvalText(const EvalReport& r, std::ostream& os) {
  os << "Leave-one-out on " << r.models << " models with declared parents (threshold "
     << Fixed(r.threshold) << ")\n\n";
  os << std::left << std::setw(22) << "evidence" << std::right << std::setw(9) << "proposed"
     << std::setw(8) << "family" << std::setw(11) << "exact P" << std::setw(10) << "exact R" << std::setw(11) << "family P"
     << std::setw(10) << "family R" << "\n";
  auto row = [&os](const EvalCounts& c) {
    os << std::left << std::setw(22) << c.kind << std::right << std::setw(9) << c.proposed
       << std::setw(8) << c.family_level << std::setw(11) << Fixed(c.ExactPrecision()) << std::setw(10) << Fixed(c.ExactRecall())
       << std::setw(11) << Fixed(c.FamilyPrecision()) << std::setw(10) << Fixed(c.FamilyRecall())
       << "\n";
  };
  row(r.overall);
  for (const auto& c : r.by_kind) row(c);
  os << "\n(\"all\" combines every kind at the threshold; each kind alone is counted without "
        "one. \"family\": proposals naming only a family (its canonical base), never counted "
        "as exact hits; exact P is over the other proposals, exact R over all models. Family = "
        "publisher of the root base.)\n";
  if (!r.mistakes.empty()) {
    os << "\nWorst mistakes:\n";
    for (const auto& m : r.mistakes) {
      os << "  " << m.model << ": proposed " << m.proposed << " [" << m.proposed_family
         << "] at " << Fixed(m.confidence) << ", declared " << m.declared << " ["
         << m.declared_family << "]; " << m.kinds << "\n";
    }
  }
}

void WriteEvalJson(const EvalReport& r, std::ostream& os) {
  nlohmann::ordered_json j;
  j["models"] = r.models;
  j["threshold"] = r.threshold;
  j["overall"] = CountsJson(r.overall);
  j["by_kind"] = nlohmann::ordered_json::array();
  for (const auto& c : r.by_kind) j["by_kind"].push_back(CountsJson(c));
  j["mistakes"] = nlohmann::ordered_json::array();
  for (const auto& m : r.mistakes) {
    nlohmann::ordered_json x;
    x["model"] = m.model;
    x["proposed"] = m.proposed;
    x["proposed_family"] = m.proposed_family;
    x["declared"] = m.declared;
    x["declared_family"] = m.declared_family;
    x["confidence"] = std::round(m.confidence * 1000) / 1000;
    x["kinds"] = m.kinds;
    j["mistakes"].push_back(x);
  }
  os << j.dump(2) << "\n";
}

}  // namespace lineage
