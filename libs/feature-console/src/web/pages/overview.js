import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { num, pct, usd } from '../format';
import { html } from '../html';
import { useData } from '../use-data';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

/** How often the page asks for fresh numbers while it is open. */
const REFRESH_MS = 10_000;

function label(iso, window) {
  const d = new Date(iso);
  return window === 'week'
    ? d.toLocaleString([], { weekday: 'short', hour: '2-digit' })
    : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** One chart.js chart, updated in place when its data changes (no flicker on live refresh). */
function ChartBox({ title, type, labels, datasets, yTitle, tick }) {
  const canvas = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    chart.current = new Chart(canvas.current, {
      type,
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: type === 'bar' },
          y: {
            beginAtZero: true,
            stacked: type === 'bar',
            title: { display: true, text: yTitle },
            ticks: tick ? { callback: tick } : {},
          },
        },
      },
    });
    return () => chart.current.destroy();
  }, []);
  useEffect(() => {
    chart.current.data.labels = labels;
    chart.current.data.datasets = datasets;
    chart.current.update();
  }, [labels, datasets]);
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    <div class="canvas-box"><canvas ref=${canvas} role="img" aria-label=${title}></canvas></div>
  </figure>`;
}

function Stat({ label, value }) {
  return html`<div class="stat">
    <dt>${label}</dt>
    <dd>${value}</dd>
  </div>`;
}

export function OverviewPage({ tenant }) {
  const [window, setWindow] = useState('hour');
  const [namespace, setNamespace] = useState('');
  const { data, error, reload } = useData(
    () => api('overview', { query: { tenant, window, namespace } }),
    [tenant, window, namespace],
  );
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const t = data?.totals;
  const buckets = data?.buckets ?? [];
  const labels = buckets.map((b) => label(b.bucket, window));
  const series = (key) => buckets.map((b) => b[key]);
  return html`<h1>Overview</h1>
    <form class="filters" onSubmit=${(e) => e.preventDefault()} aria-label="Overview range">
      <fieldset>
        <legend>Last</legend>
        ${['hour', 'day', 'week'].map(
          (w) =>
            html`<label class="radio"
              ><input type="radio" name="window" value=${w} checked=${window === w} onChange=${() => setWindow(w)} />
              ${w}</label
            >`,
        )}
      </fieldset>
      <label
        >Namespace <input name="namespace" value=${namespace} onChange=${(e) => setNamespace(e.target.value.trim())}
      /></label>
    </form>
    <p class="hint" aria-live="polite">Updates every ${REFRESH_MS / 1000} s.</p>
    ${error && html`<p class="error" role="alert">${error.message}</p>`}
    ${
      t &&
      html`<dl class="stats">
        <${Stat} label="Requests" value=${t.requests} />
        <${Stat} label="Hit rate" value=${pct(t.hit_rate)} />
        <${Stat} label="Exact hits" value=${pct(t.exact_hit_rate)} />
        <${Stat} label="Semantic hits" value=${pct(t.semantic_hit_rate)} />
        <${Stat} label="Provider calls avoided" value=${t.provider_calls_avoided} />
        <${Stat} label="Saved by the cache" value=${usd(t.saved_usd_cache)} />
        <${Stat} label="Saved by prompt caching" value=${usd(t.saved_usd_prompt_cache)} />
        <${Stat} label="Tokens saved" value=${num(t.saved_tokens, 0)} />
        <${Stat} label="Prompt-cache tokens read" value=${num(t.prompt_cache_read_tokens, 0)} />
      </dl>`
    }
    <div class="charts">
      <${ChartBox}
        title="Requests by outcome"
        type="bar"
        yTitle="requests"
        labels=${labels}
        datasets=${[
          { label: 'exact hits', data: series('exact_hits'), backgroundColor: '#2e7d32' },
          { label: 'semantic hits', data: series('semantic_hits'), backgroundColor: '#66bb6a' },
          {
            label: 'misses',
            data: buckets.map((b) => b.requests - b.exact_hits - b.semantic_hits),
            backgroundColor: '#bdbdbd',
          },
        ]}
      />
      <${ChartBox}
        title="Latency (p50 / p99)"
        type="line"
        yTitle="ms"
        labels=${labels}
        datasets=${[
          { label: 'hit p50', data: series('hit_p50_ms'), borderColor: '#2e7d32' },
          { label: 'hit p99', data: series('hit_p99_ms'), borderColor: '#2e7d32', borderDash: [6, 4] },
          { label: 'miss p50', data: series('miss_p50_ms'), borderColor: '#c62828' },
          { label: 'miss p99', data: series('miss_p99_ms'), borderColor: '#c62828', borderDash: [6, 4] },
        ]}
      />
      <${ChartBox}
        title="USD saved"
        type="bar"
        yTitle="USD"
        tick=${(v) => Number(v).toPrecision(2)}
        labels=${labels}
        datasets=${[
          { label: 'by the cache', data: series('saved_usd_cache'), backgroundColor: '#1565c0' },
          { label: 'by prompt caching', data: series('saved_usd_prompt_cache'), backgroundColor: '#90caf9' },
        ]}
      />
    </div>`;
}
