#!/usr/bin/env bash
# Run the whole test suite on a fresh machine: sets up .venv with the test
# extras, installs the third-party checkers (Java + Nu HTML Checker, Chromium,
# axe-core, ical.js, poppler), then runs pytest. Arguments go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup-python.sh" test
bash "$ROOT/scripts/install-test-tools.sh"
cd "$ROOT"
exec .venv/bin/python -m pytest "$@"
