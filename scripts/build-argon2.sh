#!/usr/bin/env bash
# Rebuild argon2-cffi-bindings (libargon2) for this machine's CPU; `make setup` runs it.
# PyPI's wheel is built for any x86-64, so libargon2's rounds use SSE2 only. Built with
# -march=native they use AVX2 (AVX-512 where there is one): the same hash, with about a third less
# CPU a password check (docs/BENCHMARKS.md, tenth round). On another architecture, without a C
# compiler, or when the build fails, the wheel stays and sign-ins only cost more.
#   usage: scripts/build-argon2.sh <virtualenv> <constraints file>
# The outcome is one line, also kept in <virtualenv>/argon2-build.txt.
set -uo pipefail
venv=$1
constraints=$2
record="$venv/argon2-build.txt"
say() { echo "argon2: $*" | tee "$record"; }

if [ "$(uname -m)" != x86_64 ]; then
  say "PyPI's wheel kept: libargon2 has vector code for x86-64 only, this is $(uname -m)"
  exit 0
fi
if ! command -v "${CC:-cc}" >/dev/null 2>&1; then
  say "PyPI's wheel kept: no C compiler (${CC:-cc}) to build it for this CPU"
  exit 0
fi
# --no-cache-dir: a wheel pip cached from another build (other flags, another CPU) is never reused.
if CFLAGS="-O3 -march=native" "$venv/bin/pip" install --no-deps --force-reinstall --no-cache-dir \
    --no-binary argon2-cffi-bindings -c "$constraints" argon2-cffi-bindings >"$venv/argon2-build.log" 2>&1; then
  say "built for this CPU (-march=native)"
else
  say "PyPI's wheel kept: the build failed (see $venv/argon2-build.log)"
fi
