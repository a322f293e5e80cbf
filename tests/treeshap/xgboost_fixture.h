// Test support: small real XGBoost models trained through its C API, and the
// predictions (margins, pred_contribs) the explainer is compared against.
#pragma once

#include <xgboost/c_api.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace candor::treeshap::testing {

// A dense matrix, row-major, NaN = missing; categorical columns hold codes.
struct Data {
  std::size_t rows = 0, cols = 0;
  std::vector<float> x;
  std::vector<float> y;
  std::vector<bool> categorical;
  std::span<const float> Row(std::size_t r) const { return {x.data() + r * cols, cols}; }
};

// Random data with a fixed seed: numeric features, the last `num_cat` columns
// categorical with `num_codes` codes. With `odd_codes`, some categorical cells are
// negative, fractional or unseen codes.
inline Data MakeData(std::size_t rows, std::size_t cols, std::uint64_t seed, double missing,
                     std::size_t num_cat = 0, int num_codes = 8, bool odd_codes = false) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<double> unit;
  std::uniform_int_distribution<int> code(0, num_codes - 1);
  Data d;
  d.rows = rows;
  d.cols = cols;
  d.categorical.assign(cols, false);
  for (std::size_t c = cols - num_cat; c < cols; ++c) d.categorical[c] = true;
  d.x.resize(rows * cols);
  d.y.resize(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    double signal = 0;
    for (std::size_t c = 0; c < cols; ++c) {
      float v = d.categorical[c] ? static_cast<float>(code(rng)) : normal(rng);
      if (d.categorical[c]) {
        signal += std::sin(1.7 * v + static_cast<double>(c));
        if (odd_codes && unit(rng) < 0.1) {
          const float odd[] = {-1.0f, -0.5f, 2.5f, static_cast<float>(num_codes + 3), 1000.0f};
          v = odd[static_cast<std::size_t>(unit(rng) * 5) % 5];
        }
      } else {
        signal += (c % 3 == 0   ? v * v - 1
                   : c % 3 == 1 ? v
                                : (v > 0.3f ? 1.0 : -0.5)) /
                  static_cast<double>(1 + c % 4);
      }
      if (unit(rng) < missing) v = NAN;
      d.x[r * cols + c] = v;
    }
    d.y[r] = static_cast<float>(signal + 0.3 * normal(rng));
  }
  return d;
}

inline void Check(int rc) {
  if (rc != 0) throw std::runtime_error(std::string("XGBoost: ") + XGBGetLastError());
}

class DMatrix {
 public:
  explicit DMatrix(const Data& d, bool with_label) {
    Check(XGDMatrixCreateFromMat(d.x.data(), d.rows, d.cols, NAN, &h_));
    if (with_label) Check(XGDMatrixSetFloatInfo(h_, "label", d.y.data(), d.rows));
    std::vector<const char*> types;
    bool any = false;
    for (bool c : d.categorical) {
      types.push_back(c ? "c" : "q");
      any = any || c;
    }
    if (any) Check(XGDMatrixSetStrFeatureInfo(h_, "feature_type", types.data(), types.size()));
  }
  ~DMatrix() { XGDMatrixFree(h_); }
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  DMatrixHandle get() const { return h_; }

 private:
  DMatrixHandle h_ = nullptr;
};

class Booster {
 public:
  using Params = std::vector<std::pair<std::string, std::string>>;
  Booster(const Data& train, const Params& params, int rounds) {
    DMatrix m(train, true);
    DMatrixHandle hs[] = {m.get()};
    Check(XGBoosterCreate(hs, 1, &h_));
    Check(XGBoosterSetParam(h_, "nthread", "2"));
    Check(XGBoosterSetParam(h_, "seed", "7"));
    for (const auto& [k, v] : params) Check(XGBoosterSetParam(h_, k.c_str(), v.c_str()));
    for (int i = 0; i < rounds; ++i) Check(XGBoosterUpdateOneIter(h_, i, m.get()));
  }
  ~Booster() { XGBoosterFree(h_); }
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  BoosterHandle get() const { return h_; }

  std::string Json() const {
    bst_ulong len = 0;
    const char* buf = nullptr;
    Check(XGBoosterSaveModelToBuffer(h_, R"({"format":"json"})", &len, &buf));
    return std::string(buf, len);
  }
  // type 1: output margin, 2: contributions. A fresh DMatrix each time, as XGBoost
  // caches predictions per DMatrix.
  std::vector<float> Predict(const Data& d, int type) const {
    DMatrix m(d, false);
    std::string config =
        R"({"type":)" + std::to_string(type) +
        R"(,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false})";
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* out = nullptr;
    Check(XGBoosterPredictFromDMatrix(h_, m.get(), config.c_str(), &shape, &dim, &out));
    bst_ulong size = 1;
    for (bst_ulong i = 0; i < dim; ++i) size *= shape[i];
    return std::vector<float>(out, out + size);
  }

 private:
  BoosterHandle h_ = nullptr;
};

}  // namespace candor::treeshap::testing
