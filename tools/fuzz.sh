#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz on their checked-in corpus.
#   tools/fuzz.sh TARGET SECONDS [libFuzzer flags...]   TARGET: reader normalize pii json_roundtrip
#   tools/fuzz.sh all SECONDS [libFuzzer flags...]      every target, FUZZ_PARALLEL at a time
# Builds the targets in build-asan/ (clang++, -DDADEUM_FUZZ=ON: libFuzzer + ASan + UBSan, library
# included; the same build runs the ASan+UBSan suite, `tools/dev.sh build --sanitize`) when
# needed. Each run works on a temporary copy of tests/fuzz/corpus/TARGET, so the corpus in the
# repository stays small; a crash is kept in build-asan/artifacts/TARGET/ and the script exits 1
# (add the input to the corpus and a regression test once understood).
# Environment: DADEUM_JOBS (build parallelism, default nproc), FUZZ_PARALLEL (targets run at
# once, default nproc: each libFuzzer process uses one core), FUZZ_KEEP=DIR (keep each grown
# working corpus in DIR/TARGET).
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(reader normalize pii json_roundtrip)
if (( $# < 2 )) || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: tools/fuzz.sh all|reader|normalize|pii|json_roundtrip SECONDS [libFuzzer flags...]" >&2
  exit 2
fi
which=$1
seconds=$2
shift 2
if [[ $which == all ]]; then
  targets=("${all_targets[@]}")
elif [[ " ${all_targets[*]} " == *" $which "* ]]; then
  targets=("$which")
else
  echo "tools/fuzz.sh: unknown target '$which' (${all_targets[*]} or all)" >&2
  exit 2
fi
if ! command -v clang++ >/dev/null; then
  echo "tools/fuzz.sh: clang++ is needed (apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi

build_dir=build-asan
work=$(mktemp -d "${TMPDIR:-/tmp}/dadeum-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
if ! ./tools/dev.sh build --sanitize "${targets[@]/#/fuzz_}" >"$work/build.log" 2>&1; then
  grep -E -B2 -A8 'error|FAILED' "$work/build.log" | head -60 >&2
  cp "$work/build.log" fuzz-build.log
  echo "tools/fuzz.sh: building the fuzz targets failed (log: fuzz-build.log)" >&2
  exit 2
fi
cp "$work/build.log" "$build_dir/fuzz-build.log"

# fuzz_one TARGET: one run; its summary line goes to $work/TARGET.summary, exit status 1 on a crash.
fuzz_one() {
  local target=$1
  local corpus=$work/corpus/$target
  local artifacts=$PWD/$build_dir/artifacts/$target
  mkdir -p "$corpus" "$artifacts" "$work/tmp/$target"
  cp tests/fuzz/corpus/"$target"/* "$corpus"/
  local log=$work/$target.log start=$SECONDS status=0
  # -timeout: one input taking longer is a hang; -rss_limit_mb: a leak or a blow-up is a crash.
  TMPDIR=$work/tmp/$target "$build_dir/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=8192 -timeout=20 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" "${flags[@]}" "$corpus" >"$log" 2>&1 || status=$?
  local elapsed=$((SECONDS - start))
  local runs speed cov
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  if (( status == 0 )); then
    echo "fuzz_$target: clean, ${runs:-?} executions in ${elapsed}s (${speed:-?}/s), ${cov:-cov: ?}, corpus $(ls "$corpus" | wc -l) inputs" >"$work/$target.summary"
  else
    {
      echo "fuzz_$target: FAILED (exit $status) after ${runs:-?} executions in ${elapsed}s; input kept in $artifacts/"
      grep -E -A12 'property violated|ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer)|runtime error' "$log" | head -40 || tail -30 "$log"
    } >"$work/$target.summary"
  fi
  if [[ -n ${FUZZ_KEEP:-} ]]; then
    mkdir -p "$FUZZ_KEEP/$target" && cp "$corpus"/* "$FUZZ_KEEP/$target"/
  fi
  return $(( status != 0 ))
}

flags=("$@")
parallel=${FUZZ_PARALLEL:-$(nproc)}
pids=()
for target in "${targets[@]}"; do
  while (( $(jobs -rp | wc -l) >= parallel )); do wait -n || true; done
  fuzz_one "$target" &
  pids+=($!)
done
failed=0
for idx in "${!targets[@]}"; do
  wait "${pids[$idx]}" || failed=1
  if grep -q FAILED "$work/${targets[$idx]}.summary"; then cat "$work/${targets[$idx]}.summary" >&2; else cat "$work/${targets[$idx]}.summary"; fi
done
exit $failed
