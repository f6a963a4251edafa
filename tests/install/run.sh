#!/usr/bin/env bash
# Installs the build into a temporary prefix, builds tests/install against it, runs it.
set -euo pipefail
build_dir=$1
source_dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
test -x "$work/prefix/bin/dadeum"
"$work/prefix/bin/dadeum" --version
cmake -S "$source_dir" -B "$work/smoke" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_RPATH="$work/prefix/lib" >/dev/null
cmake --build "$work/smoke" >/dev/null
LD_LIBRARY_PATH="$work/prefix/lib:${LD_LIBRARY_PATH:-}" "$work/smoke/smoke" | grep -q '"messages":'
echo "find_package(dadeum) works"
