#!/usr/bin/env bash
# Installs every Debian and npm dependency of visit, idempotently, on Debian 12.
# Used by both README commands (scripts/run-demo.sh and scripts/test.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

apt_packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git clang-format clang-tidy
  # libraries (Boost 1.81 components by name: the default libboost-all-dev is 1.74)
  libboost1.81-dev libboost-json1.81-dev libboost-system1.81-dev libboost-program-options1.81-dev
  libssl-dev libsodium-dev libsqlite3-dev libzstd-dev zstd zlib1g-dev libqrencode-dev
  libx11-dev libxext-dev libxdamage-dev libxfixes-dev libxtst-dev libxrandr-dev libxi-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # a desktop for tests and the demo
  xvfb xterm x11-apps x11-utils x11-xserver-utils xdotool openbox x11-xkb-utils
  # the technicians' browser for end-to-end tests
  chromium
  # tools used by tests
  openssl procps iproute2 curl
  # decoding the TOTP enrolment QR code in a unit test (SVG -> PNG -> text)
  librsvg2-bin zbar-tools
)

missing=()
# Node.js may come from another packaging that provides npm itself; add Debian's only when absent
command -v npm >/dev/null 2>&1 || apt_packages+=(nodejs npm)
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages for the browser tests (playwright-core drives Debian's chromium; it downloads no browser)
if [ ! -d "$here/tests/e2e/node_modules/playwright-core" ]; then
  echo "setup: installing npm packages for the end-to-end tests"
  (cd "$here/tests/e2e" && npm install --no-audit --no-fund --loglevel=error)
fi
# The console's formatter (prettier, pinned in web/package.json) for the lint_js_format test
if [ ! -d "$here/web/node_modules/prettier" ]; then
  echo "setup: installing npm packages for the console's formatter check"
  (cd "$here/web" && npm install --no-audit --no-fund --loglevel=error)
fi
echo "setup: all dependencies present"
