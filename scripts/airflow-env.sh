#!/usr/bin/env bash
# Build Airflow's own virtualenv with normnews installed into it, for jobs/airflow/ and
# tests/jobs/test_airflow_dag.py.
#
# Usage: scripts/airflow-env.sh [VENV_DIR]
#   VENV_DIR defaults to $NORMNEWS_AIRFLOW_VENV, then <repo>/.venv-airflow.
#   NORMNEWS_AIRFLOW_VERSION overrides the pinned Airflow version (default below).
#   PYTHON picks the interpreter the venv is made from (default python3.11, then python3).
#
# Prints exactly one line on stdout: the venv's python, so CI can do
#   export NORMNEWS_AIRFLOW_PYTHON="$(bash scripts/airflow-env.sh)"
# Progress goes to stderr.
#
# Airflow lives in its own venv because it pins hundreds of packages that must not leak into
# normnews' environment. Only the Airflow version is pinned: Airflow's constraints files are
# hosted outside PyPI, which this project's machines cannot reach, so pip resolves the rest.
#
# Idempotent, in two layers, each recorded in a stamp file inside the venv:
#   1. Airflow (slow, minutes): rebuilt only when the Airflow pin or the Python version changes.
#   2. normnews (fast): an editable install, redone when the repo path or pyproject.toml changes,
#      so a cached venv outside the repo follows a fresh clone.
set -euo pipefail

AIRFLOW_VERSION="${NORMNEWS_AIRFLOW_VERSION:-3.3.2}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${1:-${NORMNEWS_AIRFLOW_VENV:-$REPO_ROOT/.venv-airflow}}"
if [[ -z "${PYTHON:-}" ]]; then
  if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi

log() { printf 'airflow-env: %s\n' "$*" >&2; }

base_version="$("$PYTHON" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
airflow_stamp="apache-airflow==$AIRFLOW_VERSION python==$base_version"
pyproject_hash="$(sha256sum "$REPO_ROOT/pyproject.toml" | cut -d' ' -f1)"
normnews_stamp="$REPO_ROOT $pyproject_hash"

VENV_PY="$VENV/bin/python"
AIRFLOW_STAMP_FILE="$VENV/.normnews-airflow-stamp"
NORMNEWS_STAMP_FILE="$VENV/.normnews-package-stamp"

if [[ -x "$VENV_PY" && -x "$VENV/bin/airflow" && -f "$AIRFLOW_STAMP_FILE" \
      && "$(cat "$AIRFLOW_STAMP_FILE")" == "$airflow_stamp" ]]; then
  log "Airflow layer up to date ($airflow_stamp) in $VENV"
else
  log "building $VENV with $airflow_stamp (takes a few minutes)"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  # The pip bundled with the base Python backtracks badly on Airflow's dependency tree.
  "$VENV_PY" -m pip install --quiet --upgrade pip >&2
  "$VENV_PY" -m pip install --quiet "apache-airflow==$AIRFLOW_VERSION" >&2
  # BashOperator lives in the standard provider in Airflow 3; fail here, not in a test.
  "$VENV_PY" -c 'import airflow.providers.standard.operators.bash' >&2
  printf '%s\n' "$airflow_stamp" >"$AIRFLOW_STAMP_FILE"
  rm -f "$NORMNEWS_STAMP_FILE"
fi

if [[ -x "$VENV/bin/normnews" && -f "$NORMNEWS_STAMP_FILE" \
      && "$(cat "$NORMNEWS_STAMP_FILE")" == "$normnews_stamp" ]]; then
  log "normnews layer up to date (editable install of $REPO_ROOT)"
else
  log "installing normnews (editable) from $REPO_ROOT"
  "$VENV_PY" -m pip install --quiet -e "$REPO_ROOT" >&2
  printf '%s\n' "$normnews_stamp" >"$NORMNEWS_STAMP_FILE"
fi

log "ready: $("$VENV/bin/airflow" version 2>/dev/null | tail -n 1) in $VENV"
printf '%s\n' "$VENV_PY"
