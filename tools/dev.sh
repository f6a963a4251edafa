#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine:
#   tools/dev.sh run    install what is missing, build, run the main job (prep) on the seed set
#   tools/dev.sh test   install what is missing, build, run the whole test suite
#   tools/dev.sh test --sanitize   the same under AddressSanitizer + UBSan (build-asan/)
#   tools/dev.sh build  install what is missing and build (build/)
set -euo pipefail
cd "$(dirname "$0")/.."

command=${1:-run}
shift || true
sanitize=OFF
[[ "${1:-}" == "--sanitize" ]] && sanitize=ON
build_dir=build
[[ $sanitize == ON ]] && build_dir=build-asan

build() {
  ./tools/setup.sh
  local type=Release
  [[ $sanitize == ON ]] && type=RelWithDebInfo
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=$type -DDADEUM_SANITIZE=$sanitize >/dev/null
  cmake --build "$build_dir" --parallel "$(nproc)"
}

case "$command" in
  build)
    build
    ;;
  run)
    build
    out=out/seed
    "$build_dir/tools/dadeum" prep seeds/ko-instruct-400.jsonl -o "$out" --force \
      --val-size 40 --stratify-by category --seed 42
    echo "dadeum: outputs and manifest.json in $out/"
    ;;
  test)
    build
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
    ctest --test-dir "$build_dir" --output-on-failure --parallel "$(nproc)" --timeout 600
    # Short libFuzzer runs of tests/fuzz (build-fuzz/, clang only), each target on its corpus:
    # opt-in (DADEUM_FUZZ_SECONDS=25) because the extra clang build doubles the CI time. The
    # checked-in corpora are replayed by ctest (fuzz_replay_*) on every run.
    if [[ $sanitize == OFF && -n "${DADEUM_FUZZ_SECONDS:-}" ]] && command -v clang++ >/dev/null; then
      ./tools/fuzz.sh all "$DADEUM_FUZZ_SECONDS"
    fi
    ;;
  *)
    echo "usage: tools/dev.sh run|test [--sanitize]|build" >&2
    exit 2
    ;;
esac
