#include "features/matrix.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <thread>
#include <unordered_map>

namespace candor::features {

namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();
constexpr std::int64_t kProgressEvery = 4096;

core::Instant MonthStart(core::Instant t) {
  core::CivilTime c = core::ToCivil(t);
  return *core::FromCivil(c.year, c.month, 1);
}

core::Instant NextMonth(core::Instant m) {
  core::CivilTime c = core::ToCivil(m);
  return c.month == 12 ? *core::FromCivil(c.year + 1, 1, 1) : *core::FromCivil(c.year, c.month + 1, 1);
}

// Collects rows while categorical values are interned; codes are assigned at the end.
class Builder {
 public:
  Builder(const FeatureSet& fs, std::vector<Column> fixed) : fs_(fs) {
    if (fixed.empty()) {
      for (std::size_t i = 0; i < fs.size(); ++i) {
        columns_.push_back(Column{fs.names()[i], fs.categorical(i), {}});
      }
    } else {
      columns_ = std::move(fixed);
      fixed_ = true;
    }
    interned_.resize(columns_.size());
    if (fixed_) {
      for (std::size_t c = 0; c < columns_.size(); ++c) {
        for (std::size_t k = 0; k < columns_[c].codes.size(); ++k) {
          interned_[c].emplace(columns_[c].codes[k], static_cast<float>(k));
        }
      }
    }
  }

  void Add(const store::SubjectData& d, core::Instant snapshot, float label) {
    fs_.Evaluate(d, snapshot, values_, scratch_);
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      if (!columns_[c].categorical) {
        m_.values.push_back(static_cast<float>(values_[c].number));
      } else if (values_[c].text.empty()) {
        m_.values.push_back(kMissing);
      } else if (fixed_) {
        auto it = interned_[c].find(values_[c].text);
        if (it == interned_[c].end()) ++m_.unseen_categories;
        m_.values.push_back(it == interned_[c].end() ? kMissing : it->second);
      } else {
        // find first: emplace would build (and allocate) a node for every row.
        auto it = interned_[c].find(values_[c].text);
        if (it == interned_[c].end()) {
          it = interned_[c].emplace(values_[c].text, static_cast<float>(interned_[c].size())).first;
        }
        m_.values.push_back(it->second);
      }
    }
    m_.subjects.push_back(d.record->id);
    m_.keys.push_back(d.key);
    m_.snapshots.push_back(snapshot);
    m_.labels.push_back(label);
    ++m_.rows;
  }

  // The matrix. Training (no fixed tables): a categorical column's codes are
  // still in the order the values were first seen, codes[k] the value of code
  // k; Concat renumbers them into bytewise order.
  Matrix Finish() {
    if (!fixed_) {
      for (std::size_t c = 0; c < columns_.size(); ++c) {
        if (!columns_[c].categorical) continue;
        columns_[c].codes.resize(interned_[c].size());
        for (auto& [value, code] : interned_[c]) {
          columns_[c].codes[static_cast<std::size_t>(code)] = value;
        }
      }
    }
    m_.columns = std::move(columns_);
    return std::move(m_);
  }

 private:
  const FeatureSet& fs_;
  std::vector<Column> columns_;
  bool fixed_ = false;
  std::vector<std::unordered_map<std::string, float>> interned_;
  std::vector<Value> values_;
  std::vector<double> scratch_;
  Matrix m_;
};

// The matrices of the parts of a read (Builder::Finish), in part order, as
// one: exactly the matrix one Builder would have built from all rows in that
// order. Training codes (each part's in first-seen order) are renumbered into
// the bytewise order of the union's values, in one pass over the rows; fixed
// tables (scoring) are the same in every part and stay.
Matrix Concat(std::vector<Matrix>& parts, bool fixed) {
  Matrix out = std::move(parts.front());
  const std::size_t cols = out.columns.size();
  // remap[p][c][k]: the union's code of part p's code k in column c.
  std::vector<std::vector<std::vector<float>>> remap(parts.size(),
                                                     std::vector<std::vector<float>>(cols));
  std::vector<std::size_t> coded;  // the columns to renumber
  if (!fixed) {
    for (std::size_t c = 0; c < cols; ++c) {
      if (!out.columns[c].categorical) continue;
      coded.push_back(c);
      std::vector<std::string> all = out.columns[c].codes;
      for (std::size_t p = 1; p < parts.size(); ++p) {
        all.insert(all.end(), parts[p].columns[c].codes.begin(), parts[p].columns[c].codes.end());
      }
      std::sort(all.begin(), all.end());
      all.erase(std::unique(all.begin(), all.end()), all.end());
      for (std::size_t p = 0; p < parts.size(); ++p) {
        const auto& codes = p == 0 ? out.columns[c].codes : parts[p].columns[c].codes;
        for (const std::string& v : codes) {
          auto at = std::lower_bound(all.begin(), all.end(), v) - all.begin();
          remap[p][c].push_back(static_cast<float>(at));
        }
      }
      out.columns[c].codes = std::move(all);
    }
  }
  auto renumber = [&](std::size_t p, std::size_t from) {
    if (coded.empty()) return;
    for (std::size_t i = from; i < out.values.size(); i += cols) {
      for (std::size_t c : coded) {
        float& v = out.values[i + c];
        if (!std::isnan(v)) v = remap[p][c][static_cast<std::size_t>(v)];
      }
    }
  };
  renumber(0, 0);
  if (parts.size() == 1) return out;
  std::size_t rows = 0;
  for (const Matrix& m : parts) rows += m.rows;
  out.values.reserve(rows * cols);
  out.subjects.reserve(rows);
  out.keys.reserve(rows);
  out.snapshots.reserve(rows);
  out.labels.reserve(rows);
  for (std::size_t p = 1; p < parts.size(); ++p) {
    Matrix& m = parts[p];
    const std::size_t from = out.values.size();
    out.values.insert(out.values.end(), m.values.begin(), m.values.end());
    renumber(p, from);
    out.subjects.insert(out.subjects.end(), m.subjects.begin(), m.subjects.end());
    out.keys.insert(out.keys.end(), m.keys.begin(), m.keys.end());
    out.snapshots.insert(out.snapshots.end(), m.snapshots.begin(), m.snapshots.end());
    out.labels.insert(out.labels.end(), m.labels.begin(), m.labels.end());
    out.unseen_categories += m.unseen_categories;
    out.rows += m.rows;
    m = Matrix();  // free each part as soon as it is copied
  }
  return out;
}

// How many parts to read at once: options.threads, or the hardware's threads.
int ReadThreads(const BuildOptions& o) {
  if (o.threads > 0) return std::min(o.threads, 16);
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1U, 8U));
}

// Progress from part 0 (the calling thread) with the count of every part.
class ProgressCounter {
 public:
  explicit ProgressCounter(const BuildOptions& o) : fn_(o.progress) {}
  void Count(int part) {
    const std::int64_t n = seen_.fetch_add(1, std::memory_order_relaxed) + 1;
    if (!fn_ || part != 0 || n - reported_ < kProgressEvery) return;
    reported_ = n;
    fn_(n);
  }

 private:
  const std::function<void(std::int64_t)>& fn_;
  std::atomic<std::int64_t> seen_{0};
  std::int64_t reported_ = 0;  // part 0 only
};

bool InPopulation(const core::TargetConfig& t, const store::SubjectData& d) {
  if (t.population != "customers") return true;
  return d.account != nullptr && d.account->status == "customer";
}

core::Result<FeatureSet> CompileFor(store::Store& store, const core::Config& config,
                                    std::string_view target, const std::vector<Column>& columns) {
  CANDOR_ASSIGN_OR_RETURN(store::EventDictionary dict, store.ReadEventDictionary());
  if (columns.empty()) return FeatureSet::Compile(config, target, dict);
  std::vector<std::string> names;
  for (const Column& c : columns) names.push_back(c.name);
  CANDOR_ASSIGN_OR_RETURN(FeatureSet fs, FeatureSet::Compile(config, target, names, dict));
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (fs.categorical(i) != columns[i].categorical) {
      return core::FailedPrecondition(fmt::format(
          "feature '{}' is {} in candor.toml but {} in the model", columns[i].name,
          fs.categorical(i) ? "categorical" : "numeric",
          columns[i].categorical ? "categorical" : "numeric"));
    }
  }
  return fs;
}

core::Status AssignSplits(const core::Config& config, Matrix& m) {
  std::vector<core::Instant> months;
  for (core::Instant s : m.snapshots) months.push_back(MonthStart(s));
  std::vector<core::Instant> distinct = months;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  const auto& tc = config.training;
  const auto need = static_cast<std::size_t>(tc.test_months + tc.valid_months + 1);
  if (distinct.size() < need) {
    return core::FailedPrecondition(fmt::format(
        "target '{}': {} month(s) of training rows with matured labels, but training needs at "
        "least {} (test_months {} + valid_months {} + 1 to train on); ingest more history or "
        "lower [training] test_months / valid_months",
        m.target, distinct.size(), need, tc.test_months, tc.valid_months));
  }
  const core::Instant test_from = distinct[distinct.size() - static_cast<std::size_t>(tc.test_months)];
  const core::Instant valid_from =
      distinct[distinct.size() - static_cast<std::size_t>(tc.test_months + tc.valid_months)];
  m.splits.resize(m.rows);
  std::array<std::array<std::int64_t, 2>, 3> counts{};
  for (std::size_t r = 0; r < m.rows; ++r) {
    Split s = months[r] >= test_from ? Split::kTest : months[r] >= valid_from ? Split::kValid : Split::kTrain;
    m.splits[r] = s;
    ++counts[static_cast<std::size_t>(s)][m.labels[r] > 0 ? 1 : 0];
  }
  for (Split s : {Split::kTrain, Split::kValid, Split::kTest}) {
    const auto& c = counts[static_cast<std::size_t>(s)];
    if (c[0] == 0 || c[1] == 0) {
      return core::FailedPrecondition(fmt::format(
          "target '{}': the {} split has {} positive and {} negative rows; it needs both "
          "(are outcomes of '{}' ingested?)",
          m.target, SplitName(s), c[1], c[0], m.target));
    }
  }
  return core::Status::Ok();
}

}  // namespace

std::string_view SplitName(Split s) {
  switch (s) {
    case Split::kTrain: return "train";
    case Split::kValid: return "valid";
    case Split::kTest: return "test";
  }
  return "train";
}

std::vector<core::Instant> MonthStarts(core::Instant first, core::Instant last) {
  std::vector<core::Instant> out;
  core::Instant m = MonthStart(first);
  if (m < first) m = NextMonth(m);
  for (; m <= last; m = NextMonth(m)) out.push_back(m);
  return out;
}

core::Result<Matrix> BuildTraining(store::Store& store, const core::Config& config,
                                   std::string_view target, const BuildOptions& o) {
  const core::TargetConfig* t = config.FindTarget(target);
  if (t == nullptr) return core::InvalidArgument(fmt::format("unknown target '{}'", target));
  CANDOR_ASSIGN_OR_RETURN(FeatureSet fs, CompileFor(store, config, target, {}));
  const core::Instant horizon = t->horizon_days * core::kMillisPerDay;
  const bool monthly = t->snapshots == "monthly";
  std::vector<core::Instant> months;
  if (monthly) {
    // Labels mature once outcome data covers the horizon: up to now, and no
    // further than the latest outcome received.
    CANDOR_ASSIGN_OR_RETURN(auto latest, store.LatestOutcome(t->name, o.as_of));
    const core::Instant data_end = latest ? std::min(o.as_of, *latest) : o.as_of;
    core::Instant last = MonthStart(data_end - horizon);
    months.push_back(last);
    while (static_cast<int>(months.size()) < config.training.snapshot_months) {
      core::CivilTime c = core::ToCivil(months.back());
      months.push_back(c.month == 1 ? *core::FromCivil(c.year - 1, 12, 1)
                                    : *core::FromCivil(c.year, c.month - 1, 1));
    }
    std::reverse(months.begin(), months.end());
  }
  // Per part (each on its own heap block: no false sharing between threads).
  struct Part {
    explicit Part(const FeatureSet& fs) : b(fs, {}) {}
    Builder b;
    core::Instant first_event = std::numeric_limits<core::Instant>::max();
  };
  const int threads = ReadThreads(o);
  std::vector<std::unique_ptr<Part>> state;
  for (int i = 0; i < threads; ++i) state.push_back(std::make_unique<Part>(fs));
  ProgressCounter progress(o);
  store::ReadOptions ro;
  ro.events_before = o.as_of;
  ro.outcome_target = t->name;
  ro.threads = threads;
  CANDOR_RETURN_IF_ERROR(store.ReadForPurpose(
      t->purpose, o.as_of, ro, [&](const store::SubjectData& d) -> core::Status {
        progress.Count(d.part);
        Part& part = *state[static_cast<std::size_t>(d.part)];
        Builder& b = part.b;
        if (!d.events->empty() && d.events->front().ts < part.first_event) {
          part.first_event = d.events->front().ts;
        }
        if (!InPopulation(*t, d)) return core::Status::Ok();
        const auto& outs = *d.outcomes;
        if (!monthly) {
          for (const store::OutcomeRecord& out : outs) {
            if (out.ts > o.as_of || d.record->created_at > out.ts) continue;
            b.Add(d, out.ts, out.value > 0 ? 1.0F : 0.0F);
          }
          return core::Status::Ok();
        }
        for (core::Instant m : months) {
          if (d.record->created_at >= m) continue;
          bool converted_before = false, label = false;
          for (const store::OutcomeRecord& out : outs) {
            if (out.value <= 0) continue;
            if (out.ts <= m) converted_before = true;
            else if (out.ts <= m + horizon) label = true;
          }
          if (converted_before) continue;
          b.Add(d, m, label ? 1.0F : 0.0F);
        }
        return core::Status::Ok();
      }));
  core::Instant first_event = std::numeric_limits<core::Instant>::max();
  std::vector<Matrix> parts;
  for (auto& part : state) {
    first_event = std::min(first_event, part->first_event);
    parts.push_back(part->b.Finish());
  }
  state.clear();
  Matrix m = Concat(parts, false);
  m.target = t->name;
  m.as_of = o.as_of;
  if (monthly && first_event != std::numeric_limits<core::Instant>::max()) {
    // A month start needs a month of history before it.
    const core::Instant earliest = first_event + 30 * core::kMillisPerDay;
    Matrix kept = m;
    kept.rows = 0;
    kept.values.clear();
    kept.subjects.clear();
    kept.keys.clear();
    kept.snapshots.clear();
    kept.labels.clear();
    const std::size_t cols = m.cols();
    for (std::size_t r = 0; r < m.rows; ++r) {
      if (m.snapshots[r] < earliest) continue;
      kept.values.insert(kept.values.end(), m.row(r), m.row(r) + cols);
      kept.subjects.push_back(m.subjects[r]);
      kept.keys.push_back(m.keys[r]);
      kept.snapshots.push_back(m.snapshots[r]);
      kept.labels.push_back(m.labels[r]);
      ++kept.rows;
    }
    m = std::move(kept);
  }
  CANDOR_RETURN_IF_ERROR(AssignSplits(config, m));
  return m;
}

core::Result<Matrix> BuildScoring(store::Store& store, const core::Config& config,
                                  std::string_view target, const BuildOptions& o) {
  const core::TargetConfig* t = config.FindTarget(target);
  if (t == nullptr) return core::InvalidArgument(fmt::format("unknown target '{}'", target));
  CANDOR_ASSIGN_OR_RETURN(FeatureSet fs, CompileFor(store, config, target, o.columns));
  const int threads = o.subject != 0 ? 1 : ReadThreads(o);
  std::vector<std::unique_ptr<Builder>> builders;  // per part, on its own heap block
  for (int i = 0; i < threads; ++i) builders.push_back(std::make_unique<Builder>(fs, o.columns));
  ProgressCounter progress(o);
  store::ReadOptions ro;
  ro.events_before = o.as_of;
  ro.subject = o.subject;
  ro.threads = threads;
  CANDOR_RETURN_IF_ERROR(store.ReadForPurpose(
      t->purpose, o.as_of, ro, [&](const store::SubjectData& d) -> core::Status {
        progress.Count(d.part);
        if (!InPopulation(*t, d)) return core::Status::Ok();
        builders[static_cast<std::size_t>(d.part)]->Add(d, o.as_of, kMissing);
        return core::Status::Ok();
      }));
  std::vector<Matrix> parts;
  for (auto& b : builders) parts.push_back(b->Finish());
  builders.clear();
  Matrix m = Concat(parts, !o.columns.empty());
  m.labels.clear();
  m.target = t->name;
  m.as_of = o.as_of;
  return m;
}

Matrix Select(const Matrix& m, Split s) {
  Matrix out;
  out.target = m.target;
  out.as_of = m.as_of;
  out.columns = m.columns;
  const std::size_t cols = m.cols();
  for (std::size_t r = 0; r < m.rows; ++r) {
    if (m.splits[r] != s) continue;
    out.values.insert(out.values.end(), m.row(r), m.row(r) + cols);
    out.subjects.push_back(m.subjects[r]);
    out.keys.push_back(m.keys[r]);
    out.snapshots.push_back(m.snapshots[r]);
    out.labels.push_back(m.labels[r]);
    out.splits.push_back(s);
    ++out.rows;
  }
  return out;
}

}  // namespace candor::features
