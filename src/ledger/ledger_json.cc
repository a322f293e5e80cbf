#include "ledger/ledger_json.h"

#include <array>

namespace candor::ledger {

namespace {

nlohmann::ordered_json HexList(const std::vector<Hash>& hashes) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const Hash& h : hashes) out.push_back(ToHex(h));
  return out;
}

}  // namespace

nlohmann::ordered_json HeadJson(const SignedHead& head) {
  nlohmann::ordered_json j;
  j["origin"] = head.origin;
  j["size"] = head.size;
  j["root"] = ToHex(head.root);
  j["timestamp"] = head.timestamp ? nlohmann::ordered_json(core::FormatTimestamp(*head.timestamp))
                                  : nlohmann::ordered_json(nullptr);
  j["signature"] = ToBase64(head.signature);
  j["public_key"] = ToBase64(head.public_key);
  j["checkpoint"] = head.checkpoint;
  return j;
}

nlohmann::ordered_json ProofJson(const InclusionProofResult& proof, bool with_entry) {
  nlohmann::ordered_json j;
  j["index"] = proof.index;
  j["size"] = proof.size;
  j["leaf_hash"] = ToHex(proof.leaf_hash);
  j["path"] = HexList(proof.path);
  j["root"] = ToHex(proof.root);
  if (with_entry) j["entry"] = proof.entry;
  return j;
}

nlohmann::ordered_json ConsistencyJson(const ConsistencyProofResult& proof) {
  nlohmann::ordered_json j;
  j["from"] = proof.from;
  j["to"] = proof.to;
  j["path"] = HexList(proof.path);
  j["from_root"] = ToHex(proof.from_root);
  j["to_root"] = ToHex(proof.to_root);
  return j;
}

nlohmann::ordered_json VerifyJson(const VerifyReport& r) {
  nlohmann::ordered_json j;
  j["ok"] = r.ok;
  j["size"] = r.size;
  j["first_bad_index"] = r.first_bad_index ? nlohmann::ordered_json(*r.first_bad_index)
                                           : nlohmann::ordered_json(nullptr);
  j["reason"] = r.ok ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.reason);
  j["signed_size"] = r.signed_size;
  j["verified_size"] = r.verified_size;
  j["heads"] = r.heads;
  return j;
}

std::string PublicKeyPem(const PublicKey& key) {
  static constexpr std::array<std::uint8_t, 12> kSpkiPrefix = {
      0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
  std::vector<std::uint8_t> der(kSpkiPrefix.begin(), kSpkiPrefix.end());
  der.insert(der.end(), key.begin(), key.end());
  return "-----BEGIN PUBLIC KEY-----\n" + ToBase64(der) + "\n-----END PUBLIC KEY-----\n";
}

}  // namespace candor::ledger
