#include "treeshap/reference.h"

#include <algorithm>
#include <vector>

namespace candor::treeshap {
namespace {

struct Element {
  int feature;
  double zero, one, weight;
};

void Extend(Element* path, std::size_t depth, double zero, double one, int feature) {
  path[depth] = {feature, zero, one, depth == 0 ? 1.0 : 0.0};
  auto n = static_cast<double>(depth + 1);
  for (std::size_t i = depth; i-- > 0;) {
    path[i + 1].weight += one * path[i].weight * static_cast<double>(i + 1) / n;
    path[i].weight = zero * path[i].weight * static_cast<double>(depth - i) / n;
  }
}

void Unwind(Element* path, std::size_t depth, std::size_t index) {
  double one = path[index].one, zero = path[index].zero;
  double next = path[depth].weight;
  auto n = static_cast<double>(depth + 1);
  for (std::size_t i = depth; i-- > 0;) {
    if (one != 0) {
      double tmp = path[i].weight;
      path[i].weight = next * n / (static_cast<double>(i + 1) * one);
      next = tmp - path[i].weight * zero * static_cast<double>(depth - i) / n;
    } else {
      path[i].weight = path[i].weight * n / (zero * static_cast<double>(depth - i));
    }
  }
  for (std::size_t i = index; i < depth; ++i) {
    path[i].feature = path[i + 1].feature;
    path[i].zero = path[i + 1].zero;
    path[i].one = path[i + 1].one;
  }
}

double UnwoundSum(const Element* path, std::size_t depth, std::size_t index) {
  double one = path[index].one, zero = path[index].zero;
  double next = path[depth].weight, total = 0;
  auto n = static_cast<double>(depth + 1);
  for (std::size_t i = depth; i-- > 0;) {
    if (one != 0) {
      double tmp = next * n / (static_cast<double>(i + 1) * one);
      total += tmp;
      next = path[i].weight - tmp * zero * static_cast<double>(depth - i) / n;
    } else {
      total += path[i].weight / zero / (static_cast<double>(depth - i) / n);
    }
  }
  return total;
}

struct Walker {
  const Tree& tree;
  std::span<const float> row;
  std::span<double> phi;

  void Recurse(std::int32_t node, std::size_t depth, Element* parent_path, double zero, double one,
               int feature) {
    Element* path = parent_path + depth + 1;
    std::copy(parent_path, parent_path + depth + 1, path);
    Extend(path, depth, zero, one, feature);
    auto u = static_cast<std::size_t>(node);
    if (tree.IsLeaf(node)) {
      double v = tree.weight * static_cast<double>(tree.value[u]);
      for (std::size_t i = 1; i <= depth; ++i) {
        double w = UnwoundSum(path, depth, i);
        phi[static_cast<std::size_t>(path[i].feature)] += w * (path[i].one - path[i].zero) * v;
      }
      return;
    }
    int split = tree.feature[u];
    bool left = tree.GoesLeft(node, row[static_cast<std::size_t>(split)]);
    std::int32_t hot = left ? tree.left[u] : tree.right[u];
    std::int32_t cold = left ? tree.right[u] : tree.left[u];
    double cover = tree.cover[u];
    double hot_zero = tree.cover[static_cast<std::size_t>(hot)] / cover;
    double cold_zero = tree.cover[static_cast<std::size_t>(cold)] / cover;
    double in_zero = 1, in_one = 1;
    std::size_t k = 0;
    while (k <= depth && path[k].feature != split) ++k;
    if (k != depth + 1) {
      in_zero = path[k].zero;
      in_one = path[k].one;
      Unwind(path, depth, k);
      depth -= 1;
    }
    Recurse(hot, depth + 1, path, hot_zero * in_zero, in_one, split);
    Recurse(cold, depth + 1, path, cold_zero * in_zero, 0, split);
  }
};

std::size_t Depth(const Tree& t, std::int32_t node) {
  if (t.IsLeaf(node)) return 0;
  auto u = static_cast<std::size_t>(node);
  return 1 + std::max(Depth(t, t.left[u]), Depth(t, t.right[u]));
}

double Mean(const Tree& t, std::int32_t node) {
  auto u = static_cast<std::size_t>(node);
  if (t.IsLeaf(node)) return t.value[u];
  auto l = static_cast<std::size_t>(t.left[u]), r = static_cast<std::size_t>(t.right[u]);
  return (Mean(t, t.left[u]) * t.cover[l] + Mean(t, t.right[u]) * t.cover[r]) / t.cover[u];
}

}  // namespace

void ReferenceShap(const Ensemble& e, std::span<const float> row, std::span<double> out) {
  std::size_t nf = e.num_features();
  std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(nf + 1), 0.0);
  out[nf] = e.base_margin();
  for (const Tree& t : e.trees()) {
    out[nf] += t.weight * Mean(t, 0);
    std::size_t d = Depth(t, 0) + 2;
    std::vector<Element> storage((d + 1) * (d + 2));
    Walker{t, row, out}.Recurse(0, 0, storage.data(), 1, 1, -1);
  }
}

}  // namespace candor::treeshap
