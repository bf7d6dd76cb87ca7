#!/usr/bin/env bash
# Installs massage-coach and its test tools where needed, then runs the linters and every test.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/pytest "$@"
