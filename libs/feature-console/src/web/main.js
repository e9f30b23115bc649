import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, session } from './api';
import { html } from './html';
import { DecisionsPage, WhyPage } from './pages/decisions';
import { EntriesPage } from './pages/entries';
import { InvalidationsPage } from './pages/invalidations';
import { NamespacesPage } from './pages/namespaces';
import { OverviewPage } from './pages/overview';

const PAGES = [
  ['decisions', 'Decisions'],
  ['entries', 'Entries'],
  ['namespaces', 'Namespaces'],
  ['overview', 'Overview'],
  ['invalidations', 'Invalidations'],
];
const TENANT = 'deja.console.tenant';

/** The page is in the URL's fragment (`#/decisions/<id>`): ids only, never a question or a key. */
function useRoute() {
  const read = () => (location.hash.replace(/^#\/?/, '') || 'decisions').split('/');
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function SignIn({ onSignedIn }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    session.save(key.trim());
    try {
      onSignedIn(await api('session'));
    } catch (err) {
      session.clear();
      setError(err.status === 401 ? 'This key is not known to the gateway.' : err.message);
    }
  };
  return html`<main class="signin">
    <h1>Deja Console</h1>
    <form onSubmit=${submit}>
      <label for="key">API key</label>
      <p class="hint">A tenant key shows that tenant; the admin key shows every tenant.</p>
      <input
        id="key"
        name="key"
        type="password"
        autocomplete="current-password"
        required
        value=${key}
        onInput=${(e) => setKey(e.target.value)}
        aria-describedby="signin-error"
      />
      <button type="submit">Sign in</button>
      <p id="signin-error" class="error" role="alert">${error}</p>
    </form>
  </main>`;
}

function Shell({ who, onSignOut }) {
  const route = useRoute();
  const [tenant, setTenant] = useState(() =>
    who.kind === 'tenant' ? who.tenant : (sessionStorage.getItem(TENANT) ?? ''),
  );
  const pick = (t) => {
    sessionStorage.setItem(TENANT, t);
    setTenant(t);
  };
  const [page, id] = route;
  const props = { who, tenant, key: `${page}:${tenant}` };
  const body =
    page === 'decisions' && id
      ? html`<${WhyPage} ...${props} id=${id} />`
      : page === 'entries'
        ? html`<${EntriesPage} ...${props} />`
        : page === 'namespaces'
          ? html`<${NamespacesPage} ...${props} />`
          : page === 'overview'
            ? html`<${OverviewPage} ...${props} />`
            : page === 'invalidations'
              ? html`<${InvalidationsPage} ...${props} />`
              : html`<${DecisionsPage} ...${props} />`;
  return html`<header>
      <a class="brand" href="#/decisions">Deja Console</a>
      <nav aria-label="Pages">
        ${PAGES.map(([p, label]) => html`<a href=${`#/${p}`} aria-current=${p === page ? 'page' : undefined}>${label}</a>`)}
      </nav>
      <div class="who">
        ${
          who.kind === 'admin'
            ? html`<label for="tenant-picker">Tenant</label>
                <select id="tenant-picker" value=${tenant} onChange=${(e) => pick(e.target.value)}>
                  <option value="">All tenants</option>
                  ${who.tenants.map((t) => html`<option value=${t}>${t}</option>`)}
                </select>`
            : html`<span>Tenant <strong data-testid="tenant">${who.tenant}</strong></span>`
        }
        <button type="button" class="link" onClick=${onSignOut}>Sign out</button>
      </div>
    </header>
    <main id="main">${body}</main>`;
}

function App() {
  const [who, setWho] = useState(undefined);
  useEffect(() => {
    if (!session.key()) return setWho(null);
    api('session').then(setWho, () => {
      session.clear();
      setWho(null);
    });
  }, []);
  if (who === undefined) return html`<p class="loading">Loading…</p>`;
  if (who === null) return html`<${SignIn} onSignedIn=${setWho} />`;
  const signOut = () => {
    session.clear();
    sessionStorage.removeItem(TENANT);
    setWho(null);
  };
  return html`<${Shell} who=${who} onSignOut=${signOut} />`;
}

render(html`<${App} />`, document.getElementById('app'));
