#include "ledger/checkpoint.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <system_error>

#include "ledger/canonical_json.h"

namespace candor::ledger {
namespace {

using core::DataLoss;
using core::InvalidArgument;
using core::Result;
using core::Status;

constexpr std::uint8_t kEd25519NoteType = 0x01;                 // C2SP signed-note signature type
constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // em dash U+2014, space
constexpr std::size_t kMaxNoteSignatures = 100;                 // C2SP: accept at least 16

// libsodium must be initialised before use; a static's initialiser runs exactly once
// even when several threads arrive together.
void EnsureSodium() {
  static const bool initialised = sodium_init() >= 0;
  if (!initialised) {
    std::fputs("candor: libsodium could not be initialised\n", stderr);
    std::abort();
  }
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Unicode White_Space characters above ASCII.
bool IsUnicodeSpace(char32_t cp) {
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// Signed notes must be valid UTF-8 without control characters other than newline.
Status CheckNoteCharacters(std::string_view text, std::string_view what) {
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) return InvalidArgument(fmt::format("{} is not valid UTF-8 at byte {}", what, i));
    if ((cp < 0x20 && cp != '\n') || cp == 0x7F) {
      return InvalidArgument(fmt::format("{} holds a control character at byte {}", what, i));
    }
    i += len;
  }
  return Status::Ok();
}

Result<std::uint64_t> ParseTreeSize(std::string_view line) {
  const bool digits_only = !line.empty() && line.find_first_not_of("0123456789") == line.npos;
  if (!digits_only || (line.size() > 1 && line[0] == '0')) {
    return InvalidArgument("checkpoint tree size is not a decimal number without leading zeros");
  }
  std::uint64_t size = 0;
  const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), size);
  if (ec != std::errc() || end != line.data() + line.size()) {
    return InvalidArgument("checkpoint tree size does not fit in 64 bits");
  }
  return size;
}

std::array<std::uint8_t, 4> BigEndian(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
          static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}

}  // namespace

// --- Checkpoint body -------------------------------------------------------------

Status ValidateOrigin(std::string_view origin) {
  if (origin.empty()) return InvalidArgument("a log origin (key name) must not be empty");
  for (std::size_t i = 0; i < origin.size();) {
    char32_t cp = 0;
    const std::size_t len = DecodeUtf8(origin, i, &cp);
    if (len == 0) return InvalidArgument("a log origin (key name) must be valid UTF-8");
    if (cp < 0x20 || cp == 0x7F || cp == ' ' || cp == '+' || IsUnicodeSpace(cp)) {
      return InvalidArgument(
          fmt::format("a log origin (key name) must not hold spaces, '+' or control characters "
                      "(byte {})",
                      i));
    }
    i += len;
  }
  return Status::Ok();
}

std::string CheckpointBody(std::string_view origin, std::uint64_t size, const Hash& root) {
  assert(ValidateOrigin(origin).ok());
  std::string body(origin);
  body += '\n';
  body += std::to_string(size);
  body += '\n';
  body += ToBase64(root);
  body += '\n';
  return body;
}

Result<Checkpoint> ParseCheckpointBody(std::string_view body) {
  CANDOR_RETURN_IF_ERROR(CheckNoteCharacters(body, "checkpoint"));
  if (body.empty() || body.back() != '\n') {
    return InvalidArgument("checkpoint does not end in a newline");
  }
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < body.size();) {
    const std::size_t end = body.find('\n', start);
    lines.push_back(body.substr(start, end - start));
    start = end + 1;
  }
  if (lines.size() < 3) {
    return InvalidArgument(fmt::format(
        "checkpoint has {} lines, needs origin, tree size and root hash", lines.size()));
  }
  Checkpoint cp;
  if (lines[0].empty()) return InvalidArgument("checkpoint origin line is empty");
  cp.origin = lines[0];
  CANDOR_ASSIGN_OR_RETURN(cp.size, ParseTreeSize(lines[1]));
  Result<Hash> root = HashFromBase64(lines[2]);
  if (!root.ok()) return root.status().WithContext("checkpoint root hash");
  cp.root = *root;
  for (std::size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      return InvalidArgument(fmt::format("checkpoint line {} is empty", i + 1));
    }
    cp.extensions.emplace_back(lines[i]);
  }
  return cp;
}

// --- Ed25519 --------------------------------------------------------------------

Result<SigningKey> SigningKey::FromSeed(std::span<const std::uint8_t> seed) {
  EnsureSodium();
  SigningKey key;
  if (seed.size() != key.seed.size()) {
    return InvalidArgument(
        fmt::format("an Ed25519 seed is {} bytes, got {}", key.seed.size(), seed.size()));
  }
  std::copy(seed.begin(), seed.end(), key.seed.begin());
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
  crypto_sign_seed_keypair(key.public_key.data(), secret.data(), key.seed.data());
  sodium_memzero(secret.data(), secret.size());
  return key;
}

SigningKey SigningKey::Generate() {
  EnsureSodium();
  std::array<std::uint8_t, 32> seed{};
  randombytes_buf(seed.data(), seed.size());
  SigningKey key = *FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

SigningKey::~SigningKey() { sodium_memzero(seed.data(), seed.size()); }

Signature Sign(const SigningKey& key, std::string_view message) {
  EnsureSodium();
  // libsodium signs with the 64-byte expanded key; derive it from the seed rather than
  // keep a second copy of secret material in SigningKey.
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_key{};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
  crypto_sign_seed_keypair(public_key.data(), secret.data(), key.seed.data());
  Signature signature;
  crypto_sign_detached(signature.data(), nullptr, Bytes(message), message.size(), secret.data());
  sodium_memzero(secret.data(), secret.size());
  return signature;
}

Status VerifySignature(const PublicKey& public_key, std::string_view message,
                       const Signature& signature) {
  EnsureSodium();
  if (crypto_sign_verify_detached(signature.data(), Bytes(message), message.size(),
                                  public_key.data()) != 0) {
    return DataLoss("signature does not verify");
  }
  return Status::Ok();
}

// --- Signed notes -----------------------------------------------------------------

std::uint32_t NoteKeyId(std::string_view key_name, const PublicKey& public_key) {
  std::vector<std::uint8_t> input(key_name.begin(), key_name.end());
  input.push_back('\n');
  input.push_back(kEd25519NoteType);
  input.insert(input.end(), public_key.begin(), public_key.end());
  const Hash h = Sha256(input);
  return (std::uint32_t{h[0]} << 24) | (std::uint32_t{h[1]} << 16) | (std::uint32_t{h[2]} << 8) |
         std::uint32_t{h[3]};
}

std::string NoteVerifierKey(std::string_view key_name, const PublicKey& public_key) {
  assert(ValidateOrigin(key_name).ok());
  std::vector<std::uint8_t> typed_key{kEd25519NoteType};
  typed_key.insert(typed_key.end(), public_key.begin(), public_key.end());
  return fmt::format("{}+{:08x}+{}", key_name, NoteKeyId(key_name, public_key),
                     ToBase64(typed_key));
}

Result<std::string> SignNote(std::string_view text, std::string_view key_name,
                             const SigningKey& key) {
  CANDOR_RETURN_IF_ERROR(ValidateOrigin(key_name));
  if (text.empty() || text.back() != '\n') {
    return InvalidArgument("note text must be non-empty and end in a newline");
  }
  CANDOR_RETURN_IF_ERROR(CheckNoteCharacters(text, "note text"));
  const Signature signature = Sign(key, text);
  std::vector<std::uint8_t> blob;
  const auto id = BigEndian(NoteKeyId(key_name, key.public_key));
  blob.insert(blob.end(), id.begin(), id.end());
  blob.insert(blob.end(), signature.begin(), signature.end());
  std::string note(text);
  note += '\n';
  note += kSignaturePrefix;
  note += key_name;
  note += ' ';
  note += ToBase64(blob);
  note += '\n';
  return note;
}

Result<std::string> OpenNote(std::string_view note, std::string_view key_name,
                             const PublicKey& public_key) {
  CANDOR_RETURN_IF_ERROR(CheckNoteCharacters(note, "signed note"));
  // The text ends at the last blank line; every line after it is a signature.
  const std::size_t split = note.rfind("\n\n");
  if (split == note.npos || note.back() != '\n' || split + 2 >= note.size()) {
    return InvalidArgument("signed note has no blank line followed by signature lines");
  }
  const std::string_view text = note.substr(0, split + 1);
  std::string_view signatures = note.substr(split + 2);

  const std::uint32_t want_id = NoteKeyId(key_name, public_key);
  bool verified = false;
  std::size_t count = 0;
  while (!signatures.empty()) {
    const std::size_t eol = signatures.find('\n');
    std::string_view line = signatures.substr(0, eol);
    signatures.remove_prefix(eol + 1);
    if (++count > kMaxNoteSignatures) {
      return InvalidArgument(
          fmt::format("signed note has more than {} signatures", kMaxNoteSignatures));
    }
    const std::size_t space = line.starts_with(kSignaturePrefix)
                                  ? line.substr(kSignaturePrefix.size()).find(' ')
                                  : line.npos;
    if (space == line.npos) {
      return InvalidArgument(fmt::format("signed note signature line {} is malformed", count));
    }
    const std::string_view name = line.substr(kSignaturePrefix.size(), space);
    Result<std::vector<std::uint8_t>> blob =
        FromBase64(line.substr(kSignaturePrefix.size() + space + 1));
    if (name.empty() || !blob.ok() || blob->size() < 5) {
      return InvalidArgument(fmt::format("signed note signature line {} is malformed", count));
    }
    const std::uint32_t id = (std::uint32_t{(*blob)[0]} << 24) | (std::uint32_t{(*blob)[1]} << 16) |
                             (std::uint32_t{(*blob)[2]} << 8) | std::uint32_t{(*blob)[3]};
    if (name != key_name || id != want_id) continue;  // someone else's key: ignore
    Signature signature;
    if (blob->size() != 4 + signature.size()) {
      return DataLoss(fmt::format("signature by {} has the wrong length", key_name));
    }
    std::copy(blob->begin() + 4, blob->end(), signature.begin());
    if (!VerifySignature(public_key, text, signature).ok()) {
      return DataLoss(fmt::format("signature by {} does not verify", key_name));
    }
    verified = true;
  }
  if (!verified) return DataLoss(fmt::format("signed note has no signature by {}", key_name));
  return std::string(text);
}

}  // namespace candor::ledger
