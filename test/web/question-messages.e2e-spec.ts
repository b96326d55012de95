import type { Browser, Page } from 'playwright-core';
import { EMAILS } from '../questions/fixtures';
import { SlaFixture } from '../sla/sla-fixture';
import { TestApi } from '../setup/e2e-app';
import * as web from './browser';

/**
 * The question page's fil in Chromium: the Foix agent and the tourism référent write internal
 * notes and shared messages, each sees what is theirs to see, marked; the pause while the
 * Maison is asked for information shows in the timeline, and so do a real warning and breach
 * (an API and a worker on a database of their own, always-open calendars, a 3-second target).
 */
describe('question page: messages (note interne / message partagé) and the timeline, Foix agent and tourism référent, in Chromium', () => {
  let f: SlaFixture;
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];
  let agent: { email: string; displayName: string };
  let referent: { email: string; displayName: string };
  let question: { id: string; reference: string };

  const NOTE_AGENT = 'Rappeler M. Casals jeudi : il préfère le matin.';
  const MESSAGE_AGENT = 'L’usager précise que le camping est classé 3 étoiles.';
  const NOTE_REFERENT = 'Vérifier avec le service des aides si le plafond 2026 est voté.';

  beforeAll(async () => {
    web.ensureWebBuild();
    f = await SlaFixture.start('relais_test_web_fil', 4);
    api = f.api;
    // Taking charge is due 3 s after escalation: the warning then the breach land on the fil.
    await f.setTargets({ prise_en_charge: 0.05, reponse: 600, relais: 600 });
    const users = await web.devUsers(api);
    agent = users.find((u) => u.role === 'agent_mdr' && /foix/i.test(u.maisonNom ?? ''))!;
    referent = users.find((u) => u.email === EMAILS.referentTourisme)!;
    expect(agent).toBeDefined();
    expect(referent).toBeDefined();

    // The question is already at the tourism direction, claimed, and the référent asked the Maison for information.
    const agentToken = await api.login(agent.email);
    const referentToken = await api.login(referent.email);
    const created = await api.post(
      '/api/v1/questions',
      {
        objet: 'Récupération des eaux de pluie',
        description: 'Le camping souhaite récupérer les eaux de pluie pour ses sanitaires.',
        canal: 'guichet',
        usager: { nom: 'Bernard Casals', organisation: 'Camping Les Pins', consentement: true },
      },
      { token: agentToken },
    );
    expect(created.status).toBe(201);
    question = created.body;
    const directions = (await api.get('/api/v1/directions?limit=100', { token: agentToken })).body.items as Array<{ id: string; code: string }>;
    const tourisme = directions.find((d) => d.code === 'tourisme')!;
    const step = async (path: string, body: object, token: string) => expect((await api.post(`/api/v1/questions/${question.id}/${path}`, body, { token })).status).toBe(200);
    await step('escalader', { directionId: tourisme.id }, agentToken);
    await f.waitFor(async () => {
      const rows = await f.query(`SELECT type FROM timeline_event WHERE ticket_id = $1 AND type LIKE 'sla.%' ORDER BY seq`, [question.id]);
      return rows.map((r) => r.type).join() === 'sla.avertissement,sla.depassement';
    }, 20_000, 'the warning and the breach of the prise en charge clock');
    await step('prendre-en-charge', {}, referentToken);
    await step('demander-info', { message: 'Combien d’emplacements compte le camping ?' }, referentToken);

    browser = await web.launchChromium();
    ({ page, errors } = await web.openPage(browser));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  const shot = (name: string) => web.checkedShot(page, name);
  const openQuestion = async () => {
    await page.goto(`${api.baseUrl}/questions/${question.id}`);
    await page.getByRole('heading', { level: 1, name: `Question ${question.reference}` }).waitFor();
  };
  /** The timeline's entry that says `text` (one <li> of the fil). */
  const entry = (text: string) => page.locator('.timeline li').filter({ hasText: text });

  it('the agent sees the clock suspended, writes an internal note and a shared message (an empty one is refused next to the field), then provides the information', async () => {
    await web.logInAs(page, api.baseUrl, agent.displayName);
    await openQuestion();
    await page.getByText(/^Délai suspendu depuis le .*, en attendant l’information demandée à la Maison\.$/).waitFor();
    await page.getByText('Fil intègre, 6 événements vérifiés').waitFor();
    // The warning and the breach sit in line, in words and with their own look, before the claim.
    const warning = page.locator('.timeline li.event-sla-avertissement');
    expect(await warning.locator('.event-text').textContent()).toBe('Délai de prise en charge à risque : le seuil d’alerte est atteint');
    expect(await warning.locator('.badge').textContent()).toBe('Délai à risque');
    const breach = page.locator('.timeline li.event-sla-depassement');
    expect(await breach.locator('.event-text').textContent()).toMatch(/^Délai de prise en charge dépassé : l’échéance du \d+ \S+ \d{4}, \d\d:\d\d est passée$/);
    expect(await breach.locator('.badge').textContent()).toBe('Délai dépassé');
    const texts = await page.locator('.timeline li .event-text').allTextContents();
    expect(texts.indexOf(await breach.locator('.event-text').textContent() ?? '')).toBeLessThan(texts.indexOf(`${referent.displayName} a pris la question en charge`));

    // An empty message: the API's refusal sits next to the text field.
    await page.getByRole('button', { name: 'Publier le message' }).click();
    const texte = page.getByLabel('Texte du message');
    await page.locator('.message-form .field-error').waitFor();
    expect(await texte.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await texte.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(/texte/i);
    await shot('qmsg-01-message-vide-refuse');

    // An internal note: marked "Note interne" in the fil, for the Maison only.
    await page.getByRole('radio', { name: 'Note interne : votre Maison seulement' }).check();
    await page.getByLabel('Texte de la note interne').fill(NOTE_AGENT);
    await page.getByRole('button', { name: 'Enregistrer la note interne' }).click();
    await page.getByText('Note interne enregistrée, visible de votre Maison seulement.').waitFor();
    const note = entry(NOTE_AGENT);
    await note.waitFor();
    expect(await note.textContent()).toContain(`${agent.displayName} a écrit une note interne`);
    expect(await note.locator('.badge').textContent()).toBe('Note interne');

    // A shared message: in the fil, not marked.
    await page.getByRole('radio', { name: /Message partagé/ }).check();
    await page.getByLabel('Texte du message').fill(MESSAGE_AGENT);
    await page.getByRole('button', { name: 'Publier le message' }).click();
    await page.getByText('Message publié sur le fil.').waitFor();
    const message = entry(MESSAGE_AGENT);
    await message.waitFor();
    expect(await message.textContent()).toContain(`${agent.displayName} a écrit un message`);
    expect(await message.getByText('Note interne').count()).toBe(0);
    await page.getByText('Fil intègre, 8 événements vérifiés').waitFor();

    // Providing the information resumes the clock: the pause now has an end.
    await page.getByRole('button', { name: 'Fournir l’information…' }).click();
    await page.getByLabel('Information fournie').fill('120 emplacements, dont 30 mobil-homes.');
    await page.getByRole('button', { name: 'Fournir l’information', exact: true }).click();
    await page.locator('.status-line').filter({ hasText: 'prise en charge' }).waitFor();
    await page.getByText(/^Délai suspendu du .* au .*, le temps d’obtenir l’information demandée à la Maison\.$/).waitFor();
    await entry(`${agent.displayName} a fourni l’information demandée`).getByText('Le délai reprend.').waitFor();
    await page.getByText('Fil intègre, 9 événements vérifiés').waitFor();
    await shot('qmsg-02-agent-note-et-message');
    expect(errors).toEqual([]);
  }, 120_000);

  it('the référent reads the shared message but not the Maison’s internal note, and writes the direction’s own', async () => {
    await web.signOut(page);
    await web.logInAs(page, api.baseUrl, referent.displayName);
    await openQuestion();
    await entry(MESSAGE_AGENT).waitFor();
    expect(await page.getByText(NOTE_AGENT).count()).toBe(0);
    // The integrity check covers the whole fil, the Maison's note included, and says so.
    await page.getByText('Fil intègre, 9 événements vérifiés').waitFor();
    await page.getByText(/1 événement ne vous est pas montré \(notes internes d’une autre unité\)/).waitFor();

    await page.getByRole('radio', { name: 'Note interne : votre direction seulement' }).check();
    await page.getByLabel('Texte de la note interne').fill(NOTE_REFERENT);
    await page.getByRole('button', { name: 'Enregistrer la note interne' }).click();
    const note = entry(NOTE_REFERENT);
    await note.waitFor();
    expect(await note.locator('.badge').textContent()).toBe('Note interne');
    expect(await note.textContent()).toContain(`${referent.displayName} a écrit une note interne`);
    await page.getByText('Fil intègre, 10 événements vérifiés').waitFor();
    await shot('qmsg-03-referent-note-interne');

    // At tablet width the page stays usable and accessible.
    await page.setViewportSize({ width: 768, height: 1024 });
    await entry(NOTE_REFERENT).waitFor();
    await shot('qmsg-04-question-tablette');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(errors).toEqual([]);
  }, 120_000);

  it('back at the Maison, the agent sees her own note, the shared message, and not the direction’s note', async () => {
    await web.signOut(page);
    await web.logInAs(page, api.baseUrl, agent.displayName);
    await openQuestion();
    await entry(NOTE_AGENT).waitFor();
    await entry(MESSAGE_AGENT).waitFor();
    await page.getByText('Fil intègre, 10 événements vérifiés').waitFor();
    expect(await page.getByText(NOTE_REFERENT).count()).toBe(0);
    expect(await page.locator('.timeline li .badge', { hasText: 'Note interne' }).count()).toBe(1);
    expect(errors).toEqual([]);
  }, 120_000);
  it('live: the référent’s open queue shows a question the moment a Maison escalates it, without a reload (GET /flux)', async () => {
    await web.signOut(page);
    await web.logInAs(page, api.baseUrl, referent.displayName);
    await page.goto(`${api.baseUrl}/file-referent`);
    await page.getByRole('heading', { level: 1, name: 'File des questions' }).waitFor();
    await page.getByText(question.reference).first().waitFor();
    // A mark on the window: a reload would lose it.
    await page.evaluate(() => ((globalThis as unknown as { sansRechargement: boolean }).sansRechargement = true));

    const agentToken = await api.login(agent.email);
    const created = await api.post(
      '/api/v1/questions',
      { objet: 'Aide au label Qualité Tourisme', description: 'Le gîte veut le label.', canal: 'telephone', usager: { nom: 'Anne Rives', consentement: true } },
      { token: agentToken },
    );
    expect(created.status).toBe(201);
    const directions = (await api.get('/api/v1/directions?limit=100', { token: agentToken })).body.items as Array<{ id: string; code: string }>;
    const escalade = await api.post(`/api/v1/questions/${created.body.id}/escalader`, { directionId: directions.find((d) => d.code === 'tourisme')!.id }, { token: agentToken });
    expect(escalade.status).toBe(200);

    await page.getByText(created.body.reference).first().waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { sansRechargement?: boolean }).sansRechargement)).toBe(true);
    // Live: no « paused » line.
    expect(await page.getByRole('status').filter({ hasText: 'Mises à jour en pause' }).count()).toBe(0);
    await shot('qmsg-05-file-referent-en-direct');
    expect(errors).toEqual([]);
  }, 120_000);
});
