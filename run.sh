#!/usr/bin/env bash
# Installs massage-coach where needed, then starts a session (extra arguments go to `run`).
set -euo pipefail
cd "$(dirname "$0")"
scripts/install.sh
exec .venv/bin/massage-coach run "$@"
