// candor::store::Migrations: the numbered schema migrations of the SQLite store.
// A migration is never edited once released; a change to the schema is a new one.
#pragma once

#include <string_view>
#include <vector>

namespace candor::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

const std::vector<Migration>& Migrations();

}  // namespace candor::store
