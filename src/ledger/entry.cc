#include "ledger/entry.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>

#include "ledger/canonical_json.h"

namespace candor::ledger {

namespace {

using core::InvalidArgument;
using core::Result;
using core::Status;

constexpr std::size_t kMaxActorBytes = 128;
constexpr std::size_t kMaxModelBytes = 128;
constexpr std::size_t kMaxTypeBytes = 64;

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// UTF-8 without C0/C1 control characters or DEL.
bool IsPrintableUtf8(std::string_view s) {
  // Nearly every actor, model and type is printable ASCII: one cheap pass first.
  if (std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7F; })) return true;
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0 || cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return false;
    i += len;
  }
  return true;
}

Status CheckText(std::string_view field, std::string_view value, std::size_t max_bytes,
                 bool allow_at) {
  if (value.empty() || value.size() > max_bytes) {
    return InvalidArgument(fmt::format("ledger entry: {} must be 1 to {} bytes", field, max_bytes));
  }
  if (!IsPrintableUtf8(value)) {
    return InvalidArgument(
        fmt::format("ledger entry: {} must be UTF-8 without control characters", field));
  }
  if (!allow_at && value.find('@') != std::string_view::npos) {
    return InvalidArgument(fmt::format(
        "ledger entry: {} must not contain '@' (the ledger holds no e-mail addresses)", field));
  }
  return Status::Ok();
}

// --- Parsing: a cursor over the exact canonical shape --------------------------
//
// Accepts only what FormatEntry writes, so that no re-formatting is needed to prove
// the text canonical: strings hold literal UTF-8 except the escapes of RFC 8785
// 3.2.2.2 (\" \\ \b \f \n \r \t, and \u00xx in lowercase for other control
// characters), integers have no sign or leading zero, hex is lowercase.

bool IsHexDigit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// The value of a lowercase hex digit, or 0xFF.
constexpr std::array<std::uint8_t, 256> kNibble = [] {
  std::array<std::uint8_t, 256> t{};
  t.fill(0xFF);
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(c - 'a' + 10);
  return t;
}();

std::uint8_t Nibble(char c) { return kNibble[static_cast<unsigned char>(c)]; }

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  Status Expect(std::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal) {
      return Error(fmt::format("expected {}", literal));
    }
    pos_ += literal.size();
    return Status::Ok();
  }

  bool Peek(std::string_view literal) const { return text_.substr(pos_, literal.size()) == literal; }

  // A canonical string literal. `out` views the text itself, or `scratch` when the
  // literal holds escapes.
  Status String(std::string& scratch, std::string_view& out) {
    CANDOR_RETURN_IF_ERROR(Expect("\""));
    const std::size_t begin = pos_;
    bool escaped = false;
    while (true) {
      // Plain printable ASCII runs need no decoding.
      while (pos_ < text_.size()) {
        const auto a = static_cast<unsigned char>(text_[pos_]);
        if (a < 0x20 || a >= 0x80 || a == '"' || a == '\\') break;
        if (escaped) scratch += static_cast<char>(a);
        ++pos_;
      }
      if (pos_ >= text_.size()) return Error("unterminated string");
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') break;
      if (c < 0x20) return Error("control character in a string");
      if (c == '\\') {
        if (!escaped) scratch.assign(text_.substr(begin, pos_ - begin));
        escaped = true;
        CANDOR_RETURN_IF_ERROR(Escape(scratch));
        continue;
      }
      std::size_t len = 1;
      if (c >= 0x80) {
        char32_t cp = 0;
        len = DecodeUtf8(text_, pos_, &cp);
        if (len == 0) return Error("invalid UTF-8");
      }
      if (escaped) scratch.append(text_.substr(pos_, len));
      pos_ += len;
    }
    out = escaped ? std::string_view(scratch) : text_.substr(begin, pos_ - begin);
    ++pos_;  // the closing quote
    return Status::Ok();
  }

  // A string, or null (out empty).
  Status NullableString(std::string& scratch, std::string_view& out) {
    if (Peek("null")) {
      pos_ += 4;
      out = {};
      return Status::Ok();
    }
    CANDOR_RETURN_IF_ERROR(String(scratch, out));
    if (out.empty()) return Error("an empty string where null is written");
    return Status::Ok();
  }

  // A string of exactly `n` lowercase hex digits (no escapes); decoded into `bytes`
  // (n / 2 of them) when given.
  Status Hex(std::size_t n, std::string_view& out, std::uint8_t* bytes = nullptr) {
    CANDOR_RETURN_IF_ERROR(Expect("\""));
    if (text_.size() - pos_ < n + 1 || text_[pos_ + n] != '"') return HexError(n);
    const char* p = text_.data() + pos_;
    std::uint8_t bad = 0;
    for (std::size_t i = 0; i < n; i += 2) {
      const std::uint8_t hi = Nibble(p[i]);
      const std::uint8_t lo = Nibble(p[i + 1]);
      bad |= static_cast<std::uint8_t>(hi | lo);
      if (bytes != nullptr) bytes[i / 2] = static_cast<std::uint8_t>((hi << 4) | (lo & 0x0F));
    }
    if ((bad & 0xF0) != 0) return HexError(n);
    out = text_.substr(pos_, n);
    pos_ += n + 1;
    return Status::Ok();
  }
  Status HexError(std::size_t n) const {
    return Error(fmt::format("expected {} lowercase hex digits", n));
  }

  Status Unsigned(std::uint64_t& out) {
    const char* begin = text_.data() + pos_;
    const char* end = text_.data() + text_.size();
    const auto [p, ec] = std::from_chars(begin, end, out);
    if (ec != std::errc() || p == begin) return Error("expected a non-negative integer");
    if (*begin == '0' && p - begin > 1) return Error("an integer with a leading zero");
    pos_ += static_cast<std::size_t>(p - begin);
    return Status::Ok();
  }

  bool AtEnd() const { return pos_ == text_.size(); }

  Status Error(std::string_view what) const {
    return InvalidArgument(fmt::format("not a ledger entry: {} at byte {}", what, pos_));
  }

 private:
  // The escape at pos_, decoded into `out`.
  Status Escape(std::string& out) {
    if (pos_ + 1 >= text_.size()) return Error("unterminated escape");
    const char e = text_[pos_ + 1];
    static constexpr std::string_view kShort = "\"\\bfnrt";
    static constexpr std::string_view kValue = "\"\\\b\f\n\r\t";
    if (const std::size_t k = kShort.find(e); k != std::string_view::npos) {
      out += kValue[k];
      pos_ += 2;
      return Status::Ok();
    }
    // \u00xx, lowercase, only for control characters without a short escape.
    if (e != 'u' || text_.size() - pos_ < 6 || text_.substr(pos_ + 2, 2) != "00" ||
        !IsHexDigit(text_[pos_ + 4]) || !IsHexDigit(text_[pos_ + 5])) {
      return Error("an escape RFC 8785 does not write");
    }
    unsigned value = 0;
    std::from_chars(text_.data() + pos_ + 4, text_.data() + pos_ + 6, value, 16);
    if (value >= 0x20 || kValue.find(static_cast<char>(value)) != std::string_view::npos) {
      return Error("an escape RFC 8785 does not write");
    }
    out += static_cast<char>(value);
    pos_ += 6;
    return Status::Ok();
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

// "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DDTHH:MM:SS.mmmZ" with mmm not 000: the one
// spelling FormatTimestamp gives an instant in the years 0000-9999.
bool IsCanonicalTime(std::string_view t) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (t.size() != 20 && t.size() != 24) return false;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    if (kShape[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != kShape[i]) return false;
  }
  if (t.back() != 'Z') return false;
  if (t.size() == 24) {
    if (t[19] != '.' || t.substr(20, 3) == "000") return false;
    for (std::size_t i = 20; i < 23; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
    }
  }
  return true;
}

// The rules of entry.h on views (FormatEntry and ParseEntryView share them).
Status ValidateFields(std::string_view type, std::string_view actor, std::string_view subject,
                      std::string_view model) {
  if (type.empty() || type.size() > kMaxTypeBytes || type[0] < 'a' || type[0] > 'z' ||
      !std::all_of(type.begin(), type.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
      })) {
    return InvalidArgument(
        "ledger entry: type must match [a-z][a-z0-9_.-]* and be at most 64 bytes");
  }
  CANDOR_RETURN_IF_ERROR(CheckText("actor", actor, kMaxActorBytes, false));
  if (!model.empty()) CANDOR_RETURN_IF_ERROR(CheckText("model", model, kMaxModelBytes, false));
  if (!subject.empty() && (subject.size() != 32 || !IsLowerHex(subject))) {
    return InvalidArgument("ledger entry: subject must be a 32-hex pseudonymous subject id");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateEntryFields(const EntryFields& f) {
  if (f.index > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return InvalidArgument("ledger entry: index beyond 2^63");
  }
  const std::string time = core::FormatTimestamp(f.time);
  if (time.front() == '+' || time.front() == '-') {
    return InvalidArgument("ledger entry: time must lie in the years 0000 to 9999");
  }
  return ValidateFields(f.type, f.actor, f.subject, f.model);
}

Result<std::string> FormatEntry(const EntryFields& f) {
  CANDOR_RETURN_IF_ERROR(ValidateEntryFields(f));
  std::string out;
  out.reserve(200 + f.actor.size() + f.model.size() + f.type.size());
  out += "{\"actor\":";
  CANDOR_RETURN_IF_ERROR(AppendCanonicalString(f.actor, out));
  out += ",\"index\":";
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), f.index);
  out.append(buf, end);
  out += ",\"model\":";
  if (f.model.empty()) {
    out += "null";
  } else {
    CANDOR_RETURN_IF_ERROR(AppendCanonicalString(f.model, out));
  }
  out += ",\"payload_sha256\":\"";
  out += ToHex(f.payload_sha256);
  out += "\",\"subject\":";
  if (f.subject.empty()) {
    out += "null";
  } else {
    out += '"';
    out += f.subject;
    out += '"';
  }
  out += ",\"time\":\"";
  out += core::FormatTimestamp(f.time);
  out += "\",\"type\":";
  CANDOR_RETURN_IF_ERROR(AppendCanonicalString(f.type, out));
  out += '}';
  return out;
}

Status ParseEntryView(std::string_view text, EntryView& v) {
  Cursor c(text);
  std::string_view hex, time;
  CANDOR_RETURN_IF_ERROR(c.Expect("{\"actor\":"));
  CANDOR_RETURN_IF_ERROR(c.String(v.scratch_[0], v.actor));
  CANDOR_RETURN_IF_ERROR(c.Expect(",\"index\":"));
  CANDOR_RETURN_IF_ERROR(c.Unsigned(v.index));
  CANDOR_RETURN_IF_ERROR(c.Expect(",\"model\":"));
  CANDOR_RETURN_IF_ERROR(c.NullableString(v.scratch_[1], v.model));
  CANDOR_RETURN_IF_ERROR(c.Expect(",\"payload_sha256\":"));
  CANDOR_RETURN_IF_ERROR(c.Hex(64, hex, v.payload_sha256.data()));
  CANDOR_RETURN_IF_ERROR(c.Expect(",\"subject\":"));
  if (c.Peek("null")) {
    CANDOR_RETURN_IF_ERROR(c.Expect("null"));
    v.subject = {};
  } else {
    CANDOR_RETURN_IF_ERROR(c.Hex(32, v.subject));
  }
  CANDOR_RETURN_IF_ERROR(c.Expect(",\"time\":"));
  CANDOR_RETURN_IF_ERROR(c.String(v.scratch_[2], time));
  CANDOR_RETURN_IF_ERROR(c.Expect(",\"type\":"));
  CANDOR_RETURN_IF_ERROR(c.String(v.scratch_[3], v.type));
  CANDOR_RETURN_IF_ERROR(c.Expect("}"));
  if (!c.AtEnd()) return c.Error("text after the entry");
  if (v.index > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return InvalidArgument("not a valid ledger entry: index beyond 2^63");
  }
  const auto instant = core::ParseTimestamp(time);
  if (!IsCanonicalTime(time) || !instant.ok()) {
    return InvalidArgument("not a valid ledger entry: time is not canonical RFC 3339 UTC");
  }
  v.time = *instant;
  if (Status st = ValidateFields(v.type, v.actor, v.subject, v.model); !st.ok()) {
    return InvalidArgument("not a valid ledger entry: " + st.message());
  }
  return Status::Ok();
}

Result<EntryFields> ParseEntry(std::string_view text) {
  EntryView v;
  CANDOR_RETURN_IF_ERROR(ParseEntryView(text, v));
  EntryFields f;
  f.index = v.index;
  f.type = v.type;
  f.time = v.time;
  f.actor = v.actor;
  f.subject = v.subject;
  f.model = v.model;
  f.payload_sha256 = v.payload_sha256;
  return f;
}

}  // namespace candor::ledger
