// candor::ledger JSON: the documented JSON shapes of heads, proofs and verification
// reports (docs/LEDGER.md), shared by `candor ledger ... --json`, the export and,
// later, the HTTP API, so that all three print the same contract.
//
// Hashes are lowercase hex, signatures and keys standard base64, times RFC 3339 UTC,
// indices 0-based. The CLI adds "schema_version".
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "ledger/ledger.h"

namespace candor::ledger {

// {"origin","size","root","timestamp","signature","public_key","checkpoint"}; timestamp
// is null for the empty log.
nlohmann::ordered_json HeadJson(const SignedHead& head);

// {"index","size","leaf_hash","path":[...],"root"} and, if with_entry, "entry".
nlohmann::ordered_json ProofJson(const InclusionProofResult& proof, bool with_entry);

// {"from","to","path":[...],"from_root","to_root"}.
nlohmann::ordered_json ConsistencyJson(const ConsistencyProofResult& proof);

// {"ok","size","first_bad_index","reason","signed_size","verified_size","heads"};
// first_bad_index and reason are null when ok (first_bad_index may also be null for
// damage outside the entries).
nlohmann::ordered_json VerifyJson(const VerifyReport& report);

// The Ed25519 public key as a PEM SubjectPublicKeyInfo (RFC 8410), which openssl reads:
// DER 302a300506032b6570032100 || key, base64, between the PUBLIC KEY lines.
std::string PublicKeyPem(const PublicKey& key);

}  // namespace candor::ledger
