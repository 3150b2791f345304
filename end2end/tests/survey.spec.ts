import { expect } from '@playwright/test';
import { test, answerAll, choose, expectNoAxeViolation, hydrated, respondents } from './helpers';

test.describe('survey with JavaScript on (the form is an island)', () => {
  test('fill and submit without a full reload', async ({ page, request }) => {
    const before = await respondents(request, 'evry');
    await page.goto('/');
    await page.getByRole('link', { name: "Préfecture d'Évry-Courcouronnes" }).click();
    await expect(page).toHaveURL(/\/enquete\/evry$/);
    await hydrated(page);
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await answerAll(page);
    await page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
    await expect(page).toHaveURL(/\/enquete\/evry\/merci$/);
    await expect(page.getByText('Vos réponses ont bien été enregistrées.')).toBeVisible();
    // The message replaced the form, has the focus, and the tab's title follows.
    await expect(page.locator('#envoi-enregistre')).toBeFocused();
    await expect(page.locator('form[method=post]')).toBeHidden();
    await expect(page).toHaveTitle('Merci pour votre avis – Avis & Réclamations');
    // Same document: the form's island sent it without a page load.
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(await respondents(request, 'evry')).toBe(before + 1);
    // The sent form was replaced in the history: "back" leads to the page before the survey.
    await page.goBack();
    await expect(page).toHaveURL(/\/$/);
  });

  test('only pages with an island download the wasm', async ({ page }) => {
    const wasm: string[] = [];
    page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url()); });
    for (const path of ['/', '/reclamation', '/suivi']) {
      await page.goto(path);
      await hydrated(page);
    }
    expect(wasm).toEqual([]);
    await page.goto('/enquete/evry');
    await hydrated(page);
    expect(wasm.length).toBe(1);
  });

  test('a double click records one response', async ({ page, request }) => {
    const before = await respondents(request, 'palaiseau');
    await page.goto('/enquete/palaiseau');
    await hydrated(page);
    await choose(page, 'satisfaction_globale', 'plutot_satisfait');
    await page.getByRole('button', { name: 'Envoyer mes réponses' }).dblclick();
    await expect(page).toHaveURL(/\/enquete\/palaiseau\/merci$/);
    await page.waitForLoadState('networkidle');
    expect(await respondents(request, 'palaiseau')).toBe(before + 1);
  });

  test('a missing answer shows the errors and keeps the other answers', async ({ page, request }) => {
    const before = await respondents(request, 'etampes');
    await page.goto('/enquete/etampes');
    await hydrated(page);
    await choose(page, 'amabilite', 'plutot_oui');
    await page.getByLabel(/Une remarque ou une suggestion/).fill('Texte gardé');
    await page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
    const summary = page.locator('#resume-erreurs');
    await expect(summary).toBeVisible();
    await expect(summary).toBeFocused();
    await expect(page).toHaveTitle(/^Erreur – Enquête de satisfaction – Sous-préfecture d'Étampes – Avis & Réclamations$/);
    await expect(summary.getByRole('link')).toContainText('Choisissez une réponse.');
    await expect(page.locator('#q_satisfaction_globale-messages')).toContainText('Choisissez une réponse.');
    // The question's frame (a nested island) takes the error style; the others do not.
    await expect(page.locator('#q_satisfaction_globale-fieldset')).toHaveClass(/fr-fieldset--error/);
    await expect(page.locator('#q_amabilite-fieldset')).not.toHaveClass(/fr-fieldset--error/);
    await expect(page.locator('#q_amabilite-plutot_oui')).toBeChecked();
    await expect(page.getByLabel(/Une remarque ou une suggestion/)).toHaveValue('Texte gardé');
    await expectNoAxeViolation(page);
    // The link in the summary takes the visitor to the question.
    await summary.getByRole('link').click();
    await expect(page.locator('#q_satisfaction_globale-tres_satisfait')).toBeFocused();
    await choose(page, 'satisfaction_globale', 'tres_satisfait');
    await page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
    await expect(page).toHaveURL(/\/enquete\/etampes\/merci$/);
    expect(await respondents(request, 'etampes')).toBe(before + 1);
  });
});

test.describe('survey with JavaScript off', () => {
  test.use({ javaScriptEnabled: false });

  test('fill and submit (Post/Redirect/Get)', async ({ page, request }) => {
    const before = await respondents(request, 'evry');
    await page.goto('/');
    await page.getByRole('link', { name: "Préfecture d'Évry-Courcouronnes" }).click();
    await answerAll(page);
    await page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
    await expect(page).toHaveURL(/\/enquete\/evry\/merci$/);
    await expect(page.getByText('Vos réponses ont bien été enregistrées.')).toBeVisible();
    expect(await respondents(request, 'evry')).toBe(before + 1);
    // Reloading the thank-you page (GET) stores nothing more.
    await page.reload();
    expect(await respondents(request, 'evry')).toBe(before + 1);
  });

  test('a double click records one response', async ({ page, request }) => {
    const before = await respondents(request, 'evry');
    await page.goto('/enquete/evry');
    await choose(page, 'satisfaction_globale', 'plutot_satisfait');
    await page.getByRole('button', { name: 'Envoyer mes réponses' }).dblclick();
    await expect(page).toHaveURL(/\/enquete\/evry\/merci$/);
    expect(await respondents(request, 'evry')).toBe(before + 1);
    // Back to the form and submit again: same one-time token, nothing more is stored.
    await page.goBack();
    await page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
    await expect(page).toHaveURL(/\/merci$/);
    expect(await respondents(request, 'evry')).toBe(before + 1);
  });

  test('a missing answer returns the form with the answers kept', async ({ page, request }) => {
    const before = await respondents(request, 'evry');
    await page.goto('/enquete/evry');
    await choose(page, 'demarche', 'naturalisation');
    await page.getByLabel(/Une remarque ou une suggestion/).fill('Bonjour — مرحبا');
    await page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
    await expect(page.locator('#resume-erreurs')).toBeVisible();
    await expect(page).toHaveTitle(/^Erreur/);
    await expect(page.locator('#q_demarche-naturalisation')).toBeChecked();
    await expect(page.getByLabel(/Une remarque ou une suggestion/)).toHaveValue('Bonjour — مرحبا');
    expect(await respondents(request, 'evry')).toBe(before);
  });
});

test.describe('accessibility (axe-core, WCAG 2.1 AA)', () => {
  for (const path of ['/', '/enquete/evry', '/enquete/evry/merci', '/admin/connexion']) {
    test(`no violation on ${path}`, async ({ page }) => {
      await page.goto(path);
      await hydrated(page);
      await expectNoAxeViolation(page);
    });
  }

  test('no violation on the error page of a plain (non-hydrated) POST', async ({ page }) => {
    // axe needs JavaScript; keeping the wasm away makes the form post as without JavaScript.
    await page.route('**/*.wasm', (route) => route.abort());
    await page.goto('/enquete/palaiseau');
    await page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
    await expect(page).toHaveURL(/\/enquete\/palaiseau\/reponses$/);
    await expect(page.locator('#resume-erreurs')).toBeVisible();
    await expectNoAxeViolation(page);
  });
});

test.describe('anti-robot field (honeypot)', () => {
  test('is neither seen, announced nor reached with the keyboard', async ({ page }) => {
    await page.goto('/enquete/evry');
    await hydrated(page);
    const trap = page.locator('input[name=site_web]');
    await expect(trap).toHaveCount(1);
    // Off screen, and absent from the accessibility tree (aria-hidden).
    const box = await trap.boundingBox();
    expect(box === null || box.x + box.width <= 0).toBeTruthy();
    await expect(page.getByRole('textbox', { name: 'Ne remplissez pas ce champ' })).toHaveCount(0);
    // Tabbing through the whole page never lands on it.
    await page.keyboard.press('Tab');
    for (let i = 0; i < 40; i++) {
      const name = await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? '');
      expect(name).not.toBe('site_web');
      await page.keyboard.press('Tab');
    }
  });
});
