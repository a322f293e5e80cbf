// candor::core::SubjectId: the random 128-bit pseudonym of a data subject.
//
// Subject ids are drawn from libsodium's CSPRNG and carry no information about
// the person (DESIGN invariant 4). They are shown as 32 lowercase hex digits.
//
// Thread safety: values; Random() is thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace candor::core {

struct SubjectId {
  std::array<std::uint8_t, 16> bytes{};

  // A new id from the CSPRNG.
  static SubjectId Random();
  // Parses 32 hex digits (either case). InvalidArgument otherwise:
  // "a subject id is 32 hexadecimal digits".
  static Result<SubjectId> FromHex(std::string_view hex);
  std::string Hex() const;

  friend bool operator==(const SubjectId&, const SubjectId&) = default;
};

// Lowercase hex of arbitrary bytes.
std::string ToHex(const std::uint8_t* data, std::size_t size);

// Initialises libsodium once (thread-safe); aborts the process if it cannot,
// since no cryptography would be safe to use after that.
void EnsureSodium();

}  // namespace candor::core
