#include "features/feature_set.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

namespace candor::features {

using core::FeatureConfig;
using core::FeatureKind;

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

std::string FormatNumber(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<std::int64_t>(v));
  return fmt::format("{}", v);
}

// The current value of an attribute feature; `snapshot` turns created_at columns
// into an age in whole days at that time.
Value AttributeValue(const FeatureConfig& f, bool categorical, const store::SubjectData& d,
                     core::Instant snapshot) {
  Value v{kMissing, {}};
  auto dot = f.source.find('.');
  std::string_view table = std::string_view(f.source).substr(0, dot);
  std::string_view col = std::string_view(f.source).substr(dot + 1);
  std::optional<double> number;
  std::string text;
  auto age_days = [&](core::Instant t) {
    return static_cast<double>((snapshot - t) / core::kMillisPerDay);
  };
  bool builtin = false;
  if (table == "contacts") {
    const store::SubjectRecord& r = *d.record;
    builtin = true;
    if (col == "seniority") text = r.seniority;
    else if (col == "department") text = r.department;
    else if (col == "country") text = r.country;
    else if (col == "job_title") text = r.job_title;
    else if (col == "language") text = r.language;
    else if (col == "time_zone") text = r.time_zone;
    else if (col == "created_at") number = age_days(r.created_at);
    else builtin = false;  // a declared column: stored as an attribute
  } else if (table == "accounts") {
    builtin = true;
    if (d.account != nullptr) {
      const store::AccountRecord& a = *d.account;
      if (col == "industry") text = a.industry;
      else if (col == "employees" && a.employees) number = static_cast<double>(*a.employees);
      else if (col == "annual_revenue") number = a.annual_revenue;
      else if (col == "country") text = a.country;
      else if (col == "status") text = a.status;
      else if (col == "created_at") number = age_days(a.created_at);
    }
  }
  if (!builtin && d.attributes != nullptr) {
    for (const store::AttributeRecord& a : *d.attributes) {
      if (a.name == col) {
        number = a.number;
        text = a.text;
        break;
      }
    }
  }
  if (categorical) {
    if (!text.empty()) v.text = std::move(text);
    else if (number) v.text = FormatNumber(*number);
  } else if (number) {
    v.number = *number;
  } else if (!text.empty()) {
    // A numeric feature over a text value: use it when it is a number.
    char* end = nullptr;
    double x = std::strtod(text.c_str(), &end);
    if (end != text.c_str() && *end == '\0' && std::isfinite(x)) v.number = x;
  }
  return v;
}

}  // namespace

bool GlobMatch(std::string_view p, std::string_view s) {
  // Iterative matcher with one backtrack point (the last '*'): linear in practice.
  std::size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (pi < p.size() && p[pi] == s[si]) {
      ++pi;
      ++si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

core::Result<FeatureSet> FeatureSet::Compile(const core::Config& config, std::string_view target,
                                             const store::EventDictionary& dictionary) {
  const core::TargetConfig* t = config.FindTarget(target);
  if (t == nullptr) return core::InvalidArgument(fmt::format("unknown target '{}'", target));
  return Compile(config, target, t->features, dictionary);
}

namespace {

std::string DefinitionAt(const core::Config& config, const core::FeatureConfig& f, int depth) {
  std::string out = fmt::format("kind={}", core::FeatureKindName(f.kind));
  switch (f.kind) {
    case FeatureKind::kAttribute:
      out += fmt::format(" source={} type={}", f.source, core::ValueTypeName(f.type));
      break;
    case FeatureKind::kRatio:
      for (const std::string* part : {&f.numerator, &f.denominator}) {
        const FeatureConfig* p = config.FindFeature(*part);
        out += fmt::format(" {}=({}: {})", part == &f.numerator ? "numerator" : "denominator", *part,
                           p == nullptr || depth > 8 ? "undefined" : DefinitionAt(config, *p, depth + 1));
      }
      break;
    default: {
      auto types = f.event_types;
      std::sort(types.begin(), types.end());
      out += fmt::format(" event_types=[{}] url={} window_days={}", fmt::join(types, ","), f.url,
                         f.window_days);
    }
  }
  return out;
}

}  // namespace

std::string Definition(const core::Config& config, const core::FeatureConfig& f) {
  return DefinitionAt(config, f, 0);
}

core::Result<FeatureSet> FeatureSet::Compile(const core::Config& config, std::string_view target,
                                             const std::vector<std::string>& features,
                                             const store::EventDictionary& dictionary) {
  FeatureSet fs;
  std::map<std::string, int> index;
  auto add = [&](const std::string& name) -> core::Result<int> {
    if (auto it = index.find(name); it != index.end()) return it->second;
    const FeatureConfig* f = config.FindFeature(name);
    if (f == nullptr) {
      return core::InvalidArgument(
          fmt::format("target '{}' uses the unknown feature '{}'", target, name));
    }
    int i = static_cast<int>(fs.specs_.size());
    fs.specs_.push_back(f);
    fs.categorical_.push_back(f->kind == FeatureKind::kAttribute &&
                              f->type == core::ValueType::kCategorical);
    index[name] = i;
    return i;
  };
  for (const std::string& name : features) {
    CANDOR_ASSIGN_OR_RETURN(int i, add(name));
    (void)i;
  }
  if (fs.specs_.size() != features.size()) {
    return core::InvalidArgument(fmt::format("target '{}' lists a feature twice", target));
  }
  fs.visible_ = fs.specs_.size();
  for (const FeatureConfig* f : fs.specs_) fs.names_.push_back(f->name);
  // Ratio parts (possibly hidden, possibly ratios themselves).
  for (std::size_t i = 0; i < fs.specs_.size(); ++i) {
    const FeatureConfig* f = fs.specs_[i];
    int num = -1, den = -1;
    if (f->kind == FeatureKind::kRatio) {
      CANDOR_ASSIGN_OR_RETURN(num, add(f->numerator));
      CANDOR_ASSIGN_OR_RETURN(den, add(f->denominator));
    }
    fs.numerator_.push_back(num);
    fs.denominator_.push_back(den);
  }
  // Event filters: one bit per distinct (event_types, url).
  std::map<std::pair<std::vector<std::string>, std::string>, int> filters;
  fs.type_mask_.assign(dictionary.types.size(), 0);
  fs.url_mask_.assign(dictionary.urls.size(), 0);
  for (const FeatureConfig* f : fs.specs_) {
    bool event = f->kind != FeatureKind::kAttribute && f->kind != FeatureKind::kRatio;
    if (!event) {
      fs.filter_of_.push_back(-1);
      continue;
    }
    auto types = f->event_types;
    std::sort(types.begin(), types.end());
    auto key = std::make_pair(types, f->url);
    auto [it, fresh] = filters.emplace(key, static_cast<int>(filters.size()));
    if (fresh) {
      if (it->second >= 64) {
        return core::InvalidArgument(fmt::format(
            "target '{}' uses more than 64 distinct event filters (event_types and url)", target));
      }
      const std::uint64_t bit = std::uint64_t{1} << it->second;
      for (std::size_t id = 1; id < dictionary.types.size(); ++id) {
        if (types.empty() || std::binary_search(types.begin(), types.end(), dictionary.types[id])) {
          fs.type_mask_[id] |= bit;
        }
      }
      if (f->url.empty()) {
        for (auto& m : fs.url_mask_) m |= bit;  // any URL, and none (id 0)
      } else {
        for (std::size_t id = 1; id < dictionary.urls.size(); ++id) {
          if (GlobMatch(f->url, dictionary.urls[id])) fs.url_mask_[id] |= bit;
        }
      }
    }
    fs.filter_of_.push_back(it->second);
  }
  // Evaluation order: everything but ratios first, then ratios until resolved.
  std::vector<bool> done(fs.specs_.size(), false);
  for (std::size_t i = 0; i < fs.specs_.size(); ++i) {
    if (fs.specs_[i]->kind != FeatureKind::kRatio) {
      fs.order_.push_back(static_cast<int>(i));
      done[i] = true;
    }
  }
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t i = 0; i < fs.specs_.size(); ++i) {
      if (done[i] || !done[static_cast<std::size_t>(fs.numerator_[i])] ||
          !done[static_cast<std::size_t>(fs.denominator_[i])]) {
        continue;
      }
      fs.order_.push_back(static_cast<int>(i));
      done[i] = progress = true;
    }
  }
  if (fs.order_.size() != fs.specs_.size()) {
    return core::InvalidArgument(fmt::format("target '{}': ratio features form a cycle", target));
  }
  return fs;
}

void FeatureSet::Evaluate(const store::SubjectData& d, core::Instant snapshot,
                          std::vector<Value>& out, std::vector<double>& scratch) const {
  out.resize(visible_);
  scratch.assign(specs_.size(), kMissing);
  static const std::vector<store::StoredEvent> kNoEvents;
  const std::vector<store::StoredEvent>& ev = d.events != nullptr ? *d.events : kNoEvents;
  auto before = [](const store::StoredEvent& e, core::Instant t) { return e.ts < t; };
  const auto end = std::lower_bound(ev.begin(), ev.end(), snapshot, before);
  // Every event feature in one pass over the events, in time order (so sums add
  // up in the same order as feature by feature): per event feature a window
  // (its spec, filter, start and running values); the values land in scratch.
  struct Window {  // trivial: the array on the stack is not cleared per call
    std::size_t spec;
    FeatureKind kind;
    int filter;
    std::size_t next;  // the next window of the same filter; n: none
    core::Instant from;
    double count, sum, days;
    std::int64_t last_day;
    core::Instant latest;
  };
  constexpr std::size_t kOnStack = 64;
  std::array<Window, kOnStack> on_stack;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::unique_ptr<Window[]> on_heap;
  Window* windows = on_stack.data();
  if (specs_.size() > kOnStack) {
    on_heap = std::make_unique_for_overwrite<Window[]>(specs_.size());
    windows = on_heap.get();
  }
  std::size_t n = 0;
  core::Instant earliest = snapshot;
  bool distinct_days = false;
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const FeatureConfig& f = *specs_[i];
    if (f.kind == FeatureKind::kAttribute || f.kind == FeatureKind::kRatio) continue;
    const core::Instant from = snapshot - f.window_days * core::kMillisPerDay;
    windows[n++] = Window{i, f.kind, filter_of_[i], 0, from, 0, 0, 0,
                          std::numeric_limits<std::int64_t>::min(), 0};
    earliest = std::min(earliest, from);
    distinct_days = distinct_days || f.kind == FeatureKind::kDistinctDays;
  }
  // The windows of each filter (at most 64, Compile's limit) as a chain, so
  // that an event visits only the windows whose filter it passes.
  std::array<std::size_t, 64> first;
  first.fill(n);
  std::uint64_t any_bit = 0;
  for (std::size_t k = n; k-- > 0;) {
    const auto f = static_cast<std::size_t>(windows[k].filter);
    windows[k].next = first[f];
    first[f] = k;
    any_bit |= std::uint64_t{1} << f;
  }
  for (auto it = std::lower_bound(ev.begin(), end, earliest, before); it != end; ++it) {
    const auto type = static_cast<std::size_t>(it->type);
    const auto url = static_cast<std::size_t>(it->url);
    std::uint64_t m = (type < type_mask_.size() ? type_mask_[type] : 0) &
                      (url < url_mask_.size() ? url_mask_[url] : 0) & any_bit;
    if (m == 0) continue;
    const core::Instant ts = it->ts;
    const double value = it->value;
    const std::int64_t day = distinct_days ? core::ToDays(ts) : 0;
    for (; m != 0; m &= m - 1) {
      for (std::size_t k = first[static_cast<std::size_t>(std::countr_zero(m))]; k < n;
           k = windows[k].next) {
        Window& w = windows[k];
        if (ts < w.from) continue;
        w.count += 1;
        if (!std::isnan(value)) w.sum += value;
        if (day != w.last_day) {  // counted for kDistinctDays only
          w.days += 1;
          w.last_day = day;
        }
        w.latest = ts;
      }
    }
  }
  for (std::size_t k = 0; k < n; ++k) {
    const Window& w = windows[k];
    double v = kMissing;
    switch (w.kind) {
      case FeatureKind::kCount: v = w.count; break;
      case FeatureKind::kSum: v = w.sum; break;
      case FeatureKind::kDistinctDays: v = w.days; break;
      case FeatureKind::kRecencyDays:
        if (w.count > 0) v = static_cast<double>((snapshot - w.latest) / core::kMillisPerDay);
        break;
      default: break;
    }
    scratch[w.spec] = v;
  }
  for (int oi : order_) {
    const auto i = static_cast<std::size_t>(oi);
    const FeatureConfig& f = *specs_[i];
    double v = kMissing;
    switch (f.kind) {
      case FeatureKind::kAttribute: {
        Value a = AttributeValue(f, categorical_[i], d, snapshot);
        scratch[i] = a.number;
        if (i < visible_) out[i] = std::move(a);
        continue;
      }
      case FeatureKind::kRatio: {
        double num = scratch[static_cast<std::size_t>(numerator_[i])];
        double den = scratch[static_cast<std::size_t>(denominator_[i])];
        if (!std::isnan(num) && !std::isnan(den) && den != 0) v = num / den;
        break;
      }
      default: v = scratch[i]; break;  // an event feature, computed above
    }
    scratch[i] = v;
    if (i < visible_) out[i] = Value{v, {}};
  }
}

}  // namespace candor::features
