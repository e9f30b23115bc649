import { useState } from 'preact/hooks';
import { api } from '../api';
import { duration, time } from '../format';
import { html } from '../html';
import { useData } from '../use-data';

/** A button that asks once more before it acts: retiring cannot be undone. */
function ConfirmButton({ label, onConfirm }) {
  const [armed, setArmed] = useState(false);
  if (!armed) return html`<button type="button" onClick=${() => setArmed(true)}>${label}</button>`;
  return html`<span class="confirm" role="group" aria-label=${label}>
    <button type="button" class="danger" onClick=${() => (setArmed(false), onConfirm())}>Confirm</button>
    <button type="button" onClick=${() => setArmed(false)}>Cancel</button>
  </span>`;
}

export function EntriesPage({ who, tenant }) {
  const [search, setSearch] = useState({ namespace: '', q: '' });
  const [draft, setDraft] = useState(search);
  const [status, setStatus] = useState('');
  const { data, error, reload } = useData(
    () =>
      api('entries/search', {
        method: 'POST',
        body: { tenant: tenant || undefined, namespace: search.namespace || undefined, q: search.q },
      }),
    [tenant, search],
  );
  const retire = async (command, what) => {
    try {
      const { event_id } = await api('retire', { method: 'POST', body: command });
      setStatus(`Retiring ${what} (event ${event_id}); the audit stream shows when it is applied.`);
      setTimeout(reload, 1000);
    } catch (err) {
      setStatus(`Not retired: ${err.message}`);
    }
  };
  const canRetireNamespace = search.namespace && (who.kind === 'tenant' || tenant);
  return html`<h1>Entries</h1>
    <p class="lead">
      Cached answers. Search the stored questions, then retire a bad answer, a document's answers or a namespace.
    </p>
    <form
      class="filters"
      role="search"
      onSubmit=${(e) => {
        e.preventDefault();
        setSearch(draft);
      }}
    >
      <label
        >Namespace
        <input
          name="namespace"
          value=${draft.namespace}
          onInput=${(e) => setDraft({ ...draft, namespace: e.target.value })}
      /></label>
      <label
        >Question contains
        <input
          name="q"
          type="search"
          minlength="3"
          aria-describedby="q-hint"
          value=${draft.q}
          onInput=${(e) => setDraft({ ...draft, q: e.target.value })}
      /></label>
      <span id="q-hint" class="hint">3 characters or more</span>
      <button type="submit">Search</button>
    </form>
    ${
      canRetireNamespace &&
      html`<p>
        <${ConfirmButton}
          label=${`Retire namespace ${search.namespace}`}
          onConfirm=${() => retire({ tenant: tenant || undefined, action: 'purge_namespace', namespace: search.namespace }, `namespace ${search.namespace}`)}
        />
      </p>`
    }
    <p role="status" class="status">${status}</p>
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    <div class="table-wrap">
      <table>
        <caption class="sr-only">
          Cache entries
        </caption>
        <thead>
          <tr>
            ${who.kind === 'admin' && html`<th scope="col">Tenant</th>`}
            <th scope="col">Namespace</th>
            <th scope="col">Question</th>
            <th scope="col">Hits</th>
            <th scope="col">Age</th>
            <th scope="col">TTL</th>
            <th scope="col">Source documents</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          ${(data?.entries ?? []).map(
            (e) =>
              html`<tr data-entry=${e.id}>
                ${who.kind === 'admin' && html`<td>${e.tenant}</td>`}
                <td>${e.namespace}</td>
                <td class="question">${e.question}${e.personal ? html` <span class="badge">personal</span>` : ''}</td>
                <td>${e.hits}</td>
                <td title=${time(e.created_at)}>${duration(e.age_seconds)}</td>
                <td title=${`expires ${time(e.expires_at)}`}>${duration(e.ttl_seconds)}</td>
                <td>
                  ${
                    e.documents.length === 0
                      ? '—'
                      : e.documents.map(
                          (d) =>
                            html`<div>
                              ${d.id} v${d.version ?? '?'}
                              <${ConfirmButton}
                                label=${`Retire document ${d.id}`}
                                onConfirm=${() => retire({ tenant: e.tenant, action: 'purge_document', doc_id: d.id }, `the entries of ${d.id}`)}
                              />
                            </div>`,
                        )
                  }
                </td>
                <td>
                  <${ConfirmButton}
                    label="Retire"
                    onConfirm=${() => retire({ tenant: e.tenant, action: 'purge_entry', entry_id: e.id }, 'the entry')}
                  />
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${data && data.entries.length === 0 && html`<p>No live entries match.</p>`}
    </div>`;
}
