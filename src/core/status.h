// candor::core::Status and Result<T>: errors as values across module boundaries.
//
// A Status is either OK or carries a canonical code and a message meant for the
// person at the terminal. Codes mean something to the caller:
//   kInvalidArgument    bad input (a file's contents, a flag, a config value)
//   kNotFound           a named thing (subject, model, file) does not exist
//   kAlreadyExists      creating something that is already there
//   kFailedPrecondition the system is not in a state that allows the call
//                       (no active model, a gate refused, a GDPR rule forbids it)
//   kPermissionDenied   the caller's role may not do this
//   kDataLoss           stored data is corrupt or was tampered with
//   kUnavailable        a resource (disk, database lock) is not available now
//   kInternal           a bug or a library failure that should not happen
//
// ExitCode() maps a code to the process exit code of DESIGN.md:
// 0 ok, 1 runtime error, 2 usage or input error, 3 a gate or check refused.
//
// Messages never contain the value of a direct identifier (DESIGN invariant 4);
// callers format them with column names and positions, not cell contents.
//
// Thread safety: Status and Result are values; distinct objects may be used from
// different threads, one object is not synchronised.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace candor::core {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kPermissionDenied,
  kDataLoss,
  kUnavailable,
  kInternal,
};

// The canonical name of a code, e.g. "INVALID_ARGUMENT".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "context: message". OK stays OK.
  Status WithContext(std::string_view context) const;

  // "INVALID_ARGUMENT: message", or "OK".
  std::string ToString() const;

  // Process exit code for this status (see the file comment).
  int ExitCode() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Result<T> holds either a T or a non-OK Status. Accessing value() of an error
// Result is a programmer error (asserts in debug builds).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result constructed from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }

  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace candor::core

#define CANDOR_CONCAT_INNER_(a, b) a##b
#define CANDOR_CONCAT_(a, b) CANDOR_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function if it is not OK.
#define CANDOR_RETURN_IF_ERROR(expr)                       \
  do {                                                     \
    ::candor::core::Status candor_status_ = (expr);        \
    if (!candor_status_.ok()) return candor_status_;       \
  } while (false)

// Evaluates `rexpr` (a Result<T>); on error returns its Status, else moves the
// value into `lhs` (which may be a declaration such as `auto x`).
#define CANDOR_ASSIGN_OR_RETURN(lhs, rexpr) \
  CANDOR_ASSIGN_OR_RETURN_IMPL_(CANDOR_CONCAT_(candor_result_, __LINE__), lhs, rexpr)
#define CANDOR_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                  \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()
