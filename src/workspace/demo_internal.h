// Internal to candor::workspace: the steps of `candor demo` after the import.
#pragma once

#include "workspace/demo.h"
#include "workspace/workspace.h"

namespace candor::workspace::internal {

// Withdrawal and rescoring, an export and an erasure (demo_privacy.cc).
core::Status RunPrivacySteps(Workspace& ws, const DemoOptions& options, core::Instant as_of,
                             core::Instant now, DemoSummary& summary);

}  // namespace candor::workspace::internal
