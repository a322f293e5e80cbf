// candor::synth random numbers: a portable PRNG and the sampling the generator needs.
//
// Why not <random>: the engines are specified exactly, but the distributions
// (std::normal_distribution, std::poisson_distribution, ...) are not; libstdc++,
// libc++ and MSVC produce different values from the same engine, so data
// generated with them would differ between platforms and standard-library
// versions. `candor generate` promises identical bytes for identical options, so
// every distribution here is written out: xoshiro256** (Blackman and Vigna) seeded
// through splitmix64, and our own uniform, normal (Marsaglia's polar method),
// Poisson (inversion), log-normal, categorical (linear scan for short lists, Vose's
// alias table for long ones).
//
// Exp and Log are implemented here too, from +, -, *, / and ldexp/frexp only, so
// that not even a different libm changes a draw (IEEE-754 double arithmetic
// without fused multiply-add, the default x86-64 and AArch64 builds, is exactly
// reproducible). They are accurate to a few ulp, plenty for sampling.
//
// Streams: Rng::ForStream(seed, kind, index) gives an independent stream per
// (seed, purpose, entity): e.g. one per contact for its profile and another for
// its activity, so that changing the activity model (--drift) leaves profiles
// byte-identical, and contact i's data never depends on how much randomness
// contact i-1 consumed.
//
// Thread safety: an Rng is a value; use one per thread. Everything else is pure.
#pragma once

#include <cstdint>
#include <vector>

namespace candor::synth {

// splitmix64's output function: a bijective 64-bit mixer.
std::uint64_t Mix64(std::uint64_t x);

// A stateless hash of up to four words, for decisions that must not consume a
// stream (e.g. the account engagement noise of a given month).
std::uint64_t Hash64(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0, std::uint64_t d = 0);
// Hash64 mapped to [0, 1).
double HashUniform(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0, std::uint64_t d = 0);

// e^x for finite x (0 below -745, +inf above 709.7).
double Exp(double x);
// Natural logarithm for x > 0 (x <= 0 returns -inf).
double Log(double x);
// 1 / (1 + e^-x).
double Sigmoid(double x);

// xoshiro256**: 256 bits of state, period 2^256 - 1, passes BigCrush.
class Rng {
 public:
  // Seeds the state with four splitmix64 outputs starting at `seed`.
  explicit Rng(std::uint64_t seed);
  // An independent stream for entity `index` of kind `kind` under `seed`.
  static Rng ForStream(std::uint64_t seed, std::uint64_t kind, std::uint64_t index);

  std::uint64_t Next();
  // Uniform in [0, 1) with 53 random bits.
  double Uniform();
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [0, n), n >= 1 (multiply-shift; bias below 2^-64 * n).
  std::uint64_t Below(std::uint64_t n);
  // Uniform integer in [lo, hi] (inclusive), lo <= hi.
  std::int64_t Between(std::int64_t lo, std::int64_t hi);
  bool Bernoulli(double p) { return Uniform() < p; }
  // Standard normal (Marsaglia polar; the second value is discarded so that each
  // draw consumes the stream the same way regardless of history).
  double Normal();
  double Normal(double mean, double sd) { return mean + sd * Normal(); }
  // exp(N(mu, sigma)).
  double LogNormal(double mu, double sigma) { return Exp(Normal(mu, sigma)); }
  // Exponential with the given rate (> 0).
  double Exponential(double rate);
  // Poisson(lambda), lambda >= 0: inversion below 30, a rounded normal above
  // (daily event rates are far below 30).
  std::int64_t Poisson(double lambda);
  // The same draw as Poisson(lambda) for lambda < 30, given exp_minus_lambda ==
  // Exp(-lambda) (for callers that cache it).
  std::int64_t Poisson(double lambda, double exp_minus_lambda);
  // Index drawn with probability weights[i] / sum(weights); weights >= 0, sum > 0.
  // Linear in the number of weights: for short lists.
  std::size_t Categorical(const double* weights, std::size_t n);
  template <std::size_t N>
  std::size_t Categorical(const double (&weights)[N]) {
    return Categorical(weights, N);
  }

 private:
  std::uint64_t s_[4] = {};
};

// Vose's alias method: O(n) construction, O(1) draws from a fixed discrete
// distribution (used to pick accounts for contacts).
class AliasTable {
 public:
  // weights >= 0 with a positive sum.
  explicit AliasTable(const std::vector<double>& weights);
  std::size_t Sample(Rng& rng) const;
  std::size_t size() const { return prob_.size(); }

 private:
  std::vector<double> prob_;
  std::vector<std::uint32_t> alias_;
};

// A pseudo-random permutation of [0, n) keyed by `key` (a 4-round Feistel network
// with cycle walking). Used to give the k-th contact of an account a distinct
// (first name, last name) pair without remembering the pairs already used.
class Permutation {
 public:
  Permutation(std::uint64_t n, std::uint64_t key);
  // Maps x in [0, n) to a distinct value in [0, n).
  std::uint64_t operator()(std::uint64_t x) const;

 private:
  std::uint64_t Round(std::uint64_t x) const;
  std::uint64_t n_;
  std::uint64_t key_;
  int half_bits_;
  std::uint64_t half_mask_;
};

}  // namespace candor::synth
