#include "ingest/values.h"

#include <cctype>
#include <charconv>
#include <cmath>

namespace candor::ingest {

core::Result<std::int64_t> ParseInteger(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) {
    if (ec == std::errc::result_out_of_range) return core::InvalidArgument("integer out of range");
    return core::InvalidArgument("must be an integer");
  }
  return v;
}

core::Result<double> ParseNumber(std::string_view s) {
  double v = 0;
  // from_chars accepts "inf" and "nan": refuse anything but digits, sign, '.', 'e'.
  for (char c : s) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.' ||
          c == 'e' || c == 'E')) {
      return core::InvalidArgument("must be a number");
    }
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) {
    return core::InvalidArgument("must be a number");
  }
  return v;
}

core::Result<bool> ParseBoolean(std::string_view s) {
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  return core::InvalidArgument("must be true or false");
}

core::Status CheckToken(std::string_view s) {
  bool ok = !s.empty() && s.size() <= 64 && std::islower(static_cast<unsigned char>(s[0]));
  for (char c : s) {
    ok = ok && (std::islower(static_cast<unsigned char>(c)) ||
                std::isdigit(static_cast<unsigned char>(c)) || c == '_');
  }
  if (!ok) return core::InvalidArgument("must be a code of lowercase letters, digits and '_'");
  return core::Status::Ok();
}

core::Status CheckCountry(std::string_view s) {
  if (s.size() == 2 && std::isupper(static_cast<unsigned char>(s[0])) &&
      std::isupper(static_cast<unsigned char>(s[1])) && s[0] <= 'Z' && s[1] <= 'Z') {
    return core::Status::Ok();
  }
  return core::InvalidArgument("must be an ISO 3166-1 alpha-2 country code such as DE");
}

core::Status CheckLanguage(std::string_view s) {
  bool ok = s.size() == 2 || s.size() == 3;
  for (char c : s) ok = ok && c >= 'a' && c <= 'z';
  if (!ok) return core::InvalidArgument("must be an ISO 639 language code such as de or en");
  return core::Status::Ok();
}

std::string_view StripQuery(std::string_view url) {
  for (std::size_t i = 0; i < url.size(); ++i) {
    if (url[i] == '?' || url[i] == '#') return url.substr(0, i);
  }
  return url;
}

}  // namespace candor::ingest
