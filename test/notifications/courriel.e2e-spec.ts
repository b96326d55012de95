import { randomUUID } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import { seedDemoData } from '@app/directory';
import { CourrielJobs, CourrielService, courrielJobId, NOTIFICATION_CREEE, NotificationType, ResumeJob, SCHEDULER_RESUMES } from '@app/notifications';
import { NETWORK_CALENDAR } from '@app/sla';
import { createWorkerApp } from '../../apps/worker/src/worker.factory';
import { TestApi } from '../setup/e2e-app';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { testConfig, testRedisUrl } from '../setup/test-env';
import { EMAILS, questionBody, recordQuestion } from '../questions/fixtures';
import { MailRecu, SmtpSink } from './smtp-sink';
import { waitFor as waitUntil } from '../setup/wait-for';

/**
 * The e-mail channel against a real SMTP server in process, PostgreSQL and Redis. Most cases
 * simulate the rules (a notification row and its 'notification.creee' outbox row, inserted as
 * the rules write them) to control what is mailed; one drives the real rules from an escalation.
 */
describe('e-mail notifications', () => {
  const DOMAINE = 'laregion.fr';
  const BASE = 'https://relais.test';
  // The usager of the question: none of this may appear in any mail.
  const USAGER = { nom: 'Zéphyrin Quintal-Xylophane', organisation: 'Camping Zorglub-Étoile', email: 'zephyrin.xylo@exemple-unique.fr', telephone: '06 98 76 54 32', consentement: true };

  let sink: SmtpSink;
  let scratch: ScratchDatabase;
  let api: TestApi;
  let worker: INestApplicationContext;
  let redis: Redis;
  let service: CourrielService;
  let jobs: CourrielJobs;
  const users: Record<string, { id: string; email: string }> = {};
  let question: { id: string; reference: string };

  beforeAll(async () => {
    sink = await SmtpSink.start();
    scratch = await createScratchDatabase('relais_test_courriel');
    await seedDemoData(scratch.dataSource);
    const redisUrl = testRedisUrl(3);
    redis = new Redis(redisUrl);
    await redis.flushdb();
    const env = {
      DATABASE_URL: scratch.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: 'relais-test-courriel',
      OUTBOX_POLL_MS: '200',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(sink.port),
      // The sink speaks clear SMTP on loopback; production's default is `required`.
      SMTP_STARTTLS: 'off',
      SMTP_FROM: `Relais <relais@${DOMAINE}>`,
      PUBLIC_URL: `${BASE}/`,
    };
    api = await TestApi.start({ config: env });
    worker = await createWorkerApp(testConfig(env));
    service = worker.get(CourrielService);
    jobs = worker.get(CourrielJobs);
    for (const [key, email] of Object.entries({
      referent: EMAILS.referentTourisme,
      referent2: EMAILS.referent2Tourisme,
      referentDef: EMAILS.referentDef,
      agent: EMAILS.agentCarcassonne,
      responsable: EMAILS.responsableCarcassonne,
      managerTourisme: EMAILS.managerTourisme,
    })) {
      const [row] = await scratch.ownerQuery(`SELECT id, email FROM users WHERE email = $1`, [email]);
      users[key] = row;
    }
    // Recorded, not escalated: no rule would notify anyone of it; its notifications are ours.
    const q = await recordQuestion(api, questionBody({ usager: USAGER }));
    question = { id: q.id, reference: q.reference };
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await worker?.close();
    await redis?.flushdb();
    redis?.disconnect();
    await scratch?.drop();
    await sink?.close();
  });

  const waitFor = <T>(check: () => Promise<T> | T, what: string, timeoutMs = 15_000) => waitUntil(check, what, { timeoutMs, intervalMs: 50 });

  /** What the rules write: the notification row and, in the same transaction, its event. */
  async function notifier(userId: string, options: { id?: string; type?: NotificationType; creeeA?: Date; titre?: string } = {}): Promise<{ id: string; eventId: string }> {
    const id = options.id ?? randomUUID();
    const eventId = randomUUID();
    const type = options.type ?? 'question_escaladee';
    const client = await scratch.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO notification (id, destinataire_id, type, evenement_id, ticket_type, ticket_id, reference, titre, lien, creee_a)
         VALUES ($1, $2, $3, $4, 'question', $5, $6, $7, $8, $9)`,
        [id, userId, type, randomUUID(), question.id, question.reference, options.titre ?? `La question ${question.reference} est escaladée vers votre direction`, `/questions/${question.id}`, options.creeeA ?? new Date()],
      );
      await client.query(
        `INSERT INTO outbox (id, type, aggregate_type, aggregate_id, payload, occurred_at) VALUES ($1, $2, 'question', $3, $4, now())`,
        [eventId, NOTIFICATION_CREEE, question.id, JSON.stringify({ sourceEventId: randomUUID(), notifications: [{ id, destinataireId: userId, type }] })],
      );
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    return { id, eventId };
  }

  const messageId = (notificationId: string) => `<notification-${notificationId}@${DOMAINE}>`;
  const mailedAt = async (id: string) => (await scratch.ownerQuery(`SELECT courriel_envoye_a FROM notification WHERE id = $1`, [id]))[0].courriel_envoye_a;
  const processed = async (eventId: string) => (await scratch.ownerQuery(`SELECT processed_at FROM outbox WHERE id = $1`, [eventId]))[0]?.processed_at;
  const preference = (userId: string, courriel: string, heure = 8) =>
    scratch.ownerQuery(
      `INSERT INTO notification_preference (user_id, courriel, heure_resume) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET courriel = $2, heure_resume = $3, version = notification_preference.version + 1`,
      [userId, courriel, heure],
    );

  it('mails a notification at once, once: the event delivered again and the job run again send nothing more', async () => {
    const n = await notifier(users.referent.id);
    const [mail] = await waitFor(() => (sink.byMessageId(messageId(n.id)).length ? sink.byMessageId(messageId(n.id)) : null), 'the immediate mail');
    expect(mail.to).toEqual([users.referent.email]);
    expect(mail.headers.from).toBe(`Relais <relais@${DOMAINE}>`);
    expect(mail.headers['auto-submitted']).toBe('auto-generated');
    expect(mail.subject).toBe(`[Relais] ${question.reference} : question escaladée vers votre direction`);
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain(`${BASE}/questions/${question.id}`);
      expect(part).toContain(`${BASE}/preferences`);
      expect(part).toContain(`La question ${question.reference} est escaladée vers votre direction`);
    }
    await waitFor(() => mailedAt(n.id), 'the mark');

    // The same notification announced by a second event (a redelivery under another id): nothing to enqueue.
    const again = randomUUID();
    await scratch.ownerQuery(`INSERT INTO outbox (id, type, aggregate_type, aggregate_id, payload, occurred_at) SELECT $1, type, aggregate_type, aggregate_id, payload, now() FROM outbox WHERE id = $2`, [again, n.eventId]);
    await waitFor(() => processed(again), 'the second delivery');
    // The job itself run again (its kept copy gone, as after a Redis loss): it re-reads the row and skips.
    await jobs.queue.remove(courrielJobId(n.id));
    const rerun = await jobs.queue.add('courriel', { notificationId: n.id }, { jobId: courrielJobId(n.id) });
    const outcome = await waitFor(async () => (await jobs.queue.getJob(rerun.id!))?.returnvalue, 'the re-run');
    expect(outcome).toBe('deja_envoye');
    expect(sink.byMessageId(messageId(n.id))).toHaveLength(1);
  });

  it('retries after the relay refuses with a 451, and the mail then arrives once', async () => {
    const id = randomUUID();
    sink.refuserUneFois(messageId(id));
    const n = await notifier(users.managerTourisme.id, { id });
    const job = await waitFor(async () => {
      const j = await jobs.queue.getJob(courrielJobId(n.id));
      return j && (await j.getState()) === 'delayed' && j.attemptsMade === 1 ? j : null;
    }, 'the failed first attempt');
    expect(job.failedReason).toMatch(/451/);
    expect(job.failedReason).not.toContain(users.managerTourisme.email);
    expect(await mailedAt(n.id)).toBeNull();
    await job.promote(); // the backoff is 30 s: skip the wait, not the retry
    await waitFor(() => sink.byMessageId(messageId(n.id)).length === 1, 'the retried mail');
    await waitFor(() => mailedAt(n.id), 'the mark');
    expect(sink.refused).toEqual([messageId(n.id)]);
    expect(sink.byMessageId(messageId(n.id))).toHaveLength(1);
  });

  it('sends nothing to a user who chose no e-mail, neither at once nor in a digest', async () => {
    await preference(users.agent.id, 'aucun');
    const n = await notifier(users.agent.id);
    await waitFor(() => processed(n.eventId), 'the event processed');
    expect(await jobs.queue.getJob(courrielJobId(n.id))).toBeUndefined();
    const planned = await service.planifierResumes(new Date(Date.now() + 2 * 3600_000));
    expect(planned.filter((j) => j.userId === users.agent.id)).toEqual([]);
    expect(sink.to(users.agent.email)).toEqual([]);
    expect(await mailedAt(n.id)).toBeNull();
  });

  it('the digest: at the user’s hour on business days of the user’s calendar, with what was pending, once', async () => {
    await preference(users.referent2.id, 'resume', 8);
    await preference(users.responsable.id, 'resume', 8);
    // Carcassonne closes on Monday 14 December: its people get their digest on Tuesday.
    const carcassonne = (await scratch.ownerQuery(`SELECT maison_id FROM users WHERE id = $1`, [users.responsable.id]))[0].maison_id;
    await scratch.ownerQuery(`INSERT INTO sla_calendrier (id, spec, version) VALUES ($1, $2::jsonb, 1)`, [
      `maison-${carcassonne}`,
      JSON.stringify({ ...NETWORK_CALENDAR, id: `maison-${carcassonne}`, closures: ['2026-12-14'] }),
    ]);
    const vendredi = new Date('2026-12-11T10:00:00Z');
    const a = await notifier(users.referent2.id, { creeeA: vendredi });
    const b = await notifier(users.referent2.id, { type: 'sla_depassement', creeeA: new Date('2026-12-11T15:00:00Z'), titre: `Délai de réponse dépassé sur ${question.reference}` });
    const c = await notifier(users.responsable.id, { type: 'question_repondue', creeeA: vendredi, titre: `La question ${question.reference} a reçu sa réponse` });
    for (const n of [a, b, c]) await waitFor(() => processed(n.eventId), 'the events processed');
    expect(sink.to(users.referent2.email)).toEqual([]); // 'resume': nothing at once

    const planned = async (iso: string) => (await service.planifierResumes(new Date(iso))).map((j) => j.userId).filter((id) => id === users.referent2.id || id === users.responsable.id);
    expect(await planned('2026-12-12T07:00:00Z')).toEqual([]); // Saturday 8 h
    expect(await planned('2026-12-14T08:00:00Z')).toEqual([]); // Monday 9 h: not their hour
    // Monday 8 h, twice and at once: one digest for the référent (siège calendar), none for Carcassonne (closed).
    const [first, second] = await Promise.all([planned('2026-12-14T07:00:00Z'), planned('2026-12-14T07:00:00Z')]);
    expect(first).toEqual([users.referent2.id]);
    expect(second).toEqual([users.referent2.id]);
    const [digest] = await waitFor(() => (sink.to(users.referent2.email).length ? sink.to(users.referent2.email) : null), 'the digest');
    expect(digest.subject).toBe('[Relais] Résumé du lundi 14 décembre 2026 : 2 notifications');
    expect(digest.text).toMatch(/Questions escaladées vers votre direction \(1\)[\s\S]*Délais dépassés \(1\)/);
    expect(digest.text).toContain(`Délai de réponse dépassé sur ${question.reference}`);
    expect(digest.html).toContain(`href="${BASE}/questions/${question.id}"`);
    expect(digest.text).toContain(`${BASE}/preferences`);
    await waitFor(async () => (await mailedAt(a.id)) && (await mailedAt(b.id)), 'both marked');
    expect(await mailedAt(c.id)).toBeNull();
    // Run again for the same slot: nothing more.
    await planned('2026-12-14T07:00:00Z');
    expect(await service.envoyerResume({ userId: users.referent2.id, jour: '2026-12-14', at: '2026-12-14T07:00:00.000Z' })).toBe(0);
    // Tuesday 8 h: Carcassonne's responsable gets Friday's news; the référent has nothing pending.
    expect(await planned('2026-12-15T07:00:00Z')).toEqual([users.responsable.id]);
    const [tuesday] = await waitFor(() => (sink.to(users.responsable.email).length ? sink.to(users.responsable.email) : null), 'the Maison digest');
    expect(tuesday.subject).toBe('[Relais] Résumé du mardi 15 décembre 2026 : 1 notification');
    expect(sink.to(users.referent2.email)).toHaveLength(1);

    // Christmas (a Friday) is no business day: the digest waits for Monday 28.
    const d = await notifier(users.referent2.id, { creeeA: new Date('2026-12-24T10:00:00Z') });
    await waitFor(() => processed(d.eventId), 'the event processed');
    expect(await planned('2026-12-25T07:00:00Z')).toEqual([]);
    expect(await planned('2026-12-28T07:00:00Z')).toEqual([users.referent2.id]);
    await waitFor(() => sink.to(users.referent2.email).length === 2, 'the digest after Christmas');
  });

  it('two digest runs at once for one user mail the pending notifications once', async () => {
    await preference(users.managerTourisme.id, 'resume', 10);
    const ids = [];
    for (const h of [1, 2, 3]) ids.push((await notifier(users.managerTourisme.id, { creeeA: new Date(Date.parse('2026-12-16T06:00:00Z') + h * 60_000) })).id);
    const job: ResumeJob = { userId: users.managerTourisme.id, jour: '2026-12-16', at: '2026-12-16T09:00:00.000Z' };
    const before = sink.to(users.managerTourisme.email).length;
    const counts = await Promise.all([service.envoyerResume(job), service.envoyerResume(job)]);
    expect(counts.sort()).toEqual([0, 3]);
    expect(sink.to(users.managerTourisme.email)).toHaveLength(before + 1);
    for (const id of ids) expect(await mailedAt(id)).not.toBeNull();
  });

  it('a user who leaves the digest for immediate mail loses nothing: the next digest slot carries what was pending', async () => {
    await preference(users.referentDef.id, 'resume', 8);
    const n = await notifier(users.referentDef.id, { creeeA: new Date('2026-12-17T04:00:00Z') });
    await waitFor(() => processed(n.eventId), 'the event processed');
    await preference(users.referentDef.id, 'immediat', 8);
    const planned = await service.planifierResumes(new Date('2026-12-17T07:00:00Z'));
    expect(planned.map((j) => j.userId)).toContain(users.referentDef.id);
    const [mail] = await waitFor(() => (sink.to(users.referentDef.email).length ? sink.to(users.referentDef.email) : null), 'the catch-up digest');
    expect(mail.subject).toBe('[Relais] Résumé du jeudi 17 décembre 2026 : 1 notification');
    expect(await mailedAt(n.id)).not.toBeNull();
  });

  it('runs the digests from an hourly scheduler, on the hour, Paris time', async () => {
    const scheduler = await jobs.queue.getJobScheduler(SCHEDULER_RESUMES);
    expect(scheduler).toMatchObject({ pattern: '0 * * * *', tz: 'Europe/Paris' });
  });

  it('from the real rules: an escalation through the API mails each référent it notifies, once, and nobody else', async () => {
    // Earlier cases changed some users' e-mail mode: back to the defaults (immediate).
    await scratch.ownerQuery(`DELETE FROM notification_preference WHERE user_id = ANY($1::uuid[])`, [Object.values(users).map((u) => u.id)]);
    const [{ id: tourisme }] = await scratch.ownerQuery(`SELECT id FROM direction WHERE code = 'tourisme'`);
    const agent = await api.login(EMAILS.agentCarcassonne);
    expect((await api.post(`/api/v1/questions/${question.id}/escalader`, { directionId: tourisme }, { token: agent })).status).toBe(200);
    const [{ id: eventId }] = await scratch.ownerQuery(`SELECT id FROM timeline_event WHERE ticket_id = $1 AND type = 'question.escaladee'`, [question.id]);
    const rows: Array<{ id: string; email: string }> = await waitFor(async () => {
      const found = await scratch.ownerQuery(
        `SELECT n.id, u.email FROM notification n JOIN users u ON u.id = n.destinataire_id WHERE n.evenement_id = $1 ORDER BY u.email`,
        [eventId],
      );
      return found.length > 0 ? found : null;
    }, 'the rules’ notifications');
    expect(rows.map((r) => r.email)).toEqual(expect.arrayContaining([users.referent.email, users.referent2.email]));
    expect(rows.map((r) => r.email)).not.toContain(users.agent.email);
    for (const row of rows) {
      const [mail] = await waitFor(() => (sink.byMessageId(messageId(row.id)).length ? sink.byMessageId(messageId(row.id)) : null), `the mail to ${row.email}`);
      expect(mail.to).toEqual([row.email]);
      expect(mail.subject).toBe(`[Relais] ${question.reference} : question escaladée vers votre direction`);
      expect(mail.text).toContain(`${BASE}/questions/${question.id}`);
    }
    // The worker's relay may deliver the event again: still one mail per notification.
    await waitFor(() => Promise.all(rows.map((r) => mailedAt(r.id))).then((marks) => marks.every(Boolean)), 'the marks');
    for (const row of rows) expect(sink.byMessageId(messageId(row.id))).toHaveLength(1);
    expect(sink.received.filter((m) => m.to.includes(users.agent.email) && m.subject.includes('escaladée'))).toEqual([]);
  });

  it('no mail holds the usager’s personal data, and every inserted value is escaped', async () => {
    expect(sink.received.length).toBeGreaterThanOrEqual(6);
    const forbidden = [USAGER.nom, 'Xylophane', USAGER.organisation, 'Zorglub', USAGER.email, 'zephyrin', USAGER.telephone, '0698765432', '98 76 54 32'];
    const all = (m: MailRecu) => [m.raw, m.subject, m.text, m.html].join('\n').toLowerCase();
    for (const mail of sink.received) for (const s of forbidden) expect(all(mail)).not.toContain(s.toLowerCase());
    // A titre with markup reaches the HTML part escaped.
    const n = await notifier(users.referent.id, { titre: `Titre <script>alert(1)</script> & <b>gras</b> sur ${question.reference}` });
    const [mail] = await waitFor(() => (sink.byMessageId(messageId(n.id)).length ? sink.byMessageId(messageId(n.id)) : null), 'the mail');
    expect(mail.html).toContain('Titre &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;gras&lt;/b&gt;');
    expect(mail.html).not.toMatch(/<script|<b>gras/);
    expect(mail.text).toContain('Titre <script>alert(1)</script> & <b>gras</b>');
  });
});
