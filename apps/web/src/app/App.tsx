import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { configureAuth } from '../api/client';
import { ConnexionPage } from '../auth/ConnexionPage';
import { getSession, setSession, useSession } from '../auth/session';
import { Loading, Page } from '../shared/page';
import { Layout } from './Layout';
import { homeOf } from './navigation';

// Route-level code splitting: the login screen loads only what it needs.
const QuestionsMaisonPage = lazy(() => import('../questions/QuestionsMaisonPage').then((m) => ({ default: m.QuestionsMaisonPage })));
const NouvelleQuestionPage = lazy(() => import('../questions/NouvelleQuestionPage').then((m) => ({ default: m.NouvelleQuestionPage })));
const QuestionPage = lazy(() => import('../questions/QuestionPage').then((m) => ({ default: m.QuestionPage })));
const FileReferentPage = lazy(() => import('../file-referent/FileReferentPage').then((m) => ({ default: m.FileReferentPage })));
// Commandes, the Maison's side (received commandes, an affectation page).
const CommandesRecuesPage = lazy(() => import('../commandes/CommandesRecuesPage').then((m) => ({ default: m.CommandesRecuesPage })));
const AffectationPage = lazy(() => import('../commandes/AffectationPage').then((m) => ({ default: m.AffectationPage })));

configureAuth({ token: () => getSession()?.token ?? null, unauthorized: () => setSession(null) });

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

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <Home /> },
      { path: 'connexion', element: <ConnexionPage /> },
      { path: 'bienvenue', element: <RequireSession><Bienvenue /></RequireSession> },
      { path: 'questions', element: <RequireSession><Lazy><QuestionsMaisonPage /></Lazy></RequireSession> },
      { path: 'questions/nouvelle', element: <RequireSession><Lazy><NouvelleQuestionPage /></Lazy></RequireSession> },
      { path: 'questions/:id', element: <RequireSession><Lazy><QuestionPage /></Lazy></RequireSession> },
      { path: 'file-referent', element: <RequireSession><Lazy><FileReferentPage /></Lazy></RequireSession> },
      // Commandes, the Maison's side.
      { path: 'commandes-recues', element: <RequireSession><Lazy><CommandesRecuesPage /></Lazy></RequireSession> },
      { path: 'commandes-recues/:affectationId', element: <RequireSession><Lazy><AffectationPage /></Lazy></RequireSession> },
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
