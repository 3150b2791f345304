import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking'] });
const port = process.argv[2]; const path = process.argv[3];
for (const js of [false, true]) {
const ctx = await b.newContext({ javaScriptEnabled: js });
const page = await ctx.newPage();
await page.goto(`http://127.0.0.1:${port}${path}`);
const t1 = await page.locator('input[name=token]').getAttribute('value');
await page.locator('button[type=submit], button').first().click(); await page.waitForURL(/merci|erreur|enquete/);
await page.waitForTimeout(500);
await page.goBack();
const t2 = await page.locator('input[name=token]').getAttribute('value');
console.log('js', js, t1 === t2 ? 'SAME' : 'NEW');
await ctx.close(); }
await b.close();
