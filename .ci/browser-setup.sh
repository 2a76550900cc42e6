#!/usr/bin/env bash
# Installs what the browser checks of the site need (tests/site_quality.rs, tests/browser/):
# Debian's chromium and a Java runtime when missing, then the pinned npm packages
# (playwright-core, axe-core, vnu-jar) from tests/browser/package-lock.json.
# Idempotent: running it again changes nothing. No browser or JDK is downloaded by npm.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
# Fonts with Vietnamese glyphs for the screenshots (DejaVu and Liberation cover Vietnamese).
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "browser-setup: need root to install: ${need_apt[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

command -v node >/dev/null 2>&1 || { echo "browser-setup: node is missing (Debian package nodejs)" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "browser-setup: npm is missing (Debian package npm)" >&2; exit 1; }

# --ignore-scripts: vnu-jar's postinstall would try to download a JDK; the machine's Java is used.
if [ ! -f tests/browser/node_modules/.package-lock.json ] || ! cmp -s tests/browser/package-lock.json tests/browser/node_modules/.bangtin-lock; then
  (cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp tests/browser/package-lock.json tests/browser/node_modules/.bangtin-lock
fi
echo "browser-setup: chromium $(chromium --version 2>/dev/null | awk '{print $2}'), $(java -version 2>&1 | head -1), node $(node --version)"
