// Read-only SQL for ad-hoc questions.
#include <cctype>
#include <chrono>
#include <regex>

#include "store/internal.h"

namespace lineage {

namespace {

using Clock = std::chrono::steady_clock;

// PRAGMAs that only read when given no argument, though SQLite cannot say
// so from the statement (sqlite3_stmt_readonly is false for them).
bool IsReadingPragma(const std::string& sql) {
  static const std::regex kPragma(
      R"(^\s*pragma\s+(main\.)?(journal_mode|user_version|application_id|page_size|page_count|)"
      R"(freelist_count|encoding|auto_vacuum|schema_version|data_version|synchronous|)"
      R"(locking_mode|cache_size|foreign_keys)\s*;?\s*$)",
      std::regex::icase);
  return std::regex_match(sql, kPragma);
}

int DenyFunctions(void*, int action, const char*, const char* name, const char*, const char*) {
  // fts3_tokenizer() with one argument returns a pointer into the process.
  if (action == SQLITE_FUNCTION && name && sqlite3_stricmp(name, "fts3_tokenizer") == 0) {
    return SQLITE_DENY;
  }
  return SQLITE_OK;
}

struct Deadline {
  Clock::time_point at;
  bool active = false;
  bool hit = false;
};

int CheckDeadline(void* p) {
  auto* d = static_cast<Deadline*>(p);
  if (d->active && Clock::now() >= d->at) {
    d->hit = true;
    return 1;  // interrupts the statement
  }
  return 0;
}

}  // namespace

Status Store::QueryEach(const std::string& sql, const QueryLimits& limits,
                        const std::function<void(const std::vector<std::string>&)>& row,
                        bool* truncated) const {
  if (truncated) *truncated = false;
  // A separate read-only connection: even a statement SQLite misjudges as
  // read-only cannot write through it.
  // It opens the file as the store's own connection did: immutable when that
  // one had to be (a folder the reader cannot write, where SQLite cannot
  // create the WAL index and no writer can be at work).
  const char* main_file = sqlite3_db_filename(impl_->db->getHandle(), "main");
  bool immutable = main_file && sqlite3_uri_boolean(main_file, "immutable", 0);
  std::string target = immutable ? ImmutableUri(impl_->path) : impl_->path;
  int flags = SQLITE_OPEN_READONLY | (immutable ? SQLITE_OPEN_URI : 0);
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(target.c_str(), &raw, flags, nullptr) != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return Status::IoError("cannot open store read-only: " + msg);
  }
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> conn(raw, sqlite3_close);
  sqlite3_exec(raw, "PRAGMA query_only = 1", nullptr, nullptr, nullptr);
  sqlite3_set_authorizer(raw, DenyFunctions, nullptr);
  Deadline deadline;
  if (limits.timeout_seconds > 0) {
    deadline.active = true;
    deadline.at = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(limits.timeout_seconds));
    sqlite3_progress_handler(raw, 10000, CheckDeadline, &deadline);
  }
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &stmt, &tail) != SQLITE_OK) {
    return Status::InvalidInput(std::string("SQL error: ") + sqlite3_errmsg(raw));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
  if (!stmt) return Status::InvalidInput("empty SQL statement");
  // What follows the statement may only be spaces, ';' and comments: SQLite
  // then prepares it to no statement at all.
  while (tail && *tail) {
    sqlite3_stmt* rest = nullptr;
    const char* next = nullptr;
    int rc = sqlite3_prepare_v2(raw, tail, -1, &rest, &next);
    if (rest) sqlite3_finalize(rest);
    if (rc != SQLITE_OK || rest) return Status::InvalidInput("only one SQL statement is allowed");
    if (next == tail) break;
    tail = next;
  }
  if (!sqlite3_stmt_readonly(stmt) && !IsReadingPragma(sqlite3_sql(stmt))) {
    return Status::InvalidInput("the sql command is read-only; this statement would write");
  }
  int n = sqlite3_column_count(stmt);
  std::vector<std::string> cells;
  for (int i = 0; i < n; ++i) cells.emplace_back(sqlite3_column_name(stmt, i));
  row(cells);
  int64_t rows = 0;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    if (limits.max_rows > 0 && rows >= limits.max_rows) {
      if (truncated) *truncated = true;
      return Status::Ok();
    }
    for (int i = 0; i < n; ++i) {
      const unsigned char* t = sqlite3_column_text(stmt, i);
      cells[i] = t ? reinterpret_cast<const char*>(t) : "";
    }
    row(cells);
    ++rows;
  }
  if (deadline.hit) {
    return Status::IoError("the query stopped after " +
                                std::to_string(static_cast<long>(limits.timeout_seconds)) +
                                " s (raise --timeout to give it longer)");
  }
  if (rc != SQLITE_DONE) return Status::InvalidInput(std::string("SQL error: ") + sqlite3_errmsg(raw));
  return Status::Ok();
}

Result<std::vector<std::vector<std::string>>> Store::Query(const std::string& sql) const {
  std::vector<std::vector<std::string>> rows;
  Status st = QueryEach(sql, {}, [&rows](const std::vector<std::string>& r) { rows.push_back(r); },
                        nullptr);
  if (!st.ok()) return st;
  return rows;
}

}  // namespace lineage
