#!/usr/bin/env bash
# The main job: `pulumi up` on a stack (default: dev) with the local file state backend, then the
# post-deploy checks until the domain is ready or the wait runs out. Exit status: that of the
# checks (0 ready, 1 errors found, 3 could not check everything), 2 bad configuration,
# 4 a prerequisite is missing, or pulumi's own status if the deployment fails. The checks' table
# is docs/checks.md#exit-status; this 4 is deploy.sh's own (it never runs `checks smtp`, whose 4
# is a timeout).
#
#   scripts/deploy.sh [STACK]
#
# When `pulumi` is not on PATH, scripts/pulumi_cli.py installs the version pinned in
# scripts/pulumi-cli.toml into .pulumi-cli/, checking the archive's SHA-256 against the pin first
# (or, where none is pinned, against Pulumi's checksums file fetched over HTTPS).
#
# Environment: PULUMI_BACKEND_URL (default file://<repo>/.state), PULUMI_CONFIG_PASSPHRASE or
# PULUMI_CONFIG_PASSPHRASE_FILE (the local backend encrypts secrets with it), AWS credentials
# (environment, profile or SSO), SES_VERIFY_WAIT seconds (default 900), PULUMI_CLI_BASE_URL (a
# mirror of Pulumi's release archives).
set -uo pipefail
usage() {
  cat <<'USAGE'
usage: scripts/deploy.sh [STACK]

Deploy STACK (default: dev; Pulumi.STACK.yaml must exist) with `pulumi up`, then run the
post-deploy checks. STACK is 1-100 letters, digits, '-', '_' and '.'.
Exit status: 0 ready, 1 errors found, 2 bad arguments or configuration, 3 could not check
everything, 4 a prerequisite is missing; otherwise pulumi's own status.
USAGE
}
case "${1-}" in
  -h | --help)
    usage
    exit 0
    ;;
esac
if [[ "${1-}" == -* ]]; then
  echo "deploy: unknown option '${1:0:200}'" >&2
  usage >&2
  exit 2
fi
if [ "$#" -gt 1 ]; then
  echo "deploy: one stack name at most; got $# arguments" >&2
  usage >&2
  exit 2
fi
stack="${1-dev}"
if ! [[ "$stack" =~ ^[A-Za-z0-9_.-]{1,100}$ ]]; then
  shown="${stack:0:200}"
  [ -z "$stack" ] && shown="(empty)"
  echo "deploy: '$shown' is not a stack name (1-100 letters, digits, '-', '_' and '.')" >&2
  usage >&2
  exit 2
fi
cd "$(dirname "$0")/.."
scripts/bootstrap.sh runtime || exit 4
python=.venv/bin/python

if ! "$python" -m components.plan --stack "$stack" >/dev/null; then
  echo "deploy: the configuration of stack '$stack' is not valid (see above); nothing was deployed" >&2
  exit 2
fi

missing=()
if ! command -v pulumi >/dev/null 2>&1; then
  if cli_dir="$("$python" scripts/pulumi_cli.py)"; then
    export PATH="$cli_dir:$PATH"
  else
    missing+=("the Pulumi CLI: 'pulumi' is not on PATH and the pinned one was not installed into .pulumi-cli/ (why: above); or install it yourself from https://www.pulumi.com/docs/iac/download-install/")
  fi
fi
if ! AWS_EC2_METADATA_DISABLED=true "$python" -c \
  'import boto3, sys; sys.exit(0 if boto3.Session().get_credentials() else 1)' 2>/dev/null; then
  missing+=("AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run 'aws sso login'")
fi
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$PWD/.state}"
if [[ "$PULUMI_BACKEND_URL" == file://* ]] && [ -z "${PULUMI_CONFIG_PASSPHRASE+x}" ] \
  && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  missing+=("PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE: the local state backend encrypts the stack's secrets with it")
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deploy: cannot deploy stack '$stack'; missing:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  echo "Meanwhile 'python -m components.plan --stack $stack' shows what would be declared." >&2
  exit 4
fi

mkdir -p .state
pulumi stack select --create "$stack" || exit $?
pulumi up --yes --stack "$stack" || exit $?
exec "$python" -m checks verify --stack "$stack" --wait "${SES_VERIFY_WAIT:-900}"
