import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Page } from './page';

// One module instance for the whole file: the steps below follow one another like a session.
describe('Page: the title of the document and focus on navigation', () => {
  it('the document’s first page sets the title and leaves focus alone (the skip link stays the first Tab stop)', () => {
    window.history.pushState({}, '', '/questions');
    render(<Page title="Questions de ma Maison">contenu</Page>);
    expect(document.title).toBe('Questions de ma Maison — Relais');
    expect(document.activeElement).toBe(document.body);
  });

  it('a page reached by navigation takes focus on its heading; a new title on the same page does not move focus again', () => {
    window.history.pushState({}, '', '/questions/nouvelle');
    const { rerender } = render(
      <Page key="nouvelle" title="Nouvelle question">
        <button type="button">Enregistrer</button>
      </Page>,
    );
    expect(document.title).toBe('Nouvelle question — Relais');
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: 'Nouvelle question' }));

    screen.getByRole('button', { name: 'Enregistrer' }).focus();
    rerender(
      <Page key="nouvelle" title="Nouvelle question (brouillon)">
        <button type="button">Enregistrer</button>
      </Page>,
    );
    expect(document.title).toBe('Nouvelle question (brouillon) — Relais');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Enregistrer' }));
  });
});
