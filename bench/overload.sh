#!/usr/bin/env bash
# The open-loop overload run of issue 13: a publisher faster than one of its subscribers, while an
# independent client on another topic measures its own latency. Samples the broker's RSS (and,
# for ours, its heap) every second and prints a summary.
#
#   bench/overload.sh ours|mosquitto|hivemq
#
# Starts the broker itself (mutual TLS 1.3, a fresh `mqttls pki` CA in a temporary directory),
# runs QoS 0 then QoS 1, stops the broker. Environment (defaults in brackets):
#   RATE [50000]      open-loop publish rate at QoS 0, messages/s
#   RATE_QOS1 [20000] the same at QoS 1
#   DELAY_US [100]    the slow subscriber takes one message per DELAY_US (100 µs: 10,000 msgs/s)
#   DURATION [20]     seconds of load per QoS
#   OTHER_RATE [200]  the other client's rate (mqttls bench latency, its own topic)
#   XMX [256m]        our broker's heap (MQTTLS_JAVA_OPTS="-Xmx..." for the mqttls launcher),
#                     and HiveMQ CE's (bench/hivemq/run-hivemq.sh, HIVEMQ_JAVA_OPTS)
#   PORT [18870]      the broker's TLS port on 127.0.0.1
#   JAR [cli/target/mqttls.jar]  copied first, so that a rebuild during the run cannot pull it away
#   KEEP [unset]      keep the work directory (logs, samples) instead of removing it
set -euo pipefail

usage() {
  echo "usage: $0 ours|mosquitto|hivemq" >&2
  exit 2
}
[ $# -eq 1 ] || usage
broker="$1"
case "$broker" in ours | mosquitto | hivemq) ;; *) usage ;; esac
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate0="${RATE:-50000}"
rate1="${RATE_QOS1:-20000}"
delay="${DELAY_US:-100}"
duration="${DURATION:-20}"
other_rate="${OTHER_RATE:-200}"
xmx="${XMX:-256m}"
port="${PORT:-18870}"
src_jar="${JAR:-$here/cli/target/mqttls.jar}"
[ -f "$src_jar" ] || { echo "overload: $src_jar missing (mvn -B -q -pl cli -am -DskipTests package)" >&2; exit 1; }

work="$(mktemp -d /tmp/mqttls-overload.XXXXXX)"
bpid=""
sampler=""
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  if [ -n "$bpid" ]; then
    kill "$bpid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$bpid" 2>/dev/null || break; sleep 0.2; done
    # a JVM out of heap may not run its SIGTERM handler
    kill -9 "$bpid" 2>/dev/null || true
    wait "$bpid" 2>/dev/null || true
  fi
  if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "overload: kept $work" >&2; fi
}
trap cleanup EXIT
cp "$src_jar" "$work/mqttls.jar"
mq() { java -jar "$work/mqttls.jar" "$@"; }

pki="$work/pki"
mq pki init --dir "$pki" >/dev/null
mq pki server localhost --dir "$pki" >/dev/null
mq pki device overload-probe --dir "$pki" >/dev/null
tls=(--cafile "$pki/ca.crt" --cert "$pki/certs/overload-probe.crt" --key "$pki/private/overload-probe.key")

conf="$work/broker.conf"
cat >"$conf" <<EOF
listener $port 127.0.0.1
cafile $pki/ca.crt
certfile $pki/certs/localhost.crt
keyfile $pki/private/localhost.key
require_certificate true
tls_version tlsv1.3
sys_interval 1
EOF
if [ "$broker" = ours ]; then
  java "-Xmx$xmx" -jar "$work/mqttls.jar" broker -c "$conf" >"$work/broker.log" 2>&1 &
  bpid=$!
  label="mqttls (-Xmx$xmx)"
elif [ "$broker" = hivemq ]; then
  HIVEMQ_HOME="$work/hivemq" HIVEMQ_JAVA_OPTS="-Xmx$xmx" \
    "$here/bench/hivemq/run-hivemq.sh" "$port" "$pki" >"$work/broker.log" 2>&1 &
  bpid=$! # run-hivemq.sh execs the JVM: the same PID
  label="HiveMQ CE ${HIVEMQ_VERSION:-2025.5} (-Xmx$xmx)"
else
  # running as root, mosquitto would drop to its own user, which cannot read private/ (0600)
  printf 'user root\nallow_anonymous true\n' >>"$conf" # mosquitto 2 refuses anonymous clients
  mosquitto -c "$conf" >"$work/broker.log" 2>&1 &
  bpid=$!
  label="$( (mosquitto -h 2>/dev/null || true) | head -n 1)" # -h exits non-zero
fi
for _ in $(seq 1 300); do # HiveMQ: Maven resolves its class path first
  if mosquitto_pub -h localhost -p "$port" "${tls[@]}" -t overload/ready -m 1 2>/dev/null; then break; fi
  kill -0 "$bpid" 2>/dev/null || { echo "overload: the broker exited:" >&2; tail -n 20 "$work/broker.log" >&2; exit 1; }
  sleep 0.2
done
mosquitto_pub -h localhost -p "$port" "${tls[@]}" -t overload/ready -m 1 ||
  { echo "overload: the broker does not take a client; its log:" >&2; tail -n 20 "$work/broker.log" >&2; exit 1; }

# one line per second: seconds, RSS KiB, heap used KiB (JVMs: young + old, from jstat)
(
  t=0
  while kill -0 "$bpid" 2>/dev/null; do
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$bpid/status" 2>/dev/null || echo 0)
    heap=-
    if [ "$broker" != mosquitto ]; then
      heap=$(jstat -gc "$bpid" 2>/dev/null | awk 'NR == 2 {printf "%d", $3 + $4 + $6 + $8}' || echo -)
    fi
    echo "$t $rss ${heap:--}"
    t=$((t + 1))
    sleep 1
  done
) >"$work/samples.txt" &
sampler=$!

sys() { # a retained $SYS value, or "?"
  timeout 8 mosquitto_sub -h localhost -p "$port" "${tls[@]}" -t "\$SYS/broker/$1" -C 1 -W 6 2>/dev/null || echo "?"
}
fig() { awk -v k="$1" '$1 == k {print $2}' "$2"; }
max_col() { awk -v c="$1" -v from="$2" 'NR > from && $c != "-" && $c > m {m = $c} END {print m + 0}' "$work/samples.txt"; }

echo "overload run against $label on 127.0.0.1:$port, mutual TLS 1.3; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load: 1 publisher open loop at $rate0 (QoS 0) or $rate1 (QoS 1) msgs/s -> 2 subscribers, one of them slow (one message per $delay us);"
echo "      meanwhile another client: mqttls bench latency at $other_rate msgs/s on its own topic"
# the other client alone first: its latency on this machine now, without the overload
mq bench latency -L "mqtts://localhost:$port" --pki "$pki" --devices 4 --rate "$other_rate" \
  --duration 8 --warmup 2 >"$work/other-alone.txt" 2>&1 || true
o="$work/other-alone.txt"
echo
echo "other client alone (load average $(cut -d' ' -f1-3 /proc/loadavg)): $(fig sent "$o") sent, $(fig lost "$o") lost; latency p50 $(fig latency_p50_ms "$o") ms, p99 $(fig latency_p99_ms "$o") ms, max $(fig latency_max_ms "$o") ms"
for qos in 0 1; do
  rate=$rate0
  [ "$qos" = 0 ] || rate=$rate1
  dropped0=$(sys publish/messages/dropped)
  from=$(wc -l <"$work/samples.txt")
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  mq bench throughput -L "mqtts://localhost:$port" --pki "$pki" --devices 4 -q "$qos" \
    --rate "$rate" --subscribers 2 --slow-subscribers 1 --subscriber-delay-us "$delay" \
    --duration "$duration" --warmup 0 --broker-pid "$bpid" >"$work/load-q$qos.txt" 2>&1 &
  load=$!
  sleep 3 # the other client runs while the overload is on
  mq bench latency -L "mqtts://localhost:$port" --pki "$pki" --devices 4 --rate "$other_rate" \
    --duration $((duration - 6)) --warmup 0 >"$work/other-q$qos.txt" 2>&1 || true
  wait "$load" || true
  load1=$(cut -d' ' -f1-3 /proc/loadavg)
  sleep 2
  dropped1=$(sys publish/messages/dropped)
  l="$work/load-q$qos.txt"
  o="$work/other-q$qos.txt"
  echo
  echo "QoS $qos  (load average before $load0, after $load1; other builds share this 2-core machine)"
  echo "  publisher: asked $rate msgs/s, sent $(fig sent "$l") = $(fig publish_rate_msgs_per_s "$l") msgs/s; delivered $(fig delivered "$l") of $(fig expected_deliveries "$l"), lost $(fig lost "$l") (the slow subscriber $(fig slow_subscribers_lost "$l"), the fast one $(fig other_subscribers_lost "$l")); $([ "$qos" = 0 ] || echo "acknowledged never delivered $(fig acknowledged_never_delivered "$l"); ")connections dropped by the broker: $(fig connections_dropped_by_broker "$l")"
  echo "  broker: publish/messages/dropped in \$SYS $dropped0 -> $dropped1; CPU $(fig broker_cpu_percent "$l") %"
  echo "  broker: max RSS $(($(max_col 2 "$from") / 1024)) MiB during the run$([ "$broker" != mosquitto ] && echo "; max heap used $(($(max_col 3 "$from") / 1024)) MiB of -Xmx$xmx")"
  echo "  other client: $(fig sent "$o") sent, $(fig lost "$o") lost; latency p50 $(fig latency_p50_ms "$o") ms, p99 $(fig latency_p99_ms "$o") ms, max $(fig latency_max_ms "$o") ms"
  grep -q '^  sent' "$l" || { echo "  load run failed:"; tail -n 3 "$l"; }
  grep -q '^  sent' "$o" || { echo "  other client failed:"; tail -n 3 "$o"; }
done
echo
echo "RSS (MiB) / heap used (MiB) per second over both runs:"
awk '{printf "%s%d/%s", (NR > 1 ? " " : ""), $2 / 1024, ($3 == "-" ? "-" : int($3 / 1024))} END {print ""}' "$work/samples.txt"
