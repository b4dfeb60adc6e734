// The mqttls dashboard: plain JavaScript, no build step. Every value from the broker is inserted
// as text (textContent), never as markup.
'use strict';

const API = 'api/';
const HISTORY = 300; // seconds of chart history kept in the page

// ---- small helpers

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    if (c instanceof Node) td.appendChild(c); else td.textContent = c === undefined || c === null ? '' : String(c);
    tr.appendChild(td);
  }
  return tr;
}

function fill(tableId, rows, empty) {
  const body = document.querySelector('#' + tableId + ' tbody');
  body.replaceChildren();
  if (rows.length === 0 && empty) {
    const tr = row([empty]);
    tr.firstChild.colSpan = document.querySelectorAll('#' + tableId + ' thead th').length;
    tr.className = 'empty';
    body.appendChild(tr);
  }
  for (const r of rows) body.appendChild(r);
}

function time(ms) {
  return ms ? new Date(ms).toLocaleString() : '';
}

function days(n, warn) {
  const s = el('span', n + (n === 1 ? ' day' : ' days'));
  if (n < 0) s.className = 'bad'; else if (warn !== undefined && n <= warn) s.className = 'warn';
  return s;
}

async function getJson(path) {
  const r = await fetch(API + path, { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error(path + ': ' + r.status);
  return r.json();
}

// ---- pages

const pages = {
  overview: { show() {} },
  clients: { show: loadClients },
  client: { show: loadClient },
  failures: { show: loadFailures },
  certificates: { show: loadCertificates },
  topics: { show() {} },
};

let current = null;

function route() {
  const hash = location.hash.replace(/^#\/?/, '') || 'overview';
  const slash = hash.indexOf('/');
  const name = slash < 0 ? hash : hash.substring(0, slash);
  const arg = slash < 0 ? '' : decodeURIComponent(hash.substring(slash + 1));
  const page = pages[name] ? name : 'overview';
  current = { name: page, arg };
  for (const s of document.querySelectorAll('.page')) s.hidden = s.id !== 'page-' + page;
  for (const a of document.querySelectorAll('nav a')) {
    a.classList.toggle('active', a.dataset.page === page || (page === 'client' && a.dataset.page === 'clients'));
  }
  pages[page].show(arg);
  if (page === 'overview') resizeCharts();
}

// ---- overview: live figures over Server-Sent Events

const series = { t: [], connections: [], inRate: [], outRate: [], handshakeRate: [], failureRate: [] };
let previous = null;
let charts = [];
let lastFailureAt = 0;

function failuresTotal(f) {
  return Object.values(f.failuresByCause).reduce((a, b) => a + b, 0);
}

function onFigures(f) {
  const total = failuresTotal(f);
  if (previous) {
    const dt = Math.max(0.001, (f.at - previous.at) / 1000);
    push(f.at / 1000, f.connections,
      (f.publishIn - previous.publishIn) / dt,
      (f.publishOut - previous.publishOut) / dt,
      (f.handshakes - previous.handshakes) / dt,
      (total - previous.total) / dt);
    document.getElementById('tile-in').textContent = fmtRate((f.publishIn - previous.publishIn) / dt);
    document.getElementById('tile-out').textContent = fmtRate((f.publishOut - previous.publishOut) / dt);
    document.getElementById('tile-handshakes').textContent = fmtRate((f.handshakes - previous.handshakes) / dt);
  }
  previous = { at: f.at, publishIn: f.publishIn, publishOut: f.publishOut, handshakes: f.handshakes, total };
  document.getElementById('tile-connections').textContent = f.connections;
  document.getElementById('tile-failures').textContent = total;
  const max = Math.max(1, ...Object.values(f.failuresByCause));
  fill('causes-table', Object.entries(f.failuresByCause).sort((a, b) => b[1] - a[1]).map(([cause, n]) => {
    const bar = el('span', '', 'bar');
    bar.style.width = Math.round(100 * n / max) + '%';
    return row([cause.replace(/_/g, ' '), n, bar]);
  }), 'No failed handshake since the broker started.');
  charts.forEach(c => c.setData(c.pick()));
  if (f.lastFailureAt !== lastFailureAt) {
    lastFailureAt = f.lastFailureAt;
    if (current && current.name === 'failures') loadFailures();
  }
}

function fmtRate(x) {
  return x >= 100 ? Math.round(x).toString() : x.toFixed(1);
}

function push(t, c, i, o, h, fl) {
  series.t.push(t); series.connections.push(c); series.inRate.push(i);
  series.outRate.push(o); series.handshakeRate.push(h); series.failureRate.push(fl);
  if (series.t.length > HISTORY) for (const k of Object.keys(series)) series[k].shift();
}

function makeCharts() {
  if (typeof uPlot === 'undefined') return;
  const width = () => Math.max(280, document.querySelector('.charts figure').clientWidth - 8);
  const opts = (id, labels, colors) => ({
    width: width(), height: 180, legend: { show: true },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    series: [{}].concat(labels.map((l, i) => ({ label: l, stroke: colors[i], width: 2 }))),
  });
  const make = (id, labels, colors, pick) => {
    const c = new uPlot(opts(id, labels, colors), pick(), document.getElementById(id));
    c.pick = pick;
    return c;
  };
  charts = [
    make('chart-connections', ['connected'], ['#2563eb'], () => [series.t, series.connections]),
    make('chart-messages', ['in', 'out'], ['#16a34a', '#9333ea'], () => [series.t, series.inRate, series.outRate]),
    make('chart-handshakes', ['handshakes', 'failures'], ['#0891b2', '#dc2626'],
      () => [series.t, series.handshakeRate, series.failureRate]),
  ];
}

function resizeCharts() {
  const f = document.querySelector('.charts figure');
  if (!f) return;
  const w = Math.max(280, f.clientWidth - 8);
  charts.forEach(c => c.setSize({ width: w, height: 180 }));
}

function connectEvents() {
  const live = document.getElementById('live');
  const es = new EventSource(API + 'events');
  es.addEventListener('figures', e => {
    live.textContent = 'live';
    live.className = 'live on';
    onFigures(JSON.parse(e.data));
  });
  es.onerror = () => { live.textContent = 'reconnecting…'; live.className = 'live off'; };
}

// ---- clients

let clientRows = [];
let clientsTimer = null;

async function loadClients() {
  clearTimeout(clientsTimer);
  try {
    clientRows = await getJson('clients');
    renderClients();
  } catch (e) {
    document.getElementById('clients-count').textContent = 'cannot load: ' + e.message;
  }
  if (current.name === 'clients') clientsTimer = setTimeout(loadClients, 3000);
}

function renderClients() {
  const q = document.getElementById('client-search').value.trim().toLowerCase();
  const hay = c => [c.clientId, c.identity, c.subject, c.address, c.username, c.tlsVersion, c.cipherSuite, c.protocol]
    .filter(Boolean).join(' ').toLowerCase();
  const shown = clientRows.filter(c => !q || hay(c).includes(q));
  document.getElementById('clients-count').textContent = shown.length + ' of ' + clientRows.length + ' clients';
  fill('clients-table', shown.map(c => {
    const a = el('a', c.clientId);
    a.href = '#/client/' + encodeURIComponent(c.clientId);
    const tr = row([a, c.online ? c.address : 'offline', c.identity, c.protocol, c.tlsVersion, c.cipherSuite,
      c.certNotAfter ? time(c.certNotAfter) : '', time(c.connectedSince), c.subscriptions, c.queued]);
    tr.dataset.clientId = c.clientId;
    return tr;
  }), q ? 'No client matches.' : 'No client is connected.');
}

// ---- one client

let clientTimer = null;

async function loadClient(id) {
  clearTimeout(clientTimer);
  document.getElementById('client-title').textContent = 'Client ' + id;
  const facts = document.getElementById('client-facts');
  let c;
  try {
    c = await getJson('client?id=' + encodeURIComponent(id));
  } catch (e) {
    facts.replaceChildren(el('dd', 'The broker knows no client ' + id + ' (' + e.message + ').'));
    for (const t of ['client-subscriptions', 'client-inflight', 'client-refusals']) fill(t, []);
    return;
  }
  // Refreshed while shown: in-flight messages and refusals change by the second.
  clientTimer = setTimeout(() => { if (current.name === 'client' && current.arg === id) loadClient(id); }, 3000);
  facts.replaceChildren();
  const add = (k, v) => { if (v !== undefined && v !== null && v !== '') { facts.appendChild(el('dt', k)); facts.appendChild(el('dd', v)); } };
  add('Status', c.online ? 'connected' : 'offline (session kept)');
  add('Address', c.address);
  add('Listener', c.listener);
  add('Protocol', c.protocol);
  add('User name', c.username);
  add('Identity', c.identity);
  add('Certificate subject', c.subject);
  add('TLS', [c.tlsVersion, c.cipherSuite].filter(Boolean).join(', '));
  add('Certificate ends', c.certNotAfter ? time(c.certNotAfter) + ' (' + c.certDaysLeft + ' days)' : '');
  add('Connected since', time(c.connectedSince));
  add('Queued messages', c.queued);
  fill('client-subscriptions', (c.subscriptionList || []).map(s =>
    row([s.filter, s.qos, s.noLocal ? 'yes' : 'no', s.retainAsPublished ? 'yes' : 'no', s.retainHandling, s.subscriptionId])),
  'No subscription.');
  fill('client-inflight', (c.inFlightList || []).map(m => row([m.packetId, m.topic, m.qos, m.awaiting])),
    'Nothing in flight.');
  fill('client-refusals', (c.refusals || []).map(r => row([time(r.at), r.what, r.reason, r.cause, r.address])),
    'Nothing refused lately.');
}

// ---- handshake failures

async function loadFailures() {
  let list;
  try { list = await getJson('failures'); } catch (e) { return; }
  fill('failures-table', list.map(f => {
    const tr = row([time(f.at), f.address, f.listener, el('code', f.cause), f.detail, f.remedy]);
    tr.dataset.cause = f.cause;
    return tr;
  }), 'No failed handshake since the broker started.');
}

// ---- certificates

async function loadCertificates() {
  let c;
  try { c = await getJson('certificates'); } catch (e) { return; }
  fill('certs-table', c.items.map(i => row([i.listener, i.kind, i.subject, i.file, time(i.notAfter), days(i.daysLeft, c.warningDays)])),
    'No TLS listener.');
  fill('devices-table', c.devices.map(d => row([d.clientId, d.identity, d.subject, time(d.notAfter), days(d.daysLeft, c.warningDays)])),
    'No connected device presents a certificate.');
}

// ---- topic viewer

const MAX_MESSAGES = 200;
let topicStream = null;
let topicMessages = [];

function subscribeTopic(ev) {
  ev.preventDefault();
  const filter = document.getElementById('topic-filter').value.trim();
  if (!filter) return;
  if (topicStream) topicStream.close();
  topicMessages = [];
  renderMessages();
  const status = document.getElementById('topic-status');
  status.textContent = 'Subscribing to ' + filter + '…';
  const es = new EventSource(API + 'topics?filter=' + encodeURIComponent(filter));
  topicStream = es;
  es.addEventListener('subscribed', e => {
    const s = JSON.parse(e.data);
    status.textContent = 'Subscribed to ' + s.filter + ' as user ' + s.user + '.';
  });
  es.addEventListener('refused', e => {
    status.textContent = JSON.parse(e.data).error;
    es.close();
  });
  es.addEventListener('message', e => {
    topicMessages.unshift(JSON.parse(e.data));
    if (topicMessages.length > MAX_MESSAGES) topicMessages.pop();
    renderMessages();
  });
  es.onerror = () => {
    if (es.readyState === EventSource.CLOSED) status.textContent = 'The subscription ended.';
  };
}

function bytesOf(b64) {
  const s = atob(b64);
  const a = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i);
  return a;
}

function payloadText(m, format) {
  const bytes = bytesOf(m.payload);
  if (format === 'hex') {
    const hex = Array.from(bytes, b => b.toString(16).padStart(2, '0'));
    const lines = [];
    for (let i = 0; i < hex.length; i += 16) lines.push(i.toString(16).padStart(6, '0') + '  ' + hex.slice(i, i + 16).join(' '));
    return lines.join('\n');
  }
  let text;
  try { text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); } catch (e) { return '(not UTF-8: choose hex)'; }
  if (format === 'json') {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return '(not JSON) ' + text; }
  }
  return text;
}

function renderMessages() {
  const box = document.getElementById('topic-messages');
  const format = document.getElementById('topic-format').value;
  box.replaceChildren();
  for (const m of topicMessages) {
    const card = el('article', null, 'message');
    const head = el('div', null, 'head');
    head.appendChild(el('span', time(m.at), 'muted'));
    head.appendChild(el('span', m.topic, 'topic'));
    head.appendChild(el('span', 'QoS ' + m.qos + (m.retain ? ', retained' : '') + ', ' + m.size + ' bytes' +
      (m.truncated ? ' (cut)' : ''), 'muted'));
    card.appendChild(head);
    const props = Object.entries(m.properties || {}).map(([k, v]) =>
      k + ': ' + (Array.isArray(v) ? v.map(u => u.name + '=' + u.value).join(', ') : v));
    if (props.length) card.appendChild(el('div', props.join(' · '), 'props'));
    card.appendChild(el('pre', payloadText(m, format), 'payload'));
    box.appendChild(card);
  }
}

// ---- start

window.addEventListener('hashchange', route);
window.addEventListener('resize', resizeCharts);
document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('client-search').addEventListener('input', renderClients);
  document.getElementById('topic-form').addEventListener('submit', subscribeTopic);
  document.getElementById('topic-format').addEventListener('change', renderMessages);
  makeCharts();
  connectEvents();
  route();
});
