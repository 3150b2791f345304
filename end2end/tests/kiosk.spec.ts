import { expect, Page } from '@playwright/test';
import { test, ADMIN_EMAIL, ADMIN_PASSWORD, answerAll, expectNoAxeViolation, hydrated } from './helpers';

// On-site tablets (kiosk mode). The test server runs with KIOSK_IDLE_SECONDS=4 and
// KIOSK_WARNING_SECONDS=12 (playwright.config.ts) so that the inactivity dialog comes quickly.
// Each test is a fresh browser: an admin enrols it as a tablet of Évry.

/** Logs the admin in on this browser and enrols it as a tablet; ends on the start screen. */
async function enrolTablet(page: Page, label: string) {
  await page.goto('/admin/connexion');
  await page.getByLabel('Adresse électronique').fill(ADMIN_EMAIL);
  await page.getByLabel('Mot de passe').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await page.goto('/admin/tablettes');
  await page.getByLabel('Site de la tablette').selectOption('evry');
  await page.getByLabel(/^Libellé/).fill(label);
  await page.getByRole('button', { name: 'Enrôler ce navigateur comme tablette' }).click();
  await expect(page).toHaveURL(/\/borne$/);
  await expect(page.getByRole('link', { name: 'Donner mon avis' })).toBeVisible();
}

const dialogOf = (page: Page) => page.getByRole('dialog', { name: 'Êtes-vous toujours là ?' });

test('an idle visitor is cleared away and the next one finds nothing of them', async ({ page }) => {
  test.setTimeout(90_000);
  await enrolTablet(page, 'Accueil E2E');
  // The start screen: site, two big buttons, the languages named in themselves.
  await expect(page.getByText("Préfecture d'Évry-Courcouronnes")).toBeVisible();
  await expect(page.getByRole('link', { name: 'Faire une réclamation ou une suggestion' })).toBeVisible();
  await expect(page.locator('a[lang="ar"][dir="rtl"]')).toHaveText('العربية');
  // The staff session ended with the enrolment.
  await expect(page.locator('.staff-nav')).toHaveCount(0);
  await hydrated(page);
  await expectNoAxeViolation(page);
  const box = await page.getByRole('link', { name: 'Donner mon avis' }).boundingBox();
  expect(box && box.height >= 44 && box.width >= 44).toBeTruthy();

  // Visitor 1 starts a complaint, types a name and a message, and walks away.
  await page.getByRole('link', { name: 'Faire une réclamation ou une suggestion' }).click();
  await expect(page).toHaveURL(/\/reclamation\/evry$/);
  await hydrated(page);
  await page.getByLabel(/^Votre nom/).fill('Visiteur Un');
  await page.getByLabel(/^Votre message/).fill('Texte du visiteur un');
  await expect(page.getByLabel(/^Votre nom/)).toHaveAttribute('autocomplete', 'off');

  // The inactivity dialog: modal, focus on "Continuer", a live countdown.
  const dialog = dialogOf(page);
  await expect(dialog).toBeVisible({ timeout: 10_000 });
  await expect(dialog).toHaveAttribute('aria-modal', 'true');
  await expect(dialog.getByRole('button', { name: 'Continuer' })).toBeFocused();
  await expect(dialog.getByRole('timer')).toContainText('secondes');
  await expectNoAxeViolation(page);

  // No answer: the start screen comes back (in French), the form is gone from the history.
  await expect(page).toHaveURL(/\/borne(\?lang=fr)?$/, { timeout: 20_000 });
  await expect(page.getByRole('link', { name: 'Donner mon avis' })).toBeVisible();

  // Visitor 2 presses Back: nothing of visitor 1.
  await page.goBack();
  await expect(page.locator('body')).not.toContainText('Texte du visiteur un');
  const name = page.locator('input[name="nom"]');
  if ((await name.count()) > 0) await expect(name).toHaveValue('');
  await expect(page.locator('body')).not.toContainText('Visiteur Un');

  // Visitor 2 answers the survey; the thank-you page returns to the start screen by itself.
  await page.goto('/borne');
  await page.getByRole('link', { name: 'Donner mon avis' }).click();
  await expect(page).toHaveURL(/\/enquete\/evry$/);
  await hydrated(page);
  await answerAll(page);
  await page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
  await expect(page).toHaveURL(/\/enquete\/evry\/merci$/);
  await expect(page.getByRole('heading', { name: 'Merci !' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Terminer' })).toHaveAttribute('href', '/borne?lang=fr');
  await expect(page).toHaveURL(/\/borne$/, { timeout: 20_000 });
});

test('"Continuer" keeps what the visitor typed', async ({ page }) => {
  await enrolTablet(page, 'Accueil E2E bis');
  await page.getByRole('link', { name: 'Faire une réclamation ou une suggestion' }).click();
  await expect(page).toHaveURL(/\/reclamation\/evry$/);
  await hydrated(page);
  await page.getByLabel(/^Votre message/).fill('Je suis encore là');
  const dialog = dialogOf(page);
  await expect(dialog).toBeVisible({ timeout: 10_000 });
  await dialog.getByRole('button', { name: 'Continuer' }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/\/reclamation\/evry$/);
  await expect(page.getByLabel(/^Votre message/)).toHaveValue('Je suis encore là');
  // The count starts again: the dialog comes back later, and Escape answers it too.
  await expect(dialog).toBeVisible({ timeout: 10_000 });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByLabel(/^Votre message/)).toHaveValue('Je suis encore là');
});
