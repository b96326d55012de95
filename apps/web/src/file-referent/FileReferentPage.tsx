import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { QuestionsTable } from '../questions/QuestionsTable';
import { Empty, ErrorMessage, Loading, Page } from '../shared/page';
import { prochaineEcheance } from '../shared/sla';
import { fileReferentQuery } from './query';
import { InvitationsCapitalisation } from './InvitationsCapitalisation';

/** The référent's queue (GET /file-referent), nearest due date first. */
export function FileReferentPage() {
  const file = useQuery({
    ...fileReferentQuery,
    select: (page) => [...page.items].sort((a, b) => prochaineEcheance(a.sla) - prochaineEcheance(b.sla)),
  });
  // The benchmark (test/bench/file-referent.bench.ts) times navigation → this mark: the rows are in the DOM.
  useEffect(() => {
    if (file.data) performance.mark('relais:file-referent:rendue', { detail: { lignes: file.data.length } });
  }, [file.data]);
  return (
    <Page title="File des questions">
      <InvitationsCapitalisation />
      {file.isPending && <Loading what="de la file" />}
      {file.isError && <ErrorMessage error={file.error} retry={() => file.refetch()} />}
      {file.data && file.data.length === 0 && <Empty>Aucune question en attente pour votre direction.</Empty>}
      {file.data && file.data.length > 0 && <QuestionsTable questions={file.data} caption="Questions à traiter, l’échéance la plus proche d’abord" showMaison showEcheance />}
    </Page>
  );
}
