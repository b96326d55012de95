import { courrielImmediat, courrielResume, echapperHtml, lienAbsolu, NotificationCourriel } from './courriel.templates';

const BASE = 'https://relais.laregion.fr/';
const n = (over: Partial<NotificationCourriel> = {}): NotificationCourriel => ({
  type: 'question_escaladee',
  reference: 'Q-2026-000123',
  titre: 'La question Q-2026-000123 est escaladée vers votre direction',
  lien: '/questions/5b1c',
  creeeA: new Date('2026-12-07T09:30:00Z'),
  ...over,
});

describe('e-mail templates', () => {
  it('the immediate mail: reference and what happened in the subject, link to the ticket and to the preferences, in both parts', () => {
    const mail = courrielImmediat(n(), BASE);
    expect(mail.sujet).toBe('[Relais] Q-2026-000123 : question escaladée vers votre direction');
    for (const part of [mail.texte, mail.html]) {
      expect(part).toContain('https://relais.laregion.fr/questions/5b1c');
      expect(part).toContain('https://relais.laregion.fr/preferences');
      expect(part).toContain('La question Q-2026-000123 est escaladée vers votre direction');
    }
    // Paris time, in French.
    expect(mail.texte).toContain('Le 7 décembre 2026 à 10h30');
    expect(mail.html).toContain('<html lang="fr">');
  });

  it('escapes every inserted value in the HTML part, and keeps values on one line', () => {
    const hostile = n({ reference: 'Q-<b>1</b>', titre: 'Titre <script>alert("x")</script> & \'co\'\r\nBcc: x@y.fr', lien: '/questions/1?a="><img/src=x>' });
    const mail = courrielImmediat(hostile, BASE);
    expect(mail.html).not.toMatch(/<script|<b>1|<img/);
    expect(mail.html).toContain('Titre &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39; Bcc: x@y.fr');
    expect(mail.html).toContain('href="https://relais.laregion.fr/questions/1?a=&quot;&gt;&lt;img');
    expect(mail.sujet).not.toMatch(/[\r\n]/);
    expect(mail.texte).toContain("Titre <script>alert(\"x\")</script> & 'co' Bcc: x@y.fr");
    const resume = courrielResume([hostile], '2026-12-07', BASE);
    expect(resume.html).not.toMatch(/<script|<b>1|<img/);
    expect(echapperHtml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&#39;');
  });

  it('links only to paths of the app itself', () => {
    expect(lienAbsolu(BASE, '/commandes/9')).toBe('https://relais.laregion.fr/commandes/9');
    expect(lienAbsolu('https://intranet.fr/relais', '/questions/1')).toBe('https://intranet.fr/relais/questions/1');
    for (const bad of ['//evil.fr/x', 'javascript:alert(1)', 'https://evil.fr', '/\\evil.fr', 'questions/1', '/a b'])
      expect(lienAbsolu(BASE, bad)).toBe('https://relais.laregion.fr/');
  });

  it('the digest groups by kind in the kinds order, oldest first, and counts', () => {
    const mail = courrielResume(
      [
        n({ type: 'sla_depassement', reference: 'Q-3', titre: 'Délai dépassé sur Q-3', creeeA: new Date('2026-12-04T08:00:00Z') }),
        n({ reference: 'Q-2', titre: 'Q-2 escaladée', creeeA: new Date('2026-12-04T16:00:00Z') }),
        n({ reference: 'Q-1', titre: 'Q-1 escaladée', creeeA: new Date('2026-12-04T07:00:00Z') }),
      ],
      '2026-12-07',
      BASE,
    );
    expect(mail.sujet).toBe('[Relais] Résumé du lundi 7 décembre 2026 : 3 notifications');
    const t = mail.texte;
    expect(t.indexOf('Questions escaladées vers votre direction (2)')).toBeLessThan(t.indexOf('Délais dépassés (1)'));
    expect(t.indexOf('Q-1 : Q-1 escaladée')).toBeLessThan(t.indexOf('Q-2 : Q-2 escaladée'));
    expect(t).toContain('https://relais.laregion.fr/preferences');
    expect(courrielResume([n()], '2026-12-07', BASE).sujet).toMatch(/: 1 notification$/);
  });
});
