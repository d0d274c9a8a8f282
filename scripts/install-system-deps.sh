#!/usr/bin/env bash
# System packages the tests need on Debian/Ubuntu (run as root, or with sudo).
# LibreOffice Calc recalculates exported workbooks as an independent check; Qt needs a few X,
# GL and font libraries even on the offscreen platform, and the xcb platform plugin (a real
# desktop window) links the libxcb-* libraries below. Xvfb is the real X server the test that
# opens a real window starts (tests/test_ui_xvfb.py).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
PKGS=(make python3-venv libreoffice-calc libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0
      libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core
      libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
      libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
      libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 libxcb-glx0 libxrender1 libsm6 libice6
      xvfb xauth x11-utils)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
