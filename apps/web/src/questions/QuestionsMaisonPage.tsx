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
  const [sla, setSla] = useState<'' | 'a_risque' | 'depasse'>('');
  const list = useQuery({
    queryKey: [...questionKeys.all, 'maison', statut, sla],
    queryFn: () =>
      unwrap(api.GET('/api/v1/questions', { params: { query: { limit: 50, ...(statut ? { statut: [statut] } : {}), ...(sla ? { sla } : {}) } } })),
  });
  return (
    <Page title="Questions de ma Maison">
      <p>
        <Link to="/questions/nouvelle" className="button">
          Nouvelle question
        </Link>
      </p>
      <div className="filters">
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
        <div className="field inline">
          <label htmlFor="filtre-sla">Délai</label>
          <select id="filtre-sla" value={sla} onChange={(e) => setSla(e.target.value as '' | 'a_risque' | 'depasse')}>
            <option value="">Tous</option>
            <option value="a_risque">À risque</option>
            <option value="depasse">Dépassé</option>
          </select>
        </div>
      </div>
      {list.isPending && <Loading what="des questions" />}
      {list.isError && <ErrorMessage error={list.error} retry={() => list.refetch()} />}
      {list.data && list.data.items.length === 0 && <Empty>Aucune question{statut || sla ? ' pour ces critères' : ''} dans votre Maison.</Empty>}
      {list.data && list.data.items.length > 0 && <QuestionsTable questions={list.data.items} caption="Les questions de la Maison, les plus récentes d’abord" />}
    </Page>
  );
}
