// Ledger::Export: the files an auditor verifies with openssl, sha256sum, xxd and jq
// alone (docs/LEDGER.md, "Auditing an export").
//
// Leaf hashes in the proofs are recomputed from the exported entries, not taken from
// the stored leaf column, so that entry -> leaf -> proof -> signed root is one chain.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <limits>

#include "ledger/ledger.h"
#include "ledger/ledger_internal.h"
#include "ledger/ledger_json.h"

namespace candor::ledger {

namespace {

namespace fs = std::filesystem;
using core::Result;
using core::Status;
using internal::kRunVerify;
using internal::TreeLevels;

// An output file that reports write errors as Unavailable.
class OutFile {
 public:
  OutFile(const fs::path& path, ExportResult& result) : path_(path), out_(path, std::ios::binary) {
    result.files.push_back(path.filename().string());
  }
  OutFile& operator<<(std::string_view s) {
    out_.write(s.data(), static_cast<std::streamsize>(s.size()));
    return *this;
  }
  Status Close() {
    out_.close();
    if (!out_) return core::Unavailable(fmt::format("{}: cannot write", path_.string()));
    return Status::Ok();
  }

 private:
  fs::path path_;
  std::ofstream out_;
};

Status WriteFile(const fs::path& path, std::string_view bytes, ExportResult& result) {
  OutFile f(path, result);
  f << bytes;
  return f.Close();
}

std::string Line(const nlohmann::ordered_json& j) { return j.dump() + "\n"; }

}  // namespace

Result<ExportResult> Ledger::Export(const std::string& dir) {
  ExportResult result;
  result.dir = dir;
  const fs::path root(dir);
  std::error_code ec;
  if (fs::exists(root, ec) && !fs::is_empty(root, ec)) {
    return core::AlreadyExists(fmt::format("{} already holds files; export into a new directory", dir));
  }
  fs::create_directories(root, ec);
  if (ec) return core::Unavailable(fmt::format("{}: cannot create: {}", dir, ec.message()));

  store::LedgerStore& ls = store_->ledger();
  CANDOR_ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> snapshot, ls.BeginRead());
  CANDOR_ASSIGN_OR_RETURN(SignedHead head, Head());
  const std::uint64_t n = head.size;
  result.size = n;

  // Entries and payloads, streamed; the leaf hashes stay in memory for the proofs.
  std::vector<Hash> leaves;
  leaves.reserve(n);
  {
    OutFile entries(root / "entries.ndjson", result);
    OutFile payloads(root / "payloads.ndjson", result);
    Status damaged = Status::Ok();
    CANDOR_RETURN_IF_ERROR(ls.ForEachLedgerRow(0, n, [&](const store::LedgerRowView& row) {
      if (row.index != static_cast<std::int64_t>(leaves.size()) || !row.has_payload ||
          row.entry.find('\n') != std::string_view::npos ||
          row.payload.find('\n') != std::string_view::npos) {
        damaged = core::DataLoss(fmt::format("ledger entry {} is missing or damaged; {}",
                                             leaves.size(), kRunVerify));
        return damaged;
      }
      entries << row.entry << "\n";
      payloads << row.payload << "\n";
      leaves.push_back(LeafHash(row.entry));
      return Status::Ok();
    }));
    if (leaves.size() != n) {
      return core::DataLoss(
          fmt::format("ledger entry {} is missing; {}", leaves.size(), kRunVerify));
    }
    CANDOR_RETURN_IF_ERROR(entries.Close());
    CANDOR_RETURN_IF_ERROR(payloads.Close());
  }
  TreeLevels levels(std::move(leaves));
  if (n > 0 && levels.Subtree(0, n) != head.root) {
    return core::DataLoss(fmt::format(
        "the stored entries do not lead to the signed root of size {}; {}", n, kRunVerify));
  }
  {
    OutFile proofs(root / "proofs.ndjson", result);
    for (std::uint64_t i = 0; i < n; ++i) {
      InclusionProofResult p;
      p.index = i;
      p.size = n;
      p.leaf_hash = levels.Subtree(i, i + 1);
      p.root = head.root;
      CANDOR_ASSIGN_OR_RETURN(p.path, InclusionProof(levels.Fn(), i, n));
      proofs << Line(ProofJson(p, false));
    }
    CANDOR_RETURN_IF_ERROR(proofs.Close());
  }
  {
    OutFile heads(root / "heads.ndjson", result);
    OutFile consistency(root / "consistency.ndjson", result);
    Status st = ls.ForEachTreeHead([&](const store::TreeHeadRecord& rec) -> Status {
      if (rec.size > n) return Status::Ok();  // signed after our snapshot's head: none
      nlohmann::ordered_json h;
      h["size"] = rec.size;
      h["root"] = ToHex(rec.root);
      h["timestamp"] = core::FormatTimestamp(rec.timestamp);
      h["signature"] = ToBase64(rec.signature);
      heads << Line(h);
      if (rec.size == 0 || rec.size == n) return Status::Ok();
      ConsistencyProofResult c;
      c.from = rec.size;
      c.to = n;
      c.from_root = levels.Subtree(0, rec.size);
      c.to_root = head.root;
      CANDOR_ASSIGN_OR_RETURN(c.path, ConsistencyProof(levels.Fn(), rec.size, n));
      consistency << Line(ConsistencyJson(c));
      return Status::Ok();
    });
    CANDOR_RETURN_IF_ERROR(st);
    CANDOR_RETURN_IF_ERROR(heads.Close());
    CANDOR_RETURN_IF_ERROR(consistency.Close());
  }

  nlohmann::ordered_json head_json;
  head_json["schema_version"] = 1;
  const nlohmann::ordered_json fields = HeadJson(head);
  for (auto it = fields.begin(); it != fields.end(); ++it) head_json[it.key()] = it.value();
  CANDOR_RETURN_IF_ERROR(WriteFile(root / "head.json", head_json.dump(2) + "\n", result));
  CANDOR_RETURN_IF_ERROR(WriteFile(root / "checkpoint.txt", head.checkpoint, result));
  CANDOR_RETURN_IF_ERROR(WriteFile(
      root / "checkpoint.sig",
      std::string_view(reinterpret_cast<const char*>(head.signature.data()), head.signature.size()),
      result));
  CANDOR_ASSIGN_OR_RETURN(std::string note, SignNote(head.checkpoint, origin_, key_));
  CANDOR_RETURN_IF_ERROR(WriteFile(root / "checkpoint.note", note, result));
  CANDOR_RETURN_IF_ERROR(WriteFile(root / "public_key.pem", PublicKeyPem(key_.public_key), result));
  CANDOR_RETURN_IF_ERROR(
      WriteFile(root / "verifier_key.txt", NoteVerifierKey(origin_, key_.public_key) + "\n", result));
  return result;
}

}  // namespace candor::ledger
