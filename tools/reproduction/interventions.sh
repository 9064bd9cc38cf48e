#!/usr/bin/env bash
# The causal check on neurons (issue 15, part 2): does the published reduced model of v1 (C2) predict how the
# detailed cell's response changes under interventions on its synaptic input?
#   bash tools/reproduction/interventions.sh            (after npm run build; WORK=/tmp/occam-interventions by default)
# 1. tools/neuron-sim reruns trials 0..TRIALS-1 of the bundled v1/C2 data (seed 1, chunks of 50, so the trial ids
#    match data/neuron/v1-C2's) under each intervention in results/interventions/interventions.json; the
#    unintervened trials are the bundled ones (--interventions-only). Complete chunks are skipped on a rerun.
# 2. occam neuron import reads each intervened folder; 3. occam neuron reduce fits the published model on the
#    bundled 1000 trials; 4. occam intervene predicts every change and sets it beside the simulated one.
# Writes results/interventions/v1-C2.json (the result) and results/interventions/v1-C2.txt (the summary, timings).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
WORK="${WORK:-/tmp/occam-interventions}"
TRIALS="${TRIALS:-150}"
JOBS="${JOBS:-2}"
list=results/interventions/interventions.json
occam() { node apps/cli/dist/main.js "$@"; }
mkdir -p "$WORK" results/interventions
log="$WORK/timings.txt"
: > "$log"
stamp() { echo "$1: $(( $(date +%s) - $2 )) s" | tee -a "$log"; }

t=$(date +%s)
/usr/bin/python3 tools/neuron-sim/simulate.py --variant v1 --condition C2 --trials "$TRIALS" --chunk-size 50 --tstop 350 \
  --seed 1 --jobs "$JOBS" --no-traces --interventions "$list" --interventions-only --out "$WORK/sim" 2>&1 | tee "$WORK/neuron-sim.log"
ran=$(sed -n 's/.*: \([0-9]*\) chunk(s) \/ \([0-9]*\) trial(s) to run.*/\2/p' "$WORK/neuron-sim.log")
stamp "neuron-sim, 4 interventions x $TRIALS trials, $JOBS jobs (${ran:-?} trials simulated now, the rest reused)" "$t"

declare -A folder=(
  ["no inhibition"]=C2_no-inhibition
  ["no distal excitation"]=C2_no-distal-excitation
  ["excitation 3 ms later"]=C2_excitation-3-ms-later
  ["inhibition halved"]=C2_inhibition-halved
)
simulated=()
t=$(date +%s)
for name in "no inhibition" "no distal excitation" "excitation 3 ms later" "inhibition halved"; do
  f="${folder[$name]}"
  [ -f "$WORK/ds-$f/manifest.json" ] || occam neuron import --isf "$WORK/sim/v1/$f" --t-end 350 --compress --out "$WORK/ds-$f" --quiet
  simulated+=(--simulated "$name=$WORK/ds-$f")
done
stamp "occam neuron import x 4" "$t"

t=$(date +%s)
reused=" (reused)"
[ -f "$WORK/v1.model.json" ] || { occam neuron reduce --data data/neuron/v1-C2 --out "$WORK/v1.model.json" --quiet; reused=""; }
stamp "occam neuron reduce (v1-C2, 1000 trials)$reused" "$t"

t=$(date +%s)
occam intervene --model "$WORK/v1.model.json" --data data/neuron/v1-C2 --interventions "$list" "${simulated[@]}" \
  --out results/interventions/v1-C2.json > "$WORK/summary.txt"
stamp "occam intervene (20 forward samples, 1000 resamples)" "$t"

{
  echo "# bash tools/reproduction/interventions.sh  (TRIALS=$TRIALS JOBS=$JOBS, $(date -u +%Y-%m-%dT%H:%MZ))"
  cat "$WORK/summary.txt"
  echo
  echo "timings on this machine (2 shared cores):"
  cat "$log"
} > results/interventions/v1-C2.txt
cat results/interventions/v1-C2.txt
