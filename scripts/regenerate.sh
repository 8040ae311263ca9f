#!/usr/bin/env bash
# Rebuild everything derived from the shipped checkpoints, in the order each step needs the last:
#   1. each checkpoint's reading length, chosen on its validation reviews, and its test predictions,
#      report.json and card at that length (sentiment read-length --save);
#   2. the robustness reports (they read the predictions), then their attribution pass (explain.push);
#   3. the model cards (the CAD card's trade-off reads both robustness reports), the error study's file.
# Needs the dataset (../shared/data); about 1 h 45 min on a 2-core CPU. Run from the repository root:
#   bash scripts/regenerate.sh            # everything
#   bash scripts/regenerate.sh --derived  # steps 2 and 3 only (the reading lengths kept)
set -euo pipefail
PYTHON=${PYTHON:-python}
CK=checkpoints
if [[ "${1:-}" != "--derived" ]]; then
  $PYTHON -m sentiment read-length --checkpoint $CK/minilm-imdb-25k --data official --save
  $PYTHON -m sentiment read-length --checkpoint $CK/minilm-imdb-8k --data official --size 8500 --save
  $PYTHON -m sentiment read-length --checkpoint $CK/minilm-imdb-cad --data cad --save
fi
for name in minilm-imdb-25k minilm-imdb-8k minilm-imdb-cad; do
  $PYTHON -m sentiment robustness --checkpoint $CK/$name --save > /dev/null
done
for name in minilm-imdb-25k minilm-imdb-8k minilm-imdb-cad; do
  $PYTHON -m explain.push --checkpoint $CK/$name --save
done
$PYTHON -m sentiment card $CK/minilm-imdb-25k $CK/minilm-imdb-8k $CK/minilm-imdb-cad $CK/tfidf-baseline
$PYTHON -m sentiment study
$PYTHON -m sentiment robustness-table $CK/minilm-imdb-25k $CK/minilm-imdb-8k $CK/minilm-imdb-cad
