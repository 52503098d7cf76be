#!/usr/bin/env bash
# Brings the whole system up for a newcomer: visit-server on https://localhost:8443 with its
# SQLite store in ./data, a self-signed certificate on first run (fingerprint printed), an
# admin account created through the offline CLI (credentials printed), and a customer desktop
# with visit-client connected: your own X display if there is one, otherwise a virtual one
# (Xvfb with a few applications). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target visit-server visit-client
bin=$top/build/release/apps
data=${VISIT_DATA_DIR:-$top/data}
listen=${VISIT_LISTEN:-127.0.0.1:8443}
mkdir -p "$data"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# The first admin, through the offline CLI only (there is no web setup page).
if [ ! -f "$data/admin-credentials.txt" ]; then
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=' | head -c 20)
  printf '%s\n' "$password" | "$bin/visit-server" user add admin --role admin --data-dir "$data"
  (umask 077; printf 'username: admin\npassword: %s\n' "$password" > "$data/admin-credentials.txt")
fi

"$bin/visit-server" --listen "$listen" --data-dir "$data" --self-signed 2>&1 | tee "$data/server.log" &
pids+=($!)
for _ in $(seq 100); do grep -q 'fingerprint sha256:' "$data/server.log" 2>/dev/null && break; sleep 0.1; done
fingerprint=$(grep -o 'fingerprint sha256:[0-9a-f]*' "$data/server.log" | head -1 | cut -d: -f2)
for _ in $(seq 100); do grep -q 'listening on' "$data/server.log" && break; sleep 0.1; done

# A customer desktop: the user's own display if it answers, otherwise a virtual one.
if [ -n "${DISPLAY:-}" ] && xdpyinfo >/dev/null 2>&1; then
  display=$DISPLAY
  echo "demo: sharing your display $display"
else
  n=$((50 + RANDOM % 400)); while [ -e "/tmp/.X11-unix/X$n" ]; do n=$((n + 1)); done
  display=:$n
  Xvfb "$display" -screen 0 1920x1080x24 -nolisten tcp & pids+=($!)
  for _ in $(seq 100); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.05; done
  DISPLAY=$display openbox >/dev/null 2>&1 & pids+=($!)
  DISPLAY=$display xsetroot -solid '#2d4a63' 2>/dev/null || true
  DISPLAY=$display xterm -geometry 100x30+60+60 -fa Monospace -fs 11 -T "Customer terminal" \
    -e bash -c 'echo "This is the customer desktop of the visit demo."; uname -a; exec bash' & pids+=($!)
  DISPLAY=$display xclock -geometry 200x200+1100+80 -update 1 & pids+=($!)
  DISPLAY=$display xcalc -geometry +1100+360 >/dev/null 2>&1 & pids+=($!)
  echo "demo: started a virtual desktop on $display (Xvfb with openbox, xterm, xclock, xcalc)"
fi

DISPLAY=$display "$bin/visit-client" --headless --server "https://${listen/127.0.0.1/localhost}" \
  --pin "$fingerprint" --name "Demo Customer" --answer topic=application \
  --answer summary="My screen, waiting for a technician" --yes --display "$display" </dev/null &
pids+=($!)

cat <<MSG

  visit is running.
    console:      https://${listen/127.0.0.1/localhost}/   (self-signed certificate)
    fingerprint:  sha256:$fingerprint
    $(sed -n 1p "$data/admin-credentials.txt")
    $(sed -n 2p "$data/admin-credentials.txt")
  Log in: the Call Manager lists the request of "Demo Customer" (its details show what the
  wizard collected); Take it to see the customer's screen. Ctrl-C stops all.

MSG
wait "${pids[0]}"
