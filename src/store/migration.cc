#include "store/migration.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cassert>

namespace batuta {
namespace {

bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string ShortChecksum(std::string_view checksum) { return std::string(checksum.substr(0, 12)); }

}  // namespace

std::string MigrationChecksum(std::string_view sql) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // EVP_Digest only fails on allocation failure or a missing algorithm; sha256 is built in.
  const int ok = EVP_Digest(sql.data(), sql.size(), digest.data(), &length, EVP_sha256(), nullptr);
  assert(ok == 1 && length == 32 && "sha256 is always available");
  static_cast<void>(ok);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * std::size_t{length});
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

std::string MigrationLabel(int version, std::string_view name) {
  return fmt::format("{:04d}_{}", version, name);
}

Status ValidateMigrations(std::span<const Migration> known) {
  for (std::size_t i = 0; i < known.size(); ++i) {
    const Migration& m = known[i];
    const int expected = static_cast<int>(i) + 1;
    if (m.version != expected) {
      return Error::Internal(fmt::format(
          "migration list is broken: position {} holds version {} (versions must be 1..n in "
          "order without gaps)",
          i + 1, m.version));
    }
    if (!IsValidName(m.name)) {
      return Error::Internal(fmt::format(
          "migration {} has an invalid name '{}' (use lower-case letters, digits and '_')",
          m.version, m.name));
    }
    if (m.sql.find_first_not_of(" \t\r\n") == std::string::npos) {
      return Error::Internal(
          fmt::format("migration {} has no SQL", MigrationLabel(m.version, m.name)));
    }
  }
  return Ok();
}

std::optional<Error> ChecksumProblem(const Migration& known, std::string_view stored_checksum) {
  const std::string expected = MigrationChecksum(known.sql);
  if (stored_checksum == expected) return std::nullopt;
  const std::string label = MigrationLabel(known.version, known.name);
  Error error = Error::Conflict(fmt::format(
      "migration {} was applied with checksum {}... but this batuta's copy has checksum {}...: "
      "the migration was changed after it was applied; refusing to use the database (restore "
      "the original migration and put the change in a new one)",
      label, ShortChecksum(stored_checksum), ShortChecksum(expected)));
  error.details = {{"migration", label},
                   {"stored_checksum", std::string(stored_checksum)},
                   {"known_checksum", expected}};
  return error;
}

MigrationState DescribeMigrations(std::span<const Migration> known,
                                  std::vector<AppliedMigration> applied) {
  std::sort(
      applied.begin(), applied.end(),
      [](const AppliedMigration& a, const AppliedMigration& b) { return a.version < b.version; });
  MigrationState state;
  state.latest_version = known.empty() ? 0 : known.back().version;
  state.applied_version = applied.empty() ? 0 : applied.back().version;

  const auto find_known = [&](int version) -> const Migration* {
    for (const Migration& m : known) {
      if (m.version == version) return &m;
    }
    return nullptr;
  };
  const auto is_applied = [&](int version) {
    return std::any_of(applied.begin(), applied.end(),
                       [&](const AppliedMigration& a) { return a.version == version; });
  };

  for (const Migration& m : known) {
    if (!is_applied(m.version)) state.pending.push_back({m.version, m.name});
  }

  // The first problem found, checked from the most to the least fundamental.
  if (state.applied_version > state.latest_version) {
    Error error = Error::Conflict(fmt::format(
        "the database schema is at version {} but this batuta only knows migrations up to "
        "version {}: it was written by a newer batuta; refusing to use it (run the newer batuta "
        "or restore a backup made by this version)",
        state.applied_version, state.latest_version));
    error.details = {{"applied_version", state.applied_version},
                     {"latest_version", state.latest_version}};
    state.problem = std::move(error);
  }
  for (const AppliedMigration& a : applied) {
    if (state.problem) break;
    const Migration* m = find_known(a.version);
    if (m == nullptr) {  // a version below 1: known versions are 1..latest without gaps
      Error error = Error::Conflict(fmt::format(
          "the database records migration {} which this batuta does not know; refusing to use it",
          MigrationLabel(a.version, a.name)));
      error.details = {{"migration", MigrationLabel(a.version, a.name)}};
      state.problem = std::move(error);
    } else {
      state.problem = ChecksumProblem(*m, a.checksum);
    }
  }
  if (!state.problem && !state.pending.empty() &&
      state.pending.front().version < state.applied_version) {
    const PendingMigration& gap = state.pending.front();
    Error error = Error::Conflict(fmt::format(
        "migration {} is not applied but later migration {} is: the database was migrated out "
        "of order; refusing to use it",
        MigrationLabel(gap.version, gap.name), state.applied_version));
    error.details = {{"migration", MigrationLabel(gap.version, gap.name)},
                     {"applied_version", state.applied_version}};
    state.problem = std::move(error);
  }
  state.applied = std::move(applied);
  return state;
}

}  // namespace batuta
