#!/usr/bin/python3
"""Plain XGBoost in Python on candor's own training matrix of the UCI Bank
Marketing data, with the same split and parameters; compares the test AUC with
the one candor reported. Run by bench/bank/compare.sh (see there for the data).

  /usr/bin/python3 bench/bank/xgb_compare.py --matrix train.csv --model DIR --metrics train.json

--matrix: `candor features --training --model M` (subject_id, snapshot, the
features, label, split); --model: `candor models export M` (model.json names
the categorical columns and their code tables; booster.json is candor's model);
--metrics: `candor --json train` output. Exits 1 when a candor test AUC (the
calibrated probability's, metrics.auc, or the margin's, metrics.auc_raw) is
more than --tolerance (0.01) from plain XGBoost's.
"""
import argparse
import json
import sys

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import roc_auc_score

# candor's [training] defaults (src/core/default_config.toml); the bank config keeps them.
PARAMS = {
    "tree_method": "hist",
    "objective": "binary:logistic",
    "eval_metric": "logloss",
    "max_depth": 6,
    "eta": 0.05,
    "nthread": 2,
    "seed": 0,
}
MAX_ROUNDS = 500
EARLY_STOPPING = 30


def load(matrix_csv, model_json):
    model = json.load(open(model_json))
    m = pd.read_csv(matrix_csv, dtype={"subject_id": str, "snapshot": str, "split": str})
    features = [f["name"] for f in model["features"]]
    X = m[features].copy()
    for f in model["features"]:
        if f["type"] == "categorical":
            # candor's values are codes into f["codes"]; categories 0..n-1 make the
            # pandas codes (what XGBoost reads) equal candor's. Missing stays missing.
            X[f["name"]] = pd.Categorical(X[f["name"]], categories=np.arange(len(f["codes"]), dtype=np.float64))
    return X, m["label"].to_numpy(), m["split"].to_numpy(), model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--matrix", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--metrics", required=True)
    ap.add_argument("--tolerance", type=float, default=0.01)
    ap.add_argument("--out", help="also write the result as a Markdown table here")
    a = ap.parse_args()

    X, y, split, model = load(f"{a.matrix}", f"{a.model}/model.json")
    candor = json.load(open(a.metrics))
    d = {s: xgb.DMatrix(X[split == s], label=y[split == s], enable_categorical=True)
         for s in ("train", "valid", "test")}
    bst = xgb.train(PARAMS, d["train"], num_boost_round=MAX_ROUNDS, evals=[(d["valid"], "valid")],
                    early_stopping_rounds=EARLY_STOPPING, verbose_eval=False)
    p = bst.predict(d["test"], iteration_range=(0, bst.best_iteration + 1))
    auc_xgb = roc_auc_score(y[split == "test"], p)

    # Cross-check: candor's exported booster on the same test rows gives candor's raw AUC.
    own = xgb.Booster(model_file=f"{a.model}/booster.json")
    auc_own = roc_auc_score(y[split == "test"], own.predict(d["test"], output_margin=True))

    auc, auc_raw = candor["metrics"]["auc"], candor["metrics"]["auc_raw"]
    rows = {s: int((split == s).sum()) for s in ("train", "valid", "test")}
    lines = [
        f"### Bank Marketing (bank-full.csv, {len(y)} rows: train {rows['train']}, "
        f"valid {rows['valid']}, test {rows['test']}; {len(X.columns)} features)",
        "",
        "| model | test AUC | best iteration |",
        "|---|---|---|",
        f"| candor train, calibrated probability (metrics.auc) | {auc:.6f} | {candor['best_iteration']} |",
        f"| candor train, margin (metrics.auc_raw) | {auc_raw:.6f} | {candor['best_iteration']} |",
        f"| plain XGBoost {xgb.__version__} (Python), same matrix, split, parameters | {auc_xgb:.6f} | {bst.best_iteration} |",
        "",
        f"Difference candor − XGBoost: {auc - auc_xgb:+.6f} (calibrated), {auc_raw - auc_xgb:+.6f} "
        f"(margin); tolerance ±{a.tolerance}. candor's exported booster scored in Python on the "
        f"same test rows: AUC {auc_own:.6f} (candor reported auc_raw {auc_raw:.6f}).",
    ]
    text = "\n".join(lines)
    print(text)
    if a.out:
        open(a.out, "w").write(text + "\n")
    failed = False
    if abs(auc_own - auc_raw) > 1e-6:
        print(f"bank: FAILED: candor's booster on train.csv's test rows gives AUC {auc_own:.6f}, "
              f"but candor reported auc_raw {auc_raw:.6f}: the matrix is not what it trained on",
              file=sys.stderr)
        failed = True
    for name, v in (("metrics.auc", auc), ("metrics.auc_raw", auc_raw)):
        if abs(v - auc_xgb) > a.tolerance:
            print(f"bank: FAILED: candor {name} {v:.4f} is {v - auc_xgb:+.4f} from plain XGBoost's "
                  f"{auc_xgb:.4f} (tolerance {a.tolerance})", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
