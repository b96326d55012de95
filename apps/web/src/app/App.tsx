import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { configureAuth } from '../api/client';
import { ConnexionPage } from '../auth/ConnexionPage';
import { getSession, setSession, useSession } from '../auth/session';
import { fileReferentQuery } from '../file-referent/query';
import { Loading, Page } from '../shared/page';
import { RequireAdmin } from '../admin/RequireAdmin';
import { Layout } from './Layout';
import { homeOf } from './navigation';

// Route-level code splitting: the login screen loads only what it needs.
const QuestionsMaisonPage = lazy(() => import('../questions/QuestionsMaisonPage').then((m) => ({ default: m.QuestionsMaisonPage })));
const NouvelleQuestionPage = lazy(() => import('../questions/NouvelleQuestionPage').then((m) => ({ default: m.NouvelleQuestionPage })));
const QuestionsReseauPage = lazy(() => import('../questions/QuestionsReseauPage').then((m) => ({ default: m.QuestionsReseauPage })));
const QuestionPage = lazy(() => import('../questions/QuestionPage').then((m) => ({ default: m.QuestionPage })));
const AnnuairePage = lazy(() => import('../annuaire/AnnuairePage').then((m) => ({ default: m.AnnuairePage })));
const FileReferentPage = lazy(() => import('../file-referent/FileReferentPage').then((m) => ({ default: m.FileReferentPage })));
// Cabinet: its commandes, the brief editor with the completeness check, the roll-up.
const CommandesCabinetPage = lazy(() => import('../cabinet/CommandesCabinetPage').then((m) => ({ default: m.CommandesCabinetPage })));
const CommandeEditeurPage = lazy(() => import('../cabinet/CommandeEditeurPage').then((m) => ({ default: m.CommandeEditeurPage })));
const CommandeSuiviPage = lazy(() => import('../cabinet/CommandeSuiviPage').then((m) => ({ default: m.CommandeSuiviPage })));
// Sign-in through the identity provider: oidc-client-ts is loaded only in that mode.
const ConnexionRetourPage = lazy(() => import('../auth/ConnexionRetourPage').then((m) => ({ default: m.ConnexionRetourPage })));
// Dashboards: recharts is loaded with these routes only.
const TableauSlaPage = lazy(() => import('../tableaux-de-bord/TableauSlaPage').then((m) => ({ default: m.TableauSlaPage })));
const TableauCommandesPage = lazy(() => import('../tableaux-de-bord/TableauCommandesPage').then((m) => ({ default: m.TableauCommandesPage })));
const BarometrePage = lazy(() => import('../barometre/BarometrePage').then((m) => ({ default: m.BarometrePage })));
const TableauCapitalisationPage = lazy(() => import('../tableaux-de-bord/TableauCapitalisationPage').then((m) => ({ default: m.TableauCapitalisationPage })));
const AutonomiePage = lazy(() => import('../autonomie/AutonomiePage').then((m) => ({ default: m.AutonomiePage })));
// Admin screens (SLA policies, calendars, queue board).
const PolitiquesPage = lazy(() => import('../admin/PolitiquesPage').then((m) => ({ default: m.PolitiquesPage })));
const CalendriersPage = lazy(() => import('../admin/CalendriersPage').then((m) => ({ default: m.CalendriersPage })));
const CalendrierPage = lazy(() => import('../admin/CalendrierPage').then((m) => ({ default: m.CalendrierPage })));
const FilesPage = lazy(() => import('../admin/FilesPage').then((m) => ({ default: m.FilesPage })));
const WebhooksPage = lazy(() => import('../admin/webhooks/WebhooksPage').then((m) => ({ default: m.WebhooksPage })));
const LivraisonsPage = lazy(() => import('../admin/webhooks/LivraisonsPage').then((m) => ({ default: m.LivraisonsPage })));
const RgpdPage = lazy(() => import('../admin/rgpd/RgpdPage').then((m) => ({ default: m.RgpdPage })));
// Commandes, the Maison's side (received commandes, an affectation page).
const CommandesRecuesPage = lazy(() => import('../commandes/CommandesRecuesPage').then((m) => ({ default: m.CommandesRecuesPage })));
const AffectationPage = lazy(() => import('../commandes/AffectationPage').then((m) => ({ default: m.AffectationPage })));
// Notification preferences (every role; the bell is in the header).
// A dispositif with its documents (issue 14).
const DispositifPage = lazy(() => import('../documents/DispositifPage').then((m) => ({ default: m.DispositifPage })));
// Search results (the box is in the header).
const RecherchePage = lazy(() => import('../recherche/RecherchePage').then((m) => ({ default: m.RecherchePage })));
const PreferencesPage = lazy(() => import('../notifications/PreferencesPage').then((m) => ({ default: m.PreferencesPage })));

configureAuth({
  token: () => getSession()?.token ?? null,
  unauthorized: () => {
    // The API no longer accepts the token (expired, account closed): back to Connexion.
    const oidc = getSession()?.oidc;
    setSession(null, 'expiree');
    if (oidc) void import('../auth/oidc').then((m) => m.forget());
  },
});
// After a reload with a provider's session: its token's renewal and expiry watched again.
if (getSession()?.oidc) void import('../auth/oidc').then((m) => m.resume());

const queryClient = new QueryClient({
  defaultOptions: {
    // Lists stay fresh: refetched on focus (the default) and after each action (invalidation).
    queries: { staleTime: 5_000, retry: (count, error) => count < 2 && !(error instanceof Error && 'status' in error && Number(error.status) < 500 && Number(error.status) > 0) },
  },
});

function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  return session ? <>{children}</> : <Navigate to="/connexion" replace />;
}

function Home() {
  const session = useSession();
  return <Navigate to={session ? homeOf(session.user.role) : '/connexion'} replace />;
}

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading what="de la page" />}>{children}</Suspense>;
}

function NotFound() {
  return (
    <Page title="Page introuvable">
      <p>Cette adresse ne correspond à aucune page de Relais.</p>
    </Page>
  );
}

function Bienvenue() {
  return (
    <Page title="Bienvenue">
      <p>Les écrans de votre rôle arrivent dans une prochaine version de Relais.</p>
    </Page>
  );
}

/** A route loader that starts its screen's main request at once, in parallel with the screen's chunk (never waits for it). */
function prefetch(query: Parameters<QueryClient['prefetchQuery']>[0]) {
  return () => {
    if (getSession()) void queryClient.prefetchQuery(query);
    return null;
  };
}

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <Home /> },
      { path: 'connexion', element: <ConnexionPage /> },
      { path: 'connexion/retour', element: <Lazy><ConnexionRetourPage /></Lazy> },
      { path: 'bienvenue', element: <RequireSession><Bienvenue /></RequireSession> },
      { path: 'questions', element: <RequireSession><Lazy><QuestionsMaisonPage /></Lazy></RequireSession> },
      { path: 'questions/nouvelle', element: <RequireSession><Lazy><NouvelleQuestionPage /></Lazy></RequireSession> },
      { path: 'questions/reseau', element: <RequireSession><Lazy><QuestionsReseauPage /></Lazy></RequireSession> },
      { path: 'questions/:id', element: <RequireSession><Lazy><QuestionPage /></Lazy></RequireSession> },
      { path: 'dispositifs/:id', element: <RequireSession><Lazy><DispositifPage /></Lazy></RequireSession> },
      { path: 'file-referent', loader: prefetch(fileReferentQuery), element: <RequireSession><Lazy><FileReferentPage /></Lazy></RequireSession> },
      { path: 'cabinet/commandes', element: <RequireSession><Lazy><CommandesCabinetPage /></Lazy></RequireSession> },
      { path: 'cabinet/commandes/nouvelle', element: <RequireSession><Lazy><CommandeEditeurPage /></Lazy></RequireSession> },
      { path: 'cabinet/commandes/:id/modifier', element: <RequireSession><Lazy><CommandeEditeurPage /></Lazy></RequireSession> },
      { path: 'cabinet/commandes/:id', element: <RequireSession><Lazy><CommandeSuiviPage /></Lazy></RequireSession> },
      { path: 'tableaux-de-bord/sla', element: <RequireSession><Lazy><TableauSlaPage /></Lazy></RequireSession> },
      { path: 'tableaux-de-bord/commandes', element: <RequireSession><Lazy><TableauCommandesPage /></Lazy></RequireSession> },
      { path: 'barometre', element: <RequireSession><Lazy><BarometrePage /></Lazy></RequireSession> },
      { path: 'tableaux-de-bord/capitalisation', element: <RequireSession><Lazy><TableauCapitalisationPage /></Lazy></RequireSession> },
      { path: 'autonomie', element: <RequireSession><Lazy><AutonomiePage /></Lazy></RequireSession> },
      { path: 'admin/politiques-sla', element: <RequireSession><RequireAdmin><Lazy><PolitiquesPage /></Lazy></RequireAdmin></RequireSession> },
      { path: 'admin/calendriers', element: <RequireSession><RequireAdmin><Lazy><CalendriersPage /></Lazy></RequireAdmin></RequireSession> },
      { path: 'admin/calendriers/:id', element: <RequireSession><RequireAdmin><Lazy><CalendrierPage /></Lazy></RequireAdmin></RequireSession> },
      { path: 'admin/files', element: <RequireSession><RequireAdmin><Lazy><FilesPage /></Lazy></RequireAdmin></RequireSession> },
      { path: 'admin/webhooks', element: <RequireSession><RequireAdmin><Lazy><WebhooksPage /></Lazy></RequireAdmin></RequireSession> },
      { path: 'admin/webhooks/:id', element: <RequireSession><RequireAdmin><Lazy><LivraisonsPage /></Lazy></RequireAdmin></RequireSession> },
      { path: 'admin/rgpd', element: <RequireSession><RequireAdmin><Lazy><RgpdPage /></Lazy></RequireAdmin></RequireSession> },
      { path: 'admin/*', element: <RequireSession><RequireAdmin><NotFound /></RequireAdmin></RequireSession> },
      // Commandes, the Maison's side.
      { path: 'commandes-recues', element: <RequireSession><Lazy><CommandesRecuesPage /></Lazy></RequireSession> },
      { path: 'commandes-recues/:affectationId', element: <RequireSession><Lazy><AffectationPage /></Lazy></RequireSession> },
      { path: 'annuaire', element: <RequireSession><Lazy><AnnuairePage /></Lazy></RequireSession> },
      { path: 'recherche', element: <RequireSession><Lazy><RecherchePage /></Lazy></RequireSession> },
      { path: 'preferences', element: <RequireSession><Lazy><PreferencesPage /></Lazy></RequireSession> },
      { path: '*', element: <NotFound /> },
    ],
  },
]);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
