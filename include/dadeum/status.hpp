// Errors as values: the library never prints, exits or lets an exception escape its API.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace dadeum {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  //!< the caller asked for something impossible (bad option, bad mapping)
  kNotFound,         //!< an input does not exist
  kIoError,          //!< reading or writing failed
  kDataError,        //!< input data is unusable as a whole (e.g. corrupt compression)
  kStopped,          //!< stopped on purpose (e.g. --strict at the first reject)
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status invalid_argument(std::string message) {
  return {StatusCode::kInvalidArgument, std::move(message)};
}
inline Status io_error(std::string message) { return {StatusCode::kIoError, std::move(message)}; }
inline Status data_error(std::string message) {
  return {StatusCode::kDataError, std::move(message)};
}

//! A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : state_(std::move(status)) {}  // NOLINT

  bool is_ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOkStatus;
    return is_ok() ? kOkStatus : std::get<Status>(state_);
  }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace dadeum

#define DADEUM_RETURN_IF_ERROR(expr)         \
  do {                                       \
    ::dadeum::Status dadeum_status_ = (expr); \
    if (!dadeum_status_.is_ok()) return dadeum_status_; \
  } while (false)
