import { lazy, Suspense } from 'react';
import { ErrorNote, Loading } from './components/notes';
import { SignInPanel } from './components/sign-in-panel';
import { AgentEditPage } from './pages/agent-edit-page';
import { AgentsPage } from './pages/agents-page';
import { RunPage } from './pages/run-page';
import { RunsPage } from './pages/runs-page';
import { TeamsPage } from './pages/teams-page';
import { type Route, useRoute } from './router';
import { useSession } from './session';

// recharts is the bulk of the usage page: a chunk of its own, fetched when the page is opened.
const UsagePage = lazy(() => import('./pages/usage-page').then((module) => ({ default: module.UsagePage })));

const NAV: { page: Route['page']; label: string; href: string; also: Route['page'][] }[] = [
  { page: 'runs', label: 'Runs', href: '#/runs', also: ['run'] },
  { page: 'usage', label: 'Usage', href: '#/usage', also: [] },
  { page: 'agents', label: 'Agents', href: '#/agents', also: ['agent', 'new-agent'] },
  { page: 'teams', label: 'Teams', href: '#/teams', also: [] },
];

/** The shell: left navigation, who is signed in, and the page the hash names. */
export function App() {
  const session = useSession();
  const route = useRoute();
  if (session.state === 'needs-key') return <SignInPanel />;
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <a className="brand" href="#/runs">
          <span className="brand-mark" aria-hidden="true" />
          AgentMesh
        </a>
        <ul className="nav-list">
          {NAV.map((item) => {
            const active = item.page === route.page || item.also.includes(route.page);
            return (
              <li key={item.page}>
                <a
                  href={item.href}
                  className={active ? 'nav-link active' : 'nav-link'}
                  aria-current={active ? 'page' : undefined}
                >
                  {item.label}
                </a>
              </li>
            );
          })}
        </ul>
        <div className="sidebar-foot">
          <Identity />
        </div>
      </nav>
      <main className="content">
        {session.state === 'loading' ? <Loading /> : null}
        {session.state === 'unreachable' ? <ErrorNote error={session.error} /> : null}
        {session.state === 'ready' ? (
          <Suspense fallback={<Loading />}>
            <Page route={route} />
          </Suspense>
        ) : null}
      </main>
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'runs':
      return <RunsPage />;
    case 'run':
      return <RunPage key={route.runId} runId={route.runId} />;
    case 'usage':
      return <UsagePage />;
    case 'agents':
      return <AgentsPage />;
    case 'agent':
      return <AgentEditPage key={route.agentId} agentId={route.agentId} />;
    case 'new-agent':
      return <AgentEditPage key="new" agentId={null} />;
    case 'teams':
      return <TeamsPage />;
  }
}

function Identity() {
  const { whoami, hasKey, signOut } = useSession();
  if (!whoami) return null;
  return (
    <div className="identity" data-testid="identity">
      <div className="identity-actor" title={whoami.actor}>
        {whoami.actor}
      </div>
      <span className={`role role-${whoami.role}`}>{whoami.role}</span>
      {!whoami.authRequired ? <div className="identity-note">open server (no keys)</div> : null}
      {hasKey ? (
        <button type="button" className="link-button" onClick={signOut}>
          Sign out
        </button>
      ) : null}
    </div>
  );
}
