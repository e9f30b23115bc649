import { api } from '../api';
import { ms, time } from '../format';
import { html } from '../html';
import { useData } from '../use-data';

export function InvalidationsPage({ who, tenant }) {
  const { data, error, reload } = useData(() => api('invalidations', { query: { tenant } }), [tenant]);
  return html`<h1>Invalidations</h1>
    <p class="lead">The audit stream: document changes and purges, what each retired and how long it took to apply.</p>
    <button type="button" onClick=${reload}>Refresh</button>
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    <div class="table-wrap">
      <table>
        <caption class="sr-only">
          Invalidation audit
        </caption>
        <thead>
          <tr>
            <th scope="col">Applied</th>
            ${who.kind === 'admin' && html`<th scope="col">Tenant</th>`}
            <th scope="col">Cause</th>
            <th scope="col">Selector</th>
            <th scope="col">Retired</th>
            <th scope="col">New version</th>
            <th scope="col">Took</th>
          </tr>
        </thead>
        <tbody>
          ${(data?.invalidations ?? []).map(
            (r) =>
              html`<tr>
                <td>${time(r.applied_at)}</td>
                ${who.kind === 'admin' && html`<td>${r.tenant}</td>`}
                <td>${r.cause}</td>
                <td>
                  <code
                    >${Object.entries(r.selector)
                      .filter(([k]) => k !== 'action')
                      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
                      .join(' ')}</code
                  >
                </td>
                <td>${r.entries_retired}</td>
                <td>${r.new_version ?? '—'}</td>
                <td>${ms(r.took_ms)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${data && data.invalidations.length === 0 && html`<p>Nothing invalidated yet.</p>`}
    </div>`;
}
