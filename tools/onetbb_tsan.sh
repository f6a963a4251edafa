#!/usr/bin/env bash
# Builds oneTBB with ThreadSanitizer for the TSan step of tools/dev.sh (build-tsan/).
#   tools/onetbb_tsan.sh DIR      prints the TBB_DIR to configure dadeum with
# Debian's libtbb.so.12 is not built with -fsanitize=thread, so TSan cannot see oneTBB hand a
# pipeline token or a task from one thread to the next and reports every such hand-off as a
# race in dadeum. This builds the same library from Debian's own source package (the version
# of the installed libtbb-dev, fetched with `apt-get source`) with oneTBB's TBB_SANITIZE=thread,
# into DIR/install; dadeum's TSan build links it instead of the system one. About 25 s on
# 2 cores; reused when DIR/install is there for the same version.
set -euo pipefail
dir=${1:?usage: tools/onetbb_tsan.sh DIR}
mkdir -p "$dir"
dir=$(realpath "$dir")
version=$(dpkg-query -W -f='${Version}' libtbb-dev)
config=$dir/install/lib/cmake/TBB
if [[ -f $dir/install/version && $(cat "$dir/install/version") == "$version" && -d $config ]]; then
  echo "$config"
  exit 0
fi
rm -rf "$dir/src" "$dir/build" "$dir/install"
mkdir -p "$dir/src"
# apt-get source needs the deb-src lines tools/setup.sh --tsan adds.
(cd "$dir/src" && apt-get source -qq "onetbb=$version" >/dev/null 2>"$dir/src/apt.log") || {
  echo "onetbb_tsan: apt-get source onetbb=$version failed (see $dir/src/apt.log)" >&2
  exit 1
}
source_dir=$(find "$dir/src" -mindepth 1 -maxdepth 1 -type d -name 'onetbb-*' | head -1)
CC=clang CXX=clang++ cmake -S "$source_dir" -B "$dir/build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTBB_SANITIZE=thread -DTBB_STRICT=OFF \
  -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBBMALLOC_BUILD=OFF \
  -DCMAKE_INSTALL_PREFIX="$dir/install" >"$dir/build.log" 2>&1
cmake --build "$dir/build" --parallel "${DADEUM_JOBS:-$(nproc)}" >>"$dir/build.log" 2>&1
cmake --install "$dir/build" >>"$dir/build.log" 2>&1
echo "$version" >"$dir/install/version"
echo "$config"
