#!/usr/bin/env bash
# The whole test suite from a fresh machine: installs the Debian test peers when missing, then
# runs every module's tests with `mvn -B verify`. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

need=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -f /usr/include/mbedtls/ssl.h ] || need+=(libmbedtls-dev)
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
[ -d /usr/lib/python3/dist-packages/prometheus_client ] || need+=(python3-prometheus-client)
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing test peers: ${need[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
# Debian starts a system mosquitto on 1883 when the package is installed; the tests start their own.
if command -v systemctl >/dev/null 2>&1; then systemctl stop mosquitto >/dev/null 2>&1 || true; fi

mvn -B verify "$@"

# One coverage line for the library modules, from the aggregate interop's build writes.
csv=interop/target/site/jacoco-aggregate/jacoco.csv
if [ -f "$csv" ]; then
  awk -F, 'NR > 1 { im += $4; ic += $5; lm += $8; lc += $9 }
    END { if (ic + im > 0) printf "coverage: %.1f%% of lines (%d of %d), %.1f%% of instructions\n",
      100 * lc / (lc + lm), lc, lc + lm, 100 * ic / (ic + im) }' "$csv"
fi
