import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { Empty, ErrorMessage, Loading, Page } from '../shared/page';
import { type Statut, STATUT_LIBELLE } from './labels';
import { questionKeys } from './queries';
import { QuestionsTable } from './QuestionsTable';

/** "Questions de ma Maison": the API scopes GET /questions to the caller's Maison. */
export function QuestionsMaisonPage() {
  const [statut, setStatut] = useState<Statut | ''>('');
  const list = useQuery({
    queryKey: [...questionKeys.all, 'maison', statut],
    queryFn: () => unwrap(api.GET('/api/v1/questions', { params: { query: { limit: 50, ...(statut ? { statut: [statut] } : {}) } } })),
  });
  return (
    <Page title="Questions de ma Maison">
      <p>
        <Link to="/questions/nouvelle" className="button">
          Nouvelle question
        </Link>
      </p>
      <div className="field inline">
        <label htmlFor="filtre-statut">Statut</label>
        <select id="filtre-statut" value={statut} onChange={(e) => setStatut(e.target.value as Statut | '')}>
          <option value="">Tous</option>
          {Object.entries(STATUT_LIBELLE).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {list.isPending && <Loading what="des questions" />}
      {list.isError && <ErrorMessage error={list.error} retry={() => list.refetch()} />}
      {list.data && list.data.items.length === 0 && <Empty>Aucune question{statut ? ` « ${STATUT_LIBELLE[statut]} »` : ''} pour votre Maison.</Empty>}
      {list.data && list.data.items.length > 0 && <QuestionsTable questions={list.data.items} caption="Les questions de la Maison, les plus récentes d’abord" />}
    </Page>
  );
}
