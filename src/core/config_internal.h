// Internal to candor::core's configuration loader: the parsers of sections that
// live in their own files. Not part of the public API (use core/config.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "core/config.h"

namespace candor::core::internal {

// Parses [fairness] of `root` into `out`, appending one "FILE:LINE:COLUMN:
// key.path: rule" line to `errors` per problem (`file` names the file).
// `protected_attributes` are the declared ones ([protected]): references must
// name one of them (or a pair "a|b" of them).
void ParseFairness(const toml::table& root, std::string_view file,
                   const std::vector<std::string>& protected_attributes, FairnessConfig& out,
                   std::vector<std::string>& errors);

// The comparison names a gate rule may use (fairness/metrics.h NameOf; the
// fairness tests check that both lists agree).
const std::vector<std::string>& GateMetricNames();

}  // namespace candor::core::internal
