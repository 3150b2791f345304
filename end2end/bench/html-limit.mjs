// The survey page's HTML next to its limit: a hand-written static page with the same questions
// (bench/survey-limit.html: the form, its labels and a one-line header, nothing else). Issue 7's
// goal: the page's HTML, compressed, at most twice the limit.
// Usage: node bench/html-limit.mjs http://127.0.0.1:3000/enquete/evry
// Both pages are compressed here the same ways (brotli at quality 11 and at the server's level 5,
// gzip -9) so the ratio does not depend on the server; the bytes the server really sent (its own
// brotli, body only, headers apart) are printed too.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const url = process.argv[2] ?? 'http://127.0.0.1:3000/enquete/evry';

/** GET `url` with `encoding` accepted; resolves to the raw body bytes and the headers' size. */
function get(encoding) {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'accept-encoding': encoding, 'accept-language': 'fr' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        // "name: value\r\n" per header (rawHeaders alternates names and values).
        const headerBytes = res.rawHeaders.reduce((n, h) => n + Buffer.byteLength(h) + 2, 0);
        resolve({ body: Buffer.concat(chunks), headerBytes, encoding: res.headers['content-encoding'] ?? '' });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const brotli = (buf, quality) => brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: quality } }).length;
const sizes = (buf) => ({ raw: buf.length, br11: brotli(buf, 11), br5: brotli(buf, 5), gzip9: gzipSync(buf, { level: 9 }).length });

const page = (await get('identity')).body;
const wire = await get('br');
const limit = readFileSync(new URL('./survey-limit.html', import.meta.url));
const ours = sizes(page);
const theirs = sizes(limit);

const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
console.log(`page: ${url}`);
console.log('                 raw        brotli 11  brotli 5   gzip -9');
for (const [name, s] of [['this page', ours], ['hand-written', theirs]]) {
  console.log(`${name.padEnd(14)} ${kb(s.raw).padStart(10)} ${kb(s.br11).padStart(10)} ${kb(s.br5).padStart(10)} ${kb(s.gzip9).padStart(10)}`);
}
console.log(`ratio (goal ≤ 2) ${''.padStart(8)} ${(ours.br11 / theirs.br11).toFixed(2).padStart(10)} ${(ours.br5 / theirs.br5).toFixed(2).padStart(10)} ${(ours.gzip9 / theirs.gzip9).toFixed(2).padStart(10)}`);
console.log(`sent by the server (${wire.encoding || 'uncompressed'}): body ${kb(wire.body.length)}, headers ${kb(wire.headerBytes)}`);
