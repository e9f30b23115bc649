import { useState } from 'preact/hooks';
import { api } from '../api';
import { duration, ms, num, time, usd } from '../format';
import { html } from '../html';
import { useData } from '../use-data';

function Filters({ value, onChange }) {
  const [draft, setDraft] = useState(value);
  const set = (k) => (e) => setDraft({ ...draft, [k]: e.target.value });
  const submit = (e) => {
    e.preventDefault();
    onChange(draft);
  };
  return html`<form class="filters" onSubmit=${submit} aria-label="Filter decisions">
    <label>Namespace <input name="namespace" value=${draft.namespace} onInput=${set('namespace')} /></label>
    <label>Model <input name="model" value=${draft.model} onInput=${set('model')} /></label>
    <label
      >Outcome
      <select name="outcome" value=${draft.outcome} onChange=${set('outcome')}>
        <option value="">any</option>
        ${['hit', 'miss', 'bypass', 'queued', 'failed'].map((o) => html`<option value=${o}>${o}</option>`)}
      </select>
    </label>
    <button type="submit">Apply</button>
  </form>`;
}

/** Which rule decided: the learned stage's probability against its target, or a raw threshold. */
function rule(d) {
  if (d.target_false_hit_rate !== null && d.target_false_hit_rate !== undefined)
    return `p ${num(d.probability, 3)} (target ${num(d.target_false_hit_rate, 3)})`;
  return d.threshold === null ? '—' : `≥ ${num(d.threshold)}`;
}

/** The candidates' similarities in one cell, most similar first; a vetoed one names its guard. */
function nearest(candidates) {
  if (!candidates || candidates.length === 0) return '—';
  return candidates.map((c) => `${num(c.similarity, 3)}${c.rejected_by ? ` (${c.rejected_by})` : ''}`).join(', ');
}

/** The why view's table of near candidates: what the search found and what the decision made of each. */
function Candidates({ d }) {
  if (d.candidates === null)
    return html`<p>Near candidates are shown with the admin key (they quote other entries' questions).</p>`;
  if (d.candidates.length === 0) return html`<p>The semantic search found no candidate in this scope.</p>`;
  return html`<div class="table-wrap">
    <table data-testid="why-candidates">
      <caption class="sr-only">
        Nearest candidates
      </caption>
      <thead>
        <tr>
          <th scope="col">Stored question</th>
          <th scope="col">Similarity</th>
          <th scope="col">Probability</th>
          <th scope="col">Vetoed by</th>
          <th scope="col">Served</th>
        </tr>
      </thead>
      <tbody>
        ${d.candidates.map(
          (c) =>
            html`<tr data-entry=${c.entry_id}>
              <td class="question">${c.question}</td>
              <td>${num(c.similarity)}</td>
              <td>${num(c.probability, 4)}</td>
              <td>${c.rejected_by ?? '—'}</td>
              <td>${c.entry_id === d.entry_id && d.outcome === 'hit' ? 'yes' : 'no'}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function DecisionsPage({ who, tenant }) {
  const [filters, setFilters] = useState({ namespace: '', model: '', outcome: '' });
  const { data, error, loading, reload } = useData(
    () => api('decisions', { query: { tenant, ...filters } }),
    [tenant, filters],
  );
  return html`<h1>Decisions</h1>
    <p class="lead">Recent requests, newest first: what the cache did and why.</p>
    <${Filters} value=${filters} onChange=${setFilters} />
    <button type="button" onClick=${reload}>Refresh</button>
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    <div class="table-wrap" aria-busy=${loading}>
      <table>
        <caption class="sr-only">
          Recent requests
        </caption>
        <thead>
          <tr>
            <th scope="col">Question</th>
            <th scope="col">Outcome</th>
            <th scope="col">Tier</th>
            <th scope="col">Similarity</th>
            <th scope="col">Rule</th>
            <th scope="col">Vetoed by</th>
            ${who.kind === 'admin' && html`<th scope="col">Nearest candidates</th>`}
            <th scope="col">Namespace</th>
            ${who.kind === 'admin' && html`<th scope="col">Tenant</th>`}
            <th scope="col">Saved</th>
            <th scope="col">Latency</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          ${(data?.decisions ?? []).map(
            (d) =>
              html`<tr data-outcome=${d.outcome} data-tier=${d.tier ?? 'none'}>
                <td class="question">
                  <a href=${`#/decisions/${encodeURIComponent(d.id)}`}>${d.question || '(no text)'}</a>
                </td>
                <td><span class=${`badge ${d.outcome}`}>${d.coalesced ? 'coalesced' : d.outcome}</span></td>
                <td>${d.tier ?? '—'}</td>
                <td>${num(d.similarity)}</td>
                <td>${rule(d)}</td>
                <td>${d.rejected_by ?? '—'}</td>
                ${who.kind === 'admin' && html`<td>${nearest(d.candidates)}</td>`}
                <td>${d.namespace}</td>
                ${who.kind === 'admin' && html`<td>${d.tenant}</td>`}
                <td>${usd(d.saved_usd)}</td>
                <td>${ms(d.latency_ms)}</td>
                <td>${time(d.created_at)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${data && data.decisions.length === 0 && html`<p>No requests match.</p>`}
    </div>`;
}

function Field({ label, children }) {
  return html`<dt>${label}</dt>
    <dd>${children}</dd>`;
}

export function WhyPage({ tenant, id }) {
  const { data: d, error } = useData(
    () => api(`decisions/${encodeURIComponent(id)}`, { query: { tenant } }),
    [tenant, id],
  );
  if (error) return html`<p class="error" role="alert">${error.message}</p>`;
  if (!d) return html`<p>Loading…</p>`;
  const m = d.matched;
  return html`<p><a href="#/decisions">← Decisions</a></p>
    <h1>
      ${'Why: '}<span class=${`badge ${d.outcome}`} data-testid="why-outcome">${d.outcome}</span
      >${d.tier ? ` (${d.tier})` : ''}
    </h1>
    <section aria-labelledby="q-h">
      <h2 id="q-h">The question</h2>
      <blockquote data-testid="why-question">${d.question}</blockquote>
      ${
        d.answer !== null &&
        html`<details>
          <summary>Answer</summary>
          <pre>${d.answer}</pre>
        </details>`
      }
    </section>
    <section aria-labelledby="d-h">
      <h2 id="d-h">The decision</h2>
      <dl>
        <${Field} label="Outcome">${d.outcome}${d.coalesced ? ' (coalesced with an identical miss)' : ''}<//>
        <${Field} label="Tier">${d.tier ?? 'none'}<//>
        <${Field} label="Similarity">${num(d.similarity)}<//>
        <${Field} label="Threshold">${num(d.threshold)}<//>
        <${Field} label="Probability (learned stage)"
          >${num(d.probability, 4)}${d.target_false_hit_rate !== null ? ` against a target false-hit rate of ${d.target_false_hit_rate}` : ''}<//
        >
        <${Field} label="Vetoed by guard">${d.rejected_by ?? 'none'}<//>
        <${Field} label="Saved">${usd(d.saved_usd)}<//>
        <${Field} label="Latency">${ms(d.latency_ms)}<//>
      </dl>
    </section>
    <section aria-labelledby="m-h">
      <h2 id="m-h">${d.outcome === 'hit' ? 'Served from the stored question' : 'Stored as a new entry'}</h2>
      ${
        m
          ? html`<blockquote data-testid="why-matched">${m.question}</blockquote>
              <p>
                ${`Entry ${m.id}: ${m.hits} hits, age ${duration(m.age_seconds)}, TTL ${duration(m.ttl_seconds)}${m.retired_at ? ', retired' : ''}.`}
              </p>`
          : html`<p>
              ${d.outcome === 'hit' ? 'The entry is gone (erased).' : 'No stored question was close enough; a miss stores its answer for the next ask.'}
            </p>`
      }
    </section>
    <section aria-labelledby="c-h">
      <h2 id="c-h">Nearest candidates</h2>
      <${Candidates} d=${d} />
    </section>
    ${d.trace_url && html`<p><a href=${d.trace_url} target="_blank" rel="noopener noreferrer">Traces of this request in Jaeger</a></p>`}
    <section aria-labelledby="s-h">
      <h2 id="s-h">Scope: what had to match</h2>
      <dl>
        ${Object.entries(d.scope).map(([k, v]) => html`<${Field} label=${k}>${typeof v === 'object' ? JSON.stringify(v) : String(v)}<//>`)}
      </dl>
    </section>`;
}
