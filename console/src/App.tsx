import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onSessionLost, setCsrfToken, type SessionInfo } from './api.ts';
import { Loading } from './components/Notice.tsx';
import { AccountPage, ForcedPasswordChange } from './pages/Account.tsx';
import { AuditPage } from './pages/Audit.tsx';
import { DashboardPage } from './pages/Dashboard.tsx';
import { DirectoryPage } from './pages/Directory.tsx';
import { LiveFeedPage } from './pages/LiveFeed.tsx';
import { LoginPage } from './pages/Login.tsx';
import { MessageDetailPage } from './pages/MessageDetail.tsx';
import { MessagesPage } from './pages/Messages.tsx';
import { SettingsPage } from './pages/Settings.tsx';
import { UsersPage } from './pages/Users.tsx';
import { CampaignDetailPage } from './pages/CampaignDetail.tsx';
import { CampaignsPage } from './pages/Campaigns.tsx';
import { IncidentDetailPage } from './pages/IncidentDetail.tsx';
import { IncidentsPage } from './pages/Incidents.tsx';
import { SimCampaignPage } from './pages/SimCampaign.tsx';
import { SimTemplatesPage } from './pages/SimTemplates.tsx';
import { SimulationsPage } from './pages/Simulations.tsx';
import { TrainingPage } from './pages/Training.tsx';
import { TrainingModulePage } from './pages/TrainingModule.tsx';
import { VerificationPage } from './pages/Verification.tsx';
import { VerificationTaskPage } from './pages/VerificationTask.tsx';
import { VerifyContactsPage } from './pages/VerifyContacts.tsx';
import { Link, match, navigate, useLocation } from './router.tsx';
import { SessionContext, useSession, type SessionState } from './session.tsx';

interface NavItem {
  to: string;
  label: string;
  permission: string;
  /** Paths that also mark this item current. */
  also?: RegExp;
}

const NAV: NavItem[] = [
  { to: '/', label: 'Dashboard', permission: 'dashboard.read' },
  { to: '/live', label: 'Live feed', permission: 'feed.read' },
  { to: '/messages', label: 'Messages', permission: 'messages.list', also: /^\/messages\// },
  { to: '/quarantine', label: 'Quarantine', permission: 'messages.list' },
  { to: '/verify', label: 'Verification', permission: 'messages.list', also: /^\/verify\// },
  { to: '/incidents', label: 'Incidents', permission: 'messages.list', also: /^\/incidents\// },
  { to: '/campaigns', label: 'Campaigns', permission: 'messages.list', also: /^\/campaigns\// },
  // Simulation results and risk scores name people and what they did: content readers only (src/simulations/access.ts).
  { to: '/simulations', label: 'Simulations', permission: 'messages.content', also: /^\/simulations\// },
  { to: '/training', label: 'Training', permission: 'messages.content', also: /^\/training\// },
  { to: '/directory', label: 'Directory', permission: 'directory.read' },
  { to: '/settings', label: 'Settings', permission: 'settings.read' },
  { to: '/audit', label: 'Audit log', permission: 'audit.read' },
  { to: '/users', label: 'Users & tokens', permission: 'users.manage' },
];

const ROLE_LABEL: Record<string, string> = { admin: 'Administrator', analyst: 'Analyst', auditor: 'Auditor', viewer: 'Viewer' };

export function App() {
  const [info, setInfo] = useState<SessionInfo | null>(null);
  const [checking, setChecking] = useState(true);

  const accept = useCallback((s: SessionInfo | null) => {
    setCsrfToken(s?.csrfToken ?? null);
    setInfo(s);
  }, []);

  useEffect(() => {
    onSessionLost(() => accept(null));
    api.session().then(
      (s) => {
        accept(s);
        setChecking(false);
      },
      () => {
        accept(null);
        setChecking(false);
      },
    );
  }, [accept]);

  const state = useMemo<SessionState | null>(
    () =>
      info && {
        info,
        can: (p: string) => info.permissions.includes(p),
        update: accept,
        signOut: async () => {
          try {
            await api.logout();
          } finally {
            accept(null);
            navigate('/', { replace: true });
          }
        },
      },
    [info, accept],
  );

  if (checking) {
    return (
      <main className="center-page">
        <Loading what="Opening the Medshield console" />
      </main>
    );
  }
  if (!state) return <LoginPage onSignedIn={accept} />;
  return (
    <SessionContext.Provider value={state}>
      {state.info.user.mustChangePassword ? <ForcedPasswordChange /> : <Shell />}
    </SessionContext.Provider>
  );
}

function Shell() {
  const loc = useLocation();
  const session = useSession();
  const items = NAV.filter((n) => session.can(n.permission));
  const isCurrent = (n: NavItem) => loc.path === n.to || (n.also?.test(loc.path) ?? false);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Medshield, dashboard">
          <svg viewBox="0 0 32 32" width="26" height="26" aria-hidden="true">
            <path d="M16 2 4 6.5v8.2C4 22.3 9.1 28.3 16 30c6.9-1.7 12-7.7 12-15.3V6.5z" fill="currentColor" />
            <path d="M14 9h4v5h5v4h-5v5h-4v-5H9v-4h5z" fill="#0b3d6e" />
          </svg>
          <span>Medshield</span>
        </Link>
        {session.info.orgName && <span className="org-name">{session.info.orgName}</span>}
        <div className="user-box">
          <span className="user-name">
            {session.info.user.name} <span className="role-tag">{ROLE_LABEL[session.info.user.role] ?? session.info.user.role}</span>
          </span>
          <Link to="/account" className="topbar-link" aria-current={loc.path === '/account' ? 'page' : undefined}>
            Account
          </Link>
          <button type="button" className="btn btn-quiet-dark" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="sidenav" aria-label="Main">
        <ul>
          {items.map((n) => (
            <li key={n.to}>
              <Link to={n.to} aria-current={isCurrent(n) ? 'page' : undefined}>
                {n.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Routes path={loc.path} />
      </main>
    </div>
  );
}

function Guard({ permission, children }: { permission: string; children: ReactNode }) {
  const s = useSession();
  if (!s.can(permission)) {
    return (
      <section>
        <h1>Not available to your role</h1>
        <p>Your role ({s.info.user.role}) does not include this page. Ask an administrator if you need it.</p>
      </section>
    );
  }
  return <>{children}</>;
}

function Routes({ path }: { path: string }) {
  let m: Record<string, string> | null;
  if (path === '/' || path === '/dashboard')
    return (
      <Guard permission="dashboard.read">
        <DashboardPage />
      </Guard>
    );
  if (path === '/live')
    return (
      <Guard permission="feed.read">
        <LiveFeedPage />
      </Guard>
    );
  if (path === '/messages')
    return (
      <Guard permission="messages.list">
        <MessagesPage mode="all" />
      </Guard>
    );
  if (path === '/quarantine')
    return (
      <Guard permission="messages.list">
        <MessagesPage mode="quarantine" />
      </Guard>
    );
  if ((m = match('/messages/:id', path)))
    return (
      <Guard permission="messages.list">
        <MessageDetailPage key={m.id} id={m.id!} />
      </Guard>
    );
  if (path === '/verify')
    return (
      <Guard permission="messages.list">
        <VerificationPage />
      </Guard>
    );
  if (path === '/verify/contacts')
    return (
      <Guard permission="messages.list">
        <VerifyContactsPage />
      </Guard>
    );
  if ((m = match('/verify/:id', path)))
    return (
      <Guard permission="messages.list">
        <VerificationTaskPage key={m.id} id={m.id!} />
      </Guard>
    );
  if (path === '/incidents')
    return (
      <Guard permission="messages.list">
        <IncidentsPage />
      </Guard>
    );
  if ((m = match('/incidents/:id', path)))
    return (
      <Guard permission="messages.list">
        <IncidentDetailPage key={m.id} id={m.id!} />
      </Guard>
    );
  if (path === '/campaigns')
    return (
      <Guard permission="messages.list">
        <CampaignsPage />
      </Guard>
    );
  if ((m = match('/campaigns/:id', path)))
    return (
      <Guard permission="messages.list">
        <CampaignDetailPage key={m.id} id={m.id!} />
      </Guard>
    );
  if (path === '/simulations')
    return (
      <Guard permission="messages.content">
        <SimulationsPage />
      </Guard>
    );
  if (path === '/simulations/templates')
    return (
      <Guard permission="messages.content">
        <SimTemplatesPage />
      </Guard>
    );
  if ((m = match('/simulations/:id', path)))
    return (
      <Guard permission="messages.content">
        <SimCampaignPage key={m.id} id={m.id!} />
      </Guard>
    );
  if (path === '/training')
    return (
      <Guard permission="messages.content">
        <TrainingPage />
      </Guard>
    );
  if ((m = match('/training/modules/:id', path)))
    return (
      <Guard permission="messages.content">
        <TrainingModulePage key={m.id} id={m.id!} />
      </Guard>
    );
  if (path === '/directory')
    return (
      <Guard permission="directory.read">
        <DirectoryPage />
      </Guard>
    );
  if (path === '/settings')
    return (
      <Guard permission="settings.read">
        <SettingsPage />
      </Guard>
    );
  if (path === '/audit')
    return (
      <Guard permission="audit.read">
        <AuditPage />
      </Guard>
    );
  if (path === '/users')
    return (
      <Guard permission="users.manage">
        <UsersPage />
      </Guard>
    );
  if (path === '/account') return <AccountPage />;
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is no console page at <code>{path}</code>. <Link to="/">Go to the dashboard</Link>.
      </p>
    </section>
  );
}
