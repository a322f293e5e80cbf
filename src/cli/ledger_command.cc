// candor ledger head | proof --index I [--size N] | consistency --from M --to N
//              | verify | export --out DIR
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "cli/common.h"
#include "ledger/ledger_json.h"
#include "workspace/workspace.h"

namespace candor::cli {

namespace {

core::Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::NotFound(path + ": no such file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct LedgerArgs {
  std::uint64_t index = 0;
  std::uint64_t size = 0;
  std::uint64_t from = 0;
  std::uint64_t to = 0;
  std::string out;
  std::string against;
};

// Opens the workspace and runs `body` with its ledger; errors go through Fail().
template <typename Body>
void WithLedger(Context& ctx, Body body) {
  auto ws = workspace::Open(workspace::ResolveDir(ctx.workspace));
  if (!ws.ok()) {
    ctx.exit_code = Fail(ctx, ws.status());
    return;
  }
  body(*ws->ledger);
}

void PrintHashes(std::string_view label, const std::vector<ledger::Hash>& path) {
  if (path.empty()) fmt::print("{:<10} (empty)\n", label);
  for (std::size_t i = 0; i < path.size(); ++i) {
    fmt::print("{:<10} {}\n", i == 0 ? label : "", ledger::ToHex(path[i]));
  }
}

}  // namespace

void RegisterLedger(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "ledger", "The tamper-evident ledger: signed head, proofs, verification, export");
  cmd->require_subcommand(1);
  auto args = std::make_shared<LedgerArgs>();

  auto* head = cmd->add_subcommand("head", "Print the latest signed tree head");
  head->callback([&ctx] {
    WithLedger(ctx, [&](ledger::Ledger& l) {
      auto h = l.Head();
      if (!h.ok()) {
        ctx.exit_code = Fail(ctx, h.status());
        return;
      }
      if (ctx.json) {
        PrintJson(ledger::HeadJson(*h));
        return;
      }
      fmt::print("origin     {}\nsize       {}\nroot       {}\ntimestamp  {}\n", h->origin, h->size,
                 ledger::ToHex(h->root),
                 h->timestamp ? core::FormatTimestamp(*h->timestamp) : "(empty log)");
      fmt::print("signature  {}\npublic key {}\n", ledger::ToBase64(h->signature),
                 ledger::ToBase64(h->public_key));
    });
  });

  auto* proof = cmd->add_subcommand("proof", "Print the inclusion proof of one entry");
  proof->add_option("--index", args->index, "Index of the entry (0-based)")->required();
  auto* size_opt =
      proof->add_option("--size", args->size, "Tree size (default: the latest signed size)");
  proof->callback([&ctx, args, size_opt] {
    WithLedger(ctx, [&](ledger::Ledger& l) {
      std::optional<std::uint64_t> size;
      if (size_opt->count() > 0) size = args->size;
      auto p = l.Proof(args->index, size);
      if (!p.ok()) {
        ctx.exit_code = Fail(ctx, p.status());
        return;
      }
      if (ctx.json) {
        PrintJson(ledger::ProofJson(*p, true));
        return;
      }
      fmt::print("entry      {} of a tree of {}\n{}\n", p->index, p->size, p->entry);
      fmt::print("leaf hash  {}\n", ledger::ToHex(p->leaf_hash));
      PrintHashes("path", p->path);
      fmt::print("root       {}\n", ledger::ToHex(p->root));
    });
  });

  auto* consistency =
      cmd->add_subcommand("consistency", "Print the consistency proof between two tree sizes");
  consistency->add_option("--from", args->from, "The earlier tree size (at least 1)")->required();
  consistency->add_option("--to", args->to, "The later tree size")->required();
  consistency->callback([&ctx, args] {
    WithLedger(ctx, [&](ledger::Ledger& l) {
      auto c = l.Consistency(args->from, args->to);
      if (!c.ok()) {
        ctx.exit_code = Fail(ctx, c.status());
        return;
      }
      if (ctx.json) {
        PrintJson(ledger::ConsistencyJson(*c));
        return;
      }
      fmt::print("from       {} (root {})\nto         {} (root {})\n", c->from,
                 ledger::ToHex(c->from_root), c->to, ledger::ToHex(c->to_root));
      PrintHashes("path", c->path);
    });
  });

  auto* verify = cmd->add_subcommand(
      "verify", "Recompute every hash and signature; exit 3 if anything was altered");
  verify->add_option("--against", args->against,
                     "Also check the log against an earlier export's checkpoint (a directory "
                     "holding checkpoint.txt and checkpoint.sig, kept outside the workspace)");
  verify->callback([&ctx, args] {
    WithLedger(ctx, [&](ledger::Ledger& l) {
      auto r = l.Verify();
      if (r.ok() && r->ok && !args->against.empty()) {
        auto body = ReadWholeFile(args->against + "/checkpoint.txt");
        auto sig = ReadWholeFile(args->against + "/checkpoint.sig");
        if (!body.ok() || !sig.ok() || sig->size() != 64) {
          ctx.exit_code = Fail(ctx, core::InvalidArgument(fmt::format(
                                        "--against {}: needs checkpoint.txt and a 64-byte "
                                        "checkpoint.sig (candor ledger export writes both)",
                                        args->against)));
          return;
        }
        ledger::Signature s{};
        std::copy(sig->begin(), sig->end(), reinterpret_cast<char*>(s.data()));
        r = l.VerifyAgainst(*body, s);
      }
      if (!r.ok()) {
        ctx.exit_code = Fail(ctx, r.status());
        return;
      }
      if (!r->ok) ctx.exit_code = core::FailedPrecondition("").ExitCode();
      if (ctx.json) {
        PrintJson(ledger::VerifyJson(*r));
      } else if (r->ok) {
        fmt::print("ledger verified: {} entries, {} signed tree heads\n", r->size, r->heads);
      }
      if (!r->ok) {
        std::string where = r->first_bad_index ? fmt::format(" at entry {}", *r->first_bad_index) : "";
        fmt::print(stderr, "candor: the ledger does not verify{}: {}\n", where, r->reason);
      }
    });
  });

  auto* exp = cmd->add_subcommand("export", "Write head, checkpoint, key, entries and proofs");
  exp->add_option("--out", args->out, "A new directory")->required();
  exp->callback([&ctx, args] {
    WithLedger(ctx, [&](ledger::Ledger& l) {
      auto e = l.Export(args->out);
      if (!e.ok()) {
        ctx.exit_code = Fail(ctx, e.status());
        return;
      }
      if (ctx.json) {
        PrintJson({{"dir", e->dir}, {"size", e->size}, {"files", e->files}});
        return;
      }
      fmt::print("exported {} entries to {} ({}); docs/LEDGER.md shows how to audit them\n",
                 e->size, e->dir, fmt::join(e->files, ", "));
    });
  });
}

}  // namespace candor::cli
