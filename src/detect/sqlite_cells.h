// The values an SQLite database keeps under columns whose names say they
// hold secrets ("password", "api_token"). A cell's bytes are in the file,
// but its column's name is only in the table's schema, pages away: read in
// place, a plain password is a string with no name before it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace safebuild::detect {

struct SqliteCell {
  std::string column;  // as the schema names it
  std::string value;   // the cell's text, as the file holds it (UTF-8)
};

/// Whether `file` starts with SQLite's header.
bool LooksLikeSqlite(std::string_view file);

/// The text cells of `file` (an SQLite database, read only and in memory)
/// under columns that NameSuggestsSecret takes, of tables the schema lists,
/// and the values of a table of settings (name and value columns) whose
/// row names a credential, each with that name as its column: up to 1024
/// bytes a cell, 4096 cells in all, and as much work as reading a few
/// hundred MiB takes. A damaged database gives what was read before
/// the damage. `cut` names what was left unread: cells past a limit, or
/// pages past those the file holds (a large file's first window); "" when
/// nothing was.
/// `reason` says why, as a Skipped's reason: "size" for pages, "entries"
/// for cells.
std::vector<SqliteCell> SecretColumnCells(std::string_view file, std::string* cut = nullptr,
                                          std::string* reason = nullptr);

}  // namespace safebuild::detect
