// MQTT.js (the npm `mqtt` package) as a peer: connects to argv[2] (ws:// or wss://), subscribes to
// a topic, publishes to it at QoS 1 and prints RECEIVED when its own message comes back.
// Options (JSON in argv[3]): clientId, topic, protocolVersion, ca, cert, key (file paths).
// Exit codes: 0 received, 2 error, 3 timeout.
const fs = require('fs');
const mqtt = require('mqtt');

const url = process.argv[2];
const o = JSON.parse(process.argv[3]);
const options = {
  clientId: o.clientId,
  protocolVersion: o.protocolVersion || 4,
  reconnectPeriod: 0,
  connectTimeout: 10000,
};
if (o.ca) options.ca = fs.readFileSync(o.ca);
if (o.cert) options.cert = fs.readFileSync(o.cert);
if (o.key) options.key = fs.readFileSync(o.key);

const timer = setTimeout(() => { console.log('TIMEOUT'); process.exit(3); }, 20000);
const client = mqtt.connect(url, options);
client.on('error', (e) => { console.log('ERROR ' + e.message); process.exit(2); });
client.on('close', () => { console.log('CLOSED'); });
client.on('connect', () => {
  console.log('CONNECTED');
  client.subscribe(o.topic, { qos: 1 }, (err, granted) => {
    if (err) { console.log('ERROR ' + err.message); process.exit(2); }
    console.log('SUBACK ' + granted.map((g) => g.qos).join(','));
    client.publish(o.topic, 'hello from mqtt.js', { qos: 1 });
  });
});
client.on('message', (topic, payload) => {
  console.log('RECEIVED ' + topic + ' ' + payload.toString());
  clearTimeout(timer);
  client.end(false, () => process.exit(0));
});
