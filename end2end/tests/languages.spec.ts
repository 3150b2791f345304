import { expect, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { test, expectNoAxeViolation, hydrated, respondents } from './helpers';

// The public side in five languages (issue 6): axe-core (WCAG 2.1 A/AA) on every public page in
// every language, Arabic right to left, the switcher, the survey and the complaint form done
// with the keyboard alone, and pages that fit 320 CSS px without scrolling sideways.

const LANGUAGES = ['fr', 'en', 'ar', 'es', 'pt'] as const;
type Code = (typeof LANGUAGES)[number];

/** A text of `app/locales/<code>.json` (e.g. `survey.title`). */
function text(code: Code, path: string): string {
  const json = JSON.parse(readFileSync(`${__dirname}/../../app/locales/${code}.json`, 'utf8'));
  return path.split('.').reduce((v, k) => v[k], json) as string;
}

/** Sets the visitor's language the way the switcher does (a `?lang=` link, then remembered). */
async function useLanguage(page: Page, code: Code) {
  await page.goto(`/?lang=${code}`);
  await expect(page.locator('html')).toHaveAttribute('lang', code);
}

const PUBLIC_PAGES = ['/', '/enquete/evry', '/enquete/evry/merci', '/reclamation', '/suivi', '/resultats', '/donnees-personnelles', '/mentions-legales', '/accessibilite'];

test.describe('every public page in every language (axe-core, WCAG 2.1 AA)', () => {
  for (const code of LANGUAGES) {
    test(`no violation in ${code}`, async ({ page }) => {
      test.setTimeout(180_000);
      await useLanguage(page, code);
      for (const path of PUBLIC_PAGES) {
        await page.goto(path);
        await hydrated(page);
        await expect(page.locator('html'), path).toHaveAttribute('lang', code);
        await expect(page.locator('html'), path).toHaveAttribute('dir', code === 'ar' ? 'rtl' : 'ltr');
        await expectNoAxeViolation(page);
      }
    });
  }
});

test.describe('the language switcher', () => {
  test('switches, is remembered, keeps staff pages in French', async ({ page }) => {
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    const switcher = page.getByRole('navigation', { name: text('fr', 'language.switcher_label') });
    await switcher.getByRole('link', { name: 'العربية' }).click();
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(text('ar', 'home.title'));
    await expect(page).toHaveURL(/\/$/);
    // Remembered on the next pages, also after an in-app (hydrated) navigation.
    await hydrated(page);
    await page.getByRole('link', { name: text('ar', 'common.nav_complaint') }).first().click();
    await expect(page).toHaveURL(/\/reclamation$/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
    await page.goto('/suivi');
    await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
    await expect(page).toHaveTitle(new RegExp(text('ar', 'common.service_name').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    // Staff pages stay in French, without the switcher.
    await page.goto('/admin/connexion');
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await expect(page.locator('.language-switcher')).toHaveCount(0);
    // Back to English with the switcher.
    await page.goto('/resultats');
    await page.locator('.language-switcher').getByRole('link', { name: 'English' }).click();
    await expect(page).toHaveURL(/\/resultats$/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  });
});

/** Presses Tab until the focused element matches `selector` (fails after `max` presses). */
async function tabTo(page: Page, selector: string, max = 200) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`the keyboard never reached ${selector}`);
}

/** Chooses `value` in the radio group `name` with the keyboard: Tab into the group, Space,
 * then the arrow keys. */
async function chooseWithKeys(page: Page, name: string, value: string) {
  await tabTo(page, `input[type=radio][name="${name}"]`);
  await page.keyboard.press('Space');
  const arrow = (await page.locator('html').getAttribute('dir')) === 'rtl' ? 'ArrowLeft' : 'ArrowDown';
  for (let i = 0; i < 12; i++) {
    if (await page.locator(`input[name="${name}"][value="${value}"]`).isChecked()) return;
    await page.keyboard.press(arrow);
  }
  await expect(page.locator(`input[name="${name}"][value="${value}"]`)).toBeChecked();
}

test.describe('the keyboard alone', () => {
  test('answers the survey in Arabic', async ({ page, request }) => {
    const before = await respondents(request, 'palaiseau');
    await useLanguage(page, 'ar');
    await page.goto('/enquete/palaiseau');
    await hydrated(page);
    await chooseWithKeys(page, 'q_satisfaction_globale', 'plutot_satisfait');
    await chooseWithKeys(page, 'q_amabilite', 'tout_a_fait');
    await tabTo(page, 'textarea');
    await page.keyboard.type('شكرا على الاستقبال');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/enquete\/palaiseau\/merci$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(text('ar', 'thanks.title'));
    expect(await respondents(request, 'palaiseau')).toBe(before + 1);
  });

  test('files a complaint in English, errors included', async ({ page }) => {
    await useLanguage(page, 'en');
    await page.goto('/reclamation');
    await hydrated(page);
    await chooseWithKeys(page, 'type', 'suggestion');
    await chooseWithKeys(page, 'site', 'etampes');
    await tabTo(page, 'select[name=demarche]');
    await page.keyboard.press('ArrowDown');
    // Sent without a message: the error summary takes the focus and links to the field.
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    const summary = page.locator('[role=alert]').filter({ has: page.getByRole('link') }).first();
    await expect(summary).toBeVisible();
    await summary.getByRole('link').first().focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('textarea[name=message]')).toBeFocused();
    await page.keyboard.type('Please add a bench near the entrance. Merci !');
    await chooseWithKeys(page, 'reponse', 'aucune');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/reclamation\/enregistree\/SUG-\d{4}-\d{6}\?cle=/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expectNoAxeViolation(page);
  });
});

test.describe('320 CSS px wide (reflow, or 200 % zoom)', () => {
  test.use({ viewport: { width: 320, height: 640 } });
  for (const code of ['fr', 'ar'] as const) {
    test(`no sideways scrolling in ${code}`, async ({ page }) => {
      await useLanguage(page, code);
      for (const path of PUBLIC_PAGES) {
        await page.goto(path);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${path} is ${overflow}px too wide`).toBeLessThanOrEqual(0);
      }
    });
  }
});

test.describe('Arabic with JavaScript off', () => {
  test.use({ javaScriptEnabled: false });
  test('the survey is answered and recorded', async ({ page, request }) => {
    const before = await respondents(request, 'etampes');
    await useLanguage(page, 'ar');
    await page.goto('/enquete/etampes');
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await page.locator('label[for="q_satisfaction_globale-tres_satisfait"]').click();
    await page.locator('button[type=submit]').click();
    await expect(page).toHaveURL(/\/enquete\/etampes\/merci$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(text('ar', 'thanks.title'));
    expect(await respondents(request, 'etampes')).toBe(before + 1);
  });
});
