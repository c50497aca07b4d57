// Status and Result<T>: errors as values. No exception crosses a module boundary.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace elanus {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,  // the caller's input broke a rule; the message names field, value, rule
  kNotFound = 2,
  kAlreadyExists = 3,
  kCorruption = 4,  // persisted data failed a checksum or format check
  kIOError = 5,
  kNotSupported = 6,        // a documented feature that this build does not implement
  kFailedPrecondition = 7,  // e.g. the data directory is locked by another process
  kResourceExhausted = 8,   // a limit was hit
  kInternal = 9,            // a bug
  kAborted = 10,
  kUnavailable = 11,
  kPermissionDenied = 12,
  kUnauthenticated = 13,
  kTimeout = 14,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status NotSupported(std::string m) { return {StatusCode::kNotSupported, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Timeout(std::string m) { return {StatusCode::kTimeout, std::move(m)}; }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  const std::string& message() const;
  std::string ToString() const;  // "InvalidArgument: <message>" or "OK"

  // Prefixes context to the message, keeping the code: "opening wal: <message>".
  Status WithContext(std::string_view context) const;

  bool IsInvalidArgument() const { return code() == StatusCode::kInvalidArgument; }
  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsCorruption() const { return code() == StatusCode::kCorruption; }

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const State> state_;  // null means OK; shared so copies are cheap
};

// Result<T> holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT(implicit)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(implicit)
    if (std::get<Status>(v_).ok()) v_ = Status::Internal("Result constructed from OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace elanus

#define ELANUS_CONCAT_INNER_(a, b) a##b
#define ELANUS_CONCAT_(a, b) ELANUS_CONCAT_INNER_(a, b)

#define ELANUS_RETURN_IF_ERROR(expr)         \
  do {                                       \
    ::elanus::Status _elanus_st = (expr);    \
    if (!_elanus_st.ok()) return _elanus_st; \
  } while (0)

#define ELANUS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

#define ELANUS_ASSIGN_OR_RETURN(lhs, expr) \
  ELANUS_ASSIGN_OR_RETURN_IMPL_(ELANUS_CONCAT_(_elanus_r_, __LINE__), lhs, expr)
