import { test, expect, Page } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, expectNoAxeViolation, hydrated, respondents } from './helpers';

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
      const block = page.locator('section[data-site="evry"]');
      await expect(block.getByRole('heading', { level: 2 })).toHaveText("Préfecture d'Évry-Courcouronnes");
      await expect(block.locator('.respondents')).toContainText(`${evry} répondants sur un objectif de 150`);
      await expect(block.locator('progress')).toHaveAttribute('max', '150');
      await expect(page.locator('body')).not.toContainText('NaN');
      if (javaScriptEnabled) {
        await hydrated(page);
        await expectNoAxeViolation(page);
      }
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await expect(page).toHaveURL(/\/admin\/connexion$/);
    });
  });
}
