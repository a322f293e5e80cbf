#include "core/ids.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace candor::core {

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) {
      std::fputs("candor: libsodium could not be initialised\n", stderr);
      std::abort();
    }
  });
}

SubjectId SubjectId::Random() {
  EnsureSodium();
  SubjectId id;
  randombytes_buf(id.bytes.data(), id.bytes.size());
  return id;
}

Result<SubjectId> SubjectId::FromHex(std::string_view hex) {
  SubjectId id;
  std::size_t bin_len = 0;
  if (hex.size() != 32 ||
      sodium_hex2bin(id.bytes.data(), id.bytes.size(), hex.data(), hex.size(), nullptr, &bin_len,
                     nullptr) != 0 ||
      bin_len != 16) {
    return InvalidArgument("a subject id is 32 hexadecimal digits");
  }
  return id;
}

std::string SubjectId::Hex() const { return ToHex(bytes.data(), bytes.size()); }

std::string ToHex(const std::uint8_t* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

}  // namespace candor::core
