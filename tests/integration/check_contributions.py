"""Checks candor's stored contributions against XGBoost's own pred_contribs.

  check_contributions.py EXPORT_DIR FEATURES_CSV SCORES_NDJSON

EXPORT_DIR is `candor models export V --out DIR`, FEATURES_CSV is `candor features
--model V --out FILE` at the scoring time, SCORES_NDJSON is `candor score --model
V --explain --format ndjson` at the same time. Every row's contributions must
equal XGBoost's (tree-path-dependent TreeSHAP, pred_contribs=True) within 1e-5,
and the margins XGBoost's output_margin. Run with /usr/bin/python3 (Debian's
python3-xgboost 1.7.4, numpy, pandas).
"""
import json
import sys

import numpy as np
import pandas as pd
import xgboost as xgb

export, features_csv, scores_ndjson = sys.argv[1:4]
booster = xgb.Booster()
booster.load_model(f"{export}/booster.json")
names = booster.feature_names
types = booster.feature_types
frame = pd.read_csv(features_csv, dtype={"subject_id": str})
x = frame[names].to_numpy(dtype=np.float32)
# Categorical codes go in as they are; the booster knows the column types.
dm = xgb.DMatrix(x, feature_names=names, feature_types=types, enable_categorical=True,
                 missing=np.nan)
contribs = booster.predict(dm, pred_contribs=True)
margins = booster.predict(xgb.DMatrix(x, feature_names=names, feature_types=types,
                                      enable_categorical=True, missing=np.nan),
                          output_margin=True)
by_subject = {s: i for i, s in enumerate(frame["subject_id"])}
worst = 0.0
worst_margin = 0.0
rows = 0
with open(scores_ndjson) as f:
    for line in f:
        s = json.loads(line)
        i = by_subject[s["subject"]]
        ours = np.array([s["contributions"][n] for n in names] + [s["contributions"]["bias"]])
        worst = max(worst, float(np.max(np.abs(ours - contribs[i]))))
        worst_margin = max(worst_margin, abs(s["margin"] - float(margins[i])))
        rows += 1
if rows != len(frame):
    sys.exit(f"{rows} scores but {len(frame)} feature rows")
print(f"max |contribution difference| {worst:.3g}, max |margin difference| {worst_margin:.3g}")
if worst > 1e-5 or worst_margin > 1e-5:
    sys.exit("contributions differ from XGBoost's pred_contribs by more than 1e-5")
print(f"{rows} rows agree with XGBoost's pred_contribs within 1e-5")
