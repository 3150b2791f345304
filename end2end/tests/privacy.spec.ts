import { test, expect } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, expectNoAxeViolation, hydrated } from './helpers';

test.describe('personal data: notices and the person search (axe-core, WCAG 2.1 AA)', () => {
  for (const path of ['/donnees-personnelles', '/mentions-legales']) {
    test(`no violation on ${path}, linked from the footer`, async ({ page }) => {
      await page.goto('/');
      await page.locator('footer').getByRole('link', { name: path === '/mentions-legales' ? 'Mentions légales' : 'Données personnelles' }).click();
      await expect(page).toHaveURL(new RegExp(`${path}$`));
      await hydrated(page);
      await expectNoAxeViolation(page);
    });
  }

  test('no violation on the person search and the erasure confirmation', async ({ page }) => {
    await page.goto('/admin/connexion');
    await page.getByLabel('Adresse électronique').fill(ADMIN_EMAIL);
    await page.getByLabel('Mot de passe').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page).toHaveURL(/\/admin$/);
    await page.goto('/admin/donnees-personnelles?q=personne.inconnue%40example.org');
    await hydrated(page);
    await expect(page.getByText('Aucune donnée trouvée')).toBeVisible();
    await expectNoAxeViolation(page);
    await page.goto('/admin/donnees-personnelles/effacement?q=x');
    await hydrated(page);
    await expectNoAxeViolation(page);
  });
});
