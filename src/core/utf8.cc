// UTF-8 helpers of record_reader.h. Validation is simdjson's (SIMD, several
// GB/s); the scalar scan that locates the bad byte only runs on the error path.
#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/record_reader.h"

namespace candor::core {

bool IsValidUtf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

std::size_t FirstInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80;  // allowed range of the second byte
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return i;
    }
    if (i + len > n) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

std::size_t CountCodePoints(std::string_view s) {
  std::size_t continuation = 0;
  for (const char ch : s) {
    continuation += (static_cast<unsigned char>(ch) & 0xC0) == 0x80 ? 1 : 0;
  }
  return s.size() - continuation;
}

namespace internal {

bool IsAscii(std::string_view s) {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t acc = 0;
  while (n >= 32) {
    std::uint64_t w[4];
    std::memcpy(w, p, sizeof w);
    acc |= w[0] | w[1] | w[2] | w[3];
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    acc |= w;
    p += 8;
    n -= 8;
  }
  unsigned char tail = 0;
  for (std::size_t i = 0; i < n; ++i) tail = static_cast<unsigned char>(tail | p[i]);
  return ((acc & 0x8080808080808080ULL) | (tail & 0x80U)) == 0;
}

}  // namespace internal
}  // namespace candor::core
