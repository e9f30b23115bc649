import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { duration, num } from '../format';
import { html } from '../html';
import { useData } from '../use-data';

const FIELDS = [
  [
    'threshold',
    'Threshold',
    'Cosine similarity a semantic hit needs; set, it replaces the learned stage. Empty: default.',
  ],
  [
    'target_false_hit_rate',
    'Target false-hit rate',
    'Share of semantic hits allowed to be wrong (learned stage). Empty: default.',
  ],
  ['ttl_seconds', 'TTL (seconds)', 'Lifetime of a stored answer. Empty: default.'],
];

/** An input's text as the API's value: empty is `null` (back to the default). */
const parse = (text) => (text.trim() === '' ? null : Number(text));

function NamespaceForm({ ns, onSaved }) {
  const [values, setValues] = useState(() =>
    Object.fromEntries(FIELDS.map(([f]) => [f, ns.settings[f] === null ? '' : String(ns.settings[f])])),
  );
  const [error, setError] = useState(undefined);
  const [saved, setSaved] = useState('');
  const id = (f) => `${ns.tenant}-${ns.namespace}-${f}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const submit = async (e) => {
    e.preventDefault();
    setSaved('');
    try {
      await api(`namespaces/${encodeURIComponent(ns.namespace)}`, {
        method: 'PUT',
        body: { tenant: ns.tenant, ...Object.fromEntries(FIELDS.map(([f]) => [f, parse(values[f])])) },
      });
      setError(undefined);
      setSaved('Saved: the next lookup uses it.');
      onSaved();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { message: String(err) }));
    }
  };
  const e = ns.effective;
  return html`<form class="namespace" onSubmit=${submit} aria-label=${`Settings of ${ns.namespace}`}>
    <h2>${ns.namespace}</h2>
    <p class="hint">
      Tenant ${ns.tenant}, version ${ns.version}, ${ns.live_entries} live entries.${' '}
      ${
        e
          ? html`In effect:
            ${e.rule === 'threshold' ? `threshold ${num(e.threshold)} (allowed ${e.min_threshold}–${e.max_threshold})` : `learned stage, target false-hit rate ${e.target_false_hit_rate} (allowed ${e.min_target_false_hit_rate}–${e.max_target_false_hit_rate})`},
            TTL ${duration(e.ttl_seconds)}.`
          : 'Its stored settings are inconsistent: fix them here.'
      }
    </p>
    ${FIELDS.map(([f, label, hint]) => {
      const problem = error?.issue(f);
      return html`<div class="field">
        <label for=${id(f)}>${label}</label>
        <input
          id=${id(f)}
          name=${f}
          inputmode="decimal"
          value=${values[f]}
          aria-invalid=${problem ? 'true' : undefined}
          aria-describedby=${`${id(f)}-hint ${id(f)}-error`}
          onInput=${(ev) => setValues({ ...values, [f]: ev.target.value })}
        />
        <small id=${`${id(f)}-hint`} class="hint">${hint}</small>
        <small id=${`${id(f)}-error`} class="error" data-field-error=${f}>${problem ?? ''}</small>
      </div>`;
    })}
    <button type="submit" aria-label=${`Save the settings of ${ns.namespace}`}>Save</button>
    <p role="status" class="status">${saved}${error && !FIELDS.some(([f]) => error.issue(f)) ? error.message : ''}</p>
  </form>`;
}

export function NamespacesPage({ who, tenant }) {
  const { data, error, reload } = useData(() => api('namespaces', { query: { tenant } }), [tenant]);
  const [added, setAdded] = useState('');
  const [draft, setDraft] = useState('');
  const owner = who.kind === 'tenant' ? who.tenant : tenant;
  const list = [...(data?.namespaces ?? [])];
  if (added && owner && !list.some((n) => n.namespace === added && n.tenant === owner)) {
    list.push({
      tenant: owner,
      namespace: added,
      version: 1,
      live_entries: 0,
      settings: { threshold: null, target_false_hit_rate: null, ttl_seconds: null },
      effective: null,
    });
  }
  return html`<h1>Namespaces</h1>
    <p class="lead">
      Each namespace's decision rule and TTL, checked as the API checks them: a value out of bounds is refused next to
      its field.
    </p>
    ${
      owner &&
      html`<form
        class="filters"
        onSubmit=${(e) => {
          e.preventDefault();
          setAdded(draft.trim());
        }}
      >
        <label
          >Configure namespace <input name="new-namespace" value=${draft} onInput=${(e) => setDraft(e.target.value)}
        /></label>
        <button type="submit">Open</button>
      </form>`
    }
    ${!owner && html`<p class="hint">Pick a tenant to configure a namespace that has no entries yet.</p>`}
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    <div class="namespaces">
      ${list.map((ns) => html`<${NamespaceForm} key=${`${ns.tenant}/${ns.namespace}`} ns=${ns} onSaved=${reload} />`)}
    </div>`;
}
