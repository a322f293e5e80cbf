#!/usr/bin/python3
"""Checks that the peers of bench/run features computed the same feature matrix
as candor; exits 1, naming the first differences, when they did not.

  /usr/bin/python3 bench/features/compare.py CANDOR.csv PEER.csv [PEER.csv ...]

candor's matrix has subject_id (a pseudonym) and integer codes for categorical
values (the values sorted bytewise, codes 0, 1, ...); the peers' have
contact_id and the values as text. Rows cannot be joined, so the check is on
the whole matrix as a multiset of rows: each peer's categorical values are
coded the way candor codes them, every value is rounded to float32 (as
candor's matrix holds them), and the rows of both, sorted, must be identical,
missing values included. A summary per column (sum, missing) is printed too.
"""
import argparse
import sys

import numpy as np
import pandas as pd

CATEGORICAL = ["seniority", "department", "industry"]
MISSING = np.float32(-3.0e38)  # below every value of the matrix; NaN does not sort


def load_candor(path):
    m = pd.read_csv(path, dtype={"subject_id": str}).drop(columns=["subject_id"])
    return m.astype(np.float64).astype(np.float32)


def load_peer(path, categorical):
    m = pd.read_csv(path, dtype={c: str for c in categorical}, keep_default_na=False,
                    na_values=[""])
    m = m.drop(columns=["contact_id"])
    for c in categorical:
        values = sorted(m[c].dropna().unique(), key=lambda v: v.encode("utf-8"))
        codes = {v: float(i) for i, v in enumerate(values)}
        m[c] = m[c].map(codes)
    return m.astype(np.float64).astype(np.float32)


def summary(m):
    return pd.DataFrame({"sum": m.astype(np.float64).sum(), "missing": m.isna().sum()})


def compare(name, candor, peer):
    problems = []
    if list(peer.columns) != list(candor.columns):
        return [f"columns differ: {list(peer.columns)} vs candor {list(candor.columns)}"]
    if len(peer) != len(candor):
        problems.append(f"{len(peer)} rows, candor {len(candor)}")
    a, b = summary(candor), summary(peer)
    for c in candor.columns:
        if a.loc[c, "missing"] != b.loc[c, "missing"] or not np.isclose(
                a.loc[c, "sum"], b.loc[c, "sum"], rtol=1e-9, atol=0):
            problems.append(f"column {c}: sum {b.loc[c, 'sum']:.6f}, missing {b.loc[c, 'missing']}; "
                            f"candor sum {a.loc[c, 'sum']:.6f}, missing {a.loc[c, 'missing']}")
    if problems:
        return problems
    # The multiset of whole rows: sort both lexicographically and compare exactly.
    x = candor.fillna(MISSING).to_numpy()
    y = peer.fillna(MISSING).to_numpy()
    x = x[np.lexsort(x.T[::-1])]
    y = y[np.lexsort(y.T[::-1])]
    diff = np.flatnonzero((x != y).any(axis=1))
    if diff.size:
        r = diff[0]
        problems.append(f"{diff.size} of {len(x)} sorted rows differ; first at {r}: "
                        f"{name} {y[r].tolist()} vs candor {x[r].tolist()}")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("candor")
    ap.add_argument("peers", nargs="+")
    a = ap.parse_args()
    candor = load_candor(a.candor)
    print(f"candor: {len(candor)} rows x {len(candor.columns)} features")
    print(summary(candor).to_string(float_format=lambda v: f"{v:.4f}"))
    failed = False
    for path in a.peers:
        problems = compare(path, candor, load_peer(path, CATEGORICAL))
        if problems:
            failed = True
            print(f"MISMATCH: {path} differs from candor's matrix:", file=sys.stderr)
            for p in problems:
                print(f"  {p}", file=sys.stderr)
        else:
            print(f"same matrix: {path} (all {len(candor)} rows identical as a multiset)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
