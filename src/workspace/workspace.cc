#include "workspace/workspace.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/ids.h"
#include "core/time.h"
#include "ledger/ledger.h"
#include "store/sqlite_store.h"

namespace candor::workspace {

namespace fs = std::filesystem;
using core::Result;
using core::Status;

std::string ResolveDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("CANDOR_WORKSPACE"); env != nullptr && *env != '\0') return env;
  return ".";
}

namespace {

// The ledger's origin for this store: "<workspace name>/<workspace id>".
Result<std::string> LedgerOrigin(store::Store& store, const core::Config& config) {
  CANDOR_ASSIGN_OR_RETURN(std::optional<std::string> id, store.GetMeta("workspace_id"));
  return ledger::OriginFor(config.name, id.value_or("unknown"));
}

// The first ledger entry of a workspace, inside Init's transaction.
Status RecordInit(store::Store& store, const core::WorkspaceKeys& keys, const core::Config& config,
                  std::string_view config_text, const std::string& workspace_id) {
  CANDOR_ASSIGN_OR_RETURN(std::string origin, LedgerOrigin(store, config));
  CANDOR_ASSIGN_OR_RETURN(ledger::Ledger log, ledger::Ledger::Open(store, keys, origin));
  CANDOR_ASSIGN_OR_RETURN(int schema, store.SchemaVersion());
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(config_text.data());
  ledger::EntryInput entry;
  entry.type = "workspace.init";
  entry.time = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  entry.actor = ledger::DefaultActor();
  entry.payload = {{"workspace_id", workspace_id},
                   {"config_sha256", ledger::ToHex(ledger::Sha256({bytes, config_text.size()}))},
                   {"schema_version", schema}};
  CANDOR_RETURN_IF_ERROR(log.Append(entry).status());
  return log.SignHead().status();
}

}  // namespace

Result<Workspace> Open(const std::string& dir) {
  fs::path toml = fs::path(dir) / "candor.toml";
  if (!fs::exists(toml)) {
    return core::NotFound(fmt::format(
        "{} is not a candor workspace (no candor.toml); create one with: candor init {}", dir, dir));
  }
  Workspace ws;
  ws.dir = dir;
  CANDOR_ASSIGN_OR_RETURN(ws.config, core::LoadConfig(toml.string()));
  fs::path keys_dir = fs::path(ws.config.keys_dir).is_absolute()
                          ? fs::path(ws.config.keys_dir)
                          : fs::path(dir) / ws.config.keys_dir;
  CANDOR_ASSIGN_OR_RETURN(ws.keys, core::DefaultKeyProvider(keys_dir.string()).Load());
  fs::path db = fs::path(dir) / "candor.db";
  if (!fs::exists(db)) {
    return core::NotFound(fmt::format("{}: the database is missing", db.string()));
  }
  CANDOR_ASSIGN_OR_RETURN(ws.store, store::OpenSqliteStore(db.string()));
  ws.vault = std::make_unique<privacy::Vault>(ws.keys);
  CANDOR_ASSIGN_OR_RETURN(std::string origin, LedgerOrigin(*ws.store, ws.config));
  CANDOR_ASSIGN_OR_RETURN(ledger::Ledger log, ledger::Ledger::Open(*ws.store, ws.keys, origin));
  ws.ledger = std::make_unique<ledger::Ledger>(std::move(log));
  // The purposes of the configuration are the store's: a change (a new purpose,
  // another legal basis, a removed purpose) is applied and recorded in the ledger.
  // Opening an unchanged workspace writes nothing.
  CANDOR_ASSIGN_OR_RETURN(bool changed, ws.store->PurposesDiffer(ws.config.purposes));
  if (changed) {
    CANDOR_ASSIGN_OR_RETURN(auto tx, ws.store->BeginWrite());
    CANDOR_RETURN_IF_ERROR(ws.store->SyncPurposes(ws.config.purposes));
    nlohmann::json purposes = nlohmann::json::array();
    for (const auto& p : ws.config.purposes) {
      purposes.push_back({{"name", p.name},
                          {"legal_basis", std::string(core::LegalBasisName(p.legal_basis))},
                          {"direct_marketing", p.direct_marketing},
                          {"channels", p.channels},
                          {"retention_days", p.retention_days}});
    }
    ledger::EntryInput entry;
    entry.type = "config.change";
    entry.time = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
    entry.actor = ledger::DefaultActor();
    entry.payload = {{"purposes", purposes}};
    CANDOR_RETURN_IF_ERROR(ws.ledger->Append(entry).status());
    CANDOR_RETURN_IF_ERROR(ws.ledger->SignHead().status());
    CANDOR_RETURN_IF_ERROR(tx->Commit());
  }
  return ws;
}

Result<store::SubjectKey> ResolveSubject(Workspace& ws, const SubjectSelector& which) {
  int given = !which.subject.empty() + !which.contact.empty() + !which.email.empty();
  if (given != 1) {
    return core::InvalidArgument("name the subject with exactly one of --subject, --contact, --email");
  }
  std::optional<store::SubjectKey> key;
  if (!which.subject.empty()) {
    CANDOR_ASSIGN_OR_RETURN(core::SubjectId id, core::SubjectId::FromHex(which.subject));
    CANDOR_ASSIGN_OR_RETURN(key, ws.store->FindBySubjectId(id));
  } else if (!which.contact.empty()) {
    CANDOR_ASSIGN_OR_RETURN(
        key, ws.store->FindByBlindIndex(ws.vault->Blind(privacy::BlindKind::kContactId, which.contact)));
  } else {
    auto email = privacy::NormalizeEmail(which.email);
    if (!email.ok()) return core::InvalidArgument("--email " + email.status().message());
    CANDOR_ASSIGN_OR_RETURN(key,
                            ws.store->FindByBlindIndex(ws.vault->Blind(privacy::BlindKind::kEmail, *email)));
  }
  if (!key) return core::NotFound("no data held for this subject");
  return *key;
}

Result<InitResult> Init(const std::string& dir, const std::string& config_file) {
  fs::path root(dir);
  fs::path toml = root / "candor.toml";
  fs::path db = root / "candor.db";
  for (const fs::path& p : {toml, db}) {
    if (fs::exists(p)) {
      return core::AlreadyExists(
          fmt::format("{} is already a candor workspace ({} exists)", dir, p.filename().string()));
    }
  }
  std::string text(core::DefaultConfigText());
  if (!config_file.empty()) {
    std::ifstream in(config_file, std::ios::binary);
    if (!in) return core::NotFound(fmt::format("{}: no such file", config_file));
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  CANDOR_ASSIGN_OR_RETURN(core::Config cfg, core::ParseConfig(text, config_file.empty()
                                                                        ? toml.string()
                                                                        : config_file));
  // Everything below is undone if a later step fails.
  std::vector<fs::path> created;
  bool made_root = false;
  std::error_code ec;
  if (!fs::exists(root)) {
    fs::create_directories(root, ec);
    if (ec) return core::Unavailable(fmt::format("{}: cannot create: {}", dir, ec.message()));
    made_root = true;
  }
  auto undo = [&](Status s) -> Result<InitResult> {
    std::error_code e2;
    for (auto it = created.rbegin(); it != created.rend(); ++it) fs::remove_all(*it, e2);
    if (made_root) fs::remove_all(root, e2);
    return s;
  };
  {
    std::ofstream out(toml, std::ios::binary);
    out << text;
    out.close();
    created.push_back(toml);
    if (!out) return undo(core::Unavailable(fmt::format("{}: cannot write", toml.string())));
  }
  InitResult result;
  result.dir = dir;
  fs::path keys_dir = fs::path(cfg.keys_dir).is_absolute() ? fs::path(cfg.keys_dir)
                                                           : root / cfg.keys_dir;
  if (core::KeysInEnvironment()) {
    result.keys_in_files = false;
  } else {
    bool keys_dir_existed = fs::exists(keys_dir);
    Status s = core::CreateKeyFiles(keys_dir.string());
    if (!keys_dir_existed) created.push_back(keys_dir);
    if (!s.ok()) return undo(s);
  }
  // Check that the keys load (e.g. malformed CANDOR_*_KEY values).
  auto keys = core::DefaultKeyProvider(keys_dir.string()).Load();
  if (!keys.ok()) return undo(keys.status());
  store::SqliteOptions opt;
  opt.create = true;
  created.push_back(db);
  created.push_back(db.string() + "-wal");
  created.push_back(db.string() + "-shm");
  auto st = store::OpenSqliteStore(db.string(), opt);
  if (!st.ok()) return undo(st.status());
  core::SubjectId id = core::SubjectId::Random();  // a random workspace id
  result.workspace_id = id.Hex();
  {
    auto tx = (*st)->BeginWrite();
    if (!tx.ok()) return undo(tx.status());
    Status s = (*st)->SetMeta("workspace_id", result.workspace_id);
    if (s.ok()) s = (*st)->SyncPurposes(cfg.purposes);
    if (s.ok()) s = RecordInit(**st, *keys, cfg, text, result.workspace_id);
    if (s.ok()) s = (*tx)->Commit();
    if (!s.ok()) return undo(s);
  }
  return result;
}

}  // namespace candor::workspace
