#!/usr/bin/python3
"""The fairness audit of bench/fairness_bench.cc in numpy, for `make bench`.

Same rows (read from the files fairness_bench writes), same statistics, same
bootstrap: threshold at the top 20 % (the ceil(0.2 n)-th largest score), groups
of gender, age_band and gender x age_band (rows missing gender left out), per
group n, base rate, selection rate, TPR, FPR, precision, ROC AUC (ties one
half) and ECE (10 equal-width bins); the 8 comparisons of each group with the
largest group and the 10 between-groups comparisons; 1,000 resamples stratified
by the cells of gender x age_band (missing gender a cell value of its own), each
cell keeping its size; 95 % percentile intervals (numpy's linear percentile)
over the resamples where a statistic is defined.

Vectorised throughout: per resample one uniform draw per row, a bincount for the
multiplicities, and bincounts / cumulative sums per group over rows presorted
by score. No Python loop over rows; the loops run over resamples and groups.

  /usr/bin/python3 bench/fairness/numpy_audit.py DIR [--resamples R] [--seed S]

Prints one JSON line like fairness_bench.
"""
import argparse
import json
import math
import time

import numpy as np

BINS = 10


def load(d):
    y = np.fromfile(f"{d}/y.f32", dtype=np.float32).astype(np.int64)
    score = np.fromfile(f"{d}/score.f64", dtype=np.float64)
    gender = np.fromfile(f"{d}/gender.i32", dtype=np.int32).astype(np.int64)
    age = np.fromfile(f"{d}/age.i32", dtype=np.int32).astype(np.int64)
    return y, score, gender, age


class Audit:
    def __init__(self, y, score, gender, age):
        n = len(y)
        k = math.ceil(0.2 * n - 1e-9 * max(1.0, 0.2 * n))
        self.threshold = float(-np.partition(-score, k - 1)[k - 1])
        order = np.lexsort((y, score))  # ascending score, negatives first in a tie
        self.y = y[order]
        self.s = (score[order] >= self.threshold).astype(np.int64)
        self.p = score[order]
        gender, age = gender[order], age[order]
        self.bin = np.minimum(np.floor(self.p * BINS).astype(np.int64), BINS - 1)
        newblock = np.empty(n, dtype=bool)
        newblock[0] = True
        newblock[1:] = self.p[1:] != self.p[:-1]
        self.block = np.cumsum(newblock) - 1
        # Strata: gender (with missing) x age band.
        self.cell = (gender + 1) * 4 + age
        self.ncell = 12
        self.cell_order = np.argsort(self.cell, kind="stable")
        sizes = np.bincount(self.cell, minlength=self.ncell)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        self.draw_start = np.repeat(starts, sizes)
        self.draw_size = np.repeat(sizes, sizes).astype(np.float64)
        # Groupings: per row group index, -1 for none.
        self.groupings = []
        for name, g, values in (
            ("gender", gender, 2),
            ("age_band", age, 4),
            ("gender|age_band", np.where(gender >= 0, gender * 4 + age, -1), 8),
        ):
            members = []
            for v in range(values):
                idx = np.nonzero(g == v)[0]
                # Blocks of tied scores within the group, renumbered 0..B-1.
                local = np.unique(self.block[idx], return_inverse=True)[1]
                members.append((idx, local, int(local.max()) + 1 if len(idx) else 0))
            # Each cell's group in this grouping (cells determine every grouping).
            cell_group = np.full(self.ncell, -1)
            for c in range(self.ncell):
                rows = np.nonzero(self.cell == c)[0]
                if len(rows):
                    cell_group[c] = g[rows[0]]
            self.groupings.append((name, values, members, cell_group))

    def group_stats(self, w):
        """Per grouping an array [groups, 7] of the group metrics under weights w."""
        cw = np.bincount(self.cell, weights=w, minlength=self.ncell)
        cpos = np.bincount(self.cell, weights=w * self.y, minlength=self.ncell)
        csel = np.bincount(self.cell, weights=w * self.s, minlength=self.ncell)
        ctp = np.bincount(self.cell, weights=w * self.y * self.s, minlength=self.ncell)
        cb = self.cell * BINS + self.bin
        bn = np.bincount(cb, weights=w, minlength=self.ncell * BINS).reshape(self.ncell, BINS)
        by = np.bincount(cb, weights=w * self.y, minlength=self.ncell * BINS).reshape(self.ncell, BINS)
        bp = np.bincount(cb, weights=w * self.p, minlength=self.ncell * BINS).reshape(self.ncell, BINS)
        out = []
        with np.errstate(divide="ignore", invalid="ignore"):
            for name, values, members, cell_group in self.groupings:
                onehot = (cell_group[:, None] == np.arange(values)[None, :]).astype(np.float64)
                n = cw @ onehot
                pos, sel, tp = cpos @ onehot, csel @ onehot, ctp @ onehot
                fp = sel - tp
                neg = n - pos
                gbn, gby, gbp = onehot.T @ bn, onehot.T @ by, onehot.T @ bp
                ece = np.nansum(np.abs(gbp / gbn - gby / gbn) * gbn, axis=1) / n
                auc = np.full(values, np.nan)
                for v, (idx, local, blocks) in enumerate(members):
                    if pos[v] <= 0 or neg[v] <= 0:
                        continue
                    c = w[idx]
                    yy = self.y[idx]
                    pb = np.bincount(local, weights=c * yy, minlength=blocks)
                    nb = np.bincount(local, weights=c * (1 - yy), minlength=blocks)
                    below = np.cumsum(nb) - nb
                    auc[v] = np.sum(pb * (below + 0.5 * nb)) / (pos[v] * neg[v])
                m = np.stack([pos / n, sel / n, tp / pos, fp / neg, tp / sel, auc, ece], axis=1)
                err = (fp + (pos - tp)) / n
                out.append((m, err, n, pos, sel, tp))
        return out

    def statistics(self, w, references=None):
        """One flat vector of every statistic (group metrics, comparisons)."""
        parts, refs = [], []
        with np.errstate(divide="ignore", invalid="ignore"):
            for k, (m, err, n, pos, sel, tp) in enumerate(self.group_stats(w)):
                ref = int(np.argmax(n)) if references is None else references[k]
                refs.append(ref)
                sr, tpr, fpr, prec = m[:, 1], m[:, 2], m[:, 3], m[:, 4]
                dsel, dtpr, dfpr = sr - sr[ref], tpr - tpr[ref], fpr - fpr[ref]
                vs = np.stack([dsel, sr / sr[ref], dtpr, np.maximum(np.abs(dtpr), np.abs(dfpr)),
                               (dfpr + dtpr) / 2, (np.abs(dfpr) + np.abs(dtpr)) / 2,
                               prec - prec[ref], err - err[ref]], axis=1)
                vs[ref] = np.nan

                def rng(x):
                    return (x.max() - x.min(), x.min() / x.max()) if not np.isnan(x).any() else (np.nan, np.nan)

                dsr, rsr = rng(sr)
                dt, rt = rng(tpr)
                df, rf = rng(fpr)
                overall = sel.sum() / n.sum()
                r = sr / overall
                between = np.array([dsr, rsr, dt, max(dt, df), min(rt, rf), (dt + df) / 2,
                                    rng(prec)[0], rng(err)[0], np.max(np.abs(sr - overall)),
                                    np.min(np.where(r > 1, 1 / r, r))])
                parts += [m.ravel(), vs.ravel(), between]
        return np.concatenate(parts), refs

    def run(self, resamples, seed):
        n = len(self.y)
        point, refs = self.statistics(np.ones(n))
        rng = np.random.default_rng(seed)
        boot = np.empty((resamples, len(point)))
        for r in range(resamples):
            pick = self.draw_start + (rng.random(n) * self.draw_size).astype(np.int64)
            w = np.bincount(self.cell_order[pick], minlength=n).astype(np.float64)
            boot[r], _ = self.statistics(w, refs)
        lo = np.nanpercentile(boot, 2.5, axis=0)
        hi = np.nanpercentile(boot, 97.5, axis=0)
        return point, lo, hi, refs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    y, score, gender, age = load(args.dir)
    t0 = time.perf_counter()
    audit = Audit(y, score, gender, age)
    point, lo, hi, refs = audit.run(args.resamples, args.seed)
    # The gate: dp ratio in [0.8, 1.25] and |eo difference| <= 0.1, whole interval.
    failures, off = 0, 0
    groups = {}
    names = [("gender", ["female", "male"]), ("age_band", ["18-24", "25-39", "40-54", "55+"]),
             ("gender|age_band", [f"{a}|{b}" for a in ["female", "male"]
                                  for b in ["18-24", "25-39", "40-54", "55+"]])]
    for k, (name, values) in enumerate(names):
        G = len(values)
        for g in range(G):
            mi = off + g * 7
            groups[f"{name}={values[g]}"] = {
                "selection_rate": point[mi + 1], "tpr": point[mi + 2], "auc": point[mi + 5],
                "ece": point[mi + 6], "ci_selection_rate": [lo[mi + 1], hi[mi + 1]]}
            if g == refs[k]:
                continue
            vi = off + G * 7 + g * 8
            if not (0.8 <= lo[vi + 1] and hi[vi + 1] <= 1.25 and 0.8 <= point[vi + 1] <= 1.25):
                failures += 1
            if not (abs(point[vi + 2]) <= 0.1 and -0.1 <= lo[vi + 2] and hi[vi + 2] <= 0.1):
                failures += 1
        bi = off + G * 15
        groups[f"{name}:demographic_parity_ratio_between_groups"] = {
            "value": point[bi + 1], "ci": [lo[bi + 1], hi[bi + 1]]}
        off += G * 15 + 10
    t1 = time.perf_counter()
    print(json.dumps({"seconds": t1 - t0, "rows": len(y), "resamples": args.resamples,
                      "threshold": audit.threshold, "failures": failures, "groups": groups}))


if __name__ == "__main__":
    main()
