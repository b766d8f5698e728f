#!/usr/bin/env bash
# Rebuild argon2-cffi-bindings (libargon2) with AVX2; `make setup` runs it.
# PyPI's wheel is built for any x86-64, so libargon2's rounds use SSE2 only. Built for x86-64-v3
# (AVX2, every x86-64 CPU since 2013-2015) a password check costs about a third less CPU for the
# same hash (docs/BENCHMARKS.md, tenth round); not -march=native, so that a virtualenv copied to
# another AVX2 machine still runs. The build is checked against RFC 9106's Argon2id test vector
# before it is kept. On another architecture, a CPU without AVX2, without a C compiler, or when the
# build or its check fails, PyPI's wheel is what is installed, and sign-ins only cost more.
#   usage: scripts/build-argon2.sh <virtualenv> <constraints file>
# The outcome is one line, also kept in <virtualenv>/argon2-build.txt (its tests compare it with
# what is installed).
set -uo pipefail
venv=$1
constraints=$2
record="$venv/argon2-build.txt"
log="$venv/argon2-build.log"
BUILT="argon2: built for x86-64-v3 (AVX2)"
say() { echo "$*" | tee "$record"; }
# The instruction sets x86-64-v3 assumes, as /proc/cpuinfo names them.
V3_FLAGS="avx avx2 bmi1 bmi2 f16c fma abm movbe xsave"

# PyPI's wheel, in place of any build an earlier setup left, so that the record says what is installed.
wheel() {
  "$venv/bin/pip" install --no-deps --force-reinstall --only-binary argon2-cffi-bindings -c "$constraints" \
    argon2-cffi-bindings >>"$log" 2>&1
  say "argon2: PyPI's wheel kept: $1"
}

: >"$log"
if [ "$(uname -m)" != x86_64 ]; then
  wheel "libargon2 has vector code for x86-64 only, this is $(uname -m)"
  exit 0
fi
cpu_flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
for flag in $V3_FLAGS; do
  case "$cpu_flags" in
    *" $flag "*) ;;
    *) wheel "this CPU has no $flag (x86-64-v3 needs it)"; exit 0 ;;
  esac
done
read -r compiler _ <<<"${CC:-cc}"
if ! command -v "$compiler" >/dev/null 2>&1; then
  wheel "no C compiler ($compiler) to build it"
  exit 0
fi
# --no-cache-dir: a wheel pip cached from another build (other flags) is never reused; the build's
# own tools are pinned in the constraints file too (--build-constraint).
if ! CFLAGS="-O3 -march=x86-64-v3" "$venv/bin/pip" install --no-deps --force-reinstall --no-cache-dir \
    --no-binary argon2-cffi-bindings -c "$constraints" --build-constraint "$constraints" \
    argon2-cffi-bindings >>"$log" 2>&1; then
  wheel "the build failed (see $log)"
  exit 0
fi
if ! "$venv/bin/python" "$(dirname "$0")/check_argon2.py" >>"$log" 2>&1; then
  wheel "the build did not compute RFC 9106's test vector (see $log)"
  exit 0
fi
say "$BUILT"
