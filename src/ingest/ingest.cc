// The ingest driver: detects what each path holds, reads it, and applies the
// facts to the store inside one run.
#include "lineage/ingest.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <set>
#include <ostream>
#include <thread>

#include "ingest/builtin_data.h"
#include "ingest/readers.h"
#include "ingest/util.h"
#include "lineage/git.h"
#include "lineage/graph.h"
#include "lineage/infer.h"

namespace lineage {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

struct CardFile {
  std::string path;
  std::string id;
};

// Subfolders of `dir` (not hidden), from readdir's d_type where the file
// system gives it, so that a tree of a million cards costs no stat per folder.
std::vector<std::string> Subfolders(const std::string& dir, bool* has_readme = nullptr) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN || type == DT_LNK) {
      struct stat st;
      std::string full = dir + "/" + e->d_name;
      if (::stat(full.c_str(), &st) != 0) continue;
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    if (type == DT_DIR) {
      out.emplace_back(e->d_name);
    } else if (type == DT_REG && has_readme && std::strcmp(e->d_name, "README.md") == 0) {
      *has_readme = true;
    }
  }
  ::closedir(d);
  return out;
}

// ROOT/<namespace>/<name>/README.md, plus ROOT/<name>/README.md for the Hub's
// few legacy ids without a namespace. A model folder without README.md is
// skipped when it is read. Sorted, so runs are deterministic.
std::vector<CardFile> FindCards(const fs::path& root) {
  std::vector<CardFile> out;
  std::string base = root.string();
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  std::vector<std::string> namespaces = Subfolders(base);
  std::sort(namespaces.begin(), namespaces.end());
  for (const auto& ns : namespaces) {
    bool legacy = false;
    std::string ns_dir = base + "/" + ns;
    std::vector<std::string> models = Subfolders(ns_dir, &legacy);
    if (legacy) out.push_back({ns_dir + "/README.md", ns});
    std::sort(models.begin(), models.end());
    for (const auto& m : models) out.push_back({ns_dir + "/" + m + "/README.md", ns + "/" + m});
  }
  return out;
}

// True when FindCards(root) would list a card, found without listing them
// all: the first namespace folder with a README.md or a subfolder answers.
bool HasCards(const fs::path& root) {
  std::string base = root.string();
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  for (const auto& ns : Subfolders(base)) {
    bool legacy = false;
    if (!Subfolders(base + "/" + ns, &legacy).empty() || legacy) return true;
  }
  return false;
}

// Reads a whole small file with one open (one path lookup: the size check
// uses fstat of the open file) and as few reads as it takes. Returns false
// with errno set when it cannot be opened or read; `*size` is then -1, or the
// size of a regular file over `max_size`, which is not read.
bool ReadSmallFile(const std::string& path, int64_t max_size, std::string* out, int64_t* size) {
  *size = -1;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out->clear();
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    if (st.st_size > max_size) {
      *size = st.st_size;
      ::close(fd);
      return false;
    }
    out->reserve(static_cast<size_t>(st.st_size));
  }
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      errno = saved;
      return false;
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

// Facts of one card; `present` is false when the folder has no README.md.
std::string SizeCapMessage(int64_t size, int64_t cap) {
  return std::to_string(size) + " bytes, over the limit of " + std::to_string(cap) +
         " per document; not read (raise it with ingest --max-document-size BYTES)";
}

DocumentFacts ParseCardFile(const CardFile& card, int64_t max_size, bool* present = nullptr) {
  std::string text;
  DocumentFacts facts;
  if (present) *present = true;
  int64_t size = -1;
  if (!ReadSmallFile(card.path, max_size, &text, &size)) {
    if (size >= 0) {
      // The hash names the size and the limit, so raising the limit reads it.
      facts.origin = "card:" + IdKey(card.id);
      facts.content_hash = "oversize:" + std::to_string(size) + ":" + std::to_string(max_size);
      facts.diagnostics.push_back(
          {card.path, 0, "error", "too_large", "card is " + SizeCapMessage(size, max_size)});
      return facts;
    }
    if (errno == ENOENT && present) {
      *present = false;
      return facts;
    }
    facts.origin = "card:" + IdKey(card.id);
    facts.content_hash = "unreadable";
    facts.diagnostics.push_back({card.path, 0, "error", "io", std::string("cannot read file: ") + std::strerror(errno)});
    return facts;
  }
  // A folder name that is no Hub id (a space, a tab, a newline, bad UTF-8)
  // would become an artifact no writer can name safely.
  if (auto ref = ParseHubRef(card.id); !ref.ok() || !ref->qualified || ref->from_url) {
    std::string shown;
    ingest_util::FixUtf8(card.id, &shown);
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20) c = '?';
    }
    facts.origin = "badcard:" + card.path;
    facts.content_hash = ingest_util::HashHex(text);
    facts.diagnostics.push_back(
        {card.path, 0, "error", "bad_id",
         "folder names '" + shown + "', which is not a Hub id NAMESPACE/NAME" +
             (ref.ok() ? "" : " (" + ref.status().message() + ")") + "; card skipped"});
    return facts;
  }
  CardFields fields = ParseCardText(text, card.path);
  facts = BuildCardFacts(fields, card.id, card.path, "card.base_model");
  facts.signals = CardBodySignals(text, card.id, card.path);
  facts.origin = "card:" + IdKey(card.id);
  ingest_util::StreamHash hash;  // of text + '\0' + id, without the copy
  hash.Update(text);
  hash.Update(std::string_view("\0", 1));
  hash.Update(card.id);
  facts.content_hash = hash.Hex();
  return facts;
}

// A JSON-lines dump with every line longer than `cap` emptied (so the other
// records keep their line numbers), each one reported in `diags`. Returns
// nullptr, copying nothing, when no line is too long or the dump is a JSON
// array (whose records the dump reader splits).
std::unique_ptr<std::string> WithoutOversizeLines(const std::string& path, const std::string& text,
                                                  int64_t cap, std::vector<Diagnostic>* diags) {
  size_t first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first == std::string::npos || text[first] == '[') return nullptr;
  std::unique_ptr<std::string> out;
  size_t pos = 0, kept = 0;
  int line = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    ++line;
    if (static_cast<int64_t>(eol - pos) > cap) {
      if (!out) {
        out = std::make_unique<std::string>();
        out->reserve(text.size());
      }
      out->append(text, kept, pos - kept);
      kept = eol;
      diags->push_back({path, line, "error", "too_large",
                        "record is " + SizeCapMessage(static_cast<int64_t>(eol - pos), cap)});
    }
    pos = eol + 1;
  }
  if (out) out->append(text, kept, std::string::npos);
  return out;
}

// True when `path` is a git repository or holds some within two levels. A
// card tree is recognised after a few folders without looking at all of them.
bool LooksLikeGitFolder(const std::string& path) {
  if (IsGitRepository(path)) return true;
  int budget = 64;
  for (const auto& l1 : Subfolders(path)) {
    std::string d1 = path + "/" + l1;
    if (IsGitRepository(d1)) return true;
    for (const auto& l2 : Subfolders(d1)) {
      if (IsGitRepository(d1 + "/" + l2)) return true;
      if (--budget <= 0) return false;
    }
    if (--budget <= 0) return false;
  }
  return false;
}

class Runner {
 public:
  Runner(Store& store, const IngestOptions& options, std::ostream& log)
      : store_(store), options_(options), log_(log), start_(Clock::now()) {}

  Status Apply(DocumentFacts&& facts) {
    Status st = store_.ApplyDocument(facts);
    ++done_;
    Progress();
    return st;
  }

  // File-level facts: diagnostics of the file itself, replaced on re-read.
  Status ApplyFileDiagnostics(const std::string& origin, const std::string& hash,
                              std::vector<Diagnostic> diags) {
    DocumentFacts f;
    f.origin = origin;
    f.content_hash = hash;
    f.diagnostics = std::move(diags);
    return store_.ApplyDocument(f);
  }

  void Progress() {
    if (!options_.progress || (done_ & 1023) != 0) return;
    double secs = std::chrono::duration<double>(Clock::now() - start_).count();
    if (secs < 1.0) return;
    log_ << "\r  " << done_;
    if (total_ > 0) log_ << "/" << total_;
    log_ << " documents, " << static_cast<int64_t>(done_ / secs) << "/s   " << std::flush;
    shown_ = true;
  }

  void EndProgress() {
    if (shown_) log_ << "\r" << std::string(60, ' ') << "\r" << std::flush;
  }

  Status Cards(const fs::path& root) {
    std::vector<CardFile> cards = FindCards(root);
    auto none_found = [&]() {
      Diagnostic d{root.string(), 0, "warning", "empty",
                   "no model cards found (expected ROOT/<namespace>/<name>/README.md)"};
      return ApplyFileDiagnostics("dir:" + root.string(), "empty", {d});
    };
    if (cards.empty()) return none_found();
    int64_t found = 0;
    total_ += static_cast<int64_t>(cards.size());
    unsigned threads = options_.threads > 0 ? options_.threads
                                             : std::max(1u, std::thread::hardware_concurrency());
    constexpr size_t kBatch = 2048;
    int64_t max_size = options_.max_document_size;
    auto parse_batch = [&cards, threads, max_size](size_t begin) {
      size_t end = std::min(cards.size(), begin + kBatch);
      std::vector<DocumentFacts> out(end - begin);
      std::vector<std::thread> pool;
      unsigned n = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(end - begin)));
      for (unsigned t = 0; t < n; ++t) {
        pool.emplace_back([&, t] {
          for (size_t i = begin + t; i < end; i += n) {
            bool present = true;
            out[i - begin] = ParseCardFile(cards[i], max_size, &present);
            if (!present) out[i - begin].origin.clear();
          }
        });
      }
      for (auto& th : pool) th.join();
      return out;
    };
    // Parse the next batch while the store takes the current one.
    std::future<std::vector<DocumentFacts>> next =
        std::async(std::launch::async, parse_batch, size_t{0});
    for (size_t begin = 0; begin < cards.size(); begin += kBatch) {
      std::vector<DocumentFacts> batch = next.get();
      if (begin + kBatch < cards.size()) {
        next = std::async(std::launch::async, parse_batch, begin + kBatch);
      }
      for (auto& f : batch) {
        if (f.origin.empty()) continue;  // a folder without README.md
        ++found;
        Status st = Apply(std::move(f));
        if (!st.ok()) {
          if (next.valid()) next.wait();
          return st;
        }
      }
    }
    return found ? Status::Ok() : none_found();
  }

  Status OneCard(const std::string& path) {
    std::string id = options_.id;
    if (id.empty()) {
      fs::path p = fs::absolute(path);
      if (p.filename() == "README.md" && p.has_parent_path() &&
          p.parent_path().has_parent_path()) {
        id = p.parent_path().parent_path().filename().string() + "/" +
             p.parent_path().filename().string();
      }
    }
    auto ref = ParseHubRef(id);
    if (id.empty() || !ref.ok() || !ref->qualified) {
      return Status::InvalidInput(path + ": a single card needs --id NAMESPACE/NAME" +
                                  (id.empty() ? "" : " ('" + id + "' is not one)"));
    }
    return Apply(ParseCardFile({path, ref->id}, options_.max_document_size));
  }

  Status File(const std::string& path, InputKind kind) {
    if (kind == InputKind::kHub) return HubFile(path);
    std::string text;
    if (!ingest_util::ReadFile(path, &text)) return Status::IoError("cannot read '" + path + "'");
    // One file, however its path is spelled, is one document.
    std::error_code ec;
    std::string canonical = fs::weakly_canonical(fs::absolute(path, ec), ec).string();
    if (canonical.empty()) canonical = path;
    return Text(path, canonical, "file:" + canonical, text, kind);
  }

  // A Hub dump, streamed: hashed in one pass, read in a second one, never
  // held whole in memory.
  Status HubFile(const std::string& path) {
    std::error_code ec;
    std::string canonical = fs::weakly_canonical(fs::absolute(path, ec), ec).string();
    if (canonical.empty()) canonical = path;
    std::string origin = "file:" + canonical;
    auto hash = readers::HashFile(path);
    if (!hash.ok()) return hash.status();
    // A dump read under another size limit may hold other records.
    if (options_.max_document_size != kDefaultMaxDocumentSize) {
      *hash += ":max" + std::to_string(options_.max_document_size);
    }
    if (store_.DocumentUnchanged(origin, *hash)) {
      ++skipped_files_;
      return Status::Ok();
    }
    Status st = ApplyFileDiagnostics(origin, *hash, {});
    if (!st.ok()) return st;
    std::vector<Diagnostic> diags;
    Status sink_status;
    std::string tag = HubTag(canonical);
    st = readers::ReadHubDumpFile(
        path,
        [&](DocumentFacts&& f) {
          f.origin += tag;
          Status s = Apply(std::move(f));
          if (!s.ok() && sink_status.ok()) sink_status = s;
        },
        &diags, HubOptions());
    if (!st.ok()) return st;
    if (!sink_status.ok()) return sink_status;
    for (const auto& d : diags) {
      st = store_.AddDiagnostic(origin, d);
      if (!st.ok()) return st;
    }
    return Status::Ok();
  }

  // A model's record is owned by the dump it came from, so two dumps (or a
  // stub and a full record) each keep theirs and the store merges them. The
  // tag must stay the same across versions: it names stored origins.
  readers::HubReadOptions HubOptions() const {
    readers::HubReadOptions o;
    if (options_.max_document_size > 0) o.max_record = static_cast<size_t>(options_.max_document_size);
    return o;
  }

  static std::string HubTag(const std::string& canonical) {
    return "@" + ingest_util::Fnv1aHex(canonical).substr(0, 8);
  }

  // A table or dump read from `text`; `path` names it in diagnostics, `origin`
  // owns its facts.
  Status Text(const std::string& path, const std::string& canonical, const std::string& origin,
              const std::string& raw, InputKind kind) {
    std::string hash = ingest_util::HashHex(raw);
    // A dump read under another size limit may hold other records.
    if (kind == InputKind::kHub && options_.max_document_size != kDefaultMaxDocumentSize) {
      hash += ":max" + std::to_string(options_.max_document_size);
    }
    if (store_.DocumentUnchanged(origin, hash)) {
      ++skipped_files_;
      return Status::Ok();
    }
    // Forget what the older version of this file said before reading it again;
    // the rows read below carry the same origin.
    Status st = ApplyFileDiagnostics(origin, hash, {});
    if (!st.ok()) return st;
    std::vector<Diagnostic> diags;
    // Tables must be UTF-8: every writer downstream (GraphML, SVG, JSON)
    // needs it. A bad byte becomes U+FFFD, with the line that held it.
    std::string fixed;
    const std::string* text_ptr = &raw;
    if (kind != InputKind::kHub && kind != InputKind::kBlocs) {
      int bad_line = ingest_util::FixUtf8(raw, &fixed);
      if (bad_line > 0) {
        diags.push_back({path, bad_line, "warning", "encoding",
                         "invalid UTF-8 byte; replaced with U+FFFD"});
        text_ptr = &fixed;
      }
    }
    const std::string& text = *text_ptr;
    Status sink_status;
    auto sink = [&](DocumentFacts&& f) {
      Status s = Apply(std::move(f));
      if (!s.ok() && sink_status.ok()) sink_status = s;
    };
    switch (kind) {
      case InputKind::kHub: {
        std::string tag = HubTag(canonical);
        auto owned = [&](DocumentFacts&& f) {
          f.origin += tag;
          sink(std::move(f));
        };
        auto capped = WithoutOversizeLines(path, text, options_.max_document_size, &diags);
        readers::ReadHubDump(path, capped ? *capped : text, owned, &diags, HubOptions());
        break;
      }
      case InputKind::kOrgs: readers::ReadOrganizations(store_, path, origin, text, &diags); break;
      case InputKind::kAliases: readers::ReadAliases(store_, path, origin, text, &diags); break;
      case InputKind::kBlocs: readers::ReadBlocs(store_, path, origin, text, &diags); break;
      case InputKind::kEdges:
        readers::ReadCuratedEdges(path, canonical, text, sink, &diags);
        break;
      case InputKind::kLicenses: readers::ReadLicenses(store_, path, origin, text, &diags); break;
      case InputKind::kLicenseAliases:
        readers::ReadLicenseAliases(store_, path, origin, text, &diags);
        break;
      case InputKind::kFamilies: readers::ReadFamilies(store_, path, origin, text, &diags); break;
      case InputKind::kKnownBases:
        readers::ReadKnownBases(store_, path, origin, text, &diags);
        break;
      case InputKind::kModelAliases:
        readers::ReadModelAliases(store_, path, origin, text, &diags);
        break;
      default: return Status::InvalidInput("'" + path + "': cannot read this kind of file");
    }
    if (!sink_status.ok()) return sink_status;
    for (const auto& d : diags) {
      st = store_.AddDiagnostic(origin, d);
      if (!st.ok()) return st;
    }
    return Status::Ok();
  }

  // A git repository or a folder of them (lineage/git.h).
  Status Git(const std::string& path) {
    auto counts = IngestGit(store_, path,
                            GitReadOptions{options_.rev, options_.id, options_.max_document_size});
    if (!counts.ok()) return counts.status();
    skipped_files_ += counts->unchanged;
    return Status::Ok();
  }

  int64_t skipped_files() const { return skipped_files_; }

 private:
  Store& store_;
  const IngestOptions options_;  // a copy: callers may pass a temporary
  std::ostream& log_;
  Clock::time_point start_;
  int64_t done_ = 0, total_ = 0, skipped_files_ = 0;
  bool shown_ = false;
};

// Decides what a path holds from its layout, extension and first bytes.
Result<InputKind> Detect(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return LooksLikeGitFolder(path) ? InputKind::kGit : InputKind::kCards;
  }
  std::string name = fs::path(path).filename().string();
  std::string ext = IdKey(fs::path(path).extension().string());
  if (ext == ".md") return InputKind::kCard;
  // Only the first bytes decide, so a dump of a million records is not read
  // twice; a JSON object that is not a record is small (blocs) and read whole.
  std::string text;
  if (!ingest_util::ReadPrefix(path, 1 << 20, &text)) {
    return Status::IoError("cannot read '" + path + "'");
  }
  if (ext == ".json" || ext == ".jsonl" || ext == ".ndjson") {
    size_t first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    if (first == std::string::npos) return InputKind::kHub;
    if (text[first] == '[') return InputKind::kHub;
    if (readers::IsHubRecordLine(text.substr(first, text.find('\n', first) - first))) {
      return InputKind::kHub;
    }
    if (!ingest_util::ReadFile(path, &text)) return Status::IoError("cannot read '" + path + "'");
    return readers::SniffJson(text) == "blocs" ? InputKind::kBlocs : InputKind::kHub;
  }
  if (ext == ".csv") {
    std::string header = text.substr(0, text.find('\n'));
    auto has = [&header](const char* col) { return header.find(col) != std::string::npos; };
    if (has("old_namespace")) return InputKind::kAliases;
    if (has("old_id") && has("new_id")) return InputKind::kModelAliases;
    if (has("license_id") && has("alias")) return InputKind::kLicenseAliases;
    if (has("canonical_base") && has("name_patterns")) return InputKind::kFamilies;
    if (has("hidden_size") && has("config_source")) return InputKind::kKnownBases;
    if (has("family") && has("id")) return InputKind::kLicenses;
    if (has("child") && has("parent")) return InputKind::kEdges;
    if (has("namespace") && has("country")) return InputKind::kOrgs;
    return Status::InvalidInput("'" + path + "': unrecognised CSV header '" + header +
                                "' (use --as orgs|aliases|edges|licenses|license-aliases|families|known-bases)");
  }
  return Status::InvalidInput("'" + path + "': cannot tell what this file holds (use --as KIND)");
}

}  // namespace

Result<InputKind> ParseInputKind(std::string_view name) {
  static const std::pair<const char*, InputKind> kKinds[] = {
      {"auto", InputKind::kAuto},     {"cards", InputKind::kCards}, {"card", InputKind::kCard},
      {"hub", InputKind::kHub},       {"orgs", InputKind::kOrgs},   {"aliases", InputKind::kAliases},
      {"blocs", InputKind::kBlocs},   {"edges", InputKind::kEdges},
      {"licenses", InputKind::kLicenses}, {"license-aliases", InputKind::kLicenseAliases},
      {"git", InputKind::kGit},       {"families", InputKind::kFamilies},
      {"known-bases", InputKind::kKnownBases}, {"model-aliases", InputKind::kModelAliases}};
  for (const auto& [n, k] : kKinds) {
    if (name == n) return k;
  }
  return Status::InvalidInput("unknown input kind '" + std::string(name) +
                              "' (one of cards, card, hub, orgs, aliases, blocs, edges, licenses, "
                              "license-aliases, git, families, known-bases, model-aliases)");
}

Result<IngestSummary> Ingest(Store& store, const std::vector<std::string>& paths,
                             const IngestOptions& options, std::ostream& log) {
  auto start = Clock::now();
  std::vector<std::pair<std::string, InputKind>> work;
  std::vector<std::string> expanded;
  std::set<std::string> folder_files;  // found by expanding a data folder
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::exists(p, ec)) return Status::NotFound("no such file or directory: '" + p + "'");
    // A data folder (dumps and tables, no cards in it, like data/) is read as
    // each of its JSON and CSV files, in subfolders too.
    // A card tree is recognised first: walking every card folder to find
    // data files would cost more than reading the cards' folders once.
    if (options.as == InputKind::kAuto && fs::is_directory(p, ec) && !IsGitRepository(p) &&
        !HasCards(p)) {
      std::vector<std::string> files;
      for (auto it = fs::recursive_directory_iterator(
               p, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->path().filename().string().rfind('.', 0) == 0) {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        std::string ext = IdKey(it->path().extension().string());
        if (it->is_regular_file() &&
            (ext == ".jsonl" || ext == ".json" || ext == ".ndjson" || ext == ".csv")) {
          files.push_back(it->path().string());
        }
      }
      if (!files.empty()) {
        std::sort(files.begin(), files.end());
        for (auto& f : files) folder_files.insert(f);
        expanded.insert(expanded.end(), files.begin(), files.end());
        continue;
      }
    }
    expanded.push_back(p);
  }
  std::vector<Diagnostic> skipped;
  for (const auto& p : expanded) {
    InputKind kind = options.as;
    if (kind == InputKind::kAuto) {
      auto detected = Detect(p);
      if (!detected.ok()) {
        // A file found in a folder that is none of ours is skipped, not fatal.
        if (!folder_files.count(p)) return detected.status();
        skipped.push_back({p, 1, "warning", "skipped", detected.status().message()});
        continue;
      }
      kind = *detected;
    }
    work.emplace_back(p, kind);
  }
  // Tables first, then dumps and curated edges, so a run reads like the
  // reference it layers on; within a kind, the order given.
  std::stable_sort(work.begin(), work.end(), [](const auto& a, const auto& b) {
    auto rank = [](InputKind k) {
      switch (k) {
        case InputKind::kOrgs: return 0;
        case InputKind::kAliases: return 1;
        case InputKind::kBlocs: return 2;
        case InputKind::kLicenses: return 3;
        case InputKind::kLicenseAliases: return 4;
        case InputKind::kFamilies: return 5;
        case InputKind::kKnownBases: return 6;
        case InputKind::kModelAliases: return -1;
        case InputKind::kEdges: return 8;
        default: return 7;
      }
    };
    return rank(a.second) < rank(b.second);
  });
  std::string description;
  for (const auto& p : paths) description += (description.empty() ? "" : " ") + p;
  Status st = store.BeginRun("ingest " + description);
  if (!st.ok()) return st;
  for (const auto& d : skipped) {
    st = store.AddDiagnostic("skipped:" + d.source, d);
    if (!st.ok()) {
      store.RollbackRun();
      return st;
    }
  }
  Runner runner(store, options, log);
  for (const auto& [path, kind] : work) {
    switch (kind) {
      case InputKind::kCards: st = runner.Cards(path); break;
      case InputKind::kCard: st = runner.OneCard(path); break;
      case InputKind::kGit: st = runner.Git(path); break;
      default: st = runner.File(path, kind); break;
    }
    if (!st.ok()) {
      runner.EndProgress();
      store.RollbackRun();
      return st;
    }
  }
  runner.EndProgress();
  // Many touched models: one scan of the store beats a lookup per model.
  constexpr size_t kTouchedForScan = 20000;
  std::optional<std::vector<std::string>> taken = store.TakeRunArtifacts(kTouchedForScan);
  bool many_touched = !taken;
  std::vector<std::string> touched;
  if (taken) touched = std::move(*taken);
  st = store.CommitRun(FindCycles);
  if (!st.ok()) return st;
  Store::RunCounts c = store.run_counts();
  int64_t inferred = 0;
  if (options.infer) {
    // Reference data or licences change what every model's evidence says;
    // anything else only what the documents read say about their own models.
    bool all = std::any_of(work.begin(), work.end(), [](const auto& w) {
      return w.second == InputKind::kFamilies || w.second == InputKind::kKnownBases ||
             w.second == InputKind::kLicenses || w.second == InputKind::kLicenseAliases;
    });
    if (many_touched) all = true;
    if (all) std::vector<std::string>().swap(touched);
    if (all || !touched.empty()) {
      InferOptions io;
      if (!all) io.ids = std::move(touched);
      auto r = RunInference(store, io);
      if (r.ok()) {
        inferred = r->proposed;
      } else if (r.status().code() != Status::Code::kNotFound) {
        return r.status();  // the ingest run itself is committed
      }
    }
  }
  IngestSummary s;
  s.documents = c.documents;
  s.unchanged = c.unchanged + runner.skipped_files();
  s.edges = c.edges;
  s.diagnostics = c.diagnostics;
  s.inferred = inferred;
  s.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return s;
}

namespace {

InputKind BuiltinKind(const std::string& name) {
  if (name == "organizations.csv") return InputKind::kOrgs;
  if (name == "aliases.csv") return InputKind::kAliases;
  if (name == "blocs.json") return InputKind::kBlocs;
  if (name == "licenses.csv") return InputKind::kLicenses;
  if (name == "license_aliases.csv") return InputKind::kLicenseAliases;
  if (name == "families.csv") return InputKind::kFamilies;
  if (name == "known_bases.csv") return InputKind::kKnownBases;
  if (name == "model_aliases.csv") return InputKind::kModelAliases;
  if (name == "curated_edges.csv") return InputKind::kEdges;
  if (name.rfind("models/", 0) == 0) return InputKind::kHub;
  return InputKind::kAuto;
}

bool IsDatasetFile(const std::string& name) {
  return name == "curated_edges.csv" || name.rfind("models/", 0) == 0;
}

}  // namespace

std::string BuiltinDataVersion() { return builtin::DataVersion(); }

Result<bool> EnsureBuiltinReference(Store& store, std::ostream& log, DatasetChoice dataset) {
  auto have = store.Meta(kReferenceVersionKey);
  if (!have.ok()) return have.status();
  auto stored = store.Meta(kDatasetKey);
  if (!stored.ok()) return stored.status();
  // A store from before the dataset was embedded took it with its next
  // reference version, as a new store does.
  bool with = *stored != "without";
  if (dataset == DatasetChoice::kWith) with = true;
  if (dataset == DatasetChoice::kWithout) {
    if (!have->empty() && *stored != "without") {
      return Status::InvalidInput(
          "this store already holds the embedded dataset (real model records and curated "
          "edges); --no-dataset applies only when a store is created: use a new --db");
    }
    with = false;
  }
  const std::string want = with ? "with" : "without";
  const std::string version = builtin::DataVersion();
  if (*have == version && *stored == want) return false;
  Status st = store.BeginRun("reference data " + version);
  if (!st.ok()) return st;
  Runner runner(store, IngestOptions{}, log);
  for (const auto& f : builtin::Files()) {
    if (!with && IsDatasetFile(f.name)) continue;
    InputKind kind = BuiltinKind(f.name);
    std::string name = std::string("builtin:") + f.name;
    st = kind == InputKind::kAuto
             ? Status::Corruption("built-in file '" + std::string(f.name) + "' has no reader")
             : runner.Text(name, name, name, std::string(f.data, f.size), kind);
    if (st.ok()) continue;
    store.RollbackRun();
    return st;
  }
  st = store.SetMeta(kReferenceVersionKey, version);
  if (st.ok()) st = store.SetMeta(kDatasetKey, want);
  if (st.ok()) st = store.CommitRun(FindCycles);
  if (!st.ok()) {
    store.RollbackRun();
    return st;
  }
  // New families, bases or licences change what every model's evidence says.
  auto inferred = RunInference(store, InferOptions{});
  if (!inferred.ok() && inferred.status().code() != Status::Code::kNotFound) {
    return inferred.status();  // the reference itself is committed
  }
  return true;
}

}  // namespace lineage
