// Runs SQL on a store file behind the Store's back, for tests that damage or
// age a store on purpose.
#ifndef LINEAGE_TESTS_RAW_SQL_H_
#define LINEAGE_TESTS_RAW_SQL_H_

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <string>

namespace lineage::testing {

inline void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  INFO((err ? err : ""));
  sqlite3_free(err);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_RAW_SQL_H_
