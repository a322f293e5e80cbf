// candor::store::sqlite: a thin RAII layer over SQLite's C API that turns every
// result code into a Status.
//
// Written by hand rather than taken from SQLiteCpp (Debian's libsqlitecpp-dev)
// because that library reports errors by throwing, and candor keeps errors as
// values across module boundaries; the layer is only what the store needs.
//
// Thread safety: a Db and its statements belong to one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/status.h"

namespace candor::store::sqlite {

class Stmt;

class Db {
 public:
  // Opens (creating if `create`) the database file. Unavailable on failure.
  static core::Result<std::unique_ptr<Db>> Open(const std::string& path, bool create);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more statements without results.
  core::Status Exec(std::string_view sql);
  // Prepares a statement. Internal on a syntax error (a bug).
  core::Result<Stmt> Prepare(std::string_view sql);
  std::int64_t LastInsertRowid() const;
  int Changes() const;
  sqlite3* raw() { return db_; }
  const std::string& path() const { return path_; }

  // A Status for the current error of this connection.
  core::Status Error(int rc, std::string_view what) const;

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

// A prepared statement. Bind with 1-based indices, then Step().
class Stmt {
 public:
  Stmt() = default;
  Stmt(Db* db, sqlite3_stmt* s) : db_(db), stmt_(s) {}
  Stmt(Stmt&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Bind(int i, std::int64_t v);
  Stmt& Bind(int i, int v) { return Bind(i, static_cast<std::int64_t>(v)); }
  Stmt& Bind(int i, double v);
  Stmt& Bind(int i, std::string_view text);  // copied (SQLITE_TRANSIENT)
  // Not copied: `text` must stay valid and unchanged until the statement is reset.
  Stmt& BindStatic(int i, std::string_view text);
  Stmt& BindBlob(int i, const void* data, std::size_t size);
  Stmt& BindNull(int i);
  template <typename T>
  Stmt& BindOpt(int i, const std::optional<T>& v) {
    return v ? Bind(i, *v) : BindNull(i);
  }
  // Binds NULL for an empty string.
  Stmt& BindTextOrNull(int i, std::string_view text) {
    return text.empty() ? BindNull(i) : Bind(i, text);
  }

  // Runs one step: true when a row is available, false when done.
  core::Result<bool> Step();
  // Steps to completion and resets, for statements without results.
  core::Status Run();
  // Steps through every remaining row, calling fn(*this) for each; fn returns
  // void or core::Status. The first error (SQLite's or fn's) stops and is returned.
  template <typename Fn>
  core::Status ForEachRow(Fn&& fn) {
    while (true) {
      CANDOR_ASSIGN_OR_RETURN(bool row, Step());
      if (!row) return core::Status::Ok();
      if constexpr (std::is_void_v<std::invoke_result_t<Fn&, Stmt&>>) {
        fn(*this);
      } else {
        CANDOR_RETURN_IF_ERROR(fn(*this));
      }
    }
  }
  // decode(*this) of every remaining row, in order.
  template <typename Decode>
  core::Result<std::vector<std::invoke_result_t<Decode&, Stmt&>>> Collect(Decode&& decode) {
    std::vector<std::invoke_result_t<Decode&, Stmt&>> out;
    CANDOR_RETURN_IF_ERROR(ForEachRow([&](Stmt& s) { out.push_back(decode(s)); }));
    return out;
  }
  void Reset();

  std::int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;
  std::vector<std::uint8_t> Blob(int col) const;
  bool IsNull(int col) const;
  sqlite3_stmt* raw() { return stmt_; }

 private:
  Db* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace candor::store::sqlite
