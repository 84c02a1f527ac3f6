#!/usr/bin/env bash
# Installs what the browser and HTML-validity tests need from Debian's
# packages when it is missing: chromium (never a downloaded browser build),
# a Java runtime for the Nu HTML checker, and Node.js with npm for the web
# editing tests; then Decap CMS at its pinned versions into .cache/cms/.
set -euo pipefail

# Decap CMS's bundle and decap-server, from npm (see projcat/editors/decap.py for the versions).
install_decap() {
  "${PY:-.venv/bin/python}" -m projcat.editors.decap . >/dev/null
}

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -eq 0 ]; then install_decap; exit 0; fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Missing: ${need[*]}. Install them with your package manager (apt-get install ${need[*]})." >&2
    exit 1
  fi
fi
echo "Installing ${need[*]} from Debian's packages..."
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}" fonts-dejavu-core
install_decap
