#include "store/meta_repository.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/id.h"

namespace batuta {
namespace {

Status ValidateKey(std::string_view key) {
  if (key.empty() || key.size() > MetaRepository::kMaxKeyBytes) {
    return Error::InvalidArgument(
        fmt::format("metadata key must have 1 to {} characters", MetaRepository::kMaxKeyBytes));
  }
  const bool valid = std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == ':' || c == '-';
  });
  if (!valid) {
    return Error::InvalidArgument(
        "metadata key may only contain letters, digits and the characters _ . : -");
  }
  return Ok();
}

Status ValidateValue(std::string_view value) {
  if (value.size() > MetaRepository::kMaxValueBytes) {
    return Error::InvalidArgument(
        fmt::format("metadata value is longer than {} bytes", MetaRepository::kMaxValueBytes));
  }
  if (value.find('\0') != std::string_view::npos) {
    return Error::InvalidArgument("metadata value must not contain NUL characters");
  }
  return Ok();
}

}  // namespace

Result<std::optional<std::string>> MetaRepository::Get(std::string_view key) {
  BATUTA_RETURN_IF_ERROR(ValidateKey(key));
  return DoGet(key);
}

Status MetaRepository::Put(std::string_view key, std::string_view value) {
  BATUTA_RETURN_IF_ERROR(ValidateKey(key));
  BATUTA_RETURN_IF_ERROR(ValidateValue(value));
  return DoPut(key, value);
}

Result<std::string> MetaRepository::PutIfAbsent(std::string_view key, std::string_view value) {
  BATUTA_RETURN_IF_ERROR(ValidateKey(key));
  BATUTA_RETURN_IF_ERROR(ValidateValue(value));
  return DoPutIfAbsent(key, value);
}

Result<std::string> MetaRepository::EnsureInstanceId() {
  // Reading first avoids drawing random bytes on every start; PutIfAbsent settles races.
  auto existing = Get(kInstanceIdKey);
  if (!existing.ok()) return std::move(existing).error();
  if (existing->has_value()) return std::move(**existing);
  return PutIfAbsent(kInstanceIdKey, RandomHex(16));
}

}  // namespace batuta
