#include "privacy/vault.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace candor::privacy {

namespace {

constexpr std::string_view kKeyDomain = "candor/subject-key/v1";
constexpr std::string_view kVaultDomain = "candor/vault/v1";

std::string Aad(std::string_view domain, const core::SubjectId& id) {
  std::string aad(domain);
  aad.append(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size());
  return aad;
}

core::Result<std::string> OpenWith(const core::Key32& key, const core::SubjectId& id,
                                   std::string_view domain, const store::Sealed& s) {
  if (s.nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
      s.ciphertext.size() < crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return core::DataLoss("a vault entry is malformed");
  }
  std::string aad = Aad(domain, id);
  std::string out(s.ciphertext.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &len, nullptr, s.ciphertext.data(),
          s.ciphertext.size(), reinterpret_cast<const unsigned char*>(aad.data()), aad.size(),
          s.nonce.data(), key.data()) != 0) {
    return core::DataLoss(
        "a vault entry does not authenticate (wrong master key, or the data was altered)");
  }
  out.resize(static_cast<std::size_t>(len));
  return out;
}

}  // namespace

Vault::Vault(const core::WorkspaceKeys& keys) : master_(keys.master), index_(keys.index) {
  core::EnsureSodium();
}

Vault::~Vault() {
  sodium_memzero(master_.data(), master_.size());
  sodium_memzero(index_.data(), index_.size());
}

store::Sealed Vault::SealWith(const core::Key32& key, const core::SubjectId& id,
                              std::string_view domain, std::string_view plaintext) const {
  store::Sealed s;
  s.nonce.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  randombytes_buf(s.nonce.data(), s.nonce.size());
  s.ciphertext.resize(plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  std::string aad = Aad(domain, id);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      s.ciphertext.data(), &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
      plaintext.size(), reinterpret_cast<const unsigned char*>(aad.data()), aad.size(), nullptr,
      s.nonce.data(), key.data());
  s.ciphertext.resize(static_cast<std::size_t>(len));
  return s;
}

namespace {
std::string Serialize(const Identifiers& ids) {
  nlohmann::json j = {{"contact_id", ids.contact_id}, {"email", ids.email},
                      {"first_name", ids.first_name}, {"last_name", ids.last_name},
                      {"phone", ids.phone}};
  return j.dump();
}
}  // namespace

Vault::NewSubject Vault::SealNew(const core::SubjectId& id, const Identifiers& ids) const {
  core::Key32 key;
  crypto_aead_xchacha20poly1305_ietf_keygen(key.data());
  NewSubject out;
  std::string plain = Serialize(ids);
  out.identifiers = SealWith(key, id, kVaultDomain, plain);
  out.wrapped_key = SealWith(master_, id, kKeyDomain,
                             std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
  sodium_memzero(plain.data(), plain.size());
  sodium_memzero(key.data(), key.size());
  return out;
}

core::Result<core::Key32> Vault::UnwrapKey(const store::VaultRecord& r) const {
  CANDOR_ASSIGN_OR_RETURN(std::string raw, OpenWith(master_, r.id, kKeyDomain, r.wrapped_key));
  if (raw.size() != 32) return core::DataLoss("a wrapped subject key has the wrong size");
  core::Key32 k;
  std::copy(raw.begin(), raw.end(), k.begin());
  sodium_memzero(raw.data(), raw.size());
  return k;
}

core::Result<store::Sealed> Vault::Reseal(const store::VaultRecord& current,
                                          const Identifiers& ids) const {
  CANDOR_ASSIGN_OR_RETURN(core::Key32 key, UnwrapKey(current));
  std::string plain = Serialize(ids);
  store::Sealed s = SealWith(key, current.id, kVaultDomain, plain);
  sodium_memzero(plain.data(), plain.size());
  sodium_memzero(key.data(), key.size());
  return s;
}

core::Result<Identifiers> Vault::Open(const store::VaultRecord& record) const {
  CANDOR_ASSIGN_OR_RETURN(core::Key32 key, UnwrapKey(record));
  auto plain = OpenWith(key, record.id, kVaultDomain, record.identifiers);
  sodium_memzero(key.data(), key.size());
  if (!plain.ok()) return plain.status();
  nlohmann::json j = nlohmann::json::parse(*plain, nullptr, false);
  sodium_memzero(plain->data(), plain->size());
  if (!j.is_object()) return core::DataLoss("a vault entry holds no identifiers");
  Identifiers ids;
  ids.contact_id = j.value("contact_id", "");
  ids.email = j.value("email", "");
  ids.first_name = j.value("first_name", "");
  ids.last_name = j.value("last_name", "");
  ids.phone = j.value("phone", "");
  return ids;
}

store::BlindHash Vault::Blind(BlindKind kind, std::string_view normalized) const {
  store::BlindHash h;
  crypto_generichash_state st;
  crypto_generichash_init(&st, index_.data(), index_.size(), h.size());
  const char tag = kind == BlindKind::kEmail ? 'e' : kind == BlindKind::kContactId ? 'c' : 's';
  const unsigned char prefix[2] = {static_cast<unsigned char>(tag), 0};
  crypto_generichash_update(&st, prefix, sizeof prefix);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(normalized.data()),
                            normalized.size());
  crypto_generichash_final(&st, h.data(), h.size());
  return h;
}

core::Result<std::string> NormalizeEmail(std::string_view email) {
  while (!email.empty() && (email.front() == ' ' || email.front() == '\t')) email.remove_prefix(1);
  while (!email.empty() && (email.back() == ' ' || email.back() == '\t')) email.remove_suffix(1);
  auto bad = core::InvalidArgument("is not an email address");
  auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos) {
    return bad;
  }
  std::string_view domain = email.substr(at + 1);
  auto dot = domain.find('.');
  if (domain.empty() || dot == std::string_view::npos || dot == 0 || domain.back() == '.') {
    return bad;
  }
  std::string out;
  out.reserve(email.size());
  for (char c : email) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return bad;
    out.push_back(static_cast<char>(std::tolower(u)));
  }
  return out;
}

}  // namespace candor::privacy
