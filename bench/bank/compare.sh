#!/usr/bin/env bash
# Bank Marketing: candor's test AUC vs plain XGBoost from Python on the same
# features and split. Acceptance: |difference| <= 0.01.
#
# Data: ../shared/data/bank-marketing/bank-full.csv (45,211 rows; sha256
# d1513ec63b385506f7cfce9f2c5caa9fe99e7ba4e8c3fa264b3aaf0f849ed32d), from
#   Moro, S., Rita, P., & Cortez, P. (2014). Bank Marketing. UCI Machine Learning
#   Repository. https://doi.org/10.24432/C5K306 (CC BY 4.0); S. Moro, P. Cortez,
#   P. Rita, "A Data-Driven Approach to Predict the Success of Bank
#   Telemarketing", Decision Support Systems 62:22-31, 2014.
#
# Flow: a workspace from examples/bank-marketing.candor.toml (flat import
# without `duration`; age only as a protected attribute), `candor train`, then
# candor's own training matrix (`features --training --model`) and its model
# export go to bench/bank/xgb_compare.py, which trains plain XGBoost on them with
# the same split and parameters and compares the test AUCs.
#
#   bench/bank/compare.sh                   (also: bench/run bank)
#   CANDOR_BENCH_BIN=PATH                   candor binary (default build/bench/candor)
#   CANDOR_BANK_DATA=PATH                   bank-full.csv (default ../shared/data/...)
# Writes bench/out/bank.md. Exit 1 when the AUCs differ by more than 0.01;
# exit 0 with "skipped" when the data are absent.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${CANDOR_BENCH_BIN:-build/bench/candor}
DATA=${CANDOR_BANK_DATA:-../shared/data/bank-marketing/bank-full.csv}
OUT=bench/out
AS_OF=2010-12-01

if [[ ! -f $DATA ]]; then
  echo "bank: skipped: $DATA is absent (the shared datasets, ../shared/data, are not on this machine)" >&2
  exit 0
fi
mkdir -p "$OUT"
ws="$OUT/bank-ws"
rm -rf "$ws" "$OUT/bank-export"
"$BIN" init "$ws" --config examples/bank-marketing.candor.toml >/dev/null
"$BIN" --workspace "$ws" ingest flat "$DATA" --mapping bank >&2
"$BIN" --workspace "$ws" --json train --target conversion --as-of "$AS_OF" >"$OUT/bank-train.json"
model=$(jq -r .model "$OUT/bank-train.json")
"$BIN" --workspace "$ws" features --training --model "$model" --as-of "$AS_OF" --out "$OUT/bank-train.csv" >&2
"$BIN" --workspace "$ws" models export "$model" --out "$OUT/bank-export" >&2
/usr/bin/python3 bench/bank/xgb_compare.py --matrix "$OUT/bank-train.csv" --model "$OUT/bank-export" \
  --metrics "$OUT/bank-train.json" --out "$OUT/bank.md"
