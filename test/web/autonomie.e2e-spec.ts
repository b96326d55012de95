import { randomUUID } from 'node:crypto';
import { EMAILS } from '../questions/fixtures';
import * as web from './browser';

/**
 * Autonomy in Chromium (issue 15, ADR 0021): the head of an MdR answers the survey from the
 * Autonomie page (radio groups, by keyboard for one rating), then the network manager sees the
 * computed gauge (the MdR's question answered at the desk this month) and the survey's current
 * vs wished ratings side by side.
 */
describe('autonomy, in Chromium', () => {
  const walk = web.useWalk();

  it('a responsable answers the survey; the manager sees the gauge and the survey side by side', async () => {
    const { api, db, page, errors } = walk;
    // A fresh wave, opened by the network manager (it closes any earlier one of this database).
    const vague = `Enquête autonomie ${randomUUID().slice(0, 8)}`;
    const ouverte = await api.post('/api/v1/autonomie/enquetes', { libelle: vague }, { token: await api.login(EMAILS.managerReseau) });
    expect(ouverte.status).toBe(201);
    // A question of Carcassonne answered at the desk just now: the gauge of this month shows it.
    const { id: carcassonne } = await db.one(`SELECT id FROM maison WHERE code = 'carcassonne'`);
    const { id: agent } = await db.one(`SELECT id FROM users WHERE email = $1`, [EMAILS.agentCarcassonne]);
    const questionId = randomUUID();
    await db.query(
      `INSERT INTO question (id, reference, maison_id, objet, description, canal, priorite, statut, reponse, created_by, created_at, updated_at, version)
       VALUES ($1, $2, $3, 'Objet', 'Description', 'guichet', 'normale', 'repondue_localement', 'Oui.', $4, now(), now(), 1)`,
      [questionId, `Q-2026-7${String(Date.now()).slice(-5)}`, carcassonne, agent],
    );
    // The walks share one database: the hand-made question (no timeline) goes when the walk ends.
    try {

    const users = await web.devUsers(api);
    const responsable = users.find((u) => u.email === EMAILS.responsableCarcassonne)!;
    const manager = users.find((u) => u.email === EMAILS.managerReseau)!;

    await web.logInAs(page, api.baseUrl, responsable.displayName);
    await page.getByRole('navigation').getByRole('link', { name: 'Autonomie' }).click();
    await page.getByRole('heading', { level: 1, name: 'Autonomie des Maisons' }).waitFor();
    const form = page.getByRole('form', { name: 'Répondre à l’enquête' });
    await form.waitFor();
    const notes: Array<[string, number, number]> = [
      ['Communication', 2, 4],
      ['Événements', 3, 4],
      ['Partenariats', 1, 3],
      ['Budget', 1, 2],
      ['Réponse aux usagers', 4, 5],
    ];
    // The first rating by keyboard: a radio group is entered with Tab and moved with the arrows.
    const premier = form.getByRole('group', { name: 'Autonomie actuelle : Communication' });
    await premier.getByRole('radio', { name: '1' }).focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    expect(await premier.getByRole('radio', { name: '2' }).isChecked()).toBe(true);
    for (const [libelle, actuelle, souhaitee] of notes) {
      if (libelle !== 'Communication') await form.getByRole('group', { name: `Autonomie actuelle : ${libelle}` }).getByRole('radio', { name: String(actuelle) }).check();
      await form.getByRole('group', { name: `Autonomie souhaitée : ${libelle}` }).getByRole('radio', { name: String(souhaitee) }).check();
    }
    await form.getByRole('button', { name: 'Enregistrer ma réponse' }).click();
    await page.getByRole('status').filter({ hasText: 'Votre réponse est enregistrée.' }).waitFor();
    await page.getByRole('form', { name: 'Modifier ma réponse' }).waitFor();
    expect(await web.seriousA11yViolations(page)).toEqual([]);
    await web.checkedShot(page, 'autonomie-01-reponse');
    await web.signOut(page);

    await web.logInAs(page, api.baseUrl, manager.displayName);
    await page.getByRole('navigation').getByRole('link', { name: 'Autonomie' }).click();
    const maisons = page.getByRole('table', { name: 'Jauge d’autonomie par Maison' });
    await maisons.waitFor();
    const ligneCarcassonne = maisons.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /Carcassonne/ }) });
    expect(Number(await ligneCarcassonne.getByRole('cell').first().textContent())).toBeGreaterThanOrEqual(1);
    const enquete = page.getByRole('table', { name: 'Autonomie actuelle et souhaitée par domaine et par groupe' });
    await page.getByText(vague).waitFor();
    // One answer in this wave: the Maisons' means are the responsable's ratings; the siège has none.
    expect(await enquete.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Communication' }) }).getByRole('cell').allTextContents()).toEqual(['2', '4', '2', '—', '—', '—']);
    expect(await enquete.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Budget' }) }).getByRole('cell').allTextContents()).toEqual(['1', '2', '1', '—', '—', '—']);
    expect(await web.seriousA11yViolations(page)).toEqual([]);
    await web.checkedShot(page, 'autonomie-02-manager');
    expect(errors).toEqual([]);
    } finally {
      await db.query(`DELETE FROM question WHERE id = $1`, [questionId]);
    }
  }, 90_000);
});
