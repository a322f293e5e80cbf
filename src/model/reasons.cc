#include "model/reasons.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace candor::model {

namespace {

double TreeValue(const treeshap::Tree& t, const float* row) {
  std::int32_t n = 0;
  while (!t.IsLeaf(n)) {
    const auto i = static_cast<std::size_t>(n);
    n = t.GoesLeft(n, row[t.feature[i]]) ? t.left[i] : t.right[i];
  }
  return t.value[static_cast<std::size_t>(n)] * t.weight;
}

std::string FormatPlain(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<std::int64_t>(v));
  std::string s = std::fabs(v) >= 100 ? fmt::format("{:.0f}", v) : fmt::format("{:.2f}", v);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

std::string Localize(std::string s, std::string_view lang) {
  if (lang == "de") std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

std::string ScoreText(double score, std::string_view lang) {
  return Localize(fmt::format("{:.1f}", score), lang);
}

}  // namespace

double ScoreOf(double probability) { return std::round(probability * 1000.0) / 10.0; }

std::string DescribeValue(const FeatureSpec& f, float value, std::string_view lang) {
  if (std::isnan(value)) return lang == "de" ? "unbekannt" : "unknown";
  if (f.categorical) {
    auto code = static_cast<std::size_t>(value);
    if (value >= 0 && code < f.codes.size()) return f.codes[code];
    return lang == "de" ? "unbekannt" : "unknown";
  }
  return Localize(FormatPlain(value), lang);
}

std::vector<Reason> TopReasons(const ModelSpec& spec, const float* row, const double* contributions,
                               int per_direction) {
  std::vector<std::size_t> order(spec.features.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return contributions[a] > contributions[b]; });
  std::vector<Reason> out;
  auto make = [&](std::size_t i) {
    const FeatureSpec& f = spec.features[i];
    const bool up = contributions[i] > 0;
    Reason r;
    r.feature = f.name;
    r.contribution = contributions[i];
    r.text_en = fmt::format("{}: {} ({})", f.description_en, DescribeValue(f, row[i], "en"),
                            up ? "raises the score" : "lowers the score");
    r.text_de = fmt::format("{}: {} ({})", f.description_de, DescribeValue(f, row[i], "de"),
                            up ? "erhöht den Wert" : "senkt den Wert");
    return r;
  };
  int n = 0;
  for (std::size_t i : order) {
    if (n == per_direction || contributions[i] <= 0) break;
    out.push_back(make(i));
    ++n;
  }
  n = 0;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if (n == per_direction || contributions[*it] >= 0) break;
    out.push_back(make(*it));
    ++n;
  }
  return out;
}

nlohmann::json ReasonsToJson(const std::vector<Reason>& reasons) {
  nlohmann::json out = nlohmann::json::array();
  for (const Reason& r : reasons) {
    out.push_back({{"feature", r.feature},
                   {"contribution", r.contribution},
                   {"text", {{"en", r.text_en}, {"de", r.text_de}}}});
  }
  return out;
}

ChangeFinder::ChangeFinder(const ModelSpec& spec, const treeshap::Ensemble& ensemble)
    : spec_(spec), ensemble_(ensemble) {
  const std::size_t nf = spec.features.size();
  trees_of_.resize(nf);
  candidates_.resize(nf);
  std::vector<std::set<float>> values(nf);
  for (std::size_t t = 0; t < ensemble.trees().size(); ++t) {
    const treeshap::Tree& tree = ensemble.trees()[t];
    for (std::size_t n = 0; n < tree.num_nodes(); ++n) {
      if (tree.left[n] < 0) continue;
      const auto f = static_cast<std::size_t>(tree.feature[n]);
      if (f >= nf) continue;
      if (trees_of_[f].empty() || trees_of_[f].back() != t) trees_of_[f].push_back(t);
      if (tree.categorical[n]) continue;
      values[f].insert(tree.value[n]);  // a threshold: x < it goes left
    }
  }
  for (std::size_t f = 0; f < nf; ++f) {
    const FeatureSpec& fs = spec.features[f];
    if (!fs.actionable || fs.categorical || std::isnan(fs.min) || std::isnan(fs.max)) continue;
    const auto lo = static_cast<float>(fs.min), hi = static_cast<float>(fs.max);
    std::set<float> keep = {lo, hi};
    for (float th : values[f]) {
      // The least value that goes right and the greatest that goes left.
      float right = th, left = std::nextafter(th, -std::numeric_limits<float>::infinity());
      if (fs.integer) {
        right = std::ceil(th);
        left = right - 1;
      }
      for (float x : {right, left}) keep.insert(std::clamp(x, lo, hi));
    }
    candidates_[f].assign(keep.begin(), keep.end());
  }
}

namespace {

// Adds tree t's leaf value, as a function of feature f with the rest of `row`
// fixed, to the candidates (sorted) through a difference array: the leaf reached
// by x_f in [lo, hi) adds its value to every candidate in that interval. Only
// the branches a change of x_f can reach are visited.
void AddPiecewise(const treeshap::Tree& t, std::int32_t n, std::size_t f, const float* row, float lo,
                  float hi, const std::vector<float>& cands, std::vector<double>& diff) {
  while (!t.IsLeaf(n)) {
    const auto i = static_cast<std::size_t>(n);
    if (static_cast<std::size_t>(t.feature[i]) == f && !t.categorical[i]) {
      const float th = t.value[i];
      if (lo < th) AddPiecewise(t, t.left[i], f, row, lo, std::min(hi, th), cands, diff);
      if (hi > th) AddPiecewise(t, t.right[i], f, row, std::max(lo, th), hi, cands, diff);
      return;
    }
    n = t.GoesLeft(n, row[t.feature[i]]) ? t.left[i] : t.right[i];
  }
  const double v = t.value[static_cast<std::size_t>(n)] * t.weight;
  auto first = std::lower_bound(cands.begin(), cands.end(), lo) - cands.begin();
  auto last = std::lower_bound(cands.begin(), cands.end(), hi) - cands.begin();
  if (hi == std::numeric_limits<float>::infinity()) last = static_cast<std::ptrdiff_t>(cands.size());
  diff[static_cast<std::size_t>(first)] += v;
  diff[static_cast<std::size_t>(last)] -= v;
}

}  // namespace

std::optional<Suggestion> ChangeFinder::Best(const float* row, double margin,
                                             const std::function<double(double)>& calibrate) const {
  const double p0 = calibrate(margin);
  std::optional<Suggestion> best;
  double best_distance = 0;
  std::vector<double> diff;
  constexpr float kInf = std::numeric_limits<float>::infinity();
  for (std::size_t f = 0; f < spec_.features.size(); ++f) {
    const std::vector<float>& cands = candidates_[f];
    if (cands.empty()) continue;
    double base = 0;
    for (std::size_t t : trees_of_[f]) base += TreeValue(ensemble_.trees()[t], row);
    diff.assign(cands.size() + 1, 0.0);
    for (std::size_t t : trees_of_[f]) AddPiecewise(ensemble_.trees()[t], 0, f, row, -kInf, kInf, cands, diff);
    double now = 0;
    for (std::size_t k = 0; k < cands.size(); ++k) {
      now += diff[k];
      const float v = cands[k];
      if (v == row[f]) continue;
      const double p = calibrate(margin - base + now);
      const double distance = std::isnan(row[f]) ? std::fabs(v) : std::fabs(v - row[f]);
      const bool better =
          p > p0 + 1e-12 &&
          (!best || p > best->new_probability + 1e-12 ||
           (std::fabs(p - best->new_probability) <= 1e-12 && distance < best_distance));
      if (better) {
        Suggestion sg;
        sg.feature = spec_.features[f].name;
        sg.from = row[f];
        sg.to = v;
        sg.probability = p0;
        sg.score = ScoreOf(p0);
        sg.new_probability = p;
        sg.new_score = ScoreOf(p);
        best = std::move(sg);
        best_distance = distance;
      }
    }
  }
  if (best) {
    const FeatureSpec& fs = *spec_.Find(best->feature);
    const auto to = static_cast<float>(best->to);
    const auto from = static_cast<float>(best->from);
    best->text_en = fmt::format("Change \u201c{}\u201d from {} to {}: the score would rise from {} to {}",
                                fs.description_en, DescribeValue(fs, from, "en"),
                                DescribeValue(fs, to, "en"), ScoreText(best->score, "en"),
                                ScoreText(best->new_score, "en"));
    best->text_de = fmt::format("\u201e{}\u201c von {} auf {} ändern: der Wert stiege von {} auf {}",
                                fs.description_de, DescribeValue(fs, from, "de"),
                                DescribeValue(fs, to, "de"), ScoreText(best->score, "de"),
                                ScoreText(best->new_score, "de"));
  }
  return best;
}

std::string FormatDecimal(double v, int decimals, std::string_view lang, bool sign) {
  return Localize(sign ? fmt::format("{:+.{}f}", v, decimals) : fmt::format("{:.{}f}", v, decimals), lang);
}

}  // namespace candor::model
