import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { EMAILS } from '../questions/fixtures';
import { TestDb } from '../setup/db';
import { TestApi } from '../setup/e2e-app';
import { PDF } from '../knowledge/fixtures';
import * as web from './browser';

/**
 * Documents of a dispositif in Chromium: the tourism référent deposits an externe PDF on the
 * Ec'Eau Tourisme page, creates its share link, and the link opens the file without login;
 * then deletes the document, and the link answers 404.
 */
describe('documents of a dispositif, in Chromium', () => {
  let api: TestApi;
  let db: TestDb;
  let dir: string;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    web.ensureWebBuild();
    dir = await mkdtemp(join(tmpdir(), 'relais-web-documents-'));
    api = await TestApi.start({ config: { DOCUMENTS_DIR: dir } });
    db = new TestDb();
    browser = await web.launchChromium();
    ({ page, errors } = await web.openPage(browser));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the référent deposits an externe PDF, shares it, and the link serves it without login', async () => {
    const referent = (await web.devUsers(api)).find((u) => u.email === EMAILS.referentTourisme)!;
    const { id } = await db.one(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    await web.logInAs(page, api.baseUrl, referent.displayName);
    await page.goto(`${api.baseUrl}/dispositifs/${id}`);
    await page.getByRole('heading', { level: 1, name: "Ec'Eau Tourisme" }).waitFor();
    // Who follows its thème for the network (ADR 0018).
    expect(await page.locator('dl.facts').textContent()).toMatch(/Maisons correspondantes.*Carcassonne/);

    const form = page.getByRole('form', { name: 'Déposer un document' });
    const titre = `Guide du porteur de projet ${Date.now()}`;
    await form.getByLabel('Titre').fill(titre);
    await form.getByLabel(/Externe/).check();
    await form.getByLabel(/Fichier/).setInputFiles({ name: 'guide.pdf', mimeType: 'application/pdf', buffer: PDF });
    await form.getByRole('button', { name: 'Déposer' }).click();
    await form.getByRole('status').filter({ hasText: `Document « ${titre} » déposé.` }).waitFor();
    const item = page.getByRole('listitem').filter({ hasText: titre });
    await item.waitFor();

    await item.getByRole('button', { name: /Créer un lien de partage/ }).click();
    const lien = item.getByRole('group', { name: `Lien de partage de « ${titre} »` });
    const url = (await lien.getByRole('link').getAttribute('href'))!;
    expect(url).toMatch(new RegExp(`^${api.baseUrl}/public/documents/[A-Za-z0-9_-]{43}$`));
    await web.checkedShot(page, 'documents-01-depot-et-lien');

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await response.arrayBuffer()).equals(PDF)).toBe(true);

    // Then deletes it, after a confirmation: gone from the list, its link answers 404.
    await item.getByRole('button', { name: `Supprimer « ${titre} »` }).click();
    await item.getByRole('group', { name: `Confirmer la suppression de « ${titre} »` }).getByRole('button', { name: 'Confirmer la suppression' }).click();
    await page.getByRole('listitem').filter({ hasText: titre }).waitFor({ state: 'detached' });
    expect((await fetch(url)).status).toBe(404);
    expect(await db.count('document', 'titre = $1', [titre])).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
