#include "detect/sqlite_cells.h"

#include <sqlite3.h>

#include <memory>
#include <utility>

#include "detect/filters.h"

namespace safebuild::detect {
namespace {

constexpr size_t kMaxCell = 1024;
constexpr size_t kMaxCells = 4096;
// Virtual machine steps between looks at the budget, and the budget: a
// damaged or hostile schema cannot make a scan loop.
constexpr int kStepsPerLook = 10000;
constexpr int kMaxLooks = 20000;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct FinalizeStatement {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;
using Statement = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

Statement Prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    sqlite3_finalize(s);
    return nullptr;
  }
  return Statement(s);
}

std::string ColumnText(sqlite3_stmt* s, int column) {
  const unsigned char* text = sqlite3_column_text(s, column);
  const int size = sqlite3_column_bytes(s, column);
  if (text == nullptr || size <= 0) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

// An identifier quoted for SQL: "a ""b""".
std::string Quoted(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + '"';
}

// The database in `file`, opened read only in memory, with no schema code
// trusted and a budget of steps. A database in WAL mode opens from memory
// only as a copy that says it is in rollback mode (`legacy`); the cells
// its log holds are not read.
Db OpenInMemory(std::string_view file, std::string& legacy, int& looks) {
  constexpr size_t kWriteVersion = 18;  // and the read version after it: 2 for WAL
  if (file.size() > kWriteVersion + 1 &&
      (file[kWriteVersion] == 2 || file[kWriteVersion + 1] == 2)) {
    legacy.assign(file);
    legacy[kWriteVersion] = legacy[kWriteVersion + 1] = 1;
  }
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(raw);
    return nullptr;
  }
  Db db(raw);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_limit(raw, SQLITE_LIMIT_LENGTH, static_cast<int>(kMaxCell * 64));
  sqlite3_progress_handler(
      raw, kStepsPerLook, [](void* n) { return ++*static_cast<int*>(n) > kMaxLooks ? 1 : 0; },
      &looks);
  // Read only: SQLite does not write to a buffer it may not resize or free.
  auto* bytes = reinterpret_cast<unsigned char*>(const_cast<char*>(file.data()));
  if (!legacy.empty()) bytes = reinterpret_cast<unsigned char*>(legacy.data());
  if (sqlite3_deserialize(raw, "main", bytes, static_cast<sqlite3_int64>(file.size()),
                          static_cast<sqlite3_int64>(file.size()),
                          SQLITE_DESERIALIZE_READONLY) != SQLITE_OK) {
    return nullptr;
  }
  return db;
}

}  // namespace

bool LooksLikeSqlite(std::string_view file) {
  return file.starts_with(std::string_view("SQLite format 3\0", 16));
}

std::vector<SqliteCell> SecretColumnCells(std::string_view file) {
  std::vector<SqliteCell> cells;
  if (!LooksLikeSqlite(file)) return cells;
  int looks = 0;
  std::string legacy;
  Db db = OpenInMemory(file, legacy, looks);
  if (!db) return cells;
  std::vector<std::pair<std::string, std::string>> columns;  // table, column
  if (Statement tables = Prepare(db.get(), "SELECT name FROM sqlite_schema WHERE type = 'table'")) {
    while (sqlite3_step(tables.get()) == SQLITE_ROW) {
      const std::string table = ColumnText(tables.get(), 0);
      Statement info = Prepare(db.get(), "SELECT name FROM pragma_table_info(?1)");
      if (!info) continue;
      sqlite3_bind_text(info.get(), 1, table.c_str(), -1, SQLITE_TRANSIENT);
      while (sqlite3_step(info.get()) == SQLITE_ROW) {
        std::string column = ColumnText(info.get(), 0);
        if (NameSuggestsSecret(column)) columns.emplace_back(table, std::move(column));
      }
    }
  }
  for (const auto& [table, column] : columns) {
    Statement rows = Prepare(db.get(), "SELECT " + Quoted(column) + " FROM " + Quoted(table) +
                                           " WHERE typeof(" + Quoted(column) + ") = 'text'");
    if (!rows) continue;
    while (cells.size() < kMaxCells && sqlite3_step(rows.get()) == SQLITE_ROW) {
      std::string value = ColumnText(rows.get(), 0);
      if (!value.empty() && value.size() <= kMaxCell) cells.push_back({column, std::move(value)});
    }
    if (cells.size() >= kMaxCells) break;
  }
  return cells;
}

}  // namespace safebuild::detect
