import { APIRequestContext, Page, expect, test as base } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/**
 * Playwright's `test`, plus a check run around every test: no page of the test may report a
 * Content-Security-Policy violation (Chromium's console message, or the
 * `securitypolicyviolation` event). The server's policy allows only the scripts that carry the
 * request's nonce, our own files and WebAssembly; a page that needs more fails here.
 */
export const test = base.extend<{ cspGuard: void }>({
  cspGuard: [
    async ({ context }, use) => {
      const violations: string[] = [];
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
        });
      });
      const watch = (page: Page) => {
        page.on('console', (msg) => {
          const text = msg.text();
          if (/Content Security Policy|CSP violation/i.test(text)) violations.push(`${page.url()}: ${text}`);
        });
      };
      context.pages().forEach(watch);
      context.on('page', watch);
      await use();
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});

export const ADMIN_EMAIL = 'qualite@essonne.gouv.fr';
export const ADMIN_PASSWORD = 'mot de passe très long';

/** Respondents of a site in the public results API. */
export async function respondents(request: APIRequestContext, site: string): Promise<number> {
  const res = await request.get('/api/v1/results');
  expect(res.ok()).toBeTruthy();
  const json = await res.json();
  return json.sites.find((s: { slug: string }) => s.slug === site).respondents;
}

/** Picks an answer the way a visitor does: by clicking its label. */
export async function choose(page: Page, question: string, option: string) {
  await page.locator(`label[for="q_${question}-${option}"]`).click();
  await expect(page.locator(`#q_${question}-${option}`)).toBeChecked();
}

/** Answers the whole survey. */
export async function answerAll(page: Page) {
  await choose(page, 'satisfaction_globale', 'tres_satisfait');
  await choose(page, 'amabilite', 'tout_a_fait');
  await choose(page, 'simplicite_langage', 'plutot_oui');
  await choose(page, 'conseil', 'sans_avis');
  await choose(page, 'temps_attente', '15_30_min');
  await choose(page, 'rendez_vous', 'oui');
  await choose(page, 'demarche', 'titre_sejour');
  await page.getByLabel(/Une remarque ou une suggestion/).fill('Très bon accueil 👍 شكرا');
}

/** Runs axe-core (WCAG 2.1 A/AA rules) on the page and expects no violation. */
export async function expectNoAxeViolation(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(summary).toEqual([]);
}

/** Waits until the page is hydrated (wasm loaded and idle). */
export async function hydrated(page: Page) {
  await page.waitForLoadState('networkidle');
}
