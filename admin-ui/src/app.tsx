/**
 * The console's shell: header (who is signed in, log out), navigation and the routes under /admin/.
 * Screens with Monaco are split out and loaded on demand, so the rules list is interactive first.
 * The data screens (calls, audit, tables, accounts, tokens) are another engineer's files, found by
 * `import.meta.glob`: each is mounted as soon as its file is part of the build.
 */
import type { ComponentChildren, ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getSession, logout, type Session } from './api.ts';
import { ErrorBox } from './components/error-box.tsx';
import { Lazy } from './components/lazy.tsx';
import { match, navigate, useLocation } from './router.tsx';
import { DryRunScreen } from './screens/dry-run.tsx';
import { NewRuleScreen } from './screens/rule-new.tsx';
import { RulesScreen } from './screens/rules-list.tsx';

// biome-ignore lint/suspicious/noExplicitAny: each screen's props are given by its route below
type Screens = Record<string, ComponentType<any>>;
const dataScreens = import.meta.glob<Screens>('./screens/{calls,audit,tables,accounts,tokens}.tsx');

/** A data screen's export from its file, or undefined while that file is not in the build. */
const dataScreen = (file: string, name: string) => async () => {
  const load = dataScreens[`./screens/${file}.tsx`];
  return load ? (await load())[name] : undefined;
};

type Route = { pattern: string; title: string; view: (params: Record<string, string>) => ComponentChildren };

// biome-ignore lint/suspicious/noExplicitAny: a screen's props come from its route's pattern
type Screen = ComponentType<any>;
const lazy = (id: string, load: () => Promise<Screen | undefined>) => (props: Record<string, string>) => (
  <Lazy id={id} load={load} props={props} />
);

const routes: Route[] = [
  { pattern: '/admin/rules', title: 'Rules', view: () => <RulesScreen /> },
  { pattern: '/admin/rules/new', title: 'New rule', view: () => <NewRuleScreen /> },
  {
    pattern: '/admin/rules/:name',
    title: 'Edit rule',
    view: lazy('rule-editor', async () => (await import('./screens/rule-editor.tsx')).RuleEditorScreen),
  },
  {
    pattern: '/admin/rules/:name/history',
    title: 'Rule history',
    view: lazy('rule-history', async () => (await import('./screens/rule-history.tsx')).RuleHistoryScreen),
  },
  { pattern: '/admin/dry-run', title: 'Dry-run', view: () => <DryRunScreen /> },
  { pattern: '/admin/calls', title: 'Calls', view: lazy('calls', dataScreen('calls', 'CallsScreen')) },
  {
    pattern: '/admin/calls/:id',
    title: 'Call',
    view: lazy('call-trace', dataScreen('calls', 'CallTraceScreen')),
  },
  { pattern: '/admin/audit', title: 'Audit', view: lazy('audit', dataScreen('audit', 'AuditScreen')) },
  { pattern: '/admin/tables', title: 'Tables', view: lazy('tables', dataScreen('tables', 'TablesScreen')) },
  {
    pattern: '/admin/tables/:name',
    title: 'Table',
    view: lazy('table', dataScreen('tables', 'TableScreen')),
  },
  {
    pattern: '/admin/accounts',
    title: 'Accounts',
    view: lazy('accounts', dataScreen('accounts', 'AccountsScreen')),
  },
  { pattern: '/admin/tokens', title: 'Tokens', view: lazy('tokens', dataScreen('tokens', 'TokensScreen')) },
];

const nav = [
  ['Rules', '/admin/rules'],
  ['Dry-run', '/admin/dry-run'],
  ['Calls', '/admin/calls'],
  ['Audit', '/admin/audit'],
  ['Tables', '/admin/tables'],
  ['Accounts', '/admin/accounts'],
  ['Tokens', '/admin/tokens'],
] as const;

function Header({ session, path }: { session: Session | null; path: string }) {
  return (
    <header class="top">
      <a class="brand" href="/admin/rules">
        ctihost <span>console</span>
      </a>
      <nav aria-label="Sections">
        {nav.map(([label, href]) => (
          <a
            key={href}
            href={href}
            aria-current={path === href || path.startsWith(`${href}/`) ? 'page' : undefined}
          >
            {label}
          </a>
        ))}
      </nav>
      <div class="who">
        {session && (
          <>
            <span title={`signed in as ${session.username} (${session.role})`}>{session.username}</span>
            <button type="button" class="link" onClick={() => void logout()}>
              Log out
            </button>
          </>
        )}
      </div>
    </header>
  );
}

export function App() {
  const location = useLocation();
  const [session, setSession] = useState<Session | null>(null);
  const [sessionError, setSessionError] = useState<unknown>(null);
  useEffect(() => {
    getSession().then(setSession, setSessionError);
  }, []);

  let found: { route: Route; params: Record<string, string> } | null = null;
  for (const route of routes) {
    const params = match(route.pattern, location.path);
    if (params) {
      found = { route, params };
      break;
    }
  }
  useEffect(() => {
    if (location.path === '/admin') navigate('/admin/rules', { replace: true });
  }, [location.path]);
  useEffect(() => {
    const name = found?.params.name ?? found?.params.id;
    document.title = `${found ? found.route.title : 'Not found'}${name ? ` · ${name}` : ''} · ctihost`;
  });

  return (
    <>
      <Header session={session} path={location.path} />
      <main>
        <ErrorBox error={sessionError} title="Your session could not be read" />
        {found ? (
          <div key={`${found.route.pattern}|${JSON.stringify(found.params)}`}>
            {found.route.view(found.params)}
          </div>
        ) : location.path === '/admin' ? null : (
          <section>
            <h1>Not found</h1>
            <p>
              There is no console screen at <code>{location.path}</code>.{' '}
              <a href="/admin/rules">Go to rules</a>
            </p>
          </section>
        )}
      </main>
    </>
  );
}
