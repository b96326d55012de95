import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { useSession } from '../auth/session';
import { MeteoRapide } from '../barometre/MeteoRapide';
import { FilterSelect, ListStates } from '../shared/lists';
import { Page } from '../shared/page';
import { type Statut, STATUT_LIBELLE } from './labels';
import { questionKeys } from './queries';
import { QuestionsTable } from './QuestionsTable';

const SLA_FILTRES: Array<['a_risque' | 'depasse', string]> = [
  ['a_risque', 'À risque'],
  ['depasse', 'Dépassé'],
];

/** "Questions de ma Maison": the API scopes GET /questions to the caller's Maison. */
export function QuestionsMaisonPage() {
  const [statut, setStatut] = useState<Statut | ''>('');
  const [sla, setSla] = useState<'' | 'a_risque' | 'depasse'>('');
  const maisonId = useSession()?.user.maisonId ?? null;
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
      {/* « Quel temps fait-il chez vous ? »: a weather in two actions from the home screen (ADR 0020). */}
      {maisonId && <MeteoRapide maisonId={maisonId} />}
      <div className="filters">
        <FilterSelect id="filtre-statut" label="Statut" all="Tous" value={statut} options={Object.entries(STATUT_LIBELLE) as Array<[Statut, string]>} onChange={setStatut} />
        <FilterSelect id="filtre-sla" label="Délai" all="Tous" value={sla} options={SLA_FILTRES} onChange={setSla} />
      </div>
      <ListStates query={list} what="des questions" empty={`Aucune question${statut || sla ? ' pour ces critères' : ''} dans votre Maison.`}>
        {(items) => <QuestionsTable questions={items} caption="Les questions de la Maison, les plus récentes d’abord" />}
      </ListStates>
    </Page>
  );
}
