#include "ledger/identifier_guard.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

namespace candor::ledger {

namespace {

using core::InvalidArgument;
using core::Status;

// Member names that name a direct identifier, normalised (lowercase, '-' as '_').
constexpr std::array<std::string_view, 24> kIdentifierNames = {
    "email", "e_mail", "email_address", "mail", "first_name", "firstname", "last_name",
    "lastname", "full_name", "given_name", "family_name", "surname", "phone", "phone_number",
    "mobile", "telephone", "contact_id", "address", "street", "postal_address", "ip",
    "ip_address", "iban", "birth_date"};

std::string NormaliseName(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '-' || c == ' ') c = '_';
  }
  return out;
}

// "local@domain.tld" somewhere in the text, without spaces around the '@'.
bool LooksLikeEmail(std::string_view s) {
  for (std::size_t at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
    if (at == 0 || s[at - 1] == ' ') continue;
    std::size_t end = at + 1;
    while (end < s.size() && s[end] != ' ' && s[end] != '@') ++end;
    std::string_view domain = s.substr(at + 1, end - at - 1);
    const std::size_t dot = domain.find('.');
    if (dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size()) return true;
  }
  return false;
}

Status CheckValue(const nlohmann::json& v, std::string& pointer) {
  if (v.is_string()) {
    if (LooksLikeEmail(v.get_ref<const std::string&>())) {
      return InvalidArgument(fmt::format(
          "ledger payload {}: looks like an e-mail address; the ledger takes pseudonymous "
          "subject ids only",
          pointer.empty() ? "/" : pointer));
    }
    return Status::Ok();
  }
  if (v.is_array()) {
    std::size_t i = 0;
    for (const auto& e : v) {
      const std::size_t mark = pointer.size();
      pointer += '/';
      pointer += std::to_string(i++);
      CANDOR_RETURN_IF_ERROR(CheckValue(e, pointer));
      pointer.resize(mark);
    }
    return Status::Ok();
  }
  if (v.is_object()) {
    for (const auto& [name, value] : v.items()) {
      const std::size_t mark = pointer.size();
      pointer += '/';
      pointer += name;
      const std::string n = NormaliseName(name);
      if (std::find(kIdentifierNames.begin(), kIdentifierNames.end(), n) != kIdentifierNames.end()) {
        return InvalidArgument(fmt::format(
            "ledger payload {}: names a direct identifier; the ledger takes pseudonymous "
            "subject ids only",
            pointer));
      }
      CANDOR_RETURN_IF_ERROR(CheckValue(value, pointer));
      pointer.resize(mark);
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckNoDirectIdentifiers(const nlohmann::json& payload) {
  std::string pointer;
  return CheckValue(payload, pointer);
}

}  // namespace candor::ledger
