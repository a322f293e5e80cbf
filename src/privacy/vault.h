// candor::privacy::Vault: encryption of direct identifiers and the blind index.
//
// Every subject gets its own random 256-bit data key. The subject's direct
// identifiers (contact id, email, names, phone) are sealed with it
// (XChaCha20-Poly1305, libsodium; the subject id is the associated data, so a
// ciphertext moved to another subject does not open), and the data key is itself
// sealed ("wrapped") with the workspace master key. Destroying a subject's
// wrapped key makes its identifiers unrecoverable (crypto-shredding).
//
// Lookups by email or contact id use a blind index: BLAKE2b-256 keyed with the
// workspace index key over a kind tag and the normalised value, so equal values
// find each other and nothing in the database reveals the value.
//
// Thread safety: a Vault is immutable after construction and may be shared.
// Key material is wiped from memory when the Vault is destroyed.
#pragma once

#include <string>
#include <string_view>

#include "core/ids.h"
#include "core/keys.h"
#include "core/status.h"
#include "store/store.h"

namespace candor::privacy {

// A subject's direct identifiers. Never logged, never in an error message.
struct Identifiers {
  std::string contact_id;
  std::string email;
  std::string first_name;
  std::string last_name;
  std::string phone;
};

// kSubject names a subject id in the request register.
enum class BlindKind { kEmail, kContactId, kSubject };

class Vault {
 public:
  explicit Vault(const core::WorkspaceKeys& keys);
  ~Vault();
  Vault(const Vault&) = delete;
  Vault& operator=(const Vault&) = delete;

  struct NewSubject {
    store::Sealed wrapped_key;
    store::Sealed identifiers;
  };
  // Draws a new data key for `id`, seals `ids` with it and wraps the key.
  NewSubject SealNew(const core::SubjectId& id, const Identifiers& ids) const;

  // Seals `ids` again with the subject's existing key (from `current`).
  // DataLoss when the wrapped key does not open (wrong master key or tampering).
  core::Result<store::Sealed> Reseal(const store::VaultRecord& current,
                                     const Identifiers& ids) const;

  // Opens a vault record. DataLoss when it does not authenticate.
  core::Result<Identifiers> Open(const store::VaultRecord& record) const;

  // The blind-index hash of an already normalised value.
  store::BlindHash Blind(BlindKind kind, std::string_view normalized) const;

 private:
  core::Result<core::Key32> UnwrapKey(const store::VaultRecord& r) const;
  store::Sealed SealWith(const core::Key32& key, const core::SubjectId& id,
                         std::string_view domain, std::string_view plaintext) const;

  core::Key32 master_{};
  core::Key32 index_{};
};

// Lowercased, trimmed email. InvalidArgument ("is not an email address") unless
// it has one '@' with a non-empty local part and a dotted domain, and no spaces
// or control characters. The message never contains the value.
core::Result<std::string> NormalizeEmail(std::string_view email);

}  // namespace candor::privacy
