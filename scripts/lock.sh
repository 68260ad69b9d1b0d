#!/usr/bin/env bash
# Regenerates the hash-locked requirement files from the pinned ones; run it after changing any
# requirements file and commit the .lock files (scripts/bootstrap.sh and CI install only these,
# with pip --require-hashes):
#   requirements-dev.txt              -> requirements-dev.lock  (tests and tools, runtime included)
#   requirements.txt                  -> requirements.lock
#   policy/requirements.txt           -> policy/requirements.lock
#   pyproject.toml [cloudflare] and its build backend -> provider/requirements.lock
# The last three are constrained to the dev lock's versions, so a package has one version in all
# four. The same inputs give the same files: a version already in a lock is kept unless a pin asks
# for another (uv reads the old file as preferences), no upload newer than EXCLUDE_NEWER is used,
# and the locks are universal (markers for other platforms and Pythons >= 3.11). uv's cache is
# tried first (--offline); PyPI is asked only when the cache lacks something.
# Environment: LOCK_EXCLUDE_NEWER (move the cut-off to take newer releases), LOCK_INDEX_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

exclude_newer="${LOCK_EXCLUDE_NEWER:-2026-12-03T08:00:00Z}"
index_url="${LOCK_INDEX_URL:-https://pypi.org/simple}"
uv=.venv/bin/uv
want="$(sed -n 's/^uv==\([^ #]*\).*/\1/p' requirements-dev.txt)"
have="$("$uv" --version 2>/dev/null | cut -d' ' -f2 || true)"
if [ -z "$want" ] || [ "$have" != "$want" ]; then
  echo "lock: needs uv ${want:-(pin it in requirements-dev.txt)} in .venv, found ${have:-none}:" \
    ".venv/bin/pip install uv==$want" >&2
  exit 2
fi

# compile OUTPUT INPUT ARGS...: uv pip compile (INPUT is its stdin, read where ARGS name "-"),
# from the cache if it can, else from the index.
compile() {
  local out="$1" input="$2"
  shift 2
  local common=(
    pip compile --quiet --no-config --generate-hashes --universal --python-version 3.11
    --default-index "$index_url" --exclude-newer "$exclude_newer"
    --custom-compile-command scripts/lock.sh --output-file "$out"
  )
  if ! "$uv" "${common[@]}" --offline "$@" <<<"$input" 2>/dev/null &&
    ! "$uv" "${common[@]}" "$@" <<<"$input"; then
    echo "lock: $out was not written, for uv's reason above (a pin released after" \
      "$exclude_newer also needs LOCK_EXCLUDE_NEWER, or the cut-off here, moved past it)" >&2
    exit 1
  fi
  echo "lock: $out ($(grep -c '^[a-z0-9]' "$out") packages)"
}

build_backend="$(.venv/bin/python -c 'import tomllib
with open("pyproject.toml", "rb") as f:
    print("\n".join(tomllib.load(f)["build-system"]["requires"]))')"

compile requirements-dev.lock "" requirements-dev.txt
compile requirements.lock "" requirements.txt --constraint requirements-dev.lock
compile policy/requirements.lock "" policy/requirements.txt --constraint requirements-dev.lock
compile provider/requirements.lock "$build_backend" pyproject.toml - --extra cloudflare \
  --constraint requirements-dev.lock
