import { expect, Locator, Page } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { test, ADMIN_EMAIL, ADMIN_PASSWORD, answerAll, expectNoAxeViolation, hydrated, respondents } from './helpers';

async function login(page: Page) {
  await page.goto('/admin/connexion');
  await page.getByLabel('Adresse électronique').fill(ADMIN_EMAIL);
  await page.getByLabel('Mot de passe').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/admin$/);
}

/** Screenshots `element` (a QR code image) and decodes it with jsQR, as a phone would read it. */
async function decodeQr(element: Locator): Promise<string> {
  await expect(element).toBeVisible();
  const png = PNG.sync.read(await element.screenshot());
  const result = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  expect(result, 'a QR code is found in the screenshot').not.toBeNull();
  return result!.data;
}

// Sharper screenshots for the QR decoder (a slip's QR code is small on screen).
test.use({ deviceScaleFactor: 2 });

test('quality staff print codes; a code counts once; the QR codes decode to the right links', async ({ page, browser, request, baseURL }) => {
  await login(page);
  await page.goto('/admin/codes-visite');
  await hydrated(page);
  await expectNoAxeViolation(page);
  await page.getByLabel('Site', { exact: true }).selectOption('palaiseau');
  await page.getByLabel(/Nom du lot/).fill('Guichet cartes grises');
  await page.getByLabel(/Nombre de codes/).fill('3');
  await page.getByRole('button', { name: 'Créer les codes' }).click();
  await expect(page).toHaveURL(/\/admin\/codes-visite\/\d+$/);
  const slips = page.locator('li.slip');
  await expect(slips).toHaveCount(3);
  await hydrated(page);
  await expectNoAxeViolation(page);

  // A slip's QR code leads to the survey of its site with its code.
  const first = slips.first();
  const code = (await first.getAttribute('data-code'))!;
  expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
  expect(await decodeQr(first.locator('img.slip-qr'))).toBe(`${baseURL}/enquete/palaiseau?code=${code}`);

  // The visitor scans it (another browser, no staff session), answers, sends.
  const before = await respondents(request, 'palaiseau');
  const visitor = await browser.newContext();
  const survey = await visitor.newPage();
  await survey.goto(`/enquete/palaiseau?code=${code}`);
  await expect(survey.getByText(`Code de visite : ${code}`)).toBeVisible();
  await hydrated(survey);
  await answerAll(survey);
  await survey.getByRole('button', { name: 'Envoyer mes réponses' }).click();
  await expect(survey).toHaveURL(/\/enquete\/palaiseau\/merci$/);
  expect(await respondents(request, 'palaiseau')).toBe(before + 1);

  // Opened again with the same code: the notice, the questions, no submit button.
  await survey.goto(`/enquete/palaiseau?code=${code}`);
  await expect(survey.getByText("Ce code a déjà servi. Merci d'avoir déjà répondu ! Vous pouvez relire les questions.")).toBeVisible();
  await expect(survey.locator('form fieldset')).toHaveCount(7);
  await expect(survey.getByRole('button', { name: 'Envoyer mes réponses' })).toHaveCount(0);
  await hydrated(survey);
  await expectNoAxeViolation(survey);
  await visitor.close();
  expect(await respondents(request, 'palaiseau')).toBe(before + 1);

  // The batch now shows one code used.
  await page.goto('/admin/codes-visite');
  await expect(page.locator('table.code-batches tbody tr').first().locator('td.num').nth(1)).toHaveText('1');

  // The poster of a site: its big QR code leads to the site's survey.
  await page.goto('/admin/affiches');
  await hydrated(page);
  await expectNoAxeViolation(page);
  await page.goto('/admin/affiches/evry');
  expect(await decodeQr(page.locator('img.poster-qr'))).toBe(`${baseURL}/enquete/evry`);
  await expect(page.locator('.poster-url')).toHaveText(`${new URL(baseURL!).host}/enquete/evry`);
  await hydrated(page);
  await expectNoAxeViolation(page);
  await page.goto('/admin/affiches/etampes?format=a3');
  expect(await decodeQr(page.locator('img.poster-qr'))).toBe(`${baseURL}/enquete/etampes`);

  // Printed, the menus and explanations disappear; the poster stays.
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.staff-nav')).toBeHidden();
  await expect(page.locator('header.fr-header')).toBeHidden();
  await expect(page.locator('img.poster-qr')).toBeVisible();

  // The dashboard shows the share of responses with a code.
  await page.emulateMedia({ media: 'screen' });
  await page.goto('/admin?site=palaiseau');
  await expect(page.locator('.visit-code-share')).toContainText(/Réponses avec un code de visite : \d+ % \(1 sur \d+\)/);
});

test('with JavaScript off, a used code is refused politely and nothing is stored', async ({ browser, request }) => {
  const staff = await browser.newContext();
  const page = await staff.newPage();
  await login(page);
  await page.goto('/admin/codes-visite');
  await page.getByLabel('Site', { exact: true }).selectOption('etampes');
  await page.getByLabel(/Nom du lot/).fill('Accueil');
  await page.getByLabel(/Nombre de codes/).fill('1');
  await page.getByRole('button', { name: 'Créer les codes' }).click();
  const code = (await page.locator('li.slip').first().getAttribute('data-code'))!;
  await staff.close();

  const visitor = await browser.newContext({ javaScriptEnabled: false });
  const first = await visitor.newPage();
  const second = await visitor.newPage();
  // Two tabs open with the same code; the first sends, then the second.
  await first.goto(`/enquete/etampes?code=${code.toLowerCase().replace('-', '')}`);
  await second.goto(`/enquete/etampes?code=${code}`);
  await expect(first.getByText(`Code de visite : ${code}`)).toBeVisible();
  const before = await respondents(request, 'etampes');
  await answerAll(first);
  await first.getByRole('button', { name: 'Envoyer mes réponses' }).click();
  await expect(first).toHaveURL(/\/enquete\/etampes\/merci$/);
  await answerAll(second);
  await second.getByRole('button', { name: 'Envoyer mes réponses' }).click();
  await expect(second.getByText(/Ce code a déjà servi/)).toBeVisible();
  await expect(second.locator('#q_amabilite-tout_a_fait')).toBeChecked();
  await expect(second.getByRole('button', { name: 'Envoyer mes réponses' })).toHaveCount(0);
  expect(await respondents(request, 'etampes')).toBe(before + 1);
  await visitor.close();
});
