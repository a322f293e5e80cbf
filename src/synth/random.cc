#include "synth/random.h"

#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>

namespace candor::synth {

namespace {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

// fdlibm's split of ln 2: kLn2Hi has its low bits zero, so k * kLn2Hi is exact.
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInvLn2 = 1.44269504088896338700e+00;
constexpr double kSqrtHalf = 0.70710678118654752440;

std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

std::uint64_t Mix64(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::uint64_t Hash64(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
  std::uint64_t h = Mix64(a + kGolden);
  h = Mix64(h ^ (b + 2 * kGolden));
  h = Mix64(h ^ (c + 3 * kGolden));
  return Mix64(h ^ (d + 4 * kGolden));
}

double HashUniform(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
  return static_cast<double>(Hash64(a, b, c, d) >> 11) * 0x1.0p-53;
}

// 2^(j/32), j = 0..31, correctly rounded (the constants are the contract, not
// whatever a library computes at run time).
constexpr double kExp2Table[32] = {
    0x1.0000000000000p+0, 0x1.059b0d3158574p+0, 0x1.0b5586cf9890fp+0, 0x1.11301d0125b51p+0,
    0x1.172b83c7d517bp+0, 0x1.1d4873168b9aap+0, 0x1.2387a6e756238p+0, 0x1.29e9df51fdee1p+0,
    0x1.306fe0a31b715p+0, 0x1.371a7373aa9cbp+0, 0x1.3dea64c123422p+0, 0x1.44e086061892dp+0,
    0x1.4bfdad5362a27p+0, 0x1.5342b569d4f82p+0, 0x1.5ab07dd485429p+0, 0x1.6247eb03a5585p+0,
    0x1.6a09e667f3bcdp+0, 0x1.71f75e8ec5f74p+0, 0x1.7a11473eb0187p+0, 0x1.82589994cce13p+0,
    0x1.8ace5422aa0dbp+0, 0x1.93737b0cdc5e5p+0, 0x1.9c49182a3f090p+0, 0x1.a5503b23e255dp+0,
    0x1.ae89f995ad3adp+0, 0x1.b7f76f2fb5e47p+0, 0x1.c199bdd85529cp+0, 0x1.cb720dcef9069p+0,
    0x1.d5818dcfba487p+0, 0x1.dfc97337b9b5fp+0, 0x1.ea4afa2a490dap+0, 0x1.f50765b6e4540p+0};

double Exp(double x) {
  if (std::isnan(x)) return x;
  if (x < -745.2) return 0.0;
  if (x > 709.78) return std::numeric_limits<double>::infinity();
  // x = (32 m + j) ln2/32 + r with |r| <= ln2/64; e^x = 2^m 2^(j/32) e^r.
  const double k = std::floor(x * (32 * kInvLn2) + 0.5);
  const double r = (x - k * (kLn2Hi / 32)) - k * (kLn2Lo / 32);
  const auto ki = static_cast<std::int64_t>(k);
  const std::int64_t j = ki & 31;
  const std::int64_t m = (ki - j) / 32;
  // Taylor series to r^6: the remainder is below 4e-18 relative.
  double p = 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const double y = kExp2Table[j] * p;
  if (m > -1022 && m < 1023) {
    // 2^m built from its bits: exact, and cheaper than ldexp.
    const std::uint64_t bits = static_cast<std::uint64_t>(m + 1023) << 52;
    double scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return y * scale;
  }
  return std::ldexp(y, static_cast<int>(m));
}

double Log(double x) {
  if (!(x > 0)) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  int e = 0;
  double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1)
  if (m < kSqrtHalf) {
    m *= 2;
    --e;
  }
  // log m = 2 atanh(f) = 2 (f + f^3/3 + f^5/5 + ...), |f| <= 0.172.
  double f = (m - 1) / (m + 1);
  double f2 = f * f;
  double s = 1.0 / 25.0;
  for (int n = 23; n >= 1; n -= 2) s = s * f2 + 1.0 / n;
  double de = static_cast<double>(e);
  return de * kLn2Hi + (de * kLn2Lo + 2 * f * s);
}

double Sigmoid(double x) { return 1.0 / (1.0 + Exp(-x)); }

Rng::Rng(std::uint64_t seed) {
  std::uint64_t x = seed;
  for (auto& word : s_) {
    x += kGolden;
    word = Mix64(x);
  }
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // the all-zero state is a fixed point
}

Rng Rng::ForStream(std::uint64_t seed, std::uint64_t kind, std::uint64_t index) {
  return Rng(Hash64(seed, kind, index));
}

std::uint64_t Rng::Next() {
  const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Rng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

std::uint64_t Rng::Below(std::uint64_t n) {
  assert(n >= 1);
  __extension__ using U128 = unsigned __int128;
  return static_cast<std::uint64_t>((static_cast<U128>(Next()) * n) >> 64);
}

std::int64_t Rng::Between(std::int64_t lo, std::int64_t hi) {
  assert(lo <= hi);
  const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
  return lo + static_cast<std::int64_t>(Below(span));
}

double Rng::Normal() {
  for (;;) {
    double u = 2 * Uniform() - 1;
    double v = 2 * Uniform() - 1;
    double s = u * u + v * v;
    if (s > 0 && s < 1) return u * std::sqrt(-2 * Log(s) / s);
  }
}

double Rng::Exponential(double rate) { return -Log(1.0 - Uniform()) / rate; }

std::int64_t Rng::Poisson(double lambda) {
  if (!(lambda > 0)) return 0;
  if (lambda < 30) return Poisson(lambda, Exp(-lambda));
  double x = std::floor(lambda + std::sqrt(lambda) * Normal() + 0.5);
  return x < 0 ? 0 : static_cast<std::int64_t>(x);
}

std::int64_t Rng::Poisson(double lambda, double exp_minus_lambda) {
  assert(lambda < 30);
  if (!(lambda > 0)) return 0;
  {
    double p = exp_minus_lambda;
    double cumulative = p;
    double u = Uniform();
    std::int64_t k = 0;
    while (u > cumulative && k < 400) {
      ++k;
      p *= lambda / static_cast<double>(k);
      cumulative += p;
    }
    return k;
  }
}

std::size_t Rng::Categorical(const double* weights, std::size_t n) {
  assert(n > 0);
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) total += weights[i];
  double u = Uniform() * total;
  std::size_t last = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (weights[i] <= 0) continue;
    if (u < weights[i]) return i;
    u -= weights[i];
    last = i;
  }
  return last;  // rounding left u a hair above the last positive weight
}

AliasTable::AliasTable(const std::vector<double>& weights)
    : prob_(weights.size(), 1.0), alias_(weights.size(), 0) {
  const std::size_t n = weights.size();
  assert(n > 0 && n <= std::numeric_limits<std::uint32_t>::max());
  double total = 0;
  for (double w : weights) total += w;
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / total;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    std::uint32_t s = small.back();
    small.pop_back();
    std::uint32_t l = large.back();
    prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Whatever remains is 1 up to rounding.
  for (std::uint32_t i : small) prob_[i] = 1.0;
  for (std::uint32_t i : large) prob_[i] = 1.0;
}

std::size_t AliasTable::Sample(Rng& rng) const {
  const std::size_t i = rng.Below(prob_.size());
  return rng.Uniform() < prob_[i] ? i : alias_[i];
}

Permutation::Permutation(std::uint64_t n, std::uint64_t key) : n_(n), key_(key) {
  int bits = 2;
  while (bits < 62 && (std::uint64_t{1} << bits) < n) ++bits;
  half_bits_ = (bits + 1) / 2;
  half_mask_ = (std::uint64_t{1} << half_bits_) - 1;
}

std::uint64_t Permutation::Round(std::uint64_t x) const {
  std::uint64_t left = x >> half_bits_;
  std::uint64_t right = x & half_mask_;
  for (std::uint64_t round = 0; round < 4; ++round) {
    std::uint64_t next = left ^ (Hash64(key_, round, right) & half_mask_);
    left = right;
    right = next;
  }
  return (left << half_bits_) | right;
}

std::uint64_t Permutation::operator()(std::uint64_t x) const {
  assert(x < n_);
  if (n_ <= 1) return x;
  std::uint64_t y = Round(x);
  while (y >= n_) y = Round(y);  // cycle walking stays on x's cycle, which holds x < n
  return y;
}

}  // namespace candor::synth
