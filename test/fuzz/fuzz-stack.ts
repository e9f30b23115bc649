import { createKafka, startGroupAtEnd } from '@deja/data-access-kafka';
import type { ServiceProcess } from '../integration/support/service-process';
import { testEnv, testNames } from '../integration/env';

/**
 * Helpers shared by the fuzz suites: services started as processes on the fuzz port range
 * (18520–18549) under their own consumer-group prefix, with the groups moved to the end of each
 * topic (under the run's topic prefix) first so a fresh group does not replay the run's earlier tests.
 */

const GROUP_TOPICS: Record<string, string[]> = {
  gateway: ['deja.results.v1'],
  'embedding-service': ['deja.requests.v1', 'deja.completions.v1'],
  'llm-worker': ['deja.misses.v1'],
  'invalidation-service': ['deja.doc-changes.v1', 'deja.invalidations.v1'],
};

/** Commits the latest offsets of every topic the given services consume, for their (new) groups. */
export async function startGroupsAtLatest(prefix: string, services: string[]): Promise<void> {
  const kafka = createKafka({ brokers: testEnv.kafkaBrokers, clientId: `${prefix}-admin` });
  for (const service of services) {
    const topics = (GROUP_TOPICS[service] ?? []).map((t) => testNames.topic(t));
    await startGroupAtEnd(kafka, testNames.group(`${prefix}.${service}`), topics);
  }
}

/** Starts services in order; the caller stops them in reverse order. */
export async function startAll(services: ServiceProcess[]): Promise<void> {
  for (const s of services) await s.start();
}

export async function stopAll(services: ServiceProcess[]): Promise<void> {
  for (const s of [...services].reverse()) await s.stop();
}

/** Creates a tenant through the admin API and returns its API key. */
export async function createTenant(gatewayUrl: string, adminKey: string, id: string): Promise<string> {
  const res = await fetch(`${gatewayUrl}/v1/admin/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id, rate_limit: { rps: 100_000, burst: 1_000_000 } }),
  });
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`creating tenant ${id}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { api_key: string }).api_key;
}

export interface JobState {
  id: string;
  status: string;
  error: { code: string; message: string } | null;
  cache: { outcome: string; tier: string | null } | null;
  answer: { content: string } | null;
}

/** Long-polls a job until it leaves `queued` or the deadline passes (then returns it queued). */
export async function awaitJob(gatewayUrl: string, apiKey: string, id: string, deadline: number): Promise<JobState> {
  for (;;) {
    const wait = Math.max(1, Math.min(20, Math.floor((deadline - Date.now()) / 1000)));
    const res = await fetch(`${gatewayUrl}/v1/jobs/${encodeURIComponent(id)}?wait=${wait}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const body = (await res.json()) as JobState;
    if (body.status !== 'queued' || Date.now() > deadline) return body;
  }
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/** True when the service answers /health with 200. */
export async function healthy(port: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
  return res?.status === 200;
}
