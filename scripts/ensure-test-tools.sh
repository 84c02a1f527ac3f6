#!/usr/bin/env bash
# Installs what the browser and HTML-validity tests need from Debian's
# packages when it is missing: chromium (never a downloaded browser build)
# and a Java runtime for the Nu HTML checker.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
[ ${#need[@]} -eq 0 ] && exit 0

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
