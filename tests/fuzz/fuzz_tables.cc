// Fuzz target: the CSV and JSON tables (organizations, aliases, renames,
// blocs, licences, licence aliases, families, known bases, curated edges),
// each read into an in-memory store inside a run that is rolled back. The
// first byte picks the reader.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "ingest/readers.h"
#include "lineage/store.h"

namespace {

lineage::Store& TheStore() {
  static std::unique_ptr<lineage::Store> store = [] {
    auto s = lineage::Store::Open(":memory:", lineage::Store::Mode::kReadWrite);
    if (!s.ok()) std::abort();
    return std::move(s.value());
  }();
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using namespace lineage;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  Store& store = TheStore();
  if (!store.BeginRun("fuzz").ok()) std::abort();
  std::vector<Diagnostic> diags;
  const std::string path = "fuzz.csv", origin = "file:fuzz.csv";
  switch (data[0] % 9) {
    case 0: readers::ReadOrganizations(store, path, origin, text, &diags); break;
    case 1: readers::ReadAliases(store, path, origin, text, &diags); break;
    case 2: readers::ReadBlocs(store, path, origin, text, &diags); break;
    case 3: readers::ReadLicenses(store, path, origin, text, &diags); break;
    case 4: readers::ReadLicenseAliases(store, path, origin, text, &diags); break;
    case 5: readers::ReadFamilies(store, path, origin, text, &diags); break;
    case 6: readers::ReadKnownBases(store, path, origin, text, &diags); break;
    case 7: readers::ReadModelAliases(store, path, origin, text, &diags); break;
    default:
      readers::ReadCuratedEdges(path, origin, text, [](DocumentFacts&&) {}, &diags);
      break;
  }
  for (const auto& d : diags) {
    if (d.message.empty()) std::abort();
  }
  store.RollbackRun();
  return 0;
}
