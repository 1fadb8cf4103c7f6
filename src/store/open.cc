// Opening a store: creating, migrating, and the handle's lifetime.
#include "store/internal.h"

#include <cstring>

namespace lineage {

namespace store_detail {

// Percent-encodes what a URI path cannot hold.
std::string ImmutableUri(const std::string& path) {
  std::string abs = std::filesystem::absolute(path).string();
  std::string uri = "file:";
  static const char* kHex = "0123456789ABCDEF";
  for (unsigned char c : abs) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 15];
    }
  }
  return uri + "?immutable=1";
}

void NameHashFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const unsigned char* text = sqlite3_value_text(argv[0]);
  if (!text) return sqlite3_result_null(ctx);
  int n = sqlite3_value_bytes(argv[0]);
  sqlite3_result_int(ctx, schema::NameHash(std::string_view(reinterpret_cast<const char*>(text),
                                                            static_cast<size_t>(n))));
}

}  // namespace store_detail

namespace schema {

// rtrim(X, Y) exactly as SQLite's built-in (trimFunc): strips from X's end
// every character of Y (a character: a lead byte >= 0xC0 with its
// continuation bytes, else one byte), matched as bytes. The built-in tries
// each character of Y at every step, which makes the index on the generated
// column artifact.name_key (rtrim(key, key without '/')) quadratic in the
// key's length: a third of a 2M-record ingest's index builds. Here a set of
// Y's one-byte characters answers in one step; longer ones are tried as the
// built-in does.
static void RtrimFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
  const unsigned char* in = sqlite3_value_text(argv[0]);
  if (!in) return;
  size_t n = static_cast<size_t>(sqlite3_value_bytes(argv[0]));
  const unsigned char* set = sqlite3_value_text(argv[1]);
  if (!set) return;
  bool single[256] = {};
  std::vector<std::string_view> multi;
  for (const unsigned char* z = set; *z;) {
    const unsigned char* c = z;
    if (*(z++) >= 0xc0) {
      while ((*z & 0xc0) == 0x80) ++z;
    }
    if (z - c == 1) {
      single[*c] = true;
    } else {
      multi.emplace_back(reinterpret_cast<const char*>(c), static_cast<size_t>(z - c));
    }
  }
  while (n > 0) {
    if (single[in[n - 1]]) {
      --n;
      continue;
    }
    size_t len = 0;
    for (std::string_view c : multi) {
      if (c.size() <= n && std::memcmp(in + n - c.size(), c.data(), c.size()) == 0) {
        len = c.size();
        break;
      }
    }
    if (len == 0) break;
    n -= len;
  }
  sqlite3_result_text(ctx, reinterpret_cast<const char*>(in), static_cast<int>(n),
                      SQLITE_TRANSIENT);
}

void RegisterFastRtrim(sqlite3* db) {
  sqlite3_create_function(db, "rtrim", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                          nullptr, RtrimFunction, nullptr, nullptr);
}

}  // namespace schema

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() {
  if (impl_ && impl_->txn) RollbackRun();
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, Mode mode) {
  // SQLite's allocation statistics take a global mutex on every malloc and
  // free; nothing reads them. Only possible before SQLite initialises, so a
  // later call (SQLITE_MISUSE) changes nothing.
  static const int kNoMemStatus = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)kNoMemStatus;
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->mode = mode;
  try {
    if (mode == Mode::kReadOnly) {
      if (!std::filesystem::exists(path)) {
        return Status::NotFound("no store at '" + path +
                                "' (run 'lineage ingest PATH' first, or pass --db FILE)");
      }
      impl->db = std::make_unique<SQLite::Database>(
          path, SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX);
      try {
        impl->db->setBusyTimeout(10000);
        impl->db->execAndGet("PRAGMA application_id");
      } catch (const SQLite::Exception& e) {
        // In a folder we cannot write, SQLite cannot create the WAL index
        // (-shm). No writer can be at work there either, so the file is read
        // as immutable. (A store with a live -wal also has its -shm and never
        // gets here.)
        if (e.getErrorCode() != SQLITE_READONLY && e.getErrorCode() != SQLITE_CANTOPEN) throw;
        impl->db = std::make_unique<SQLite::Database>(
            ImmutableUri(path), SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX | SQLite::OPEN_URI);
        impl->db->setBusyTimeout(10000);
      }
    } else {
      impl->db = std::make_unique<SQLite::Database>(
          path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
    }
    auto& db = *impl->db;
    db.setBusyTimeout(10000);
    // Both header fields in one statement. sqlite_master is counted only when
    // the header does not say "current lineage store" (a new or foreign file).
    int app_id = 0;
    int version = 0;
    {
      SQLite::Statement header(db, "SELECT * FROM pragma_application_id, pragma_user_version");
      if (header.executeStep()) {
        app_id = header.getColumn(0).getInt();
        version = header.getColumn(1).getInt();
      }
    }
    const bool current = app_id == schema::kApplicationId &&
                         version == static_cast<int>(schema::Migrations().size());
    int tables = current ? 1 : db.execAndGet("SELECT count(*) FROM sqlite_master").getInt();
    if (app_id != schema::kApplicationId && tables > 0) {
      return Status::Corruption("'" + path + "' is not a lineage store");
    }
    const auto& migrations = schema::Migrations();
    if (version > static_cast<int>(migrations.size())) {
      return Status::Corruption("'" + path + "' has schema version " + std::to_string(version) +
                                "; this lineage understands up to " +
                                std::to_string(migrations.size()));
    }
    if (version < static_cast<int>(migrations.size())) {
      if (mode == Mode::kReadOnly) {
        if (tables == 0) {
          return Status::NotFound("'" + path + "' is empty (run 'lineage ingest PATH' first)");
        }
        return Status::Corruption("'" + path + "' has an old schema; open it for writing "
                                  "(any ingest) to migrate it");
      }
      // Take the write lock first, then read the version again: two processes
      // creating one store at once must not both run the migrations.
      sqlite3_create_function(db.getHandle(), "lineage_name_hash", 1,
                              SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, NameHashFunction,
                              nullptr, nullptr);
      db.exec("BEGIN IMMEDIATE");
      try {
        version = db.execAndGet("PRAGMA user_version").getInt();
        for (int v = version; v < static_cast<int>(migrations.size()); ++v) db.exec(migrations[v]);
        db.exec("PRAGMA application_id = " + std::to_string(schema::kApplicationId));
        db.exec("PRAGMA user_version = " + std::to_string(migrations.size()));
        db.exec("COMMIT");
      } catch (...) {
        try {
          db.exec("ROLLBACK");
        } catch (const SQLite::Exception&) {
        }
        throw;
      }
    }
    if (mode == Mode::kReadWrite) {
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = NORMAL");
      // Debian builds SQLite with SECURE_DELETE: every row an update moves or
      // a re-ingest deletes is overwritten with zeros first. The store holds
      // no secret a freed page could leak, so a writer skips that work.
      db.exec("PRAGMA secure_delete = OFF");
    }
    schema::RegisterFastRtrim(db.getHandle());
    db.exec("PRAGMA cache_size = -262144");
    db.exec("PRAGMA temp_store = MEMORY");
    if (mode == Mode::kReadWrite) impl->Prepare();
  } catch (const SQLite::Exception& e) {
    if (e.getErrorCode() == SQLITE_NOTADB || e.getErrorCode() == SQLITE_CORRUPT) {
      return Status::Corruption("'" + path + "' is not a lineage store: " + e.what());
    }
    return Status::IoError("cannot open store '" + path + "': " + e.what());
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

}  // namespace lineage
