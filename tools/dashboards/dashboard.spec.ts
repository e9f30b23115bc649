import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');

/** Every metric name the services register (`name: 'deja_…'` or `counter('deja_…'` in libs/ and apps/). */
function exportedMetrics(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (entry === 'node_modules' || entry === 'dist') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/(?:name: |counter\(\s*)'(deja_[a-z0-9_]+)'/g))
          names.add(m[1]);
      }
    }
  };
  walk(join(ROOT, 'libs'));
  walk(join(ROOT, 'apps'));
  return names;
}

/** Metric names a PromQL expression reads (histogram series map back to their histogram). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(deja_[a-z0-9_]+)/g)].map((m) => m[1].replace(/_(bucket|sum|count)$/, ''));
}

interface Panel {
  id: number;
  title: string;
  type: string;
  datasource: { uid: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets: Array<{ refId: string; expr: string }>;
}

describe('Grafana dashboard (deploy/grafana/dashboards/deja.json)', () => {
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/dashboards/deja.json'), 'utf8')) as {
    uid: string;
    title: string;
    panels: Panel[];
  };
  const exported = exportedMetrics();

  it('has a uid, a title and panels with unique ids, a position and at least one query each', () => {
    expect(dashboard.uid).toBeTruthy();
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(8);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const p of dashboard.panels) {
      expect(p.gridPos).toEqual(expect.objectContaining({ h: expect.any(Number), w: expect.any(Number) }));
      expect(p.targets.length).toBeGreaterThan(0);
      for (const t of p.targets) expect(t.expr.trim()).not.toBe('');
    }
  });

  it('queries, in every panel, only metrics that the services export', () => {
    const unknown = dashboard.panels.flatMap((p) =>
      p.targets.flatMap((t) =>
        metricsIn(t.expr)
          .filter((m) => !exported.has(m))
          .map((m) => `${p.title}: ${m}`),
      ),
    );
    expect(unknown).toEqual([]);
    for (const p of dashboard.panels) expect(p.targets.some((t) => metricsIn(t.expr).length > 0)).toBe(true);
  });

  it('covers hit rate, savings, latency per stage and errors', () => {
    const all = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    for (const metric of [
      'deja_cache_lookups_total',
      'deja_gateway_saved_usd_total',
      'deja_stage_duration_seconds_bucket',
      'deja_llm_provider_errors_total',
      'deja_kafka_messages_total',
    ]) {
      expect(all).toContain(metric);
    }
  });

  it('uses the provisioned Prometheus data source', () => {
    const ds = parse(readFileSync(join(ROOT, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: Array<{ uid: string }>;
    };
    const uids = new Set(ds.datasources.map((d) => d.uid));
    for (const p of dashboard.panels) expect(uids.has(p.datasource.uid)).toBe(true);
  });
});
