#!/usr/bin/env bash
# Install the third-party output checkers used by the tests, on Debian, as root
# (or with sudo): Java (Nu HTML Checker), Chromium (axe-core, screenshots),
# poppler-utils (PDF checks), Node.js/npm, and the pinned npm packages
# from package-lock.json. Idempotent: installs only what is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '[install-test-tools] %s\n' "$*"; }
fail() { printf '[install-test-tools] ERROR: %s\n' "$*" >&2; exit 1; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    fail "not root and sudo is not available"
  fi
fi

# --- Debian packages -------------------------------------------------------
missing=()
if java -version >/dev/null 2>&1; then
  step "java: present"
else
  step "java: missing -> default-jre-headless"
  missing+=(default-jre-headless)
fi
if [ -x /usr/bin/chromium ]; then
  step "chromium: present"
else
  step "chromium: missing -> chromium"
  missing+=(chromium)
fi
if command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
  step "poppler-utils: present"
else
  step "poppler-utils: missing -> poppler-utils"
  missing+=(poppler-utils)
fi
if command -v npm >/dev/null 2>&1; then
  step "npm: present"
else
  step "npm: missing -> nodejs npm"
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  missing+=(npm)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  APT_OPTS=(-o DPkg::Lock::Timeout=900 -o Acquire::Retries=3)
  step "apt-get update"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" update -qq \
    || fail "apt-get update failed"
  step "apt-get install ${missing[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" install -y -qq "${missing[@]}" \
    || fail "apt-get install ${missing[*]} failed"
else
  step "Debian packages: nothing to install"
fi

# --- npm packages (pinned in package-lock.json) -----------------------------
# --ignore-scripts: vnu-jar's postinstall would try to download a JDK.
marker=node_modules/.package-lock.json
if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ] \
   || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  step "npm ci --ignore-scripts"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null || fail "npm ci failed"
else
  step "node_modules: up to date with package-lock.json"
fi

# --- final check -------------------------------------------------------------
java -version >/dev/null 2>&1 || fail "java does not run"
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is missing"
command -v pdftoppm >/dev/null 2>&1 || fail "pdftoppm is missing"
for f in node_modules/vnu-jar/build/dist/vnu.jar node_modules/axe-core/axe.min.js \
         node_modules/ical.js/package.json; do
  [ -f "$f" ] || fail "$f is missing after npm ci"
done
step "ready: $(java -version 2>&1 | head -n1); node $(node --version); $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
