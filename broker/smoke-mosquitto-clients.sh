#!/usr/bin/env bash
# Manual smoke check of the broker with Debian's mosquitto_pub/mosquitto_sub: publish/subscribe,
# retained and will messages at QoS 0, 1 and 2 with -V mqttv311 and -V mqttv5.
# Usage: broker/smoke-mosquitto-clients.sh [PORT]   (starts ./mqttls broker -p PORT, stops it after)
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
P=${1:-18832}
log=$(mktemp)
java -jar cli/target/mqttls.jar broker -p "$P" >"$log" 2>&1 &
bp=$!
trap 'kill $bp 2>/dev/null; rm -f "$log" got.$$' EXIT
for i in $(seq 1 100); do grep -q ":$P" "$log" && break; sleep 0.2; done
ok=0; fail=0
for V in mqttv311 mqttv5; do for q in 0 1 2; do
  timeout 5 mosquitto_sub -h 127.0.0.1 -p "$P" -t "s/$V/$q" -q $q -V $V -C 1 >got.$$ & sp=$!; sleep 0.4
  mosquitto_pub -h 127.0.0.1 -p "$P" -t "s/$V/$q" -m "m-$V-$q" -q $q -V $V; wait $sp
  if grep -q "m-$V-$q" got.$$; then ok=$((ok+1)); else fail=$((fail+1)); echo "FAIL publish/subscribe $V QoS $q"; fi
  mosquitto_pub -h 127.0.0.1 -p "$P" -t "r/$V/$q" -m "ret-$V-$q" -q $q -r -V $V
  timeout 5 mosquitto_sub -h 127.0.0.1 -p "$P" -t "r/$V/$q" -q $q -V $V -C 1 >got.$$
  if grep -q "ret-$V-$q" got.$$; then ok=$((ok+1)); else fail=$((fail+1)); echo "FAIL retained $V QoS $q"; fi
  mosquitto_pub -h 127.0.0.1 -p "$P" -t "r/$V/$q" -n -r -V $V
  timeout 5 mosquitto_sub -h 127.0.0.1 -p "$P" -t "w/$V/$q" -q $q -V $V -C 1 >got.$$ & sp=$!; sleep 0.4
  mosquitto_sub -h 127.0.0.1 -p "$P" -t nothing -V $V --will-topic "w/$V/$q" \
    --will-payload "will-$V-$q" --will-qos $q -i "willer-$V-$q" & wp=$!; sleep 0.5
  kill -9 $wp; wait $sp
  if grep -q "will-$V-$q" got.$$; then ok=$((ok+1)); else fail=$((fail+1)); echo "FAIL will $V QoS $q"; fi
done; done 2>/dev/null
echo "mosquitto clients against mqttls: $ok passed, $fail failed"
[ "$fail" -eq 0 ]
