// candor::workspace: a workspace directory and everything opened from it.
//
// A workspace is DIR/candor.toml (the configuration), DIR/candor.db (the SQLite
// store) and DIR/keys/ (or the CANDOR_*_KEY environment variables). Open() loads
// and validates the configuration, loads the keys, opens the store (applying
// pending migrations) and brings the store's purposes in line with the config.
//
// This module wires the layers below together for the command line and the
// server; it holds no business rules of its own.
//
// Thread safety: a Workspace belongs to one thread (its Store does).
#pragma once

#include <memory>
#include <string>

#include "core/config.h"
#include "core/keys.h"
#include "core/status.h"
#include "ledger/ledger.h"
#include "privacy/vault.h"
#include "store/store.h"

namespace candor::workspace {

struct Workspace {
  std::string dir;
  core::Config config;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<privacy::Vault> vault;
  core::WorkspaceKeys keys;
  // The ledger of `store` (origin "<config name>/<workspace id>" unless already fixed).
  std::unique_ptr<ledger::Ledger> ledger;
};

// The workspace directory: `flag` if non-empty, else $CANDOR_WORKSPACE, else ".".
std::string ResolveDir(const std::string& flag);

// Opens the workspace in `dir`. NotFound ("DIR is not a candor workspace (no
// candor.toml); create one with: candor init DIR"), InvalidArgument for a bad
// configuration, errors of the key provider and the store.
core::Result<Workspace> Open(const std::string& dir);

// How a command names one data subject (DESIGN.md, Command line): by the 32-hex
// subject id shown in scores and decisions (--subject), by the CRM's contact id
// (--contact) or by email (--email); the last two go through the blind index.
struct SubjectSelector {
  std::string subject;
  std::string contact;
  std::string email;
};

// The subject's row key. InvalidArgument when not exactly one selector is given
// or the subject id is malformed; NotFound ("no data held for this subject") when
// nothing matches. Messages never repeat the identifier.
core::Result<store::SubjectKey> ResolveSubject(Workspace& ws, const SubjectSelector& which);

struct InitResult {
  std::string dir;
  bool keys_in_files = true;  // false: the CANDOR_*_KEY variables are used
  std::string workspace_id;
};

// Creates a workspace in `dir` (created if missing): candor.toml with every
// setting commented (or a copy of `config_file` after validating it), the keys,
// and the database. AlreadyExists when DIR already holds candor.toml or
// candor.db. The ledger's first entry, "workspace.init" (payload: workspace_id,
// config_sha256, schema_version), is appended and signed in the transaction that
// creates the database. On failure nothing it created is left behind.
core::Result<InitResult> Init(const std::string& dir, const std::string& config_file = "");

}  // namespace candor::workspace
