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
#include <bit>
#include <cstring>
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
inline __m512 MaskGather(__mmask16 lanes, __m512i index, const float* base) {
  return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), lanes, index, base, 4);
}
inline void MaskScatter(__mmask16 lanes, __m512i index, __m512 v, float* base) {
  _mm512_mask_i32scatter_ps(base, lanes, index, v, 4);
}
#pragma GCC diagnostic pop

struct alignas(64) BlockI {
  std::int32_t v[kLanes];
  __m512i Load() const { return _mm512_load_si512(v); }
  void Store(__m512i x) { _mm512_store_si512(v, x); }
};

// Categorical splits lane by lane, out of line so that the numeric loop makes no
// calls (which would spill the vectors).
[[gnu::noinline]] void CategoricalDecisions(const Tables& t, const TreeSplits& ts, const Block* xs,
                                            __mmask16* d) {
  for (std::uint32_t i = ts.num_end; i < ts.end; ++i) {
    const Condition& c = t.splits[i];
    __mmask16 m = 0;
    for (std::size_t l = 0; l < kLanes; ++l) {
      if (Satisfies(t, c, xs[c.feature].v[l])) m = static_cast<__mmask16>(m | (1u << l));
    }
    d[i] = m;
  }
}

// The tree's split decisions for kP batches of 16 rows (batch p's features at
// xs + p * nf, its decisions at dec + p * dec_stride): dec[i] has lane l set if row
// l goes left at split i.
template <std::size_t kP>
inline void Decisions(const Tables& t, const TreeSplits& ts, const Block* xs, std::size_t nf,
                      __mmask16* dec, std::size_t dec_stride) {
  const Condition* sp = t.splits.data();
  __mmask16* d = dec - ts.begin;
  for (std::uint32_t i = ts.begin; i < ts.dl_end; ++i) {
    __m512 hi = _mm512_set1_ps(sp[i].hi);
    const Block* x = xs + sp[i].feature;
    for (std::size_t p = 0; p < kP; ++p) {
      d[p * dec_stride + i] = _mm512_cmp_ps_mask(x[p * nf].Load(), hi, _CMP_NGE_UQ);
    }
  }
  for (std::uint32_t i = ts.dl_end; i < ts.num_end; ++i) {
    __m512 hi = _mm512_set1_ps(sp[i].hi);
    const Block* x = xs + sp[i].feature;
    for (std::size_t p = 0; p < kP; ++p) {
      d[p * dec_stride + i] = _mm512_cmp_ps_mask(x[p * nf].Load(), hi, _CMP_LT_OQ);
    }
  }
  if (ts.end > ts.num_end) {
    for (std::size_t p = 0; p < kP; ++p)
      CategoricalDecisions(t, ts, xs + p * nf, d + p * dec_stride);
  }
}

// Unit u's masks for kP batches of 16 rows, from the split decisions (batch p's at
// dec + p * dec_stride) and the partial masks of the previous units (batch p's at
// level + p * level_stride, entry 0 all zeros), which it extends. The batches share
// each step's constants.
template <std::size_t kP>
inline void UnitMasks(const Tables& t, const Unit& u, const __mmask16* dec, std::size_t dec_stride,
                      BlockI* level, std::size_t level_stride, __m512i* mask) {
  std::uint32_t k = u.op_keep;
  for (std::size_t p = 0; p < kP; ++p) mask[p] = level[p * level_stride + k].Load();
  const MaskOp* op = t.ops.data() + u.op_begin;
  for (std::uint32_t i = 0; i < u.num_ops; ++i, ++op) {
    __m512i bit = _mm512_set1_epi32(static_cast<int>(op->bit));
    ++k;
    for (std::size_t p = 0; p < kP; ++p) {
      auto pass = static_cast<__mmask16>(dec[p * dec_stride + op->node] ^ op->flip);
      auto set = static_cast<__mmask16>(pass & op->set);
      auto clear = static_cast<__mmask16>(~(pass | op->set));
      mask[p] = _mm512_mask_or_epi32(mask[p], set, mask[p], bit);
      mask[p] = _mm512_mask_andnot_epi32(mask[p], clear, bit, mask[p]);
      level[p * level_stride + k].Store(mask[p]);
    }
  }
}

// A table of 2^bits floats held in kRegs registers (bits <= 4, 5, 6, 7), read
// with permutes; larger tables are gathered from memory. Get takes the lanes whose
// index has bit 5 (b5) and bit 6 (b6) set: a unit computes them once from its
// mask, since a term's index differs from the mask in one known bit.
template <std::size_t kRegs>
struct RegisterTable {
  __m512 r[kRegs];
  explicit RegisterTable(const float* p) {
    for (std::size_t i = 0; i < kRegs; ++i) r[i] = _mm512_loadu_ps(p + 16 * i);
  }
  static __mmask16 Bit(__m512i index, int bit) {
    if constexpr (kRegs >= 4) {
      if (bit == 32 || (kRegs == 8 && bit == 64)) {
        return _mm512_test_epi32_mask(index, _mm512_set1_epi32(bit));
      }
    }
    return 0;
  }
  __m512 Get(__m512i index, __mmask16 b5, __mmask16 b6) const {
    if constexpr (kRegs == 1) {
      return _mm512_permutexvar_ps(index, r[0]);
    } else if constexpr (kRegs == 2) {
      return _mm512_permutex2var_ps(r[0], index, r[1]);
    } else if constexpr (kRegs == 4) {
      // Two merge-masked permutes into the index register (vpermi2ps): the lanes
      // with bit 5 read the upper half, the others keep their index for the second
      // permute, which reads the lower half. One instruction fewer than two
      // permutes and a blend.
      __m512 a = _mm512_mask2_permutex2var_ps(r[2], index, b5, r[3]);
      return _mm512_mask2_permutex2var_ps(r[0], _mm512_castps_si512(a), static_cast<__mmask16>(~b5),
                                          r[1]);
    } else {
      auto hi = static_cast<__mmask16>(b6 & b5), lo = static_cast<__mmask16>(b6 & ~b5);
      __m512 a = _mm512_mask2_permutex2var_ps(r[6], index, hi, r[7]);
      a = _mm512_mask2_permutex2var_ps(r[4], _mm512_castps_si512(a), lo, r[5]);
      hi = static_cast<__mmask16>(~b6 & b5);
      lo = static_cast<__mmask16>(~(b6 | b5));
      a = _mm512_mask2_permutex2var_ps(r[2], _mm512_castps_si512(a), hi, r[3]);
      return _mm512_mask2_permutex2var_ps(r[0], _mm512_castps_si512(a), lo, r[1]);
    }
  }
};

struct MemoryTable {
  const float* p;
  explicit MemoryTable(const float* table) : p(table) {}
  static __mmask16 Bit(__m512i, int) { return 0; }
  __m512 Get(__m512i index, __mmask16, __mmask16) const { return Gather(index, p); }
};

// Adds unit u's contributions for kP batches of 16 rows: batch p's masks are
// mask[p] and its accumulators acc[p]. The batches share the unit's table loads,
// its term constants and its dispatch.
template <typename Table, std::size_t kP>
inline void AddUnit(const Tables& t, const Unit& u, const __m512i* mask, Block* const* acc) {
  const __m512 sign = _mm512_set1_ps(-0.0f);
  Table c(t.tables.data() + u.table);
  __mmask16 b5[kP], b6[kP];
  __m512 neg_a0[kP];
  for (std::size_t p = 0; p < kP; ++p) {
    b5[p] = Table::Bit(mask[p], 32);
    b6[p] = Table::Bit(mask[p], 64);
    neg_a0[p] = _mm512_xor_ps(c.Get(mask[p], b5[p], b6[p]), sign);
  }
  // Locals, and constants broadcast from memory rather than from a register: the
  // stores to acc may alias anything, and port 5 is busy with the permutes.
  const std::int32_t* bits = t.term_bit.data() + u.term_begin;
  const float* coefs = t.term_coef.data() + u.term_begin;
  const std::int32_t* features = t.term_feature.data() + u.term_begin;
  std::uint32_t num_terms = u.num_terms;
  std::int32_t f_feature = u.f_feature;
  for (std::uint32_t k = 0; k < num_terms; ++k) {
    __m512i bit = _mm512_set1_epi32(bits[k]);
    __m512 coef = _mm512_set1_ps(coefs[k]);
    // Terms on bits 5 and 6 are rare (a path of 6 or more unique features).
    bool flip5 = bits[k] == 32, flip6 = bits[k] == 64;
    for (std::size_t p = 0; p < kP; ++p) {
      __m512i index = _mm512_xor_si512(mask[p], bit);
      __mmask16 k5 = b5[p], k6 = b6[p];
      if (flip5) k5 = static_cast<__mmask16>(~k5);
      if (flip6) k6 = static_cast<__mmask16>(~k6);
      __m512 a = c.Get(index, k5, k6);
      __mmask16 has = _mm512_test_epi32_mask(mask[p], bit);
      __m512 v = _mm512_mask_mul_ps(neg_a0[p], has, a, coef);
      Block& dst = acc[p][features[k]];
      dst.Store(_mm512_add_ps(dst.Load(), v));
    }
  }
  if (f_feature >= 0) {
    Table f(t.tables.data() + u.f_table);
    for (std::size_t p = 0; p < kP; ++p) {
      Block& dst = acc[p][f_feature];
      dst.Store(_mm512_add_ps(dst.Load(), f.Get(mask[p], b5[p], b6[p])));
    }
  }
}

// The table entries at index (one per term, in lanes) of a unit with `bits` mask
// bits: permutes of the table loaded into registers for up to 7 bits, cheaper
// than a gather of as many lanes; a gather for larger tables.
inline __m512 RowTerms(std::uint32_t bits, __mmask16 lanes, __m512i index, const float* table) {
  switch (bits) {
    case 1:
    case 2:
    case 3:
    case 4:
      return RegisterTable<1>(table).Get(index, 0, 0);
    case 5:
      return RegisterTable<2>(table).Get(index, 0, 0);
    case 6:
      return RegisterTable<4>(table).Get(index, RegisterTable<4>::Bit(index, 32), 0);
    case 7:
      return RegisterTable<8>(table).Get(index, RegisterTable<8>::Bit(index, 32),
                                         RegisterTable<8>::Bit(index, 64));
    default:
      return MaskGather(lanes, index, table);
  }
}

// AddUnit with the table kind for the unit's size.
template <std::size_t kP>
inline void AddUnitAnySize(const Tables& t, const Unit& u, const __m512i* mask, Block* const* acc) {
  switch (u.num_bits) {
    case 1:
    case 2:
    case 3:
    case 4:
      return AddUnit<RegisterTable<1>, kP>(t, u, mask, acc);
    case 5:
      return AddUnit<RegisterTable<2>, kP>(t, u, mask, acc);
    case 6:
      return AddUnit<RegisterTable<4>, kP>(t, u, mask, acc);
    case 7:
      return AddUnit<RegisterTable<8>, kP>(t, u, mask, acc);
    default:
      return AddUnit<MemoryTable, kP>(t, u, mask, acc);
  }
}

// Adds trees [block, block_end) for the kP batches at xs (each nf Blocks) to their
// accumulators acc[p] (nf Blocks each); dec and level hold kP scratch areas of
// dec_stride and level_stride entries.
template <std::size_t kP>
inline void AddTrees(const Tables& t, std::size_t block, std::size_t block_end, const Block* xs,
                     std::size_t nf, Block* const* acc, __mmask16* dec, std::size_t dec_stride,
                     BlockI* level, std::size_t level_stride) {
  for (std::size_t tree = block; tree < block_end; ++tree) {
    Decisions<kP>(t, t.tree_splits[tree], xs, nf, dec, dec_stride);
    for (std::uint32_t ui = t.tree_units[tree]; ui < t.tree_units[tree + 1]; ++ui) {
      const Unit& u = t.units[ui];
      __m512i mask[kP];
      UnitMasks<kP>(t, u, dec, dec_stride, level, level_stride, mask);
      AddUnitAnySize<kP>(t, u, mask, acc);
    }
  }
}

}  // namespace

bool Avx512Compiled() { return true; }

void ExplainAvx512(const Tables& t, const float* rows, std::size_t n, std::size_t tree_begin,
                   std::size_t tree_end, double* out) {
  std::size_t nf = t.num_features, width = nf + 1;
  // A group of kBatches batches (one chunk of explainer.cc) goes through each block
  // of kTreesPerFlush trees before the next block: the block's tables are then
  // read from beyond L2 once per group rather than once per batch (all tables
  // together are about the size of L2, and share it with the rows and results).
  constexpr std::size_t kBatches = 16;
  constexpr std::size_t kGang = 4;  // batches that go through a unit together
  std::size_t dec_stride = t.max_splits + 1, level_stride = t.max_ops + 1;
  std::vector<Block> xs(kBatches * nf), acc(kGang * nf, Block{});
  std::vector<BlockD> dacc(kBatches * 2 * nf);
  std::vector<BlockI> level(kGang * level_stride, BlockI{});
  std::vector<__mmask16> dec(kGang * dec_stride);
  Block* accs[kGang];
  for (std::size_t p = 0; p < kGang; ++p) accs[p] = acc.data() + p * nf;
  bool slow = t.tree_slow[tree_end] > t.tree_slow[tree_begin];
  alignas(64) float lanes[kLanes];
  alignas(64) double lanes_d[kLanes];
  for (std::size_t g0 = 0; g0 < n; g0 += kBatches * kLanes) {
    std::size_t batches = std::min(kBatches, (n - g0 + kLanes - 1) / kLanes);
    // Transpose each batch: xs[b * nf + f] holds feature f of its 16 rows (0 beyond n).
    for (std::size_t b = 0; b < batches; ++b) {
      std::size_t r0 = g0 + b * kLanes, count = std::min(kLanes, n - r0);
      for (std::size_t f = 0; f < nf; ++f) {
        for (std::size_t l = 0; l < kLanes; ++l) {
          lanes[l] = l < count ? rows[(r0 + l) * nf + f] : 0;
        }
        xs[b * nf + f].Store(_mm512_load_ps(lanes));
        dacc[2 * (b * nf + f)] = dacc[2 * (b * nf + f) + 1] = BlockD{};
      }
    }
    for (std::size_t block = tree_begin; block < tree_end; block += kTreesPerFlush) {
      std::size_t block_end = std::min(tree_end, block + kTreesPerFlush);
      // Four batches at a time; the rest two or one at a time.
      for (std::size_t b = 0, gang = 0; b < batches; b += gang) {
        gang = batches - b >= 4 ? 4 : batches - b >= 2 ? 2 : 1;
        const Block* x = xs.data() + b * nf;
        if (gang == 4) {
          AddTrees<4>(t, block, block_end, x, nf, accs, dec.data(), dec_stride, level.data(),
                      level_stride);
        } else if (gang == 2) {
          AddTrees<2>(t, block, block_end, x, nf, accs, dec.data(), dec_stride, level.data(),
                      level_stride);
        } else {
          AddTrees<1>(t, block, block_end, x, nf, accs, dec.data(), dec_stride, level.data(),
                      level_stride);
        }
        for (std::size_t p = 0; p < gang; ++p) {
          BlockD* d = dacc.data() + 2 * (b + p) * nf;
          Block* a_p = accs[p];
          for (std::size_t f = 0; f < nf; ++f) {
            __m512 a = a_p[f].Load();
            d[2 * f].Store(
                _mm512_add_pd(d[2 * f].Load(), _mm512_cvtps_pd(_mm512_castps512_ps256(a))));
            d[2 * f + 1].Store(
                _mm512_add_pd(d[2 * f + 1].Load(), _mm512_cvtps_pd(_mm512_extractf32x8_ps(a, 1))));
            a_p[f] = Block{};
          }
        }
      }
    }
    for (std::size_t b = 0; b < batches; ++b) {
      std::size_t r0 = g0 + b * kLanes, count = std::min(kLanes, n - r0);
      for (std::size_t f = 0; f < nf; ++f) {
        _mm512_store_pd(lanes_d, dacc[2 * (b * nf + f)].Load());
        _mm512_store_pd(lanes_d + 8, dacc[2 * (b * nf + f) + 1].Load());
        for (std::size_t l = 0; l < count; ++l) out[(r0 + l) * width + f] += lanes_d[l];
      }
      if (!slow) continue;
      for (std::size_t l = 0; l < count; ++l) {
        for (std::size_t tree = tree_begin; tree < tree_end; ++tree) {
          AddSlowLeaves(t, tree, rows + (r0 + l) * nf, out + (r0 + l) * width);
        }
      }
    }
  }
}

namespace {

// Single-row kernels: adds a few trees' float sums of features 0-15 (lo) and 16-31
// (hi) into the row's double sums (dacc, features 0-7, 8-15, 16-23, 24-31).
inline void AddRowSums(__m512 lo, __m512 hi, __m512d* dacc) {
  dacc[0] = _mm512_add_pd(dacc[0], _mm512_cvtps_pd(_mm512_castps512_ps256(lo)));
  dacc[1] = _mm512_add_pd(dacc[1], _mm512_cvtps_pd(_mm512_extractf32x8_ps(lo, 1)));
  dacc[2] = _mm512_add_pd(dacc[2], _mm512_cvtps_pd(_mm512_castps512_ps256(hi)));
  dacc[3] = _mm512_add_pd(dacc[3], _mm512_cvtps_pd(_mm512_extractf32x8_ps(hi, 1)));
}

// Adds the row's double sums to its nf contributions at o.
inline void StoreRowSums(const __m512d* dacc, std::size_t nf, double* o) {
  alignas(64) double lanes_d[kRowFeatures];
  for (std::size_t i = 0; i < 4; ++i) _mm512_store_pd(lanes_d + 8 * i, dacc[i]);
  for (std::size_t f = 0; f < nf; ++f) o[f] += lanes_d[f];
}

// The split decisions of tree `tree` for the row whose features are x_lo (0-15) and
// x_hi (16-31), as bits: bit i set if the row goes left at split i of the tree. The
// thresholds are compared 16 at a time; categorical splits are then decided one by
// one.
inline std::uint64_t DecisionBits(const Tables& t, std::size_t tree, __m512 x_lo, __m512 x_hi,
                                  const float* x) {
  const TreeSplits& ts = t.tree_splits[tree];
  std::uint64_t d = 0;
  for (std::uint32_t base = ts.begin; base < ts.end; base += 16) {
    std::uint32_t count = std::min<std::uint32_t>(16, ts.end - base);
    auto lanes = static_cast<__mmask16>((1u << count) - 1);
    // Lanes below dl_end send missing values left.
    std::uint32_t dl = ts.dl_end > base ? std::min<std::uint32_t>(16, ts.dl_end - base) : 0;
    auto missing_left = static_cast<__mmask16>((1u << dl) - 1);
    __m512i feature = _mm512_maskz_loadu_epi32(lanes, t.split_feature.data() + base);
    __m512 hi = _mm512_maskz_loadu_ps(lanes, t.split_hi.data() + base);
    __m512 v = _mm512_permutex2var_ps(x_lo, feature, x_hi);
    __mmask16 nge = _mm512_mask_cmp_ps_mask(missing_left, v, hi, _CMP_NGE_UQ);
    __mmask16 lt =
        _mm512_mask_cmp_ps_mask(static_cast<__mmask16>(lanes & ~missing_left), v, hi, _CMP_LT_OQ);
    d |= std::uint64_t{static_cast<std::uint16_t>(nge | lt)} << (base - ts.begin);
  }
  for (std::uint32_t i = ts.num_end; i < ts.end; ++i) {
    std::uint64_t b = std::uint64_t{1} << (i - ts.begin);
    const Condition& c = t.splits[i];
    d = Satisfies(t, c, x[c.feature]) ? d | b : d & ~b;
  }
  return d;
}

// kFromHi.v[k]: the permutation that moves lanes k.. of a vector to lanes 0..
struct FromHi {
  alignas(64) std::int32_t v[17][16];
};
constexpr FromHi kFromHi = [] {
  FromHi f{};
  for (int k = 0; k <= 16; ++k) {
    for (int l = 0; l < 16; ++l) f.v[k][l] = (k + l) & 15;
  }
  return f;
}();

// ExplainAvx512Rows from the units' RowUnits (tables.h): one cache line of unit data
// each, and each mask computed from its whole path at once.
void ExplainRowUnits(const Tables& t, const float* rows, std::size_t n, std::size_t tree_begin,
                     std::size_t tree_end, double* out) {
  std::size_t nf = t.num_features;
  const float* tables = t.tables.data();
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i one64 = _mm512_set1_epi64(1);
  for (std::size_t r = 0; r < n; ++r) {
    const float* x = rows + r * nf;
    double* o = out + r * (nf + 1);
    __m512 x_lo =
        _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << std::min<std::size_t>(nf, 16)) - 1), x);
    __m512 x_hi = nf > 16
                      ? _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << (nf - 16)) - 1), x + 16)
                      : _mm512_setzero_ps();
    __m512d dacc[4] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(),
                       _mm512_setzero_pd()};
    for (std::size_t block = tree_begin; block < tree_end; block += kTreesPerFlush) {
      std::size_t block_end = std::min(tree_end, block + kTreesPerFlush);
      // Features 0-15 and 16-31.
      __m512 acc_lo = _mm512_setzero_ps(), acc_hi = _mm512_setzero_ps();
      for (std::size_t tree = block; tree < block_end; ++tree) {
        __m512i d = _mm512_set1_epi64(static_cast<long long>(DecisionBits(t, tree, x_lo, x_hi, x)));
        for (std::uint32_t ui = t.tree_units[tree]; ui < t.tree_units[tree + 1]; ++ui) {
          const RowUnit& u = t.row_units[ui];
          // Which path positions the row went left at, which of them failed, and
          // from those the mask (tables.h).
          __m512i shift =
              _mm512_cvtepu8_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(u.nodes)));
          auto went_left = static_cast<std::uint32_t>(
              _mm512_test_epi64_mask(_mm512_srlv_epi64(d, shift), one64));
          // Byte b of bit_positions: the positions that set mask bit b.
          auto fail = static_cast<char>((went_left ^ u.left) & 0xFFu);
          auto failed = static_cast<std::uint32_t>(_mm_test_epi8_mask(
              _mm_set1_epi8(fail),
              _mm_loadl_epi64(reinterpret_cast<const __m128i*>(u.bit_positions))));
          std::uint32_t mask = u.set_bits & ~failed;
          auto lanes = static_cast<__mmask16>(u.lanes);
          // bit[] is 6 bytes; the other two read belong to the next RowUnit, their
          // lanes unused.
          __m512i bit = _mm512_sllv_epi32(
              one, _mm512_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(u.bit))));
          __m512 coef = _mm512_maskz_loadu_ps(lanes, u.coef);
          __m512i m = _mm512_set1_epi32(static_cast<int>(mask));
          const float* table = tables + u.table;
          __m512 a = RowTerms(u.num_bits, lanes, _mm512_xor_si512(m, bit), table);
          // F's lane has no bit, so it takes -C[mask] here and F[mask] below. Lanes
          // not in `lanes` hold anything: the expands read only the lanes in use.
          __mmask16 has = _mm512_test_epi32_mask(m, bit);
          __m512 v = _mm512_mask_mul_ps(_mm512_set1_ps(-table[mask]), has, a, coef);
          v = _mm512_mask_mov_ps(v, u.f_lane, _mm512_set1_ps(tables[u.f_table + mask]));
          auto lo = static_cast<__mmask16>(u.present_lo);
          auto hi = static_cast<__mmask16>(u.present_hi);
          __m512i from_hi = _mm512_load_si512(kFromHi.v[u.lo_count]);
          acc_lo = _mm512_add_ps(acc_lo, _mm512_maskz_expand_ps(lo, v));
          acc_hi =
              _mm512_add_ps(acc_hi, _mm512_maskz_expand_ps(hi, _mm512_permutexvar_ps(from_hi, v)));
        }
      }
      AddRowSums(acc_lo, acc_hi, dacc);
      for (std::size_t tree = block; tree < block_end; ++tree) AddSlowLeaves(t, tree, x, o);
    }
    StoreRowSums(dacc, nf, o);
  }
}

}  // namespace

void ExplainAvx512Rows(const Tables& t, const float* rows, std::size_t n, std::size_t tree_begin,
                       std::size_t tree_end, double* out) {
  if (!t.row_units.empty()) return ExplainRowUnits(t, rows, n, tree_begin, tree_end, out);
  std::size_t nf = t.num_features;
  if (t.slots.empty()) return ExplainPortable(t, rows, n, tree_begin, tree_end, out);
  std::vector<std::uint16_t> dec(t.max_splits + 1);
  std::vector<std::uint32_t> level(t.max_ops + 1, 0);
  const float* tables = t.tables.data();
  const std::int32_t* term_bit = t.term_bit.data();
  const float* term_coef = t.term_coef.data();
  for (std::size_t r = 0; r < n; ++r) {
    const float* x = rows + r * nf;
    double* o = out + r * (nf + 1);
    __m512d dacc[4] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(),
                       _mm512_setzero_pd()};
    for (std::size_t block = tree_begin; block < tree_end; block += kTreesPerFlush) {
      std::size_t block_end = std::min(tree_end, block + kTreesPerFlush);
      // Features 0-15 and 16-31.
      __m512 acc_lo = _mm512_setzero_ps(), acc_hi = _mm512_setzero_ps();
      for (std::size_t tree = block; tree < block_end; ++tree) {
        TreeDecisions(t, tree, x, dec.data());
        for (std::uint32_t ui = t.tree_units[tree]; ui < t.tree_units[tree + 1]; ++ui) {
          const Unit& u = t.units[ui];
          std::uint32_t mask = UnitMask(t, u, dec.data(), level.data());
          const float* table = tables + u.table;
          auto lanes = static_cast<__mmask16>((1u << u.num_terms) - 1);
          __m512i bit = _mm512_maskz_loadu_epi32(lanes, term_bit + u.term_begin);
          __m512 coef = _mm512_maskz_loadu_ps(lanes, term_coef + u.term_begin);
          __m512i m = _mm512_set1_epi32(static_cast<int>(mask));
          __m512 a = RowTerms(u.num_bits, lanes, _mm512_xor_si512(m, bit), table);
          __mmask16 has = _mm512_mask_test_epi32_mask(lanes, m, bit);
          __m512 v = _mm512_mask_mul_ps(_mm512_set1_ps(-table[mask]), has, a, coef);
          v = _mm512_maskz_mov_ps(lanes, v);
          if (u.f_feature >= 0) {
            v = _mm512_mask_mov_ps(v, static_cast<__mmask16>(1u << u.num_terms),
                                   _mm512_set1_ps(tables[u.f_table + mask]));
          }
          const std::uint8_t* slot = t.slots.data() + std::size_t{ui} * kRowFeatures;
          __m512i s_lo =
              _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(slot)));
          __m512i s_hi =
              _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(slot + 16)));
          acc_lo = _mm512_add_ps(acc_lo, _mm512_permutex2var_ps(v, s_lo, _mm512_setzero_ps()));
          acc_hi = _mm512_add_ps(acc_hi, _mm512_permutex2var_ps(v, s_hi, _mm512_setzero_ps()));
        }
      }
      AddRowSums(acc_lo, acc_hi, dacc);
      for (std::size_t tree = block; tree < block_end; ++tree) AddSlowLeaves(t, tree, x, o);
    }
    StoreRowSums(dacc, nf, o);
  }
}

}  // namespace candor::treeshap::internal

#else  // no AVX-512 support in the compiler: a stub, never called

namespace candor::treeshap::internal {
bool Avx512Compiled() { return false; }
void ExplainAvx512(const Tables&, const float*, std::size_t, std::size_t, std::size_t, double*) {}
void ExplainAvx512Rows(const Tables&, const float*, std::size_t, std::size_t, std::size_t,
                       double*) {}
}  // namespace candor::treeshap::internal

#endif
