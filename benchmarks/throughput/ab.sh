#!/usr/bin/env bash
# Paired A/B of the whole job: the same corpus through an older checkout and this one, alternated.
#
#   benchmarks/throughput/ab.sh OLD_SRC CORPUS_DIR [ROUNDS]
#
# OLD_SRC is the src/ folder of the older version (e.g. from `git worktree add /tmp/old REV`);
# both sides run with this checkout's .venv. Prints the wall time of each run; the manifests
# under /tmp/ab-out-{old,new} hold the time per stage.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
old_src=$1 corpus=$2 rounds=${3:-3}
for r in $(seq "$rounds"); do
  for side in old new; do
    src=$old_src
    [ "$side" = new ] && src=$ROOT/src
    rm -rf "/tmp/ab-out-$side"
    start=$(date +%s.%N)
    PYTHONPATH=$src "$ROOT/.venv/bin/python" -m normnews run "$corpus" --out "/tmp/ab-out-$side" \
      --run-date 2026-01-01 --log-format json >/dev/null 2>&1
    end=$(date +%s.%N)
    echo "$side round $r: $(echo "$end - $start" | bc) s"
  done
done
