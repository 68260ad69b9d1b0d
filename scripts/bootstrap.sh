#!/usr/bin/env bash
# Installs everything the project needs into .venv (and Debian's knot for the DNS tests), from the
# hash-locked files only: pip --require-hashes refuses any file whose sha256 is not in the lock.
# Idempotent: a second run only checks (the stamp is keyed on the lock's content).
# One line per step on stdout (virtualenv, packages, knotd), each with its outcome; a failure is
# one plain line on stderr. BOOTSTRAP_VERBOSE=1 shows pip's own output as it runs.
# Usage: scripts/bootstrap.sh [runtime|dev]   (scripts/lock.sh regenerates the locks)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-dev}"
case "$mode" in
  runtime) lock=requirements.lock ;;
  dev) lock=requirements-dev.lock ;;
  *)
    echo "bootstrap: mode '${mode:0:200}' is not known: use runtime or dev" >&2
    exit 2
    ;;
esac
python="${PYTHON:-python3}"
verbose="${BOOTSTRAP_VERBOSE:-0}"

if [ -x .venv/bin/python ]; then
  echo "bootstrap: virtualenv .venv present"
else
  if ! "$python" -m venv .venv; then
    echo "bootstrap: could not create the virtualenv .venv with '${python:0:200}' (see above);" \
      "Debian/Ubuntu need the python3-venv package, or set PYTHON to a Python 3.11" >&2
    exit 1
  fi
  echo "bootstrap: virtualenv .venv created with $(.venv/bin/python -V 2>&1)"
fi

# index_problem: why the package index pip uses cannot be reached, or nothing when it answers
# (any HTTP status counts as an answer). Credentials in the URL are never printed.
index_problem() {
  local index="${PIP_INDEX_URL:-}"
  if [ -z "$index" ]; then
    index="$(.venv/bin/python -m pip config get global.index-url 2>/dev/null || true)"
  fi
  .venv/bin/python - "${index:-https://pypi.org/simple}" <<'EOF'
import os, ssl, sys, urllib.error, urllib.parse, urllib.request
parts = urllib.parse.urlsplit(sys.argv[1])
if parts.scheme not in ("http", "https"):
    sys.exit(0)
index = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()  # no credentials
try:
    context = ssl.create_default_context(cafile=os.environ.get("PIP_CERT") or None)
    urllib.request.urlopen(index, timeout=15, context=context).close()
except urllib.error.HTTPError:
    pass
except (OSError, ValueError) as error:
    reason = getattr(error, "reason", error)
    print(f"cannot reach the package index {index[:200]} ({str(reason)[:200]})")
EOF
}

stamp=".venv/.installed-$mode-$(sha256sum "$lock" | cut -c1-16)"
if [ -e "$stamp" ]; then
  echo "bootstrap: packages from $lock already installed"
else
  pip=(.venv/bin/python -m pip install --disable-pip-version-check --require-hashes
    --only-binary :all: -r "$lock")
  if [ "$verbose" = 1 ]; then
    status=0
    "${pip[@]}" || status=$?
  else
    log="$(mktemp)"
    trap 'rm -f "$log"' EXIT
    status=0
    "${pip[@]}" --quiet >"$log" 2>&1 || status=$?
  fi
  if [ "$status" != 0 ]; then
    problem=""
    network="from versions: none|NewConnectionError|Max retries|ProxyError|SSLError|timed out"
    if [ "$verbose" = 1 ] || grep -qE "$network" "$log"; then
      problem="$(index_problem)"
    fi
    if [ -n "$problem" ]; then
      echo "bootstrap: $problem; check the network, a proxy (HTTPS_PROXY) or PIP_INDEX_URL," \
        "then run scripts/bootstrap.sh again (BOOTSTRAP_VERBOSE=1 shows pip's output)" >&2
    else
      echo "bootstrap: pip could not install the packages of $lock (exit $status)" >&2
      if [ "$verbose" != 1 ]; then
        tail -n 20 "$log" | cut -c1-300 >&2
        echo "bootstrap: BOOTSTRAP_VERBOSE=1 shows pip's whole output" >&2
      fi
    fi
    exit 1
  fi
  touch "$stamp"
  echo "bootstrap: packages installed from $lock (every file's sha256 checked)"
fi

if [ "$mode" = dev ]; then
  if knotd="$(command -v knotd)"; then
    echo "bootstrap: knotd present ($knotd)"
  else
    if [ "$(id -u)" != 0 ]; then
      echo "bootstrap: knotd (Debian package 'knot') is missing and installing it needs root:" \
        "sudo apt-get install knot knot-dnsutils" >&2
      exit 1
    fi
    if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q knot knot-dnsutils; } \
      >/dev/null; then
      echo "bootstrap: apt-get could not install knot (see above)" >&2
      exit 1
    fi
    echo "bootstrap: knotd installed (Debian package knot)"
  fi
fi
