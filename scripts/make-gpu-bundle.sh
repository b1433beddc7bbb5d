#!/usr/bin/env bash
# Writes dist/javelin-gpu-bundle.tar.gz: a jlinked Java runtime plus the jars of the GPU check, for a
# GPU machine that has neither a JDK nor Maven. Run by `mvn -Pbundle package` (module gpu-bundle) as
#   make-gpu-bundle.sh JAVA_HOME JAR_DIR DIST_DIR
# Layout inside the tarball:
#   javelin-gpu-bundle/jdk/bin/java   the runtime (modules chosen by jdeps, plus the service providers)
#   javelin-gpu-bundle/lib/*.jar      CLI, models, test jars, JUnit console launcher, JCuda
#   javelin-gpu-bundle/BUNDLE.txt     commit, date, modules and jars, for the GPU log
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 JAVA_HOME JAR_DIR DIST_DIR" >&2
  exit 2
fi
java_home=$1
jar_dir=$2
dist=$3
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The carry limit of the GPU machine is 64 MiB; 45 MB leaves room for whatever travels with it.
target_bytes=45000000
limit_bytes=$((64 * 1024 * 1024))

for tool in jlink jdeps; do
  if [ ! -x "$java_home/bin/$tool" ]; then
    echo "make-gpu-bundle: $java_home/bin/$tool is missing; build with a full JDK 25 (JAVA_HOME)." >&2
    exit 1
  fi
done
shopt -s nullglob
jars=("$jar_dir"/*.jar)
if [ ${#jars[@]} -eq 0 ]; then
  echo "make-gpu-bundle: no jars in $jar_dir (did copy-dependencies run?)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/javelin-gpu-bundle
mkdir -p "$stage/lib"
cp "${jars[@]}" "$stage/lib/"

# JCuda's natives jar carries libJNvPTXCompiler (24 MB, 9 MB packed), the binding of a PTX compiler
# library Javelin never calls (kernels go through NVRTC and the driver); it stays out of the bundle.
for natives in "$stage"/lib/jcuda-natives-*.jar; do
  if command -v zip >/dev/null 2>&1; then
    zip -q -d "$natives" 'lib/libJNvPTXCompiler-*' || echo "make-gpu-bundle: note: no libJNvPTXCompiler in $natives"
  else
    echo "make-gpu-bundle: note: zip is missing, so $natives keeps libJNvPTXCompiler (9 MB more)" >&2
  fi
done

# The modules the classes use, as jdeps sees them (missing optional classes, such as JMH's in the
# test jars, are ignored) ...
# All jars are inputs, so they resolve each other; the answer is the line of module names.
found=$("$java_home/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 25 "$stage"/lib/*.jar |
  grep -E '^[a-z0-9.,]+$' | tail -n 1)
if [ -z "$found" ]; then
  echo "make-gpu-bundle: jdeps printed no module list for the jars in $jar_dir" >&2
  exit 1
fi
# ... plus what jdeps cannot see: the CPU backend compiles generated Java through javax.tools, whose
# implementation (jdk.compiler) is a service; the Vector API is added on the command line; zip file
# systems (jdk.zipfs) are a service too.
modules=$(echo "$found,jdk.compiler,jdk.incubator.vector,jdk.zipfs" | tr , '\n' | sort -u | paste -sd, -)
echo "make-gpu-bundle: jlink modules $modules"
# Uncompressed modules, because gzip over the whole image packs smaller (26 MB) than jlink's zip-9
# under gzip (31 MB). ct.sym (javac --release data, 10 MB) goes: Javelin's javac calls use no --release.
"$java_home/bin/jlink" --add-modules "$modules" --output "$stage/jdk" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-0 --exclude-files='**ct.sym'
"$stage/jdk/bin/java" -version >/dev/null 2>&1 || {
  echo "make-gpu-bundle: the jlinked runtime does not start: $stage/jdk/bin/java -version" >&2
  exit 1
}

{
  echo "Javelin GPU bundle"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)$(
    git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "java: $("$stage/jdk/bin/java" -version 2>&1 | head -n 1)"
  echo "modules: $modules"
  echo "jars:"
  (cd "$stage/lib" && ls -1)
} >"$stage/BUNDLE.txt"

mkdir -p "$dist"
out=$dist/javelin-gpu-bundle.tar.gz
tar -C "$work" -czf "$out.tmp" javelin-gpu-bundle
mv -f "$out.tmp" "$out"
size=$(stat -c %s "$out")
printf 'make-gpu-bundle: wrote %s, %d bytes (%.1f MB; target %d MB, carry limit %d MiB)\n' \
  "$out" "$size" "$(awk -v b="$size" 'BEGIN { print b / 1000000 }')" $((target_bytes / 1000000)) $((limit_bytes / 1048576))
if [ "$size" -gt "$limit_bytes" ]; then
  echo "make-gpu-bundle: the bundle is over the 64 MiB carry limit and cannot travel to the GPU machine." >&2
  exit 1
fi
if [ "$size" -gt "$target_bytes" ]; then
  echo "make-gpu-bundle: warning: over the 45 MB target; see which jars grew in BUNDLE.txt." >&2
fi

# The MNIST digits (scripts/fetch-mnist's cache), packed beside the bundle when present, so the GPU
# check can train on real data without a network (2.4 MB).
mnist=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.cache/mnist
if [ -f "$mnist/package/src/digits/9.json" ]; then
  tar -C "$mnist" -czf "$dist/mnist-digits.tar.gz.tmp" package/src/digits package/package.json
  mv -f "$dist/mnist-digits.tar.gz.tmp" "$dist/mnist-digits.tar.gz"
  echo "make-gpu-bundle: wrote $dist/mnist-digits.tar.gz ($(stat -c %s "$dist/mnist-digits.tar.gz") bytes)"
else
  echo "make-gpu-bundle: no MNIST cache (scripts/fetch-mnist); the GPU check will skip its training step"
fi
