// Read-only SQL for ad-hoc questions.
#include "store/internal.h"

namespace lineage {

Result<std::vector<std::vector<std::string>>> Store::Query(const std::string& sql) const {
  // A separate read-only connection: even a statement SQLite misjudges as
  // read-only cannot write through it.
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(impl_->path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return Status::IoError("cannot open store read-only: " + msg);
  }
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> conn(raw, sqlite3_close);
  sqlite3_exec(raw, "PRAGMA query_only = 1", nullptr, nullptr, nullptr);
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &stmt, &tail) != SQLITE_OK) {
    return Status::InvalidInput(std::string("SQL error: ") + sqlite3_errmsg(raw));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
  if (!stmt) return Status::InvalidInput("empty SQL statement");
  while (tail && *tail && std::isspace(static_cast<unsigned char>(*tail))) ++tail;
  if (tail && *tail && !(tail[0] == ';' && tail[1] == '\0')) {
    return Status::InvalidInput("only one SQL statement is allowed");
  }
  if (!sqlite3_stmt_readonly(stmt)) {
    return Status::InvalidInput("the sql command is read-only; this statement would write");
  }
  std::vector<std::vector<std::string>> rows;
  int n = sqlite3_column_count(stmt);
  std::vector<std::string> header;
  for (int i = 0; i < n; ++i) header.emplace_back(sqlite3_column_name(stmt, i));
  rows.push_back(std::move(header));
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < n; ++i) {
      const unsigned char* t = sqlite3_column_text(stmt, i);
      row.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return Status::InvalidInput(std::string("SQL error: ") + sqlite3_errmsg(raw));
  return rows;
}

}  // namespace lineage
