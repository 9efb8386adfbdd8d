#!/usr/bin/env bash
# Build the site into public/ on a fresh machine: sets up .venv first.
# Arguments go to `sitegen build` (e.g. --now 2024-06-15, --out DIR, --drafts).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup-python.sh"
cd "$ROOT"
exec .venv/bin/sitegen build "$@"
