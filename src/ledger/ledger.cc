#include "ledger/ledger.h"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <bit>
#include <cstdlib>

#include "ledger/canonical_json.h"
#include "ledger/entry.h"
#include "ledger/identifier_guard.h"
#include "ledger/ledger_internal.h"

namespace candor::ledger {

namespace {

using core::Result;
using core::Status;

constexpr std::string_view kOriginMetaKey = "ledger_origin";

using internal::HashFromBytes;
using internal::kRunVerify;

std::string ReplaceDisallowed(std::string_view text, bool ascii_only) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '+' || (ascii_only && u >= 0x80)) c = '-';
  }
  return out;
}

}  // namespace

std::string OriginFor(std::string_view workspace_name, std::string_view workspace_id) {
  std::string raw = fmt::format("{}/{}", workspace_name, workspace_id);
  std::string origin = ReplaceDisallowed(raw, false);
  if (!ValidateOrigin(origin).ok()) origin = ReplaceDisallowed(raw, true);  // Unicode spaces
  return origin;
}

std::string DefaultActor() {
  auto valid = [](const std::string& name) {
    EntryFields f;
    f.type = "x";
    f.actor = name;
    return !name.empty() && ValidateEntryFields(f).ok();
  };
  if (const char* user = std::getenv("USER"); user != nullptr && valid(user)) return user;
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[4096];
  if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &found) == 0 && found != nullptr &&
      valid(found->pw_name)) {
    return found->pw_name;
  }
  return "cli";
}

Result<Ledger> Ledger::Open(store::Store& store, const core::WorkspaceKeys& keys,
                            std::string default_origin) {
  CANDOR_ASSIGN_OR_RETURN(SigningKey key, SigningKey::FromSeed(keys.signing_seed));
  CANDOR_ASSIGN_OR_RETURN(std::optional<std::string> stored, store.GetMeta(kOriginMetaKey));
  if (stored) return Ledger(store, std::move(key), std::move(*stored), true);
  if (Status s = ValidateOrigin(default_origin); !s.ok()) {
    return core::InvalidArgument("the ledger's origin: " + s.message());
  }
  return Ledger(store, std::move(key), std::move(default_origin), false);
}

Status Ledger::Sync() {
  store::LedgerStore& ls = store_->ledger();
  CANDOR_ASSIGN_OR_RETURN(std::optional<store::TreeHeadRecord> head, ls.LatestTreeHead());
  const std::uint64_t head_size = head ? head->size : 0;
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t size, ls.LedgerSize());
  if (pending_ && pending_->head_size == head_size && pending_->acc.size() == size) {
    return Status::Ok();
  }
  pending_.reset();  // first use, or the store moved under us (a rollback)
  if (size != head_size) {
    return core::DataLoss(fmt::format(
        "the ledger holds {} entries but its latest signed tree head covers {}; {}", size,
        head_size, kRunVerify));
  }
  CANDOR_ASSIGN_OR_RETURN(std::vector<store::PeakRecord> peaks, ls.ReadPeaks());
  std::vector<Hash> hashes;
  bool peaks_ok = static_cast<int>(peaks.size()) == std::popcount(head_size);
  for (std::size_t i = 0, bit = 64; peaks_ok && bit-- > 0;) {
    if (((head_size >> bit) & 1) == 0) continue;
    const store::PeakRecord& p = peaks[i++];
    peaks_ok = p.level == static_cast<int>(bit) && p.hash.size() == 32;
    if (peaks_ok) hashes.push_back(HashFromBytes(p.hash));
  }
  if (!peaks_ok) {
    return core::DataLoss(fmt::format(
        "the stored Merkle peaks do not fit the signed tree head of size {}; {}", head_size,
        kRunVerify));
  }
  CANDOR_ASSIGN_OR_RETURN(MerkleAccumulator acc, MerkleAccumulator::FromPeaks(head_size, hashes));
  Pending p;
  if (head) {
    // Build only on a head that is ours and intact.
    CANDOR_ASSIGN_OR_RETURN(SignedHead signed_head, HeadFromRecord(*head));
    if (signed_head.root != acc.Root()) {
      return core::DataLoss(fmt::format(
          "the stored Merkle peaks do not lead to the root of the signed tree head of size {}; {}",
          head_size, kRunVerify));
    }
    p.last_time = head->timestamp;
  }
  p.head_size = head_size;
  p.acc = std::move(acc);
  pending_ = std::move(p);
  return Status::Ok();
}

Result<std::uint64_t> Ledger::Append(const EntryInput& entry) {
  return AppendBatch(std::span<const EntryInput>(&entry, 1));
}

Result<std::uint64_t> Ledger::AppendBatch(std::span<const EntryInput> entries) {
  store::LedgerStore& ls = store_->ledger();
  if (!ls.InTransaction()) {
    return core::FailedPrecondition("ledger entries are appended inside a write transaction");
  }
  CANDOR_RETURN_IF_ERROR(Sync());
  Pending next = *pending_;
  const std::uint64_t first = next.acc.size();
  std::vector<std::string> texts(entries.size());
  std::vector<std::string> payloads(entries.size());
  std::vector<store::LedgerAppend> rows(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const EntryInput& in = entries[i];
    if (!in.payload.is_object()) {
      return core::InvalidArgument("ledger entry: the payload must be a JSON object");
    }
    CANDOR_RETURN_IF_ERROR(CheckNoDirectIdentifiers(in.payload));
    CANDOR_ASSIGN_OR_RETURN(payloads[i], CanonicalJson(in.payload));
    EntryFields f;
    f.index = next.acc.size();
    f.type = in.type;
    f.time = in.time;
    f.actor = in.actor;
    if (in.subject) f.subject = in.subject->Hex();
    f.model = in.model;
    f.payload_sha256 = Sha256(std::span(reinterpret_cast<const std::uint8_t*>(payloads[i].data()),
                                        payloads[i].size()));
    CANDOR_ASSIGN_OR_RETURN(texts[i], FormatEntry(f));
    const Hash leaf = LeafHash(texts[i]);
    next.acc.Append(leaf);
    next.last_time = in.time;
    rows[i] = {f.index, leaf, texts[i], payloads[i]};
  }
  if (Status s = ls.AppendLedger(rows); !s.ok()) {
    pending_.reset();  // the store may hold part of the batch until the rollback
    return s;
  }
  pending_ = std::move(next);
  return first;
}

Result<SignedHead> Ledger::SignHead() {
  store::LedgerStore& ls = store_->ledger();
  if (!ls.InTransaction()) {
    return core::FailedPrecondition("a tree head is signed inside a write transaction");
  }
  CANDOR_RETURN_IF_ERROR(Sync());
  Pending& p = *pending_;
  if (p.acc.size() == p.head_size) return Head();
  SignedHead head;
  head.origin = origin_;
  head.size = p.acc.size();
  head.root = p.acc.Root();
  head.timestamp = p.last_time;
  head.public_key = key_.public_key;
  head.checkpoint = CheckpointBody(origin_, head.size, head.root);
  head.signature = Sign(key_, head.checkpoint);
  store::TreeHeadRecord rec;
  rec.size = head.size;
  rec.root.assign(head.root.begin(), head.root.end());
  rec.timestamp = p.last_time;
  rec.signature.assign(head.signature.begin(), head.signature.end());
  std::vector<store::PeakRecord> peaks;
  int level = 64;
  for (const Hash& h : p.acc.peaks()) {
    while (((head.size >> --level) & 1) == 0) {
    }
    peaks.push_back({level, std::vector<std::uint8_t>(h.begin(), h.end())});
  }
  Status s = ls.PutTreeHead(rec);
  if (s.ok()) s = ls.WritePeaks(peaks);
  if (s.ok() && (!origin_stored_ || p.head_size == 0)) s = store_->SetMeta(kOriginMetaKey, origin_);
  if (!s.ok()) {
    pending_.reset();
    return s;
  }
  origin_stored_ = true;
  p.head_size = head.size;
  return head;
}

Result<SignedHead> Ledger::HeadFromRecord(const store::TreeHeadRecord& r) const {
  if (r.root.size() != 32 || r.signature.size() != 64) {
    return core::DataLoss(fmt::format("the tree head of size {} is damaged; {}", r.size,
                                      kRunVerify));
  }
  SignedHead head;
  head.origin = origin_;
  head.size = r.size;
  head.root = HashFromBytes(r.root);
  head.timestamp = r.timestamp;
  std::copy(r.signature.begin(), r.signature.end(), head.signature.begin());
  head.public_key = key_.public_key;
  head.checkpoint = CheckpointBody(origin_, head.size, head.root);
  if (!VerifySignature(head.public_key, head.checkpoint, head.signature).ok()) {
    return core::DataLoss(fmt::format(
        "the signature of the tree head of size {} does not verify with this workspace's key; {}",
        r.size, kRunVerify));
  }
  return head;
}

Result<SignedHead> Ledger::Head() {
  CANDOR_ASSIGN_OR_RETURN(std::optional<store::TreeHeadRecord> rec,
                          store_->ledger().LatestTreeHead());
  if (rec) return HeadFromRecord(*rec);
  SignedHead head;
  head.origin = origin_;
  head.root = EmptyRoot();
  head.public_key = key_.public_key;
  head.checkpoint = CheckpointBody(origin_, 0, head.root);
  head.signature = Sign(key_, head.checkpoint);
  return head;
}

Result<std::uint64_t> Ledger::SignedSize() {
  CANDOR_ASSIGN_OR_RETURN(std::optional<store::TreeHeadRecord> rec,
                          store_->ledger().LatestTreeHead());
  return rec ? rec->size : 0;
}

}  // namespace candor::ledger
