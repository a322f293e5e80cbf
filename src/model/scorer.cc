#include "model/scorer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "core/csv_writer.h"
#include "core/ids.h"
#include "features/matrix.h"
#include "features/matrix_csv.h"
#include "ledger/merkle.h"
#include "model/registry.h"

namespace candor::model {

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string Num(double v) { return fmt::format("{}", v); }

// The output file: FILE.tmp while writing; Publish() renames it into place.
class Output {
 public:
  static core::Result<Output> Open(const std::string& path) {
    Output o;
    o.path_ = path;
    if (path.empty()) return o;
    if (path == "-") {
      o.file_ = stdout;
      return o;
    }
    o.tmp_ = path + ".tmp";
    o.file_ = std::fopen(o.tmp_.c_str(), "wb");
    if (o.file_ == nullptr) return core::Unavailable(fmt::format("cannot create {}", o.tmp_));
    return o;
  }
  Output() = default;
  Output(Output&& o) noexcept { *this = std::move(o); }
  Output& operator=(Output&& o) noexcept {
    std::swap(path_, o.path_);
    std::swap(tmp_, o.tmp_);
    std::swap(file_, o.file_);
    std::swap(buf_, o.buf_);
    return *this;
  }
  ~Output() {
    if (file_ != nullptr && file_ != stdout) {
      std::fclose(file_);
      std::remove(tmp_.c_str());
    }
  }
  bool active() const { return file_ != nullptr; }
  void Write(std::string_view s) {
    buf_.append(s);
    if (buf_.size() > (1U << 20)) Flush();
  }
  void Flush() {
    if (file_ != nullptr && !buf_.empty()) {
      if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) failed_ = true;
    }
    buf_.clear();
  }
  // Flushes and closes the temporary file (before the commit).
  core::Status Finish() {
    Flush();
    if (file_ == nullptr || file_ == stdout) return core::Status::Ok();
    if (std::fflush(file_) != 0 || failed_) return core::Unavailable(fmt::format("cannot write {}", tmp_));
    return core::Status::Ok();
  }
  core::Status Publish() {
    if (file_ == nullptr) return core::Status::Ok();
    if (file_ == stdout) {
      std::fflush(stdout);
      file_ = nullptr;
      return core::Status::Ok();
    }
    std::fclose(file_);
    file_ = nullptr;
    std::error_code ec;
    std::filesystem::rename(tmp_, path_, ec);
    if (ec) {
      std::remove(tmp_.c_str());
      return core::Unavailable(fmt::format("cannot write {}: {}", path_, ec.message()));
    }
    return core::Status::Ok();
  }

 private:
  std::string path_, tmp_;
  std::FILE* file_ = nullptr;
  std::string buf_;
  bool failed_ = false;
};

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

nlohmann::json SuggestionJson(const Suggestion& s, std::string_view lang, bool both) {
  nlohmann::json j = {{"feature", s.feature},
                      {"from", std::isnan(s.from) ? nlohmann::json(nullptr) : nlohmann::json(s.from)},
                      {"to", s.to},
                      {"score", s.score},
                      {"new_score", s.new_score},
                      {"new_probability", s.new_probability}};
  if (both) {
    j["text"] = {{"en", s.text_en}, {"de", s.text_de}};
  } else {
    j["text"] = s.text(lang);
  }
  return j;
}

}  // namespace

core::Result<ScoreReport> ScoreSubjects(store::Store& store, ledger::Ledger& ledger,
                                        const core::Config& config, const ScoreRequest& req) {
  if (req.format != "csv" && req.format != "ndjson") {
    return core::InvalidArgument(fmt::format("unknown format '{}' (csv or ndjson)", req.format));
  }
  if (req.lang != "en" && req.lang != "de") {
    return core::InvalidArgument(fmt::format("unknown language '{}' (en or de)", req.lang));
  }
  auto say = [&](std::string_view m) {
    if (req.progress) req.progress(m);
  };
  const int threads = std::max(1, req.threads);
  CANDOR_ASSIGN_OR_RETURN(std::string version, ResolveModel(store, req.model, req.target));
  CANDOR_ASSIGN_OR_RETURN(auto model, LoadedModel::Load(store, version, threads));
  const ModelSpec& spec = model->spec();
  CANDOR_RETURN_IF_ERROR(CheckDefinitions(spec, config));
  ScoreReport report;
  report.model = version;
  report.target = spec.target;

  auto t0 = Clock::now();
  features::BuildOptions bo;
  bo.as_of = req.as_of;
  bo.columns = spec.Columns();
  bo.subject = req.subject;
  bo.progress = [&](std::int64_t n) { say(fmt::format("reading features: {} subjects", n)); };
  CANDOR_ASSIGN_OR_RETURN(features::Matrix m, features::BuildScoring(store, config, spec.target, bo));
  report.features_s = Seconds(t0);
  report.unseen_categories = m.unseen_categories;
  if (req.subject != 0 && m.rows == 0) {
    return core::FailedPrecondition(fmt::format(
        "the subject is not eligible for the purpose '{}' now (no valid consent, an objection, "
        "a restriction, or outside the target's population): it is neither scored nor explained",
        spec.purpose));
  }
  const std::size_t n = m.rows, nf = m.cols();

  auto t1 = Clock::now();
  DenseMatrix dense;
  dense.rows = n;
  dense.cols = nf;
  dense.values = m.values;
  for (const features::Column& c : m.columns) {
    dense.feature_names.push_back(c.name);
    dense.feature_types.push_back(c.categorical ? 'c' : 'q');
  }
  std::vector<double> margin;
  if (n > 0) {
    CANDOR_ASSIGN_OR_RETURN(margin, model->booster().PredictMargin(dense));
  }
  std::vector<double> prob = model->calibrator().Apply(margin);
  report.predict_s = Seconds(t1);

  auto t2 = Clock::now();
  std::vector<double> contrib(n * (nf + 1));
  if (n > 0) model->explainer().Explain(m.values, n, contrib, threads);
  for (std::size_t r = 0; r < n; ++r) {
    double sum = 0;
    for (std::size_t c = 0; c <= nf; ++c) sum += contrib[r * (nf + 1) + c];
    if (std::fabs(sum - margin[r]) > 1e-4) {
      return core::Internal(fmt::format(
          "model {}: contributions of row {} sum to {} but the margin is {}; nothing was stored",
          version, r, sum, margin[r]));
    }
  }
  // Rows whose explanation the caller keeps: the subject, or the highest scores.
  std::vector<std::size_t> kept;
  if (req.subject != 0) {
    for (std::size_t r = 0; r < n; ++r) kept.push_back(r);
  } else if (req.keep_top > 0) {
    kept.resize(n);
    for (std::size_t r = 0; r < n; ++r) kept[r] = r;
    const std::size_t top = std::min(req.keep_top, n);
    std::partial_sort(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(top), kept.end(),
                      [&](std::size_t a, std::size_t b) { return prob[a] > prob[b]; });
    kept.resize(top);
  }
  const int per_direction = config.training.reasons;
  std::vector<std::vector<Reason>> reasons(n);
  std::vector<std::optional<Suggestion>> suggestions(n);
  ChangeFinder finder(spec, model->ensemble());
  auto calibrate = [&](double x) { return model->calibrator().Apply(x); };
  for (std::size_t r = 0; r < n; ++r) {
    reasons[r] = TopReasons(spec, m.row(r), &contrib[r * (nf + 1)], per_direction);
    if (req.explain) suggestions[r] = finder.Best(m.row(r), margin[r], calibrate);
  }
  for (std::size_t r : kept) {
    if (!suggestions[r]) suggestions[r] = finder.Best(m.row(r), margin[r], calibrate);
    const double* c = &contrib[r * (nf + 1)];
    Explanation ex;
    ex.subject = m.subjects[r].Hex();
    ex.probability = prob[r];
    ex.score = ScoreOf(prob[r]);
    ex.margin = margin[r];
    for (std::size_t k = 0; k < nf; ++k) {
      ex.contributions.emplace_back(m.columns[k].name, c[k]);
      ex.values.emplace_back(m.columns[k].name, DescribeValue(spec.features[k], m.row(r)[k], req.lang));
    }
    ex.contributions.emplace_back("bias", c[nf]);
    ex.reasons = reasons[r];
    ex.suggestion = suggestions[r];
    report.explanations.push_back(std::move(ex));
  }
  report.explain_s = Seconds(t2);

  auto t3 = Clock::now();
  CANDOR_ASSIGN_OR_RETURN(Output out, Output::Open(req.out));
  const bool csv = req.format == "csv";
  if (out.active() && csv) {
    std::string h = "subject_id,model,score,probability,margin";
    if (req.explain) {
      for (const features::Column& c : m.columns) h += ",contribution_" + c.name;
      h += ",contribution_bias,reasons,suggestion";
    }
    out.Write(h + "\n");
  }
  CANDOR_ASSIGN_OR_RETURN(auto tx, store.BeginWrite());
  store::RegistryStore& reg = store.registry();
  CANDOR_ASSIGN_OR_RETURN(report.run, reg.InsertScoreRun({0, version, req.as_of, req.now, 0}));
  std::string batch_lines;
  std::size_t batch_rows = 0, batch_no = 0;
  auto flush_batch = [&]() -> core::Status {
    if (batch_rows == 0) return core::Status::Ok();
    auto h = ledger::Sha256(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(batch_lines.data()), batch_lines.size()));
    ledger::EntryInput e;
    e.type = "score.batch";
    e.time = req.now;
    e.actor = req.actor;
    e.model = version;
    e.payload = {{"run", report.run},
                 {"batch", batch_no},
                 {"rows", batch_rows},
                 {"as_of", core::FormatTimestamp(req.as_of)},
                 {"scores_sha256", core::ToHex(h.data(), h.size())}};
    CANDOR_RETURN_IF_ERROR(ledger.Append(e).status());
    ++report.ledger_entries;
    ++batch_no;
    batch_rows = 0;
    batch_lines.clear();
    return core::Status::Ok();
  };
  double score_sum = 0;
  store::ScoreRecord rec;
  rec.model_version = version;
  rec.run = report.run;
  rec.ts = req.as_of;
  for (std::size_t r = 0; r < n; ++r) {
    const std::string subject = m.subjects[r].Hex();
    const double* c = &contrib[r * (nf + 1)];
    rec.subject = m.keys[r];
    rec.probability = prob[r];
    rec.score = ScoreOf(prob[r]);
    rec.margin = margin[r];
    rec.contributions.assign(c, c + nf + 1);
    nlohmann::json stored = {{"reasons", ReasonsToJson(reasons[r])}};
    if (suggestions[r]) stored["suggestion"] = SuggestionJson(*suggestions[r], req.lang, true);
    rec.reasons = stored.dump();
    CANDOR_RETURN_IF_ERROR(reg.InsertScore(rec));
    score_sum += rec.score;
    batch_lines += fmt::format("{},{},{}\n", subject, Num(prob[r]), Num(margin[r]));
    if (++batch_rows == kLedgerBatch) CANDOR_RETURN_IF_ERROR(flush_batch());

    if (out.active()) {
      if (csv) {
        std::string line = fmt::format("{},{},{},{},{}", subject, version, Num(rec.score),
                                       Num(prob[r]), Num(margin[r]));
        if (req.explain) {
          for (std::size_t k = 0; k <= nf; ++k) line += "," + Num(c[k]);
          std::string texts;
          for (const Reason& x : reasons[r]) texts += (texts.empty() ? "" : "; ") + x.text(req.lang);
          line += "," + CsvField(texts) + "," +
                  CsvField(suggestions[r] ? suggestions[r]->text(req.lang) : "");
        }
        out.Write(line + "\n");
      } else {
        nlohmann::json j = {{"subject", subject},   {"model", version},
                            {"score", rec.score},   {"probability", prob[r]},
                            {"margin", margin[r]}};
        if (req.explain) {
          nlohmann::json cj = nlohmann::json::object();
          for (std::size_t k = 0; k < nf; ++k) cj[m.columns[k].name] = c[k];
          cj["bias"] = c[nf];
          j["contributions"] = cj;
          nlohmann::json rj = nlohmann::json::array();
          for (const Reason& x : reasons[r]) {
            rj.push_back({{"feature", x.feature}, {"contribution", x.contribution}, {"text", x.text(req.lang)}});
          }
          j["reasons"] = rj;
          j["suggestion"] = suggestions[r] ? SuggestionJson(*suggestions[r], req.lang, false)
                                           : nlohmann::json(nullptr);
        }
        out.Write(j.dump() + "\n");
      }
    }
    if ((r + 1) % 65536 == 0) say(fmt::format("storing scores: {} of {}", r + 1, n));
  }
  CANDOR_RETURN_IF_ERROR(flush_batch());
  CANDOR_RETURN_IF_ERROR(reg.SetScoreRunRows(report.run, static_cast<std::int64_t>(n)));
  if (n == 0) {
    ledger::EntryInput e;
    e.type = "score.batch";
    e.time = req.now;
    e.actor = req.actor;
    e.model = version;
    e.payload = {{"run", report.run}, {"batch", 0}, {"rows", 0},
                 {"as_of", core::FormatTimestamp(req.as_of)}, {"scores_sha256", nullptr}};
    CANDOR_RETURN_IF_ERROR(ledger.Append(e).status());
    ++report.ledger_entries;
  }
  CANDOR_RETURN_IF_ERROR(out.Finish());
  CANDOR_RETURN_IF_ERROR(ledger.SignHead().status());
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  CANDOR_RETURN_IF_ERROR(out.Publish());
  report.rows = static_cast<std::int64_t>(n);
  report.mean_score = n > 0 ? score_sum / static_cast<double>(n) : 0;
  report.write_s = Seconds(t3);
  return report;
}

}  // namespace candor::model
