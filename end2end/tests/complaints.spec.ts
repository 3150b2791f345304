import { expect, Browser, Locator, Page } from '@playwright/test';
import { test, ADMIN_EMAIL, ADMIN_PASSWORD, expectNoAxeViolation, hydrated } from './helpers';

// The complaint box: public filing, follow-up (/suivi), and the staff side (list, detail,
// templates, reply by e-mail or by letter, entry of a paper complaint). The tests share one
// database: they read references from the pages and compare numbers, never absolute counts.

const REFERENCE = /^(REC|SUG)-\d{4}-\d{6}$/;

type Filing = {
  kind: 'Une réclamation' | 'Une suggestion';
  site?: string;
  procedure: string;
  message: string;
  name?: string;
  reply: 'Par courriel' | 'Par courrier postal' | 'Je ne souhaite pas de réponse';
  email?: string;
  address?: string;
  postalCode?: string;
};

/** A unique e-mail address for one test run. */
function uniqueEmail(who: string): string {
  return `${who}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@exemple.fr`;
}

/** Picks a radio button the way a visitor does: by clicking its label (DSFR draws the button
 * over the hidden input). */
async function pick(radio: Locator) {
  const id = await radio.getAttribute('id');
  await radio.page().locator(`label[for="${id}"]`).click();
  await expect(radio).toBeChecked();
}

/** Fills the public form (or the agents' entry form: same fields) as a visitor does. */
async function fillComplaint(page: Page, f: Filing) {
  await pick(page.getByRole('radio', { name: new RegExp(`^${f.kind}`) }));
  if (f.site) await pick(page.getByRole('radio', { name: f.site, exact: true }));
  await page.getByLabel('Démarche concernée').selectOption({ label: f.procedure });
  await page.getByLabel(/^Votre message/).fill(f.message);
  if (f.name !== undefined) await page.getByLabel(/^Votre nom/).fill(f.name);
  await pick(page.getByRole('radio', { name: f.reply, exact: true }));
  if (f.email !== undefined) await page.getByLabel(/^Adresse électronique/).fill(f.email);
  if (f.address !== undefined) await page.getByLabel(/^Adresse postale/).fill(f.address);
  if (f.postalCode !== undefined) await page.getByLabel(/^Code postal/).fill(f.postalCode);
}

/** The reference shown on the confirmation page (after checking the URL and its format). */
async function filedReference(page: Page): Promise<string> {
  await expect(page).toHaveURL(/\/reclamation\/enregistree\/(REC|SUG)-\d{4}-\d{6}\?cle=/);
  await expect(page.getByRole('heading', { level: 1, name: 'Votre demande est enregistrée' })).toBeVisible();
  const reference = (await page.locator('#reference').innerText()).trim();
  expect(reference).toMatch(REFERENCE);
  expect(page.url()).toContain(`/reclamation/enregistree/${reference}?`);
  return reference;
}

/** The reference after `reference` (same type and year). */
function nextReference(reference: string): string {
  const [prefix, year, number] = reference.split('-');
  return `${prefix}-${year}-${String(Number(number) + 1).padStart(6, '0')}`;
}

/** Files a plain réclamation through /reclamation and returns its reference. */
async function fileSimple(page: Page, email?: string): Promise<string> {
  await page.goto('/reclamation');
  await fillComplaint(page, {
    kind: 'Une réclamation',
    site: "Préfecture d'Évry-Courcouronnes",
    procedure: 'Permis de conduire',
    message: 'Attente trop longue au guichet.',
    reply: email ? 'Par courriel' : 'Je ne souhaite pas de réponse',
    email,
  });
  await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
  return filedReference(page);
}

async function login(page: Page) {
  await page.goto('/admin/connexion');
  await page.getByLabel('Adresse électronique').fill(ADMIN_EMAIL);
  await page.getByLabel('Mot de passe').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/admin$/);
}

/** A new browser context (its own cookies) with a logged-in staff member. */
async function staffPage(browser: Browser, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await login(page);
  return page;
}

/** Console errors and uncaught page errors (hydration mismatches and panics show up there). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()} (${page.url()})`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message} (${page.url()})`));
  return errors;
}

/** A Europe/Paris calendar day `offset` days from today: ISO (yyyy-mm-dd) and French (dd/mm/yyyy). */
function parisDay(offset: number): { iso: string; fr: string } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  const iso = d.toISOString().slice(0, 10);
  const [y, m, day] = iso.split('-');
  return { iso, fr: `${day}/${m}/${y}` };
}

/** The agents' entry of a réclamation received by letter `daysAgo` days ago, to be answered by post. */
async function enterPaperComplaint(page: Page, name: string, daysAgo = 3): Promise<{ id: string; reference: string }> {
  await page.goto('/admin/reclamations');
  await page.getByRole('link', { name: 'Saisir une demande reçue par courrier, courriel ou fiche' }).click();
  await expect(page).toHaveURL(/\/admin\/reclamations\/nouvelle$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Saisir une demande reçue');
  await page.getByLabel('Canal').selectOption({ label: 'Courrier' });
  await page.getByLabel(/^Date de réception/).fill(parisDay(-daysAgo).iso);
  await fillComplaint(page, {
    kind: 'Une réclamation',
    site: "Préfecture d'Évry-Courcouronnes",
    procedure: "Carte grise (certificat d'immatriculation)",
    message: "Mon dossier de carte grise est bloqué depuis deux mois, malgré trois relances à l'accueil.",
    name,
    reply: 'Par courrier postal',
    address: '12 rue des Lilas\n91000 Évry-Courcouronnes',
    postalCode: '91000',
  });
  await page.getByRole('button', { name: 'Enregistrer la demande' }).click();
  await expect(page).toHaveURL(/\/admin\/reclamations\/\d+$/);
  const id = page.url().match(/\/admin\/reclamations\/(\d+)$/)![1];
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText(/^Réclamation REC-\d{4}-\d{6}$/);
  const reference = (await heading.innerText()).replace('Réclamation', '').trim();
  return { id, reference };
}

/** Replies by post with a free text; lands on the printable letter. */
async function replyByPost(page: Page, id: string, subject: string, text: string) {
  await page.goto(`/admin/reclamations/${id}`);
  const reply = page.locator('section.reply-section');
  await reply.getByLabel(/^Objet/).fill(subject);
  await reply.getByLabel(/^Texte de la réponse/).fill(text);
  // No e-mail address: by post is the only choice.
  await expect(reply.getByRole('radio', { name: /^Par courriel/ })).toBeDisabled();
  await expect(reply.getByRole('radio', { name: 'Par courrier (imprimer la lettre)' })).toBeChecked();
  await reply.getByRole('button', { name: 'Envoyer la réponse' }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/reclamations/${id}/courrier$`));
}

test.describe('complaint box with JavaScript on (hydrated)', () => {
  test('a suggestion filed online, answered from a template by e-mail, then followed up', async ({ page, browser }) => {
    test.setTimeout(120_000);
    const errors = watchErrors(page);
    const name = 'Amina Benali – أمينة بن علي';
    const email = uniqueEmail('amina');
    const message = "Très bon accueil à l'étage, merci ! Un écran d'affichage des numéros serait utile — شكرا جزيلا 🙏😊";

    // The visitor files a suggestion for Palaiseau (the site comes from the address).
    await page.goto('/reclamation/palaiseau');
    await hydrated(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Faire une réclamation ou une suggestion');
    await expect(page.getByRole('radio', { name: 'Sous-préfecture de Palaiseau', exact: true })).toBeChecked();
    await fillComplaint(page, { kind: 'Une suggestion', procedure: 'Accueil général', message, name, reply: 'Par courriel', email });
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    const reference = await filedReference(page);
    expect(reference).toMatch(/^SUG-\d{4}-\d{6}$/);
    await expect(page.getByText('Un accusé de réception est envoyé à votre adresse électronique.')).toBeVisible();
    await hydrated(page);
    expect(errors).toEqual([]);

    // A staff member finds it in the list (filtered on suggestions) and opens it.
    const staff = await staffPage(browser);
    const staffErrors = watchErrors(staff);
    // From the dashboard through the staff menu (a client-side navigation).
    await staff.getByRole('link', { name: 'Réclamations et suggestions' }).click();
    await expect(staff).toHaveURL(/\/admin\/reclamations$/);
    await hydrated(staff);
    await staff.getByLabel('Type', { exact: true }).selectOption({ label: 'Suggestion' });
    await staff.getByRole('button', { name: 'Filtrer' }).click();
    await expect(staff).toHaveURL(/[?&]type=suggestion(&|$)/);
    await expect(staff.getByLabel('Type', { exact: true })).toHaveValue('suggestion');
    const row = staff.locator(`tr[data-reference="${reference}"]`);
    await expect(row).toBeVisible();
    await expect(row).toContainText('Sous-préfecture de Palaiseau');
    await expect(row).toContainText('Accueil général');
    await expect(row).toContainText('Formulaire en ligne');
    await expect(row).toContainText('Accusé de réception envoyé');
    // Only suggestions are listed.
    for (const ref of await staff.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-reference')))) {
      expect(ref).toMatch(/^SUG-/);
    }
    await row.getByRole('link', { name: reference }).click();
    await expect(staff).toHaveURL(/\/admin\/reclamations\/\d+$/);
    const detailUrl = staff.url();
    await expect(staff.getByRole('heading', { level: 1 })).toHaveText(`Suggestion ${reference}`);
    await expect(staff.locator('.message-text')).toHaveText(message);
    await hydrated(staff);

    // The template merged into the draft: the reference in the subject, the name in the text.
    const reply = staff.locator('section.reply-section');
    await reply.getByLabel('Courrier type').selectOption({ label: 'Suggestion – remerciement' });
    await reply.getByRole('button', { name: 'Utiliser ce courrier type' }).click();
    await expect(staff).toHaveURL(/\/admin\/reclamations\/\d+\?modele=\d+$/);
    await hydrated(staff);
    const subject = reply.getByLabel(/^Objet/);
    const text = reply.getByLabel(/^Texte de la réponse/);
    await expect(subject).toHaveValue(`Votre suggestion ${reference}`);
    await expect(text).toHaveValue(new RegExp(`^Bonjour ${name},`));
    await expect(text).toHaveValue(/au sujet de l'accueil à Sous-préfecture de Palaiseau\./);
    await expect(text).not.toHaveValue(/\{\{/);
    const draft = await text.inputValue();
    const appended = 'Un second écran d’appel sera installé dans la salle d’attente au printemps.';
    await text.fill(`${draft}\n\n${appended}`);
    await expect(reply.getByRole('radio', { name: 'Par courriel', exact: true })).toBeChecked();
    await reply.getByRole('button', { name: 'Envoyer la réponse' }).click();

    // Answered: status, reply shown, the e-mail queued (no SMTP server: pending).
    await expect(staff).toHaveURL(detailUrl);
    await expect(staff.locator('.status-badge')).toHaveText('Répondue');
    await expect(staff.getByRole('heading', { name: 'Réponse envoyée' })).toBeVisible();
    await expect(staff.locator('.reply-text')).toContainText(appended);
    const emails = staff.locator('section[aria-labelledby="courriels"]');
    await expect(emails.getByRole('heading', { name: 'Courriels' })).toBeVisible();
    const replyEmail = emails.getByRole('row').filter({ has: staff.getByRole('cell', { name: `Votre suggestion ${reference}`, exact: true }) });
    await expect(replyEmail).toHaveCount(1);
    await expect(replyEmail).toContainText(email);
    await expect(replyEmail).toContainText('en attente');
    const ackEmail = emails.getByRole('row').filter({ has: staff.getByRole('cell', { name: `Accusé de réception de votre suggestion ${reference}`, exact: true }) });
    await expect(ackEmail).toHaveCount(1);
    await expect(staff.locator('.history-table')).toContainText('Réponse envoyée par courriel – Suggestion – remerciement');
    await hydrated(staff);
    expect(staffErrors).toEqual([]);
    await staff.context().close();

    // The visitor, in another browser (logged out), follows the request up.
    const visitorContext = await browser.newContext();
    const visitor = await visitorContext.newPage();
    const visitorErrors = watchErrors(visitor);
    await visitor.goto('/suivi');
    await hydrated(visitor);
    await visitor.getByLabel('Référence', { exact: true }).fill(reference.toLowerCase());
    await visitor.getByLabel('Adresse électronique ou code postal').fill(email.toUpperCase());
    await visitor.getByRole('button', { name: 'Voir ma demande' }).click();
    const result = visitor.locator('section.tracked');
    await expect(result.getByRole('heading', { level: 2 })).toHaveText(`Demande ${reference}`);
    await expect(result.locator('.status')).toHaveText('Répondue');
    await expect(result).toContainText('Sous-préfecture de Palaiseau');
    await expect(result.getByRole('heading', { level: 3 })).toHaveText(/^Notre réponse du \d{2}\/\d{2}\/\d{4}$/);
    await expect(result.locator('.reply-text')).toContainText(appended);
    await expect(result.locator('.reply-text')).toContainText(`Bonjour ${name},`);
    await hydrated(visitor);
    expect(visitorErrors).toEqual([]);
    await visitorContext.close();
  });

  test('a double click files one complaint', async ({ page }) => {
    const before = await fileSimple(page);
    await page.goto('/reclamation');
    await hydrated(page);
    await fillComplaint(page, {
      kind: 'Une réclamation',
      site: "Sous-préfecture d'Étampes",
      procedure: 'Naturalisation',
      message: 'Double clic (JavaScript actif).',
      reply: 'Je ne souhaite pas de réponse',
    });
    await page.getByRole('button', { name: 'Envoyer ma demande' }).dblclick();
    const reference = await filedReference(page);
    expect(reference).toBe(nextReference(before));
    await hydrated(page);
    // Back to the form and send again: same one-time token, same reference.
    await page.goBack();
    await expect(page.getByLabel(/^Votre message/)).toHaveValue('Double clic (JavaScript actif).');
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    expect(await filedReference(page)).toBe(reference);
    // The next filing gets the next number: the double click used one.
    expect(await fileSimple(page)).toBe(nextReference(reference));
  });
});

test.describe('complaint box with JavaScript off', () => {
  test.use({ javaScriptEnabled: false });

  test('a missing message and a wrong e-mail return the form with everything else kept', async ({ page }) => {
    await page.goto('/reclamation');
    await fillComplaint(page, {
      kind: 'Une réclamation',
      site: "Préfecture d'Évry-Courcouronnes",
      procedure: 'Titre de séjour',
      message: '',
      name: 'Karim El Amrani – كريم العمراني',
      reply: 'Par courriel',
      email: 'karim.exemple.fr',
    });
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    await expect(page).toHaveURL(/\/reclamation\/envoi$/);
    await expect(page).toHaveTitle(/^Erreur – Réclamation ou suggestion/);
    const summary = page.getByRole('alert');
    await expect(summary).toBeVisible();
    await expect(summary.getByRole('heading')).toHaveText("Votre demande n'est pas encore envoyée");
    const links = summary.getByRole('link');
    await expect(links).toHaveCount(2);
    await expect(links.nth(0)).toHaveAttribute('href', '#message');
    await expect(links.nth(0)).toHaveText('Votre message : Ce champ est obligatoire.');
    await expect(links.nth(1)).toHaveAttribute('href', '#email');
    await expect(links.nth(1)).toHaveText('Adresse électronique : Indiquez une adresse électronique valable, par exemple nom@exemple.fr.');
    // The fields say what is wrong, next to them.
    await expect(page.getByLabel(/^Votre message/)).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#message-messages')).toHaveText('Ce champ est obligatoire.');
    await expect(page.getByLabel(/^Adresse électronique/)).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#email-messages')).toContainText('Indiquez une adresse électronique valable');
    // Everything else is kept.
    await expect(page.getByRole('radio', { name: /^Une réclamation/ })).toBeChecked();
    await expect(page.getByRole('radio', { name: "Préfecture d'Évry-Courcouronnes", exact: true })).toBeChecked();
    await expect(page.getByLabel('Démarche concernée')).toHaveValue('titre_sejour');
    await expect(page.getByLabel(/^Votre nom/)).toHaveValue('Karim El Amrani – كريم العمراني');
    await expect(page.getByRole('radio', { name: 'Par courriel', exact: true })).toBeChecked();
    await expect(page.getByLabel(/^Adresse électronique/)).toHaveValue('karim.exemple.fr');
    // Corrected, it goes through.
    await page.getByLabel(/^Votre message/).fill('Le guichet a fermé avant l’heure affichée.');
    await page.getByLabel(/^Adresse électronique/).fill(uniqueEmail('karim'));
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    expect(await filedReference(page)).toMatch(/^REC-/);
  });

  test('a double click files one complaint, and sending the same form again gives the same reference', async ({ page }) => {
    const before = await fileSimple(page);
    await page.goto('/reclamation');
    await fillComplaint(page, {
      kind: 'Une réclamation',
      site: 'Sous-préfecture de Palaiseau',
      procedure: 'Autre',
      message: 'Double clic (sans JavaScript).',
      reply: 'Je ne souhaite pas de réponse',
    });
    await page.getByRole('button', { name: 'Envoyer ma demande' }).dblclick();
    const reference = await filedReference(page);
    expect(reference).toBe(nextReference(before));
    // Back to the form and send again: same one-time token, same reference, nothing more filed.
    await page.goBack();
    await expect(page.getByLabel(/^Votre message/)).toHaveValue('Double clic (sans JavaScript).');
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    expect(await filedReference(page)).toBe(reference);
    expect(await fileSimple(page)).toBe(nextReference(reference));
  });

  test('/suivi answers the same "not found" for a wrong e-mail and an unknown reference', async ({ page }) => {
    const email = uniqueEmail('suivi');
    const reference = await fileSimple(page, email);
    const notFound = "Aucune demande ne correspond à ces informations. Vérifiez la référence et l'adresse électronique ou le code postal donnés lors de votre demande.";
    const track = async (ref: string, contact: string) => {
      await page.goto('/suivi');
      await page.getByLabel('Référence', { exact: true }).fill(ref);
      await page.getByLabel('Adresse électronique ou code postal').fill(contact);
      await page.getByRole('button', { name: 'Voir ma demande' }).click();
    };

    await track(reference, `autre.${email}`);
    await expect(page.getByRole('alert')).toHaveText(notFound);
    await expect(page.locator('section.tracked')).toHaveCount(0);
    // What was typed is kept.
    await expect(page.getByLabel('Référence', { exact: true })).toHaveValue(reference);

    const [prefix, year] = reference.split('-');
    await track(`${prefix}-${year}-999999`, email);
    await expect(page.getByRole('alert')).toHaveText(notFound);
    await expect(page.locator('section.tracked')).toHaveCount(0);

    // The right pair finds it.
    await track(` ${reference} `, ` ${email} `);
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page.locator('section.tracked .status')).toHaveText('Accusé de réception envoyé');
  });
});

test.describe('staff entry of a letter', () => {
  test('a réclamation received by post three days ago, answered by letter', async ({ browser }) => {
    const page = await staffPage(browser);
    const errors = watchErrors(page);
    const name = 'Jean-Pierre Dupré';
    const received = parisDay(-3);
    const { id, reference } = await enterPaperComplaint(page, name, 3);

    // Its page: channel, date of receipt, deadlines (acknowledgement: 14 calendar days for paper).
    const request = page.locator('section[aria-labelledby="demande"]');
    const row = (term: string) => request.locator('.dl-row').filter({ has: page.getByRole('term').filter({ hasText: new RegExp(`^${term}$`) }) }).getByRole('definition');
    await expect(row('Canal')).toHaveText('Courrier');
    await expect(row('Reçue le')).toHaveText(received.fr);
    await expect(page.locator('.status-badge')).toHaveText('Reçue');
    const ack = row('Accusé de réception');
    await expect(ack.locator('.due')).toHaveText(`pour le ${parisDay(11).fr}`);
    await expect(ack.locator('.fr-badge')).toHaveText('dans les délais (11 j. restants)');
    const replyDue = row('Réponse');
    await expect(replyDue.locator('.due')).toHaveText(/^pour le \d{2}\/\d{2}\/\d{4}$/);
    await expect(replyDue.locator('.fr-badge')).toHaveText(/^(dans les délais|échéance proche) \(\d+ j\. ouvrés restants\)$/);
    await expect(page.locator('section[aria-labelledby="contact"]')).toContainText('12 rue des Lilas');
    await hydrated(page);

    // The list shows it too, with its channel.
    await page.goto('/admin/reclamations?canal=courrier');
    await expect(page.locator(`tr[data-reference="${reference}"]`)).toContainText('Courrier');

    // Reply by post: the printable letter with the site's letterhead and the recipient.
    await replyByPost(page, id, `Votre réclamation ${reference}`, 'Bonjour,\n\nVotre dossier a été débloqué ce jour.\n\nCordialement.');
    await expect(page.getByRole('link', { name: 'Retour à la demande' })).toHaveAttribute('href', `/admin/reclamations/${id}`);
    const letter = page.locator('article.letter');
    await expect(letter.locator('.letter-site')).toContainText("Préfecture d'Évry-Courcouronnes");
    await expect(letter.locator('.letter-site')).toContainText('Boulevard de France');
    await expect(letter.locator('.letter-site')).toContainText('91010 Évry-Courcouronnes Cedex');
    await expect(letter.locator('.letter-recipient')).toContainText(name);
    await expect(letter.locator('.letter-recipient')).toContainText('12 rue des Lilas');
    await expect(letter.locator('.letter-recipient')).toContainText('91000 Évry-Courcouronnes');
    await expect(letter.locator('.letter-ref')).toHaveText(`Référence : ${reference}`);
    await expect(letter.locator('.letter-subject')).toHaveText(`Objet : Votre réclamation ${reference}`);
    await expect(letter.locator('.letter-body')).toContainText('Votre dossier a été débloqué ce jour.');
    await expect(letter.locator('.letter-date')).toHaveText(`Le ${parisDay(0).fr}`);

    // Back on the complaint: answered, by post, nothing queued for e-mail.
    await page.getByRole('link', { name: 'Retour à la demande' }).click();
    await expect(page.locator('.status-badge')).toHaveText('Répondue');
    await expect(page.locator('.history-table')).toContainText('Réponse envoyée par courrier');
    await expect(page.locator('section[aria-labelledby="courriels"]')).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Imprimer le courrier' })).toHaveAttribute('href', `/admin/reclamations/${id}/courrier`);
    await hydrated(page);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

test.describe('accessibility of the complaint box (axe-core, WCAG 2.1 AA)', () => {
  test('public pages: form, form with errors, confirmation, /suivi empty and with a result', async ({ page }) => {
    await page.goto('/reclamation');
    await hydrated(page);
    await expectNoAxeViolation(page);

    await page.goto('/suivi');
    await hydrated(page);
    await expectNoAxeViolation(page);

    // A confirmation and its follow-up.
    const email = uniqueEmail('axe');
    await page.goto('/reclamation/etampes');
    await hydrated(page);
    await fillComplaint(page, { kind: 'Une réclamation', procedure: 'Titre de séjour', message: 'Accessibilité : مرحبا', reply: 'Par courriel', email });
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    const reference = await filedReference(page);
    await hydrated(page);
    await expectNoAxeViolation(page);

    await page.getByRole('main').getByRole('link', { name: 'Suivre ma demande' }).click();
    await expect(page).toHaveURL(/\/suivi$/);
    await hydrated(page);
    await page.getByLabel('Référence', { exact: true }).fill(reference);
    await page.getByLabel('Adresse électronique ou code postal').fill(email);
    await page.getByRole('button', { name: 'Voir ma demande' }).click();
    await expect(page.locator('section.tracked .status')).toHaveText('Accusé de réception envoyé');
    await hydrated(page);
    await expectNoAxeViolation(page);
  });

  test('the form with errors of a plain (non-hydrated) POST', async ({ page }) => {
    // axe needs JavaScript; keeping the wasm away makes the form post as without JavaScript.
    await page.route('**/*.wasm', (route) => route.abort());
    await page.goto('/reclamation');
    await pick(page.getByRole('radio', { name: 'Par courriel', exact: true }));
    await page.getByLabel(/^Adresse électronique/).fill('pas une adresse');
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    await expect(page).toHaveURL(/\/reclamation\/envoi$/);
    await expect(page.getByRole('alert')).toBeVisible();
    await expectNoAxeViolation(page);
  });

  test('staff pages: list, detail, entry form, templates, outbox, letter', async ({ browser }) => {
    test.setTimeout(120_000);
    const page = await staffPage(browser);
    const { id } = await enterPaperComplaint(page, 'Lucie Martin', 1);
    const paths = ['/admin/reclamations', `/admin/reclamations/${id}`, '/admin/reclamations/nouvelle', '/admin/courriers-types', '/admin/envois'];
    for (const path of paths) {
      await page.goto(path);
      await hydrated(page);
      await expectNoAxeViolation(page);
    }
    await replyByPost(page, id, 'Votre réclamation', 'Bonjour,\n\nRéponse de test.');
    await hydrated(page);
    await expectNoAxeViolation(page);
    await page.context().close();
  });
});

test.describe('no console error nor page error with JavaScript on (hydration)', () => {
  test('public pages and staff list and detail', async ({ page, browser }) => {
    const errors = watchErrors(page);
    for (const path of ['/reclamation', '/reclamation/evry', '/suivi']) {
      await page.goto(path);
      await hydrated(page);
    }
    // A filing (answer by post) and its follow-up with the postal code, typed with a space.
    // (Not "not found": that answer is an HTTP 404, which Chromium logs as a console error.)
    await page.goto('/reclamation/evry');
    await hydrated(page);
    await fillComplaint(page, {
      kind: 'Une réclamation',
      procedure: 'Titre de séjour',
      message: 'Pas de console : ✓',
      name: 'Zoé Lefèvre',
      reply: 'Par courrier postal',
      address: '3 allée des Tilleuls\n91000 Évry-Courcouronnes',
      postalCode: '91000',
    });
    await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
    const reference = await filedReference(page);
    await expect(page.getByText('Un accusé de réception est envoyé à votre adresse électronique.')).toHaveCount(0);
    await hydrated(page);
    await page.getByRole('main').getByRole('link', { name: 'Suivre ma demande' }).click();
    await expect(page).toHaveURL(/\/suivi$/);
    await hydrated(page);
    await page.getByLabel('Référence', { exact: true }).fill(reference);
    await page.getByLabel('Adresse électronique ou code postal').fill('91 000');
    await page.getByRole('button', { name: 'Voir ma demande' }).click();
    await expect(page.locator('section.tracked .status')).toHaveText('Accusé de réception envoyé');
    await hydrated(page);
    expect(errors).toEqual([]);

    const staff = await staffPage(browser);
    const staffErrors = watchErrors(staff);
    await staff.goto('/admin/reclamations');
    await hydrated(staff);
    const first = staff.locator('tbody tr').first().getByRole('link');
    await expect(first).toBeVisible();
    await first.click();
    await expect(staff).toHaveURL(/\/admin\/reclamations\/\d+$/);
    await hydrated(staff);
    // Client-side navigations back to the unfiltered list (its server function once failed
    // with no filter: "missing field `filters`", HTTP 500).
    await staff.getByRole('link', { name: 'Retour à la liste' }).click();
    await expect(staff).toHaveURL(/\/admin\/reclamations$/);
    await expect(staff.locator('tbody tr').first()).toBeVisible();
    await staff.goto('/admin/reclamations?type=reclamation&canal=web');
    await hydrated(staff);
    await expect(staff.getByLabel('Canal', { exact: true })).toHaveValue('web');
    await staff.getByRole('link', { name: 'Effacer les filtres' }).click();
    await expect(staff).toHaveURL(/\/admin\/reclamations$/);
    await expect(staff.getByLabel('Canal', { exact: true })).toHaveValue('');
    await expect(staff.locator('tbody tr').first()).toBeVisible();
    await hydrated(staff);
    expect(staffErrors).toEqual([]);
    await staff.context().close();
  });
});
