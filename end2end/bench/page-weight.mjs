// Page weight of a first load, as a visitor's browser downloads it (compressed, empty cache).
// Usage: node bench/page-weight.mjs http://127.0.0.1:3000/enquete/evry
// Prints one line per resource and the totals by kind (HTML, CSS, JS, wasm, fonts, images).
import { chromium } from 'playwright-core';

const url = process.argv[2] ?? 'http://127.0.0.1:3000/enquete/evry';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
const cdp = await page.context().newCDPSession(page);
await cdp.send('Network.enable');
const requests = new Map();
cdp.on('Network.responseReceived', (e) => requests.set(e.requestId, { url: e.response.url, type: e.type, encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '' }));
cdp.on('Network.loadingFinished', (e) => { const r = requests.get(e.requestId); if (r) r.bytes = e.encodedDataLength; });
await page.goto(url, { waitUntil: 'networkidle' });
await browser.close();

const kindOf = (r) => {
  if (r.type === 'Document') return 'html';
  if (r.url.endsWith('.wasm')) return 'wasm';
  if (r.type === 'Stylesheet') return 'css';
  if (r.type === 'Script') return 'js';
  if (r.type === 'Font') return 'fonts';
  return 'other';
};
const totals = {};
for (const r of requests.values()) {
  if (r.url.startsWith('data:')) continue; // inlined in the CSS, no download
  const kind = kindOf(r);
  totals[kind] = (totals[kind] ?? 0) + (r.bytes ?? 0);
  console.log(`${kind.padEnd(6)} ${String(r.bytes ?? 0).padStart(8)} B  ${r.encoding.padEnd(4)} ${r.url}`);
}
const all = Object.values(totals).reduce((a, b) => a + b, 0);
console.log('\ntotals (bytes on the wire, headers included):');
for (const [k, v] of Object.entries(totals)) console.log(`  ${k.padEnd(6)} ${(v / 1024).toFixed(1)} KB`);
console.log(`  render-blocking (html + css): ${(((totals.html ?? 0) + (totals.css ?? 0)) / 1024).toFixed(1)} KB`);
console.log(`  all: ${(all / 1024).toFixed(1)} KB`);
