#!/usr/bin/env bash
# Set up everything `layout` needs on a Debian machine, from nothing. Idempotent: the second
# run checks and returns in seconds.
#   Debian packages: CJK fonts, Ghostscript, qpdf/poppler (checks), Java (EPUBCheck), Chromium + Node (Ace).
#   Python packages: into .venv, from pyproject.toml (reinstalled when it changes).
#   npm packages: Ace by DAISY into node_modules, from package-lock.json (when present).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  fonts-noto-cjk fonts-noto-cjk-extra fonts-lxgw-wenkai fontconfig
  ghostscript qpdf poppler-utils
  default-jre-headless
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
  python3-venv
  chromium nodejs npm
  locales
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  # A tool already on PATH (e.g. a preinstalled node/npm) counts as present.
  case "$p" in nodejs) command -v node >/dev/null && continue ;; npm) command -v npm >/dev/null && continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The test that builds under two locales needs zh_CN.UTF-8 (outputs must not depend on the locale).
if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
  echo "setup: generating the zh_CN.UTF-8 locale"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO sed -i 's/^# *zh_CN.UTF-8 UTF-8/zh_CN.UTF-8 UTF-8/' /etc/locale.gen
  grep -q '^zh_CN.UTF-8 UTF-8' /etc/locale.gen || echo 'zh_CN.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
  $SUDO locale-gen >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.layout-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e '.[test,bench]'
  echo "$want" > "$stamp"
fi

if [ -f package-lock.json ]; then
  nstamp=node_modules/.layout-installed
  nwant=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f "$nstamp" ] || [ "$(cat "$nstamp")" != "$nwant" ]; then
    echo "setup: installing Ace by DAISY into node_modules"
    PUPPETEER_SKIP_DOWNLOAD=1 npm ci --silent --no-audit --no-fund >/dev/null
    echo "$nwant" > "$nstamp"
  fi
fi
