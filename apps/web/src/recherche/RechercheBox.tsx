import { useEffect, useState, type FormEvent } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router';

/**
 * The header's search box: a search landmark with its label, Enter (or the button) opens
 * /recherche?q=…; on the results page it shows the current search.
 */
export function RechercheBox() {
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const courante = location.pathname === '/recherche' ? (params.get('q') ?? '') : '';
  const [q, setQ] = useState(courante);
  useEffect(() => setQ(courante), [courante]);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const texte = q.trim();
    if (texte) navigate(`/recherche?q=${encodeURIComponent(texte)}`);
  };
  return (
    <div className="recherche-box">
      <form role="search" aria-label="Rechercher dans Relais" onSubmit={submit}>
        <label htmlFor="recherche-q" className="visually-hidden">
          Recherche dans Relais : dispositifs, documents, réponses publiées
        </label>
        <input
          id="recherche-q"
          type="search"
          name="q"
          value={q}
          onChange={(event) => setQ(event.target.value)}
          placeholder="Rechercher (ex. eau tourisme camping)"
          maxLength={200}
          autoComplete="off"
          enterKeyHint="search"
        />
        <button type="submit" className="button secondary">
          Lancer la recherche
        </button>
      </form>
    </div>
  );
}
