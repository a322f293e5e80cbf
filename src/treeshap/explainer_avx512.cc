// The AVX-512 kernel: 16 rows at once, one per lane. Compiled with -mavx512f/dq/bw/vl
// (src/CMakeLists.txt) and called only when the CPU has them (explainer.cc); without
// compiler support it is a stub that is never called.
#include "treeshap/tables.h"

#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__AVX512BW__) && defined(__AVX512VL__)
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

// Without optimisation GCC's gather intrinsics are macros that pass the all-ones
// mask as a signed short, which -Wsign-conversion reports at every use.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
inline __m512 Gather(__m512i index, const float* base) {
  return _mm512_i32gather_ps(index, base, 4);
}
#pragma GCC diagnostic pop

// The lanes of 16 rows whose feature values x satisfy numeric condition c.
inline __mmask16 Satisfied(const Condition& c, __m512 x) {
  __mmask16 ge_lo = _mm512_cmp_ps_mask(x, _mm512_set1_ps(c.lo), _CMP_GE_OQ);
  __mmask16 ge_hi = _mm512_cmp_ps_mask(x, _mm512_set1_ps(c.hi), _CMP_GE_OQ);
  __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
  auto nan_ok = static_cast<__mmask16>(-static_cast<int>(c.nan_ok));
  return static_cast<__mmask16>((ge_lo & ~ge_hi) | (nan & nan_ok));
}

// The masks of unit u for the 16 rows of xs; out of line for categorical units,
// so that the common path makes no calls (which would spill the vectors).
template <bool kCategorical>
inline __m512i UnitMask(const Tables& t, const Unit& u, const Block* xs) {
  __m512i mask = _mm512_setzero_si512();
  for (std::uint32_t b = 0; b < u.num_bits; ++b) {
    const Condition& c = t.conditions[u.cond_begin + b];
    __mmask16 m = 0;
    if constexpr (kCategorical) {
      for (std::size_t l = 0; l < kLanes; ++l) {
        if (Satisfies(t, c, xs[c.feature].v[l])) m = static_cast<__mmask16>(m | (1u << l));
      }
    } else {
      m = Satisfied(c, xs[c.feature].Load());
    }
    mask = _mm512_mask_or_epi32(mask, m, mask, _mm512_set1_epi32(1 << b));
  }
  return mask;
}

[[gnu::noinline]] __m512i CategoricalUnitMask(const Tables& t, const Unit& u, const Block* xs) {
  return UnitMask<true>(t, u, xs);
}

// A table of 2^bits floats held in kRegs registers (bits <= 4, 5, 6, 7), read
// with permutes; larger tables are gathered from memory.
template <std::size_t kRegs>
struct RegisterTable {
  __m512 r[kRegs];
  explicit RegisterTable(const float* p) {
    for (std::size_t i = 0; i < kRegs; ++i) r[i] = _mm512_loadu_ps(p + 16 * i);
  }
  __m512 Get(__m512i index) const {
    if constexpr (kRegs == 1) {
      return _mm512_permutexvar_ps(index, r[0]);
    } else if constexpr (kRegs == 2) {
      return _mm512_permutex2var_ps(r[0], index, r[1]);
    } else {
      __mmask16 bit5 = _mm512_test_epi32_mask(index, _mm512_set1_epi32(32));
      __m512 a = _mm512_mask_blend_ps(bit5, _mm512_permutex2var_ps(r[0], index, r[1]),
                                      _mm512_permutex2var_ps(r[2], index, r[3]));
      if constexpr (kRegs == 4) {
        return a;
      } else {
        __m512 b = _mm512_mask_blend_ps(bit5, _mm512_permutex2var_ps(r[4], index, r[5]),
                                        _mm512_permutex2var_ps(r[6], index, r[7]));
        return _mm512_mask_blend_ps(_mm512_test_epi32_mask(index, _mm512_set1_epi32(64)), a, b);
      }
    }
  }
};

struct MemoryTable {
  const float* p;
  explicit MemoryTable(const float* table) : p(table) {}
  __m512 Get(__m512i index) const { return Gather(index, p); }
};

// Adds unit u's contributions for the 16 rows whose masks are `mask`.
template <typename Table>
inline void AddUnit(const Tables& t, const Unit& u, __m512i mask, Block* acc) {
  const __m512 sign = _mm512_set1_ps(-0.0f);
  Table c(t.tables.data() + u.table);
  __m512 neg_a0 = _mm512_xor_ps(c.Get(mask), sign);
  for (std::uint32_t k = 0; k < u.num_terms; ++k) {
    const Term& term = t.terms[u.term_begin + k];
    __m512i bit = _mm512_set1_epi32(1 << term.bit);
    __m512 a = c.Get(_mm512_xor_si512(mask, bit));
    __mmask16 has = _mm512_test_epi32_mask(mask, bit);
    __m512 v = _mm512_mask_mul_ps(neg_a0, has, a, _mm512_set1_ps(term.coef));
    Block& dst = acc[term.feature];
    dst.Store(_mm512_add_ps(dst.Load(), v));
  }
  if (u.f_feature >= 0) {
    Table f(t.tables.data() + u.f_table);
    Block& dst = acc[u.f_feature];
    dst.Store(_mm512_add_ps(dst.Load(), f.Get(mask)));
  }
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
        __m512i mask =
            u.categorical ? CategoricalUnitMask(t, u, xs.data()) : UnitMask<false>(t, u, xs.data());
        switch (u.num_bits) {
          case 1:
          case 2:
          case 3:
          case 4:
            AddUnit<RegisterTable<1>>(t, u, mask, acc.data());
            break;
          case 5:
            AddUnit<RegisterTable<2>>(t, u, mask, acc.data());
            break;
          case 6:
            AddUnit<RegisterTable<4>>(t, u, mask, acc.data());
            break;
          case 7:
            AddUnit<RegisterTable<8>>(t, u, mask, acc.data());
            break;
          default:
            AddUnit<MemoryTable>(t, u, mask, acc.data());
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
