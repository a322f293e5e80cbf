// The AVX-512 kernel: 16 rows at once, one per lane. Compiled with -mavx512f/dq/bw/vl
// (src/CMakeLists.txt) and called only when the CPU has them (explainer.cc); without
// compiler support it is a stub that is never called.
#include "treeshap/tables.h"

#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__AVX512BW__) && \
    defined(__AVX512VL__)
// GCC 12's AVX-512 headers leave a pass-through operand undefined on purpose
// (gathers, conversions), which -Wmaybe-uninitialized reports inside the header.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <algorithm>
#include <vector>

namespace candor::treeshap::internal {
namespace {

constexpr std::size_t kLanes = 16;

// 16 floats (8 doubles) in memory; std::vector<__m512> loses the type's alignment.
struct alignas(64) Block {
  float v[kLanes];
  __m512 Load() const { return _mm512_load_ps(v); }
  void Store(__m512 x) { _mm512_store_ps(v, x); }
};
struct alignas(64) BlockD {
  double v[kLanes / 2];
  __m512d Load() const { return _mm512_load_pd(v); }
  void Store(__m512d x) { _mm512_store_pd(v, x); }
};

// The lanes of 16 rows whose feature values x satisfy condition c.
__mmask16 Satisfied(const Tables& t, const Condition& c, __m512 x, const float* lanes) {
  __mmask16 ge_lo = _mm512_cmp_ps_mask(x, _mm512_set1_ps(c.lo), _CMP_GE_OQ);
  __mmask16 ge_hi = _mm512_cmp_ps_mask(x, _mm512_set1_ps(c.hi), _CMP_GE_OQ);
  auto m = static_cast<__mmask16>(ge_lo & ~ge_hi);
  if (c.nan_ok) m = static_cast<__mmask16>(m | _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q));
  if (c.cat_set >= 0) {  // rare: categorical conditions lane by lane
    m = 0;
    for (std::size_t l = 0; l < kLanes; ++l) {
      if (Satisfies(t, c, lanes[l])) m = static_cast<__mmask16>(m | (1u << l));
    }
  }
  return m;
}

}  // namespace

bool Avx512Compiled() { return true; }

void ExplainAvx512(const Tables& t, const float* rows, std::size_t n, std::size_t tree_begin,
                   std::size_t tree_end, double* out) {
  std::size_t nf = t.num_features, width = nf + 1;
  std::vector<Block> xs(nf), acc(nf, Block{});
  std::vector<BlockD> dacc(2 * nf);
  alignas(64) float lanes[kLanes];
  alignas(64) double lanes_d[kLanes];
  const __m512 sign = _mm512_set1_ps(-0.0f);
  for (std::size_t r0 = 0; r0 < n; r0 += kLanes) {
    std::size_t count = std::min(kLanes, n - r0);
    // Transpose the batch: xs[f] holds feature f of the 16 rows (0 beyond n).
    for (std::size_t f = 0; f < nf; ++f) {
      for (std::size_t l = 0; l < kLanes; ++l) lanes[l] = l < count ? rows[(r0 + l) * nf + f] : 0;
      xs[f].Store(_mm512_load_ps(lanes));
      dacc[2 * f] = dacc[2 * f + 1] = BlockD{};
    }
    for (std::size_t block = tree_begin; block < tree_end; block += kTreesPerFlush) {
      std::size_t block_end = std::min(tree_end, block + kTreesPerFlush);
      for (std::uint32_t ui = t.tree_units[block]; ui < t.tree_units[block_end]; ++ui) {
        const Unit& u = t.units[ui];
        __m512i mask = _mm512_setzero_si512();
        for (std::uint32_t b = 0; b < u.num_bits; ++b) {
          const Condition& c = t.conditions[u.cond_begin + b];
          auto f = static_cast<std::size_t>(c.feature);
          __mmask16 m = Satisfied(t, c, xs[f].Load(), xs[f].v);
          mask = _mm512_mask_or_epi32(mask, m, mask, _mm512_set1_epi32(1 << b));
        }
        const float* table = t.tables.data() + u.table;
        __m512 neg_a0 = _mm512_xor_ps(_mm512_i32gather_ps(mask, table, 4), sign);
        for (std::uint32_t k = 0; k < u.num_terms; ++k) {
          const Term& term = t.terms[u.term_begin + k];
          __m512i bit = _mm512_set1_epi32(1 << term.bit);
          __m512 a = _mm512_i32gather_ps(_mm512_xor_si512(mask, bit), table, 4);
          __mmask16 has = _mm512_test_epi32_mask(mask, bit);
          __m512 v = _mm512_mask_mul_ps(neg_a0, has, a, _mm512_set1_ps(term.coef));
          auto f = static_cast<std::size_t>(term.feature);
          acc[f].Store(_mm512_add_ps(acc[f].Load(), v));
        }
        if (u.f_feature >= 0) {
          auto f = static_cast<std::size_t>(u.f_feature);
          const float* ftable = table + (std::size_t{1} << u.num_bits);
          acc[f].Store(_mm512_add_ps(acc[f].Load(), _mm512_i32gather_ps(mask, ftable, 4)));
        }
      }
      for (std::size_t f = 0; f < nf; ++f) {
        __m512 a = acc[f].Load();
        dacc[2 * f].Store(
            _mm512_add_pd(dacc[2 * f].Load(), _mm512_cvtps_pd(_mm512_castps512_ps256(a))));
        dacc[2 * f + 1].Store(
            _mm512_add_pd(dacc[2 * f + 1].Load(), _mm512_cvtps_pd(_mm512_extractf32x8_ps(a, 1))));
        acc[f] = Block{};
      }
    }
    for (std::size_t f = 0; f < nf; ++f) {
      _mm512_store_pd(lanes_d, dacc[2 * f].Load());
      _mm512_store_pd(lanes_d + 8, dacc[2 * f + 1].Load());
      for (std::size_t l = 0; l < count; ++l) out[(r0 + l) * width + f] += lanes_d[l];
    }
    for (std::size_t l = 0; l < count; ++l) {
      for (std::size_t tree = tree_begin; tree < tree_end; ++tree) {
        AddSlowLeaves(t, tree, rows + (r0 + l) * nf, out + (r0 + l) * width);
      }
    }
  }
}

}  // namespace candor::treeshap::internal

#else  // no AVX-512 support in the compiler: a stub, never called

namespace candor::treeshap::internal {
bool Avx512Compiled() { return false; }
void ExplainAvx512(const Tables&, const float*, std::size_t, std::size_t, std::size_t, double*) {}
}  // namespace candor::treeshap::internal

#endif
