// candor::ledger checkpoints: signed statements of the log's size and root.
//
// A checkpoint commits the log to its first `size` entries: anyone holding it can
// check an inclusion proof against it, and check with a consistency proof that a later
// checkpoint extends it (merkle.h). The formats are those of the transparency-log
// ecosystem, so that standard tools can verify candor's ledger:
//
//   C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint), the note text:
//     <origin>\n<tree size, decimal>\n<base64 of the RFC 9162 root hash>\n
//     followed by optional non-empty extension lines (candor writes none).
//
//   C2SP signed-note (https://c2sp.org/signed-note), the envelope:
//     <text>\n— <key name> <base64(4-byte key ID || Ed25519 signature of text)>\n
//     with key ID = SHA-256(key name || 0x0A || 0x01 || public key)[:4].
//
// Keys are Ed25519 (RFC 8032) through libsodium. A SigningKey is made from a 32-byte
// seed (RFC 8032's "secret key"); the seed is secret, the public key is not.
//
// Errors: InvalidArgument for malformed input (a body, note, key name or seed that
// does not follow the format); DataLoss when a signature does not verify, i.e. the
// signed text or the signature was altered or the wrong key is used. If libsodium
// cannot be initialised (no usable random source) the process aborts.
//
// Thread safety: all functions may be called concurrently; libsodium is initialised
// once on first use. SigningKey is a value; it wipes its seed when destroyed.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ledger/merkle.h"

namespace candor::ledger {

using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

// ---------------------------------------------------------------------------
// Checkpoint body (C2SP tlog-checkpoint)

struct Checkpoint {
  std::string origin;                   // the log's identity, e.g. "candor.example/ledger"
  std::uint64_t size = 0;               // number of leaves
  Hash root{};                          // RFC 9162 MTH of the first `size` leaves
  std::vector<std::string> extensions;  // opaque extension lines, without their newline
};

// OK if `origin` can be a checkpoint's origin line: non-empty, valid UTF-8, no control
// characters, no Unicode spaces and no '+' (C2SP recommends this so the origin can also
// be the note key name). InvalidArgument otherwise.
core::Status ValidateOrigin(std::string_view origin);

// The note text "<origin>\n<size>\n<base64 root>\n". `origin` must pass
// ValidateOrigin() (checked by assert in debug builds).
std::string CheckpointBody(std::string_view origin, std::uint64_t size, const Hash& root);

// Parses a note text back. InvalidArgument when it is not valid UTF-8, holds control
// characters other than '\n', is not at least three lines each ending in '\n', has an
// empty origin, a size that is not canonical decimal (no sign, no leading zeros, fits
// 64 bits), a root that is not padded base64 of 32 bytes, or an empty extension line.
// The origin is otherwise taken as it is (C2SP: clients must not assume its form).
core::Result<Checkpoint> ParseCheckpointBody(std::string_view body);

// ---------------------------------------------------------------------------
// Ed25519 (RFC 8032, libsodium)

struct SigningKey {
  std::array<std::uint8_t, 32> seed{};  // secret
  PublicKey public_key{};

  // The key pair of a 32-byte seed (crypto_sign_seed_keypair). InvalidArgument when
  // the seed is not 32 bytes.
  static core::Result<SigningKey> FromSeed(std::span<const std::uint8_t> seed);

  // A fresh key pair from the operating system's random source.
  static SigningKey Generate();

  ~SigningKey();  // wipes the seed
};

// The Ed25519 signature of `message` by `key` (deterministic, RFC 8032 5.1.6).
Signature Sign(const SigningKey& key, std::string_view message);

// OK when `signature` is a valid Ed25519 signature of `message` by `public_key`;
// DataLoss ("signature does not verify") otherwise.
core::Status VerifySignature(const PublicKey& public_key, std::string_view message,
                             const Signature& signature);

// ---------------------------------------------------------------------------
// Signed notes (C2SP signed-note)

// The note key ID of an Ed25519 key: SHA-256(key_name || '\n' || 0x01 || public_key),
// first four bytes, big-endian.
std::uint32_t NoteKeyId(std::string_view key_name, const PublicKey& public_key);

// The verifier key string "<name>+<key ID as 8 hex digits>+<base64(0x01 || public
// key)>" that golang.org/x/mod/sumdb/note and C2SP tools accept. `key_name` must pass
// ValidateOrigin().
std::string NoteVerifierKey(std::string_view key_name, const PublicKey& public_key);

// Signs `text` as a note: text, blank line, one signature line. InvalidArgument when
// `text` is empty, does not end in '\n', is not valid UTF-8 or holds a control
// character other than '\n', or when `key_name` fails ValidateOrigin().
core::Result<std::string> SignNote(std::string_view text, std::string_view key_name,
                                   const SigningKey& key);

// Verifies a signed note against one trusted key and returns its text (with the final
// newline). Signature lines of other keys (another name or key ID) are ignored, as
// C2SP requires. InvalidArgument when the note is malformed; DataLoss when the trusted
// key's signature does not verify or no signature by the trusted key is present.
core::Result<std::string> OpenNote(std::string_view note, std::string_view key_name,
                                   const PublicKey& public_key);

}  // namespace candor::ledger
