#!/usr/bin/env bash
# Starts HiveMQ Community Edition, fetched from Maven Central, with one mutual-TLS 1.3 listener whose
# server certificate and CA come from an `mqttls pki` directory: the third broker of the
# side-by-side benchmarks (docs/benchmarks.md, "HiveMQ CE"). Runs in the foreground; Ctrl-C or
# `kill PID` stops it.
#
#   bench/hivemq/run-hivemq.sh PORT_TLS PKI_DIR [SERVER_ID]
#
# SERVER_ID names the server certificate in PKI_DIR (certs/ID.crt, private/ID.key; default
# localhost, as `mqttls pki server localhost` makes it). Environment:
#   HIVEMQ_VERSION    com.hivemq:hivemq-community-edition-embedded version (default 2025.5)
#   HIVEMQ_JAVA       the java to run it with (default: java on PATH; it runs on Java 17)
#   HIVEMQ_JAVA_OPTS  JVM options (default -Xmx1g)
#   HIVEMQ_HOME       its home (conf, data, log, keystores); default a new directory under /tmp
#   HIVEMQ_BIND       bind address (default 127.0.0.1)
set -euo pipefail

usage() {
  echo "usage: $0 PORT_TLS PKI_DIR [SERVER_ID]" >&2
  exit 2
}
[ $# -ge 2 ] && [ $# -le 3 ] || usage
port="$1"
pki="$(cd "$2" && pwd)" || usage
id="${3:-localhost}"
[[ "$port" =~ ^[0-9]+$ ]] || usage
for f in "$pki/ca.crt" "$pki/certs/$id.crt" "$pki/private/$id.key"; do
  [ -r "$f" ] || { echo "run-hivemq: cannot read $f (make it with: mqttls pki server $id --dir $pki)" >&2; exit 1; }
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="${HIVEMQ_VERSION:-2025.5}"
java="${HIVEMQ_JAVA:-java}"
home="${HIVEMQ_HOME:-$(mktemp -d /tmp/hivemq-ce.XXXXXX)}"
mkdir -p "$home/conf" "$home/data" "$home/log" "$home/extensions"

# The class path, resolved by Maven (the first run downloads HiveMQ CE and its dependencies).
if ! mvn -B -q -f "$here/pom.xml" -Dhivemq.version="$version" \
    dependency:build-classpath -Dmdep.outputFile="$home/classpath.txt" >"$home/mvn.log" 2>&1; then
  echo "run-hivemq: could not fetch hivemq-community-edition-embedded $version; see $home/mvn.log" >&2
  tail -n 20 "$home/mvn.log" >&2
  exit 1
fi

# HiveMQ reads Java key stores, not PEM: the server key and chain as PKCS#12 converted to JKS,
# the CA as a JKS trust store. The password only protects these throw-away copies.
pass=hivemq-bench
rm -f "$home/keystore.jks" "$home/truststore.jks"
openssl pkcs12 -export -name server -in "$pki/certs/$id.crt" -inkey "$pki/private/$id.key" \
  -certfile "$pki/ca.crt" -out "$home/server.p12" -passout "pass:$pass"
keytool -importkeystore -noprompt -srckeystore "$home/server.p12" -srcstoretype PKCS12 \
  -srcstorepass "$pass" -destkeystore "$home/keystore.jks" -deststoretype JKS \
  -deststorepass "$pass" -destkeypass "$pass" >/dev/null 2>&1
keytool -importcert -noprompt -alias ca -file "$pki/ca.crt" -keystore "$home/truststore.jks" \
  -storetype JKS -storepass "$pass" >/dev/null 2>&1
chmod 600 "$home/server.p12" "$home/keystore.jks"

cat >"$home/conf/config.xml" <<EOF
<?xml version="1.0"?>
<hivemq>
    <listeners>
        <tls-tcp-listener>
            <port>$port</port>
            <bind-address>${HIVEMQ_BIND:-127.0.0.1}</bind-address>
            <tls>
                <keystore>
                    <path>$home/keystore.jks</path>
                    <password>$pass</password>
                    <private-key-password>$pass</private-key-password>
                </keystore>
                <truststore>
                    <path>$home/truststore.jks</path>
                    <password>$pass</password>
                </truststore>
                <client-authentication-mode>REQUIRED</client-authentication-mode>
                <protocols>
                    <protocol>TLSv1.3</protocol>
                </protocols>
            </tls>
        </tls-tcp-listener>
    </listeners>
    <persistence>
        <mode>in-memory</mode>
    </persistence>
    <anonymous-usage-statistics>
        <enabled>false</enabled>
    </anonymous-usage-statistics>
</hivemq>
EOF

cat >"$home/conf/logback.xml" <<'EOF'
<configuration scan="false">
    <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
        <encoder><pattern>%d %level - %msg%n%ex</pattern></encoder>
    </appender>
    <root level="INFO"><appender-ref ref="CONSOLE"/></root>
    <logger name="jetbrains.exodus" level="WARN"/>
    <logger name="org.eclipse.jetty" level="ERROR"/>
    <logger name="oshi" level="ERROR"/>
</configuration>
EOF

echo "run-hivemq: HiveMQ CE $version on $("$java" -version 2>&1 | head -n 1), home $home" >&2
echo "run-hivemq: mutual TLS 1.3 on ${HIVEMQ_BIND:-127.0.0.1}:$port, certificate $pki/certs/$id.crt, clients must present one from $pki/ca.crt" >&2
echo "run-hivemq: pid $$"
# exec keeps the PID printed above: it is the broker's JVM. HiveMqBench.java (a single-file
# program, compiled at start) starts it through the embedded API, which lets every client in
# (HiveMQ CE's own launcher refuses all without the allow-all extension of its distribution).
# shellcheck disable=SC2086
exec "$java" ${HIVEMQ_JAVA_OPTS:--Xmx1g} -Dhivemq.home="$home" \
  -Dlogback.configurationFile="$home/conf/logback.xml" \
  -cp "$(cat "$home/classpath.txt")" "$here/HiveMqBench.java" "$home"
