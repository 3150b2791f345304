import { expect, Page } from '@playwright/test';
import { test, ADMIN_EMAIL, ADMIN_PASSWORD, expectNoAxeViolation, hydrated, respondents } from './helpers';

async function login(page: Page) {
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/connexion$/);
  await page.getByLabel('Adresse électronique').fill(ADMIN_EMAIL);
  await page.getByLabel('Mot de passe').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/admin$/);
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`staff login, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled });

    test('a wrong password says so and keeps the e-mail', async ({ page }) => {
      await page.goto('/admin/connexion');
      await page.getByLabel('Adresse électronique').fill(ADMIN_EMAIL);
      await page.getByLabel('Mot de passe').fill('mauvais mot de passe');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await expect(page.getByRole('alert')).toContainText('Adresse électronique ou mot de passe incorrect.');
      await expect(page.getByLabel('Adresse électronique')).toHaveValue(ADMIN_EMAIL);
    });

    test('log in and see the respondents per site', async ({ page, request }) => {
      const evry = await respondents(request, 'evry');
      await login(page);
      const row = page.locator('tr[data-site="evry"]');
      await expect(row.getByRole('rowheader')).toHaveText("Préfecture d'Évry-Courcouronnes");
      await expect(row.locator('.respondents')).toHaveText(`${evry}`);
      await expect(row.locator('progress')).toHaveAttribute('max', '150');
      await expect(page.getByRole('heading', { name: 'Comparaison entre sites' })).toBeVisible();
      await expect(page.getByRole('heading', { name: 'Réclamations et suggestions' })).toBeVisible();
      await expect(page.locator('body')).not.toContainText('NaN');
      // A filter is a plain GET form: it works with and without JavaScript.
      await page.getByLabel('Site', { exact: true }).selectOption('palaiseau');
      await page.getByRole('button', { name: 'Filtrer' }).click();
      await expect(page).toHaveURL(/site=palaiseau/);
      await expect(page.locator('tr[data-site="evry"]')).toHaveCount(0);
      await expect(page.locator('tr[data-site="palaiseau"]')).toHaveCount(1);
      if (javaScriptEnabled) {
        await hydrated(page);
        await expectNoAxeViolation(page);
        await page.goto('/admin/remarques');
        await hydrated(page);
        await expectNoAxeViolation(page);
        await page.goto('/admin/import');
        await hydrated(page);
        await expectNoAxeViolation(page);
        await page.goto('/admin/rapport');
        await expect(page.getByRole('heading', { level: 1 })).toContainText('rapport pour le comité local des usagers');
        await hydrated(page);
        await expectNoAxeViolation(page);
      }
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await expect(page).toHaveURL(/\/admin\/connexion$/);
    });

    test('the remark list shows text as text and the exports download', async ({ page }) => {
      await login(page);
      await page.goto('/admin/remarques');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Remarques libres des répondants');
      await expect(page.getByRole('status')).toContainText('remarque(s)');
      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Exporter les remarques (CSV Excel)' }).click();
      expect((await download).suggestedFilename()).toMatch(/^remarques-.*\.csv$/);
    });
  });
}

test('the published results page is accessible and shows no free text', async ({ page }) => {
  await page.goto('/resultats');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("Résultats de l'enquête de satisfaction");
  await expect(page.locator('section.published-campaign').first()).toBeVisible();
  await hydrated(page);
  await expectNoAxeViolation(page);
});

test('the users\' committee report takes an action without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page);
  await page.goto('/admin/rapport');
  await page.getByLabel('Vous nous avez dit').fill('Il manque des chaises');
  await page.getByLabel('Nous avons fait').fill('Dix chaises de plus en salle d\'attente');
  await page.getByRole('button', { name: "Ajouter l'action" }).click();
  await expect(page.locator('table.report-actions').first()).toContainText('Dix chaises de plus');
  await context.close();
});

test('campaigns and questionnaire pages are accessible; a question is edited without JavaScript', async ({ browser, page }) => {
  await login(page);
  // The questionnaire list comes last: the "Modifier" link below is clicked on it.
  for (const path of ['/admin/campagnes', '/admin/journal', '/admin/comptes', '/admin/comptes/1', '/admin/mot-de-passe', '/admin/questionnaires']) {
    await page.goto(path);
    await hydrated(page);
    await expectNoAxeViolation(page);
  }
  await page.getByRole('link', { name: /^Modifier/ }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('version');
  await hydrated(page);
  await expectNoAxeViolation(page);

  const context = await browser.newContext({ javaScriptEnabled: false });
  const plain = await context.newPage();
  await login(plain);
  await plain.goto('/admin/questionnaires');
  await plain.getByRole('link', { name: /^Modifier/ }).first().click();
  await plain.getByRole('link', { name: /^Modifier.*aimable/ }).click();
  await plain.getByLabel(/^Question/).fill("L'agent qui vous a reçu(e) a-t-il été aimable et poli ?");
  await plain.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(plain.getByRole('status')).toContainText('Modification enregistrée');
  await expect(plain.locator('li[data-question="amabilite"]')).toContainText('aimable et poli');
  await context.close();
});
