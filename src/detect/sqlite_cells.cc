#include "detect/sqlite_cells.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>

#include "detect/filters.h"
#include "util/text.h"

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
// trusted and a budget of steps. Some databases open only from a patched
// copy (`copy`): one in WAL mode, which must say it is in rollback mode
// (the cells its log holds are not read), and one cut short (a large
// file's first window), which must say it has only the pages it holds;
// `cut_short` tells of the latter.
Db OpenInMemory(std::string_view file, std::string& copy, int& looks, bool& cut_short) {
  constexpr size_t kHeader = 100;
  constexpr size_t kWriteVersion = 18;  // and the read version after it: 2 for WAL
  constexpr size_t kChangeCounter = 24;
  constexpr size_t kPageCount = 28;
  constexpr size_t kValidFor = 92;  // the change counter the page count is valid for
  if (file.size() < kHeader) return nullptr;
  auto u32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(file[at + i]);
    return v;
  };
  const uint32_t size_field = static_cast<uint32_t>(static_cast<unsigned char>(file[16])) << 8 |
                              static_cast<unsigned char>(file[17]);
  const size_t page = size_field == 1 ? 65536 : size_field;
  if (page < 512 || (page & (page - 1)) != 0) return nullptr;
  const bool wal = file[kWriteVersion] == 2 || file[kWriteVersion + 1] == 2;
  const bool cut = u32(kChangeCounter) == u32(kValidFor) &&
                   static_cast<uint64_t>(u32(kPageCount)) * page > file.size();
  cut_short = cut;
  if (wal || cut) {
    copy.assign(file.substr(0, file.size() - file.size() % page));
    if (copy.size() < page) return nullptr;
    copy[kWriteVersion] = copy[kWriteVersion + 1] = 1;
    const uint32_t pages = static_cast<uint32_t>(copy.size() / page);
    for (size_t i = 0; i < 4; ++i) {
      copy[kPageCount + i] = static_cast<char>(pages >> (24 - 8 * i));
      copy[kValidFor + i] = file[kChangeCounter + i];
    }
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
  sqlite3_progress_handler(
      raw, kStepsPerLook, [](void* n) { return ++*static_cast<int*>(n) > kMaxLooks ? 1 : 0; },
      &looks);
  // Read only: SQLite does not write to a buffer it may not resize or free.
  auto* bytes = reinterpret_cast<unsigned char*>(const_cast<char*>(file.data()));
  size_t size = file.size();
  if (!copy.empty()) {
    bytes = reinterpret_cast<unsigned char*>(copy.data());
    size = copy.size();
  }
  if (sqlite3_deserialize(raw, "main", bytes, static_cast<sqlite3_int64>(size),
                          static_cast<sqlite3_int64>(size),
                          SQLITE_DESERIALIZE_READONLY) != SQLITE_OK) {
    return nullptr;
  }
  return db;
}

// A table of settings keeps names and values in rows: (name, value),
// (key, value), WordPress's (option_name, option_value).
bool IsNameColumn(std::string_view column) {
  static constexpr std::string_view kNames[] = {"name",        "key",          "setting",
                                                "option_name", "setting_name", "config_key",
                                                "param",       "variable",     "k"};
  return std::find(std::begin(kNames), std::end(kNames), column) != std::end(kNames);
}

bool IsValueColumn(std::string_view column) {
  static constexpr std::string_view kValues[] = {"value",         "val",          "option_value",
                                                 "setting_value", "config_value", "data", "v"};
  return std::find(std::begin(kValues), std::end(kValues), column) != std::end(kValues);
}

// A setting's name that may hold a credential: a secret's name, or one with
// a key's or a token's word in it ("aws_access_key_id", whose value is a
// token format).
bool MayNameACredential(std::string_view name) {
  if (NameSuggestsSecret(name)) return true;
  const std::string lower = ToLower(name);
  for (std::string_view word : {"key", "token", "secret", "pass", "auth", "credential"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

// One query for the cells of a table: under a secret-named column (`name`
// empty), or beside a secret-named name in a table of settings.
struct CellQuery {
  std::string table;
  std::string column;  // the values'
  std::string name;    // the names', for a table of settings
};

std::vector<CellQuery> CellQueries(sqlite3* db) {
  std::vector<CellQuery> queries;
  Statement tables = Prepare(db, "SELECT name FROM sqlite_schema WHERE type = 'table'");
  if (!tables) return queries;
  while (sqlite3_step(tables.get()) == SQLITE_ROW) {
    const std::string table = ColumnText(tables.get(), 0);
    Statement info = Prepare(db, "SELECT name FROM pragma_table_info(?1)");
    if (!info) continue;
    sqlite3_bind_text(info.get(), 1, table.c_str(), -1, SQLITE_TRANSIENT);
    std::string names;
    std::string values;
    while (sqlite3_step(info.get()) == SQLITE_ROW) {
      std::string column = ColumnText(info.get(), 0);
      const std::string lower = ToLower(column);
      if (names.empty() && IsNameColumn(lower)) names = column;
      if (values.empty() && IsValueColumn(lower)) values = column;
      if (NameSuggestsSecret(column)) queries.push_back({table, std::move(column), ""});
    }
    if (!names.empty() && !values.empty()) queries.push_back({table, values, names});
  }
  return queries;
}

// The cells SecretColumnCells returns, of the database `db`; `unread`
// names what the cell limit left.
void ReadCells(sqlite3* db, const int& looks, std::vector<SqliteCell>& cells,
               std::string& unread) {
  for (const CellQuery& q : CellQueries(db)) {
    if (looks > kMaxLooks) return;
    const std::string value = Quoted(q.column);
    Statement rows = Prepare(db, "SELECT " + value + (q.name.empty() ? "" : ", " + Quoted(q.name)) +
                                     " FROM " + Quoted(q.table) + " WHERE typeof(" + value +
                                     ") = 'text'");
    if (!rows) continue;
    while (sqlite3_step(rows.get()) == SQLITE_ROW) {
      std::string name = q.name.empty() ? q.column : ColumnText(rows.get(), 1);
      if (!q.name.empty() && (name.size() > kMaxCell || !MayNameACredential(name))) continue;
      if (cells.size() == kMaxCells) {  // one row more than the limit
        unread = "SQLite cells past the first " + std::to_string(kMaxCells);
        return;
      }
      std::string text = ColumnText(rows.get(), 0);
      if (!text.empty() && text.size() <= kMaxCell) cells.push_back({name, std::move(text)});
    }
  }
}

}  // namespace

bool LooksLikeSqlite(std::string_view file) {
  return file.starts_with(std::string_view("SQLite format 3\0", 16));
}

std::vector<SqliteCell> SecretColumnCells(std::string_view file, std::string* cut,
                                          std::string* reason) {
  std::vector<SqliteCell> cells;
  std::string unread;
  if (!LooksLikeSqlite(file)) return cells;
  int looks = 0;
  std::string copy;
  bool cut_short = false;
  Db db = OpenInMemory(file, copy, looks, cut_short);
  if (cut_short) unread = "SQLite pages past those the file holds";
  if (db) {
    ReadCells(db.get(), looks, cells, unread);
    if (looks > kMaxLooks && unread.empty()) unread = "SQLite cells past its step budget";
  }
  if (reason != nullptr) *reason = unread.empty() ? "" : cut_short ? "size" : "entries";
  if (cut != nullptr) *cut = std::move(unread);
  return cells;
}

}  // namespace safebuild::detect
