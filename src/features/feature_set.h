// candor::features::FeatureSet: a target's feature specs (candor.toml), compiled
// for computing values from one subject's data at one point in time.
//
// A FeatureSet lists the target's features in the configured order (these are
// the model's columns) plus, hidden, any feature a ratio needs that the target
// does not list. Event features match an event when its type is one of
// event_types (empty: any) and its URL matches the glob `url` ('*' matches any
// run of characters; empty: any URL, including none); the window is
// [snapshot − window_days, snapshot). Values at a snapshot:
//   count          matching events in the window (0 when none)
//   sum            sum of their values (events without a value add nothing; 0)
//   distinct_days  distinct UTC days with a matching event (0)
//   recency_days   whole days from the latest matching event to the snapshot
//                  (floor), missing when there is none in the window
//   ratio          numerator / denominator, missing when the denominator is 0
//   attribute      the subject's, its account's or a stored attribute's current
//                  value; numeric, or categorical (a string, coded by Matrix)
// Only events strictly before the snapshot are ever read (point-in-time
// correctness; the store's reader already stops at the scoring time).
//
// Protected attributes and special categories cannot be features: the
// configuration refuses them (core/config.h), and nothing here reads the
// protected_attributes table.
//
// Thread safety: immutable after Compile; Evaluate is const and may run
// concurrently from several threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "core/time.h"
#include "store/store.h"

namespace candor::features {

// One computed feature value: a number (NaN = missing) or, for categorical
// attributes, a string (empty = missing).
struct Value {
  double number = 0;
  std::string text;
};

class FeatureSet {
 public:
  // The features of `target` (its `features` list) under `config`, with the event
  // filters resolved against `dictionary`. InvalidArgument for an unknown target
  // or feature (the configuration loader normally prevents both).
  static core::Result<FeatureSet> Compile(const core::Config& config, std::string_view target,
                                          const store::EventDictionary& dictionary);
  // The same with an explicit list of features (a model's columns) instead of
  // the target's.
  static core::Result<FeatureSet> Compile(const core::Config& config, std::string_view target,
                                          const std::vector<std::string>& features,
                                          const store::EventDictionary& dictionary);

  // The visible features, in column order.
  std::size_t size() const { return visible_; }
  const core::FeatureConfig& spec(std::size_t i) const { return *specs_[i]; }
  bool categorical(std::size_t i) const { return categorical_[i]; }
  const std::vector<std::string>& names() const { return names_; }

  // Computes every visible feature of `subject` at `snapshot` into `out` (resized
  // to size()). `scratch` holds intermediate values between calls (pass the same
  // vector to avoid allocations).
  void Evaluate(const store::SubjectData& subject, core::Instant snapshot, std::vector<Value>& out,
                std::vector<double>& scratch) const;

 private:
  struct Filter {
    std::vector<std::uint64_t> type_ok;  // by type id: bit set when the type matches
    std::vector<std::uint64_t> url_ok;   // by url id
  };
  std::vector<const core::FeatureConfig*> specs_;  // visible first, then hidden
  std::vector<bool> categorical_;
  std::vector<std::string> names_;
  std::size_t visible_ = 0;
  std::vector<int> filter_of_;       // per spec: index into the bit of Filter, −1 none
  std::vector<int> numerator_, denominator_;  // per ratio spec: spec indices
  std::vector<std::uint64_t> type_mask_;  // by type id: bit f set when filter f accepts the type
  std::vector<std::uint64_t> url_mask_;   // by url id (0: no URL)
  std::vector<int> order_;                // evaluation order (ratios after their parts)
};

// A canonical one-line description of a feature's definition (kind, source,
// filters, window; a ratio's parts with their definitions), for detecting that a
// model's feature has changed.
std::string Definition(const core::Config& config, const core::FeatureConfig& f);

// '*' matches any run of characters (including none); everything else literally.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace candor::features
