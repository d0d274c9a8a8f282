#!/usr/bin/env bash
# System packages the tests need on Debian/Ubuntu (run as root, or with sudo).
# LibreOffice Calc recalculates exported workbooks as an independent check; Qt needs a few X,
# GL and font libraries even on the offscreen platform.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
PKGS=(make python3-venv libreoffice-calc libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0
      libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
