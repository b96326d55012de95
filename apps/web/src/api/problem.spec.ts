import { ApiProblem } from './problem';

describe('ApiProblem (problem+json next to its fields)', () => {
  const problem = new ApiProblem({
    type: 'urn:relais:probleme:validation',
    title: 'Requête invalide',
    status: 400,
    code: 'VALIDATION',
    detail: 'La requête contient des champs invalides.',
    errors: [
      { field: 'usager.consentement', message: 'Le consentement est obligatoire.' },
      { field: 'objet', message: 'Donnez un objet.' },
      { field: 'objet', message: 'second message, ignored' },
      { field: 'livrables[0].libelle', message: 'Nommez le livrable.' },
    ],
  });

  it('gives each field its first message, and a group the first message under it', () => {
    expect(problem.field('objet')).toBe('Donnez un objet.');
    expect(problem.field('usager.consentement')).toBe('Le consentement est obligatoire.');
    expect(problem.field('usager')).toBe('Le consentement est obligatoire.');
    expect(problem.field('livrables')).toBe('Nommez le livrable.');
    expect(problem.field('description')).toBeUndefined();
  });

  it('lists the messages no shown field carries, and keeps status and detail', () => {
    expect(problem.unplaced(['objet', 'usager'])).toEqual(['livrables[0].libelle : Nommez le livrable.']);
    expect(problem.status).toBe(400);
    expect(problem.message).toBe('La requête contient des champs invalides.');
  });
});
