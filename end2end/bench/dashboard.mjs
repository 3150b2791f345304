// Dashboard and export timings over a large generated database (issue 4). Node 18+, no npm
// package. Run by `make bench-dashboard`, which generates the data, creates the account and
// starts the release server; by hand:
//
//   BASE_URL=http://127.0.0.1:3000 EMAIL=… PASSWORD=… SERVER_PID=1234 node bench/dashboard.mjs
//
// Environment:
//   BASE_URL      server (default http://127.0.0.1:3000)
//   EMAIL, PASSWORD  a staff account (qualite or admin: every site)
//   SERVER_PID    the server's process id, for its memory (VmRSS/VmHWM in /proc/PID/status);
//                 without it, no memory figures
//   CAMPAIGN      id of the campaign of one year; default: the one whose name starts with
//                 "Campagne <CAMPAIGN_YEAR>" in the dashboard's campaign selector
//   CAMPAIGN_YEAR default: last year
//   RUNS          timed requests per dashboard series (default 30)
//   EXPORT_FROM, EXPORT_TO  period of the export of every campaign (default: the first and
//                 last day of the generated years, read from the campaign selector)
//   XLSX          0: skip the XLSX export (timed by default when rows ≤ 1,048,575); 1: also
//                 above, to check the refusal (HTTP 422)
//   EXPORT_COMPRESSED  0: skip the export compressed as for a browser
//
// Every request goes through node:http with an explicit Accept-Encoding, so that what is
// measured is clear: `identity` (the server's own work), and once as a browser asks
// (`br, gzip`: the server compresses).
import http from 'node:http';
import fs from 'node:fs';
import zlib from 'node:zlib';

const BASE_URL = (process.env.BASE_URL ?? process.argv[2] ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const EMAIL = process.env.EMAIL ?? '';
const PASSWORD = process.env.PASSWORD ?? '';
const SERVER_PID = process.env.SERVER_PID ?? '';
const RUNS = Number(process.env.RUNS ?? 30);
const YEAR = Number(process.env.CAMPAIGN_YEAR ?? new Date().getFullYear() - 1);
const BROWSER_ENCODING = 'br, gzip';

if (!EMAIL || !PASSWORD) {
  console.error('EMAIL and PASSWORD are required');
  process.exit(2);
}

let cookie = '';

/** One request; resolves with status, headers, the time to the last byte and (unless `sink`
 * takes the body) the body as a string. `sink(chunk)` sees the raw bytes as they arrive. */
function request(method, path, { headers = {}, body, sink } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(BASE_URL + path, { method, headers: { 'accept-encoding': 'identity', ...(cookie ? { cookie } : {}), ...headers } }, (res) => {
      const chunks = [];
      let bytes = 0;
      res.on('data', (c) => {
        bytes += c.length;
        if (sink) sink(c);
        else chunks.push(c);
      });
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        resolve({ status: res.statusCode, headers: res.headers, ms, bytes, text: sink ? '' : decode(res.headers['content-encoding'], Buffer.concat(chunks)) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

function decode(encoding, buf) {
  if (encoding === 'br') return zlib.brotliDecompressSync(buf).toString('utf8');
  if (encoding === 'gzip') return zlib.gunzipSync(buf).toString('utf8');
  return buf.toString('utf8');
}

function memory() {
  if (!SERVER_PID) return null;
  try {
    const status = fs.readFileSync(`/proc/${SERVER_PID}/status`, 'utf8');
    const kb = (name) => Number((status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm')) ?? [])[1] ?? NaN);
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

const mb = (kb) => (Number.isFinite(kb) ? (kb / 1024).toFixed(1) : '–');
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const fmt = (n) => n.toFixed(1);

async function login() {
  const body = new URLSearchParams({ email: EMAIL, password: PASSWORD }).toString();
  const res = await request('POST', '/admin/connexion', {
    headers: { origin: BASE_URL, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    body,
  });
  if (res.status !== 303) throw new Error(`login: expected 303, got ${res.status}`);
  const setCookies = [].concat(res.headers['set-cookie'] ?? []);
  cookie = setCookies.map((c) => c.split(';')[0]).join('; ');
  if (!cookie) throw new Error('login: no session cookie');
}

/** Campaigns of the selector: [{ id, label }]. */
async function campaigns() {
  const res = await request('GET', '/admin');
  if (res.status !== 200) throw new Error(`/admin: ${res.status}`);
  const select = res.text.match(/<select[^>]*name="campagne"[^>]*>([\s\S]*?)<\/select>/);
  if (!select) throw new Error('no <select name="campagne"> on /admin');
  return [...select[1].matchAll(/<option[^>]*value="([^"]*)"[^>]*>([\s\S]*?)<\/option>/g)].map((m) => ({
    id: m[1],
    label: m[2].replace(/<[^>]*>/g, '').replace(/&#x27;|&#39;/g, "'").trim(), // without Leptos' <!> markers
  }));
}

async function series(name, path, runs, encoding = 'identity') {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const res = await request('GET', path, { headers: { 'accept-encoding': encoding } });
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    times.push(res.ms);
    bytes = res.bytes;
  }
  times.sort((a, b) => a - b);
  return { name, path, encoding, runs, bytes, min: times[0], p50: pct(times, 50), p95: pct(times, 95), max: times[times.length - 1] };
}

/** Counts CRLF line ends across chunks. */
function crlfCounter() {
  const c = { crlf: 0, bytes: 0, lastWasCR: false };
  c.add = (chunk) => {
    c.bytes += chunk.length;
    if (c.lastWasCR && chunk[0] === 10) c.crlf++;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) if (i > 0 && chunk[i - 1] === 13) c.crlf++;
    c.lastWasCR = chunk[chunk.length - 1] === 13;
  };
  return c;
}

/** Samples the server's RSS every 100 ms until stopped; returns { stop() → { peak, samples } }. */
function sampler() {
  let peak = 0;
  let samples = 0;
  const timer = setInterval(() => {
    const m = memory();
    if (m) {
      peak = Math.max(peak, m.rss);
      samples++;
    }
  }, 100);
  return { stop: () => (clearInterval(timer), { peak, samples }) };
}

/** Streams an uncompressed export, counting bytes and CRLF line ends, sampling the server's
 * memory meanwhile. */
async function exportRun(path) {
  const counter = crlfCounter();
  const mem = sampler();
  let firstByteMs = null;
  const started = process.hrtime.bigint();
  const res = await request('GET', path, {
    sink: (chunk) => {
      if (firstByteMs === null) firstByteMs = Number(process.hrtime.bigint() - started) / 1e6;
      counter.add(chunk);
    },
  }).finally(() => mem.stop());
  const { peak, samples } = mem.stop();
  return { res, crlf: counter.crlf, plainBytes: counter.bytes, peak, samples, firstByteMs };
}

/** Same as exportRun with `Accept-Encoding: encoding`: counts the bytes on the wire and the
 * rows after decompression. A download cut short (connection reset, truncated compressed
 * stream) is reported in `error`, with what arrived until then. */
async function exportRunCompressed(path, encoding) {
  const counter = crlfCounter();
  const mem = sampler();
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
  const result = await new Promise((resolve) => {
    let done = false;
    const finish = (r) => {
      if (!done) {
        done = true;
        resolve({ ms: elapsed(), ...r });
      }
    };
    const req = http.request(BASE_URL + path, { headers: { 'accept-encoding': encoding, cookie } }, (res) => {
      const enc = res.headers['content-encoding'] ?? 'identity';
      const d = enc === 'br' ? zlib.createBrotliDecompress() : enc === 'gzip' ? zlib.createGunzip() : null;
      const info = { status: res.statusCode, encoding: enc, wire: 0 };
      res.on('data', (c) => {
        info.wire += c.length;
      });
      res.on('error', (e) => finish({ ...info, error: `response: ${e.code ?? e.message}` }));
      res.on('aborted', () => finish({ ...info, error: 'response aborted by the server' }));
      const plain = d ? res.pipe(d) : res;
      plain.on('data', counter.add);
      plain.on('end', () => finish({ ...info, error: res.complete ? undefined : 'response incomplete' }));
      plain.on('error', (e) => finish({ ...info, error: `decompression: ${e.code ?? e.message}` }));
    });
    req.on('error', (e) => finish({ status: 0, encoding: '?', wire: 0, error: `request: ${e.code ?? e.message}` }));
    req.end();
  }).finally(() => mem.stop());
  const { peak } = mem.stop();
  return { ...result, crlf: counter.crlf, plainBytes: counter.bytes, peak };
}

// ---------------------------------------------------------------------------------------------

await login();
const list = await campaigns();
let campaignId = process.env.CAMPAIGN;
if (!campaignId) {
  const found = list.find((c) => c.label.startsWith(`Campagne ${YEAR}`));
  if (!found) throw new Error(`no campaign "Campagne ${YEAR}" in ${JSON.stringify(list.map((c) => c.label))}`);
  campaignId = found.id;
}
// Period of the whole export: every generated year ("Campagne AAAA (générée) (01/01/AAAA – …)").
const years = list.map((c) => c.label.match(/^Campagne (\d{4}) \(générée\)/)).filter(Boolean).map((m) => Number(m[1]));
const from = process.env.EXPORT_FROM ?? `${Math.min(...years, YEAR)}-01-01`;
const to = process.env.EXPORT_TO ?? `${Math.max(...years, YEAR)}-12-31`;

// Order: the exports first, on a server that has only served the login and one /admin page,
// so that their memory is theirs; then the dashboards (whose SQLite caches stay in the RSS).
const rest0 = memory();
const exportPath = `/admin/export/reponses?campagne=toutes&du=${from}&au=${to}&format=csv`;
const csv = await exportRun(exportPath);
if (csv.res.status !== 200) throw new Error(`${exportPath}: ${csv.res.status}`);
const rows = csv.crlf - 1;
const afterCsv = memory();
const csvBr = process.env.EXPORT_COMPRESSED === '0' ? null : await exportRunCompressed(exportPath, BROWSER_ENCODING);
const afterBr = memory();

// XLSX: at most 1,048,575 data rows (Excel's limit); bigger exports are refused with 422.
let xlsx = null;
const XLSX_MAX_ROWS = 1048575;
if (process.env.XLSX === '1' || (process.env.XLSX !== '0' && rows <= XLSX_MAX_ROWS)) {
  const mem = sampler();
  const res = await request('GET', exportPath.replace('format=csv', 'format=xlsx'), { sink: () => {} }).finally(() => mem.stop());
  xlsx = { status: res.status, ms: res.ms, bytes: res.bytes, peak: mem.stop().peak };
  if (res.status === 422) xlsx.message = (await request('GET', exportPath.replace('format=csv', 'format=xlsx'))).text;
}
const afterXlsx = memory();

const oneSite = `/admin?campagne=${campaignId}&site=evry`;
const allSites = `/admin?campagne=${campaignId}`;
for (let i = 0; i < 3; i++) await request('GET', oneSite);
for (let i = 0; i < 3; i++) await request('GET', allSites);
const dash = [];
dash.push(await series('one site (Évry), one year', oneSite, RUNS));
dash.push(await series('all sites, one year', allSites, RUNS));
dash.push(await series('one site, one year, compressed as for a browser', oneSite, Math.min(RUNS, 10), BROWSER_ENCODING));
const afterDash = memory();

// ---------------------------------------------------------------------------------------------

const label = list.find((c) => c.id === campaignId)?.label ?? '?';
console.log(`\n${BASE_URL}, campaign ${campaignId} (${label}); ${RUNS} timed requests per series after 3 warm-up requests\n`);
console.log('| dashboard request | Accept-Encoding | body | min | p50 | p95 | max | goal ≤ 100 ms |');
console.log('|---|---|---:|---:|---:|---:|---:|---|');
for (const s of dash) {
  const goal = s.p95 <= 100 ? 'met' : s.p50 <= 100 ? 'p50 met, p95 not' : 'not met';
  console.log(`| ${s.name}: \`${s.path}\`, n = ${s.runs} | ${s.encoding} | ${(s.bytes / 1024).toFixed(1)} KB | ${fmt(s.min)} ms | ${fmt(s.p50)} ms | ${fmt(s.p95)} ms | ${fmt(s.max)} ms | ${goal} |`);
}

const secs = csv.res.ms / 1000;
console.log(`\nCSV export of every response, ${from} – ${to}: \`${exportPath}\`\n`);
console.log('| figure | value | goal |');
console.log('|---|---:|---|');
console.log(`| rows | ${rows.toLocaleString('en')} | — |`);
console.log(`| size | ${(csv.plainBytes / 1e6).toFixed(1)} MB | — |`);
console.log(`| time to first byte | ${fmt(csv.firstByteMs ?? NaN)} ms | — |`);
console.log(`| total time | ${secs.toFixed(2)} s | — |`);
console.log(`| rows/s | ${Math.round(rows / secs).toLocaleString('en')} | ≥ 100,000: ${rows / secs >= 100000 ? 'met' : 'not met'} |`);
console.log(`| MB/s | ${(csv.plainBytes / 1e6 / secs).toFixed(1)} | — |`);
if (rest0) {
  const ok = (kb) => (kb / 1024 < 64 ? 'met' : 'not met');
  console.log(`| server RSS at rest before the export (after login and one /admin page) | ${mb(rest0.rss)} MB | — |`);
  console.log(`| server RSS, peak sampled every 100 ms during the export (${csv.samples} samples) | ${mb(csv.peak)} MB | < 64 MB: ${ok(csv.peak)} |`);
  console.log(`| server VmHWM after the export (peak RSS since start) | ${mb(afterCsv.hwm)} MB | < 64 MB: ${ok(afterCsv.hwm)} |`);
  console.log(`| server RSS at rest after the export | ${mb(afterCsv.rss)} MB | — |`);
  if (csvBr) console.log(`| same export compressed (below): peak sampled / VmHWM after | ${mb(csvBr.peak)} / ${mb(afterBr.hwm)} MB | < 64 MB: ${ok(afterBr.hwm)} |`);
  if (xlsx) console.log(`| XLSX export (below): peak sampled / VmHWM after | ${mb(xlsx.peak)} / ${mb(afterXlsx.hwm)} MB | < 64 MB: ${ok(afterXlsx.hwm)} |`);
  console.log(`| server RSS at rest after the ${dash.reduce((n, s) => n + s.runs, 0) + 6} dashboard requests / VmHWM | ${mb(afterDash.rss)} / ${mb(afterDash.hwm)} MB | < 64 MB: ${ok(afterDash.hwm)} |`);
}
if (csvBr) {
  const s = csvBr.ms / 1000;
  console.log(`\nSame export as a browser asks for it (Accept-Encoding: ${BROWSER_ENCODING}; the server answered ${csvBr.status} ${csvBr.encoding}): ${(csvBr.crlf - 1).toLocaleString('en')} rows, ${(csvBr.wire / 1e6).toFixed(1)} MB on the wire, ${s.toFixed(2)} s, ${Math.round((csvBr.crlf - 1) / s).toLocaleString('en')} rows/s${csvBr.error ? ` — **download failed: ${csvBr.error}** (${(rows - (csvBr.crlf - 1)).toLocaleString('en')} rows missing)` : ''}.`);
}
if (xlsx) {
  if (xlsx.status === 200) console.log(`\nXLSX export: ${(xlsx.bytes / 1e6).toFixed(1)} MB in ${(xlsx.ms / 1000).toFixed(2)} s (${Math.round(rows / (xlsx.ms / 1000)).toLocaleString('en')} rows/s).`);
  else console.log(`\nXLSX export: HTTP ${xlsx.status} after ${(xlsx.ms / 1000).toFixed(2)} s${xlsx.message ? ` — « ${xlsx.message.trim()} »` : ''}.`);
} else if (rows > XLSX_MAX_ROWS) {
  console.log('\nXLSX export not timed: more than 1,048,575 rows, refused by design (HTTP 422, pointing to CSV). Set XLSX=1 to check the refusal.');
}
