// Fairness audit: candor::fairness::RunAudit against the same computation in
// numpy (bench/fairness/numpy_audit.py), on the same rows, in one run.
//
//   build/bench/bench/fairness_bench --write DIR [--rows N] [--resamples R] [--threads T]
//
// Writes DIR/{y.f32,score.f64,gender.i32,age.i32} (raw little-endian arrays the
// numpy script reads), then audits them: 1M scores by default, threshold at the
// top 20 %, two protected attributes (gender: 2 values and 1 % missing;
// age_band: 4 values) and their intersection, 1,000 stratified bootstrap
// resamples, AUC and ECE per group. Prints one JSON line: wall seconds and the
// point estimates numpy must agree with. Goal (issue): >= 10x numpy.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fairness/audit.h"
#include "fairness/audit_json.h"

namespace {

using namespace candor::fairness;  // NOLINT(google-build-using-namespace): a program, not a header

template <typename T>
void WriteRaw(const std::string& path, const std::vector<T>& v) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(T)));
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t rows = 1000000;
  int resamples = 1000, threads = 0;
  std::string dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--rows") rows = std::stoul(value);
    else if (flag == "--resamples") resamples = std::stoi(value);
    else if (flag == "--threads") threads = std::stoi(value);
    else if (flag == "--write") dir = value;
  }
  if (dir.empty()) {
    std::cerr << "usage: fairness_bench --write DIR [--rows N] [--resamples R] [--threads T]\n";
    return 2;
  }

  // The generator's bias, in miniature: age band 3 ("55+") is selected less at
  // equal labels; scores rounded to 1e-4 so that ties occur as in real models.
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> noise(0, 1);
  std::vector<float> y(rows);
  std::vector<double> score(rows);
  std::vector<int32_t> gender(rows), age(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    gender[i] = u(rng) < 0.01 ? -1 : (u(rng) < 0.45 ? 0 : 1);
    const double a = u(rng);
    age[i] = a < 0.15 ? 0 : a < 0.55 ? 1 : a < 0.85 ? 2 : 3;
    const double intent = noise(rng);
    y[i] = u(rng) < 1 / (1 + std::exp(-(intent - 1.2))) ? 1.0f : 0.0f;
    const double margin = intent - 1.2 + 0.8 * noise(rng) - (age[i] == 3 ? 0.4 : 0.0);
    score[i] = std::round(1e4 / (1 + std::exp(-margin))) / 1e4;
  }
  WriteRaw(dir + "/y.f32", y);
  WriteRaw(dir + "/score.f64", score);
  WriteRaw(dir + "/gender.i32", gender);
  WriteRaw(dir + "/age.i32", age);

  ProtectedAttribute g{"gender", {"female", "male"}, gender};
  ProtectedAttribute b{"age_band", {"18-24", "25-39", "40-54", "55+"}, age};
  const std::vector<ProtectedAttribute> attrs = {g, b};
  AuditData data{y, {}, score, score, attrs, {}};
  AuditOptions options;
  options.resamples = resamples;
  options.threads = threads;

  const auto t0 = std::chrono::steady_clock::now();
  auto report = RunAudit(data, options);
  const auto t1 = std::chrono::steady_clock::now();
  if (!report.ok()) {
    std::cerr << report.status().ToString() << "\n";
    return 1;
  }
  nlohmann::json out;
  out["seconds"] = std::chrono::duration<double>(t1 - t0).count();
  out["rows"] = rows;
  out["resamples"] = resamples;
  out["threshold"] = *report->threshold;
  out["passed"] = report->passed;
  out["failures"] = report->failures.size();
  // Point estimates and intervals per group, for the cross-check with numpy.
  const nlohmann::json full = AuditToJson(*report);
  nlohmann::json groups = nlohmann::json::object();
  for (const auto& a : full["attributes"]) {
    for (const auto& grp : a["groups"]) {
      groups[a["attribute"].get<std::string>() + "=" + grp["value"].get<std::string>()] = {
          {"n", grp["n"]},     {"selection_rate", grp["selection_rate"]}, {"tpr", grp["tpr"]},
          {"auc", grp["auc"]}, {"ece", grp["ece"]}, {"ci_selection_rate", grp["ci"]["selection_rate"]}};
    }
    for (const auto& [name, c] : a["comparisons"].items()) {
      if (name == "demographic_parity_ratio_between_groups") {
        groups[a["attribute"].get<std::string>() + ":" + name] = c;
      }
    }
  }
  out["groups"] = groups;
  std::cout << out.dump() << "\n";
  return 0;
}
