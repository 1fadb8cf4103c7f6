// The readers of each input kind. Private to the ingest module.
#ifndef LINEAGE_INGEST_READERS_H_
#define LINEAGE_INGEST_READERS_H_

#include <functional>
#include <string>
#include <vector>

#include "lineage/store.h"

namespace lineage::readers {

// Every table reader takes the file's display `path` (for diagnostics and
// evidence) and its `origin` (the key its rows are stored under, the same for
// every spelling of the path).

// Receives the facts of one document (a card, a Hub record, a curated edge file).
using Sink = std::function<void(DocumentFacts&&)>;

// A Hub API dump: a JSON array or JSON lines. Problems of the file itself
// (malformed lines) go to `file_diags`.
// Read as a stream: records are parsed on a thread of their own while `sink`
// takes them in file order.
struct HubReadOptions {
  bool reference = false;  // every record through nlohmann_json (the tests' oracle)
  size_t block = 0;        // bytes read at a time (0: 4 MiB)
  size_t max_record = 0;   // a record larger than this is a too_large diagnostic (0: no cap)
};
void ReadHubDump(const std::string& path, const std::string& text, const Sink& sink,
                 std::vector<Diagnostic>* file_diags, const HubReadOptions& options = {});
// The same, streaming the file at `path` (memory stays bounded by the largest
// record, not the file). IoError when it cannot be opened.
Status ReadHubDumpFile(const std::string& path, const Sink& sink,
                       std::vector<Diagnostic>* file_diags, const HubReadOptions& options = {});
// ingest_util::HashHex of a whole file, read as a stream.
Result<std::string> HashFile(const std::string& path);

// organizations.csv: namespace,organization,country,kind,source
void ReadOrganizations(Store& store, const std::string& path, const std::string& origin,
    const std::string& text,
                       std::vector<Diagnostic>* file_diags);
// aliases csv: old_namespace,new_namespace,source
void ReadAliases(Store& store, const std::string& path, const std::string& origin,
    const std::string& text,
                 std::vector<Diagnostic>* file_diags);
// blocs.json: {"name": ["US", ...], ...}
void ReadBlocs(Store& store, const std::string& path, const std::string& origin,
    const std::string& text,
               std::vector<Diagnostic>* file_diags);
// licenses.csv: id,name,family,spdx,url,commercial,... (see data/README.md)
void ReadLicenses(Store& store, const std::string& path, const std::string& origin,
    const std::string& text,
                  std::vector<Diagnostic>* file_diags);
// license_aliases.csv: alias,license_id,source
void ReadLicenseAliases(Store& store, const std::string& path, const std::string& origin,
    const std::string& text,
                        std::vector<Diagnostic>* file_diags);
// Curated edges csv: child,parent,relation,source,note (evidence `manual`).
void ReadCuratedEdges(const std::string& path, const std::string& origin, const std::string& text,
                      const Sink& sink,
                      std::vector<Diagnostic>* file_diags);

// data/model_aliases.csv: old_id,new_id,source (renamed repositories).
void ReadModelAliases(Store& store, const std::string& path, const std::string& origin,
                      const std::string& text, std::vector<Diagnostic>* diags);
// data/families.csv and data/known_bases.csv (lineage/reference.h).
void ReadFamilies(Store& store, const std::string& path, const std::string& origin,
                  const std::string& text, std::vector<Diagnostic>* diags);
void ReadKnownBases(Store& store, const std::string& path, const std::string& origin,
                    const std::string& text, std::vector<Diagnostic>* diags);

bool IsCountryCodeForBlocs(const std::string& code);

// True when `line` is one JSON object with an "id": a Hub dump in JSON lines.
bool IsHubRecordLine(const std::string& line);

// What a JSON file holds, judged from its first bytes: "hub" or "blocs".
std::string SniffJson(const std::string& text);

}  // namespace lineage::readers

#endif  // LINEAGE_INGEST_READERS_H_
