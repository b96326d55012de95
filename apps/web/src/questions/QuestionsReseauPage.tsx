import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { useSession } from '../auth/session';
import { FilterSelect, ListStates } from '../shared/lists';
import { Empty, ErrorMessage, Loading, Page } from '../shared/page';
import { questionKeys } from './queries';
import { QuestionsTable } from './QuestionsTable';

/**
 * "Questions du réseau — <thème>": a correspondent Maison reads the questions of the thèmes it
 * follows, from every Maison (ADR 0018). Read-only: the list has no action, and each question
 * opens read-only (the API says `lectureSeule` and gives no action).
 */
export function QuestionsReseauPage() {
  const maisonId = useSession()?.user.maisonId ?? null;
  const maison = useQuery({
    queryKey: ['annuaire', 'maison', maisonId],
    queryFn: () => unwrap(api.GET('/api/v1/maisons/{id}', { params: { path: { id: maisonId! } } })),
    enabled: maisonId !== null,
  });
  const themes = maison.data?.specialisations ?? [];
  const [choisi, setChoisi] = useState('');
  const theme = themes.find((t) => t.id === choisi) ?? (themes.length === 1 ? themes[0] : undefined);
  const list = useQuery({
    queryKey: [...questionKeys.all, 'reseau', theme?.id ?? ''],
    queryFn: () => unwrap(api.GET('/api/v1/questions', { params: { query: { specialisation: true, limit: 50, ...(theme ? { themeId: theme.id } : {}) } } })),
    enabled: themes.length > 0,
  });
  const titre = theme ? `Questions du réseau — ${theme.libelle}` : 'Questions du réseau';
  if (maisonId === null) {
    return (
      <Page title={titre}>
        <Empty>Cet écran est celui des agents des Maisons correspondantes d’un thème.</Empty>
      </Page>
    );
  }
  return (
    <Page title={titre}>
      {maison.isPending && <Loading what="des spécialisations de votre Maison" />}
      {maison.isError && <ErrorMessage error={maison.error} retry={() => maison.refetch()} />}
      {maison.data && themes.length === 0 && <Empty>Votre Maison ne suit aucun thème pour le réseau : elle n’est correspondante d’aucun thème.</Empty>}
      {themes.length > 0 && (
        <>
          <p className="hint">
            Votre Maison est correspondante du réseau pour {themes.map((t) => t.libelle).join(', ')}. Vous lisez ici les questions de ces thèmes posées dans toutes les Maisons, en lecture
            seule : sans les coordonnées des usagers, sans action ni message.
          </p>
          {themes.length > 1 && (
            <div className="filters">
              <FilterSelect id="filtre-theme" label="Thème" all="Tous vos thèmes" value={choisi} options={themes.map((t) => [t.id, t.libelle] as const)} onChange={setChoisi} />
            </div>
          )}
          <ListStates query={list} what="des questions du réseau" empty="Aucune question du réseau sur ce thème pour l’instant.">
            {(items) => <QuestionsTable questions={items} caption={`${titre} : les plus récentes d’abord, en lecture seule`} showMaison />}
          </ListStates>
        </>
      )}
    </Page>
  );
}
