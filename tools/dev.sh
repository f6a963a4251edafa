#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine:
#   tools/dev.sh run     install what is missing, build, run the main job (prep) on the seed set
#   tools/dev.sh test    install what is missing, build, run every check CI runs, in this order:
#     1. the whole suite, Release, g++                                   (build/)
#     2. the whole suite under ASan + UBSan, clang; the same build holds (build-asan/)
#        the libFuzzer targets
#     3. the threaded tests under ThreadSanitizer, clang, linked with a  (build-tsan/)
#        oneTBB built with TSan from Debian's source package          (build-onetbb-tsan/)
#     4. each fuzz target for DADEUM_FUZZ_SECONDS (default 30, 0 skips), two at a time
#   tools/dev.sh test --quick      only step 1 (the fast suite, for everyday work)
#   tools/dev.sh test --sanitize   only step 2      tools/dev.sh test --tsan   only step 3
#   tools/dev.sh test --fuzz       only step 4
#   tools/dev.sh build [--sanitize|--tsan] [TARGET...]   install what is missing and build
# Each build directory is reused when it exists (CI starts from a clean clone, so nothing is
# cached between runs). DADEUM_JOBS sets the build and ctest parallelism (default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

command=${1:-run}
shift || true
mode=all
[[ $command != test ]] && mode=release
case "${1:-}" in
  --quick) mode=release; shift ;;
  --sanitize) mode=asan; shift ;;
  --tsan) mode=tsan; shift ;;
  --fuzz) mode=fuzz; shift ;;
  -*) echo "tools/dev.sh: unknown option '$1'" >&2; exit 2 ;;
esac
jobs=${DADEUM_JOBS:-$(nproc)}

setup_done=0
setup() {
  (( setup_done )) || ./tools/setup.sh
  setup_done=1
}

# configure_and_build DIR "CMAKE ARGS" [TARGET...]: (re)configures DIR when its arguments
# changed (a different compiler needs a fresh directory), then builds the targets (all if none).
configure_and_build() {
  local dir=$1 args=$2
  shift 2
  setup
  local stamp=$dir/.dadeum-args
  if [[ ! -f $dir/build.ninja || "$(cat "$stamp" 2>/dev/null)" != "$args" ]]; then
    # Other arguments (or none recorded: a directory made by an older dev.sh) may mean another
    # compiler, which cmake cannot change in place: start the directory afresh.
    rm -rf "$dir"
    # shellcheck disable=SC2086
    cmake -S . -B "$dir" -G Ninja $args >/dev/null
    echo "$args" >"$stamp"
  fi
  local targets=()
  (( $# )) && targets=(--target "$@")
  cmake --build "$dir" --parallel "$jobs" "${targets[@]}"
}

release_args="-DCMAKE_BUILD_TYPE=Release"
# clang for both sanitizer builds: libFuzzer needs it, and it compiles this code faster than g++.
# The default linker (ld.bfd): with lld the library crashes at load, in the instrumented ifunc
# resolver of target_clones (src/minhash.cpp) called before its PLT is relocated.
clang_args="-DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Sanitize"
asan_args="$clang_args -DDADEUM_FUZZ=ON"
tsan_args="$clang_args -DDADEUM_TSAN=ON"

build_release() { configure_and_build build "$release_args" "$@"; }
build_asan() { configure_and_build build-asan "$asan_args" "$@"; }
build_tsan() {
  setup
  ./tools/setup.sh --tsan
  local tbb_dir
  tbb_dir=$(./tools/onetbb_tsan.sh build-onetbb-tsan)
  configure_and_build build-tsan "$tsan_args -DTBB_DIR=$tbb_dir" "$@"
}

run_ctest() {
  ctest --test-dir "$1" --output-on-failure --parallel "$jobs" --timeout 900 "${@:2}"
}

# Step timings, printed at the end of `test` (docs/limits.md, "CI", keeps measured figures).
# CPU seconds (user + system) of this script's finished children, from the `times` builtin,
# into cpu_now (run in this shell: a $(...) subshell has no children of its own).
times_file=$(mktemp)
trap 'rm -f "$times_file"' EXIT
cpu_now=0
read_cpu() {
  times >"$times_file"
  cpu_now=$(tail -1 "$times_file" | awk '{ total = 0; for (f = 1; f <= 2; ++f) { split($f, t, /[ms]/); total += t[1] * 60 + t[2] } printf "%d", total }')
}
timings=()
step() {
  local name=$1 start=$SECONDS cpu_start
  shift
  read_cpu
  cpu_start=$cpu_now
  echo "== dadeum test: $name (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  "$@"
  read_cpu
  timings+=("$name: $((SECONDS - start)) s wall, $((cpu_now - cpu_start)) s CPU")
}

test_release() {
  build_release
  run_ctest build
}
test_asan() {
  build_asan
  # detect_leaks: the suite must not leak; halt_on_error is the default for ASan, and UBSan
  # aborts through -fno-sanitize-recover.
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
    run_ctest build-asan
}
test_tsan() {
  build_tsan
  # halt_on_error: the first race fails its test. tools/tsan.supp may hold only reports from
  # oneTBB's own internals, each explained; it holds none today.
  TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1} suppressions=$PWD/tools/tsan.supp" \
    run_ctest build-tsan
}
test_fuzz() {
  local seconds=${DADEUM_FUZZ_SECONDS:-30}
  if (( seconds > 0 )); then
    setup
    ./tools/fuzz.sh all "$seconds"
  fi
}

case "$command" in
  build)
    case $mode in
      asan) build_asan "$@" ;;
      tsan) build_tsan "$@" ;;
      *) build_release "$@" ;;
    esac
    ;;
  run)
    build_release
    out=out/seed
    build/tools/dadeum prep seeds/ko-instruct-400.jsonl -o "$out" --force \
      --val-size 40 --stratify-by category --seed 42
    echo "dadeum: outputs and manifest.json in $out/"
    ;;
  test)
    total_start=$SECONDS
    case $mode in
      release) step "suite (Release, build/)" test_release ;;
      asan) step "suite under ASan+UBSan (build-asan/)" test_asan ;;
      tsan) step "threaded tests under TSan (build-tsan/)" test_tsan ;;
      fuzz) step "fuzz targets, ${DADEUM_FUZZ_SECONDS:-30} s each" test_fuzz ;;
      all)
        step "suite (Release, build/)" test_release
        step "suite under ASan+UBSan (build-asan/)" test_asan
        step "threaded tests under TSan (build-tsan/)" test_tsan
        step "fuzz targets, ${DADEUM_FUZZ_SECONDS:-30} s each" test_fuzz
        ;;
    esac
    read_cpu
    echo "== dadeum test: passed in $((SECONDS - total_start)) s wall, $cpu_now s CPU (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    printf '   %s\n' "${timings[@]}" >&2
    ;;
  *)
    echo "usage: tools/dev.sh run | test [--quick|--sanitize|--tsan|--fuzz] | build [--sanitize|--tsan] [TARGET...]" >&2
    exit 2
    ;;
esac
