#include "ledger/canonical_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace candor::ledger {
namespace {

using core::InvalidArgument;
using core::Result;
using core::Status;
using nlohmann::json;

// Integers whose magnitude is at most 2^53 are exactly representable as doubles.
constexpr std::uint64_t kMaxExactInteger = std::uint64_t{1} << 53;

// Appends `s` as a JSON string literal per RFC 8785 3.2.2.2. InvalidArgument (without
// echoing the text) when `s` is not valid UTF-8.
Status AppendString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      char32_t cp = 0;
      const std::size_t len = DecodeUtf8(s, i, &cp);
      if (len == 0) return InvalidArgument(fmt::format("not valid UTF-8 at byte {}", i));
      out.append(s.substr(i, len));
      i += len;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0x0F];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
  return Status::Ok();
}

// ECMA-262 Number::toString(x) for finite non-zero x, from the shortest round-trip
// digits that std::to_chars finds (the same digits ECMAScript requires: fewest
// digits, then closest to x).
void AppendDouble(double value, std::string& out) {
  if (value == 0) {  // +0 and -0
    out += '0';
    return;
  }
  char buf[40];
  const auto [end, ec] =
      std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  // Cannot fail: 40 bytes hold any double in scientific form ("-d.dddddddddddddddde-308").
  std::string_view sci(buf, static_cast<std::size_t>(end - buf));
  if (sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  const std::size_t e_pos = sci.find('e');
  std::string digits;  // s of ECMA-262: the significant digits without the point
  for (const char c : sci.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  std::string_view exp_text = sci.substr(e_pos + 1);
  const bool exp_negative = exp_text.front() == '-';
  exp_text.remove_prefix(1);  // to_chars always writes the exponent's sign
  int exponent = 0;
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  if (exp_negative) exponent = -exponent;

  // x = 0.digits * 10^n, k digits (ECMA-262 steps 5-10).
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += n - 1 < 0 ? '-' : '+';
    out += std::to_string(std::abs(n - 1));
  }
}

template <typename Int>
void AppendInteger(Int v, std::string& out) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, end);
}

// Serialises one value. On error, `error_path` receives the JSON Pointer segments from
// the failing value up to the root (innermost first).
class Canonicalizer {
 public:
  explicit Canonicalizer(std::string& out) : out_(out) {}

  Status Append(const json& v, std::size_t depth) {
    switch (v.type()) {
      case json::value_t::null:
        out_ += "null";
        return Status::Ok();
      case json::value_t::boolean:
        out_ += v.get<bool>() ? "true" : "false";
        return Status::Ok();
      case json::value_t::string:
        return AppendString(v.get_ref<const std::string&>(), out_);
      case json::value_t::number_integer: {
        const auto i = v.get<std::int64_t>();
        const std::uint64_t magnitude = i < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(i)
                                              : static_cast<std::uint64_t>(i);
        if (magnitude > kMaxExactInteger) return IntegerTooLarge();
        AppendInteger(i, out_);
        return Status::Ok();
      }
      case json::value_t::number_unsigned: {
        const auto u = v.get<std::uint64_t>();
        if (u > kMaxExactInteger) return IntegerTooLarge();
        AppendInteger(u, out_);
        return Status::Ok();
      }
      case json::value_t::number_float: {
        const auto d = v.get<double>();
        if (!std::isfinite(d)) return NonFinite();
        AppendDouble(d, out_);
        return Status::Ok();
      }
      case json::value_t::array:
        return AppendArray(v, depth + 1);
      case json::value_t::object:
        return AppendObject(v, depth + 1);
      case json::value_t::binary:
        return InvalidArgument("binary values have no JSON representation");
      case json::value_t::discarded:
        return InvalidArgument("a discarded value (parse error)");
    }
    return core::Internal("unknown nlohmann::json type");
  }

  const std::vector<std::string>& error_path() const { return error_path_; }

 private:
  static Status IntegerTooLarge() {
    return InvalidArgument(
        "integer beyond +-2^53 cannot be an exact JSON number (RFC 8785 3.2.2.3); "
        "write it as a string");
  }
  static Status NonFinite() {
    return InvalidArgument("NaN and Infinity have no JSON representation (RFC 8785 3.2.2.3)");
  }
  static Status TooDeep() {
    return InvalidArgument(fmt::format("nesting deeper than {} levels", kMaxCanonicalJsonDepth));
  }

  Status AppendArray(const json& v, std::size_t depth) {
    if (depth > kMaxCanonicalJsonDepth) return TooDeep();
    out_ += '[';
    std::size_t index = 0;
    for (const json& element : v) {
      if (index > 0) out_ += ',';
      if (Status s = Append(element, depth); !s.ok()) {
        error_path_.push_back(std::to_string(index));
        return s;
      }
      ++index;
    }
    out_ += ']';
    return Status::Ok();
  }

  Status AppendObject(const json& v, std::size_t depth) {
    if (depth > kMaxCanonicalJsonDepth) return TooDeep();
    const json::object_t& members = v.get_ref<const json::object_t&>();
    // nlohmann keeps members in UTF-8 byte order, which is code point order. That
    // agrees with UTF-16 code unit order unless a name holds a character above U+FFFF
    // (a surrogate pair, 0xD800..) and another one in U+E000..U+FFFF; only then sort.
    const bool has_supplementary = std::any_of(members.begin(), members.end(), [](const auto& m) {
      return std::any_of(m.first.begin(), m.first.end(),
                         [](char c) { return static_cast<unsigned char>(c) >= 0xF0; });
    });
    std::vector<const json::object_t::value_type*> order;
    order.reserve(members.size());
    for (const auto& member : members) order.push_back(&member);
    if (has_supplementary) {
      std::vector<std::pair<std::u16string, const json::object_t::value_type*>> keyed;
      keyed.reserve(order.size());
      for (const auto* member : order) {
        std::u16string units;
        if (!ToUtf16(member->first, &units)) {
          return InvalidArgument("a member name is not valid UTF-8");
        }
        keyed.emplace_back(std::move(units), member);
      }
      std::sort(keyed.begin(), keyed.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      for (std::size_t i = 0; i < keyed.size(); ++i) order[i] = keyed[i].second;
    }

    out_ += '{';
    bool first = true;
    for (const auto* member : order) {
      if (!first) out_ += ',';
      first = false;
      if (Status s = AppendString(member->first, out_); !s.ok()) {
        return InvalidArgument("a member name is " + s.message());
      }
      out_ += ':';
      if (Status s = Append(member->second, depth); !s.ok()) {
        error_path_.push_back(member->first);
        return s;
      }
    }
    out_ += '}';
    return Status::Ok();
  }

  static bool ToUtf16(std::string_view s, std::u16string* out) {
    for (std::size_t i = 0; i < s.size();) {
      char32_t cp = 0;
      const std::size_t len = DecodeUtf8(s, i, &cp);
      if (len == 0) return false;
      if (cp >= 0x10000) {
        cp -= 0x10000;
        out->push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
        out->push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
      } else {
        out->push_back(static_cast<char16_t>(cp));
      }
      i += len;
    }
    return true;
  }

  std::string& out_;
  std::vector<std::string> error_path_;
};

// RFC 6901 JSON Pointer of the segments, given innermost first.
std::string JsonPointer(const std::vector<std::string>& innermost_first) {
  if (innermost_first.empty()) return "the top level";
  std::string pointer;
  for (auto it = innermost_first.rbegin(); it != innermost_first.rend(); ++it) {
    pointer += '/';
    for (const char c : *it) {
      if (c == '~') {
        pointer += "~0";
      } else if (c == '/') {
        pointer += "~1";
      } else {
        pointer += c;
      }
    }
  }
  return pointer;
}

}  // namespace

std::size_t DecodeUtf8(std::string_view s, std::size_t i, char32_t* code_point) {
  auto byte = [&](std::size_t j) { return static_cast<unsigned char>(s[j]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    *code_point = b0;
    return 1;
  }
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // U+D800..U+DFFF are surrogates, not characters
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  char32_t cp = b0 & (0x7F >> len);
  for (std::size_t j = 1; j < len; ++j) {
    const unsigned char b = byte(i + j);
    if (b < (j == 1 ? lo : 0x80) || b > (j == 1 ? hi : 0xBF)) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  *code_point = cp;
  return len;
}

Result<std::string> CanonicalJson(const nlohmann::json& value) {
  std::string out;
  Canonicalizer canonicalizer(out);
  if (Status s = canonicalizer.Append(value, 0); !s.ok()) {
    return InvalidArgument(fmt::format("cannot canonicalize JSON (RFC 8785) at {}: {}",
                                       JsonPointer(canonicalizer.error_path()), s.message()));
  }
  return out;
}

Status AppendCanonicalString(std::string_view text, std::string& out) {
  return AppendString(text, out);
}

Result<std::string> FormatCanonicalNumber(double value) {
  if (!std::isfinite(value)) {
    return InvalidArgument("NaN and Infinity have no JSON representation (RFC 8785 3.2.2.3)");
  }
  std::string out;
  AppendDouble(value, out);
  return out;
}

}  // namespace candor::ledger
