// candor::core keys: the three secrets of a workspace.
//
//   master   wraps every subject's data key (XChaCha20-Poly1305); losing it makes
//            every vault entry unreadable
//   index    keys the BLAKE2b blind index of emails and contact ids
//   signing  the Ed25519 seed that signs the ledger's tree heads
//
// Each is 32 random bytes, stored base64 in DIR/keys/{master,index,signing}.key
// (directory 0700, files 0600), or given in CANDOR_MASTER_KEY, CANDOR_INDEX_KEY
// and CANDOR_SIGNING_KEY (base64), which take precedence key by key. A key file
// readable by group or others is refused.
//
// Thread safety: values; the functions are thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/status.h"

namespace candor::core {

using Key32 = std::array<std::uint8_t, 32>;

struct WorkspaceKeys {
  Key32 master{};
  Key32 index{};
  Key32 signing_seed{};
  // Where each came from: "file" or "environment" (for messages).
  std::string master_source, index_source, signing_source;
};

// Interface for where keys live (files, environment; a KMS later).
class KeyProvider {
 public:
  virtual ~KeyProvider() = default;
  // NotFound when a key is missing, InvalidArgument when malformed,
  // PermissionDenied when a key file is readable by others.
  virtual Result<WorkspaceKeys> Load() const = 0;
};

// The default provider: the environment first, then files in `keys_dir`.
class DefaultKeyProvider final : public KeyProvider {
 public:
  explicit DefaultKeyProvider(std::string keys_dir) : dir_(std::move(keys_dir)) {}
  Result<WorkspaceKeys> Load() const override;

 private:
  std::string dir_;
};

// Creates `keys_dir` (0700) with three new random keys (0600). AlreadyExists if
// any key file is there; Unavailable on I/O errors.
Status CreateKeyFiles(const std::string& keys_dir);

// True when all three CANDOR_*_KEY environment variables are set.
bool KeysInEnvironment();

std::string Base64Encode(const std::uint8_t* data, std::size_t size);
// InvalidArgument when not base64 (original alphabet, padding optional).
Result<std::string> Base64Decode(std::string_view text);

}  // namespace candor::core
