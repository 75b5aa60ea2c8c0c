#!/usr/bin/env bash
# Rebuilds the demo models shipped in public/demo/models from the demo rows, with the project's own CLI.
# Deterministic for the seed (the CLI's defaults: embedding dim 16, tower 400-400-400, min count 10, early
# stopping on the last 10% of train.tsv; see docs/results.md for the versions the shipped models came from). Also trains the logistic-regression baseline
# the README compares against (into /tmp, it is not shipped).
set -euo pipefail
cd "$(dirname "$0")/.."
data=public/demo/criteo
for kind in deepfm dcnv2; do
  node bin/ctr-studio.mjs train --model "$kind" --train "$data/train.tsv" --test "$data/test.tsv" --out "public/demo/models/$kind" --seed 42
done
node bin/ctr-studio.mjs train --model lr --train "$data/train.tsv" --test "$data/test.tsv" --out "${TMPDIR:-/tmp}/ctr-studio-demo-lr" --seed 42
