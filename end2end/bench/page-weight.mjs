// Page weight of a page as a visitor's browser downloads it (compressed): the first visit (empty
// cache), then a second visit in the same browser (a new navigation to the same address, so the
// cache is used as on a visitor's return; hashed static files are cached for a year).
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

const kindOf = (r) => {
  if (r.type === 'Document') return 'html';
  if (r.url.endsWith('.wasm')) return 'wasm';
  if (r.type === 'Stylesheet') return 'css';
  if (r.type === 'Script') return 'js';
  if (r.type === 'Font') return 'fonts';
  return 'other';
};

/** Loads `url` once; prints each resource and the bytes that came over the network, by kind. */
async function visit(label) {
  const requests = new Map();
  const onResponse = (e) => requests.set(e.requestId, {
    url: e.response.url,
    type: e.type,
    status: e.response.status,
    encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '',
    cached: e.response.fromDiskCache || e.response.fromMemoryCache || e.response.fromPrefetchCache || false,
  });
  const onCached = (e) => { const r = requests.get(e.requestId); if (r) r.cached = true; };
  const onFinished = (e) => { const r = requests.get(e.requestId); if (r) r.bytes = e.encodedDataLength; };
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.requestServedFromCache', onCached);
  cdp.on('Network.loadingFinished', onFinished);
  await page.goto(url, { waitUntil: 'networkidle' });
  cdp.off('Network.responseReceived', onResponse);
  cdp.off('Network.requestServedFromCache', onCached);
  cdp.off('Network.loadingFinished', onFinished);

  console.log(`\n== ${label} ==`);
  const totals = {};
  let fromCache = 0;
  for (const r of requests.values()) {
    if (r.url.startsWith('data:')) continue; // inlined in the CSS, no download
    const kind = kindOf(r);
    const bytes = r.cached ? 0 : (r.bytes ?? 0);
    if (r.cached) fromCache += 1;
    totals[kind] = (totals[kind] ?? 0) + bytes;
    console.log(`${kind.padEnd(6)} ${String(bytes).padStart(8)} B  ${r.cached ? 'cache' : String(r.status).padEnd(5)} ${r.encoding.padEnd(4)} ${r.url}`);
  }
  const all = Object.values(totals).reduce((a, b) => a + b, 0);
  console.log('totals (bytes over the network, headers included):');
  for (const [k, v] of Object.entries(totals)) console.log(`  ${k.padEnd(6)} ${(v / 1024).toFixed(1)} KB`);
  console.log(`  render-blocking (html + css): ${(((totals.html ?? 0) + (totals.css ?? 0)) / 1024).toFixed(1)} KB`);
  console.log(`  all: ${(all / 1024).toFixed(1)} KB (${requests.size - fromCache} from the network, ${fromCache} from the cache)`);
}

await visit('first visit (empty cache)');
await visit('second visit (same browser)');
await browser.close();
