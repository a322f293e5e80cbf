// candor::fairness groups: the protected attributes of the audited rows, and the
// groupings an audit compares: each attribute on its own and the intersection of
// each pair of attributes.
//
// A ProtectedAttribute holds one code per row into its sorted list of values;
// kMissing marks a row whose value is unknown. Such rows belong to no group of
// that attribute (nor of its intersections): they are left out of its groups and
// comparisons and counted in Grouping::missing. They still count for the other
// attributes. (An "unknown" group would compare people by the gaps in our data,
// not by the attribute.)
//
// An intersection of attributes "gender" and "age_band" is named
// "gender|age_band"; its groups are the pairs that occur, named "female|55+"
// (the two values joined by '|'), in the order of the first attribute's values,
// then the second's. A value containing '|' makes such names ambiguous to a
// reader but not to the code, which works on indices.
//
// Thread safety: plain values; the functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace candor::fairness {

struct ProtectedAttribute {
  static constexpr int32_t kMissing = -1;

  std::string name;                 // e.g. "age_band"
  std::vector<std::string> values;  // distinct values, sorted (byte order)
  std::vector<int32_t> codes;       // per row: index into `values`, or kMissing

  // Codes the per-row values; std::nullopt (or an empty string) is kMissing.
  static ProtectedAttribute FromValues(std::string name,
                                       std::span<const std::optional<std::string>> row_values);
};

// One way of splitting the rows into groups: an attribute or an intersection.
struct Grouping {
  std::string name;                 // "gender" or "gender|age_band"
  bool intersection = false;
  std::vector<std::string> values;  // the groups' names, every group non-empty
  std::vector<int32_t> groups;      // per row: index into `values`, or -1 (no group)
  std::vector<std::size_t> sizes;   // rows per group
  std::size_t missing = 0;          // rows in no group
};

// Checks `attributes` against `rows` and returns one Grouping per attribute (in
// the given order; values that no row has are dropped), followed, when
// `intersections` is true, by one per pair (i < j) in order (0,1), (0,2), …, (1,2), ….
// Errors (InvalidArgument): no attribute, an empty or duplicate name, a name
// containing '|', a code vector whose length is not `rows`, a code outside
// [kMissing, values.size()).
core::Result<std::vector<Grouping>> BuildGroupings(std::span<const ProtectedAttribute> attributes,
                                                   std::size_t rows, bool intersections);

// The intersection of two groupings of the same rows (see the file comment).
Grouping Intersect(const Grouping& a, const Grouping& b);

}  // namespace candor::fairness
