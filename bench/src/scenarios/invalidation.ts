import { Pipeline, type ChatReply } from '../lib/pipeline';
import { ms, note, quantile, round, table } from '../lib/report';

export interface InvalidationOptions {
  databaseUrl: string;
  basePort: number;
  /** Document-change events (a new document each). */
  events: number;
  /** Lookups per second of the steady load. */
  rate: number;
  /** Longest wait for one event's answer to stop being served. */
  timeoutMs?: number;
}

export interface InvalidationResult {
  /** Publishing the event (the admin route's 202) → the first lookup that did not serve the stale answer. */
  p50_ms: number | null;
  p99_ms: number | null;
  /** Stale answers served to lookups sent after the invalidation-service's audit record was seen. */
  stale_after_ack: number;
  meta: {
    events: number;
    rate: number;
    /** Publishing → the audit record (deja.invalidated.v1) seen by the benchmark. */
    ack_p50_ms: number | null;
    ack_p99_ms: number | null;
    /** Events whose stale answer was still served when the wait ran out. */
    timed_out: number;
    /** Lookups during the measurements, and how many served the stale answer. */
    lookups: number;
    stale_served: number;
    lookup_errors: number;
  };
}

interface Lookup {
  sentAt: number;
  doneAt: number;
  reply: ChatReply | null;
}

/**
 * Time from a document change to the last stale answer: a question answered with
 * `context_docs: [{id: D}]` is looked up steadily; the benchmark publishes a change of D through
 * `POST /v1/admin/doc-changes` and times the first lookup that no longer serves the old entry.
 */
export async function runInvalidation(o: InvalidationOptions): Promise<InvalidationResult> {
  const timeoutMs = o.timeoutMs ?? 30000;
  const pipeline = new Pipeline({
    databaseUrl: o.databaseUrl,
    basePort: o.basePort,
    simEnv: { SIM_LATENCY_SCALE: '0' },
  });
  await pipeline.start();
  const audits = await pipeline.followAudits();
  const latencies: number[] = [];
  const acks: number[] = [];
  let staleAfterAck = 0;
  let timedOut = 0;
  let lookups = 0;
  let staleServed = 0;
  let lookupErrors = 0;
  try {
    for (let i = 0; i < o.events; i++) {
      const doc = `bench-doc-${pipeline.run}-${i}`;
      const body = {
        model: 'gpt-4o-mini',
        messages: [
          {
            role: 'user',
            content: `What does section ${i} of the pricing handbook say about refunds? (${pipeline.run})`,
          },
        ],
        deja: { namespace: `bench-invalidation-${pipeline.run}`, context_docs: [{ id: doc }] },
      };
      // Seed the answer and wait until it is served from the cache.
      let stale: string | null = null;
      const seedDeadline = Date.now() + 30000;
      while (stale === null) {
        const r = await pipeline.chat(body);
        if (r.cache === 'hit' && r.entry) stale = r.entry;
        else if (Date.now() > seedDeadline)
          throw new Error(
            `event ${i}: the seeded answer was never served from the cache (last ${r.status} ${r.cache})`,
          );
        else await new Promise((res) => setTimeout(res, 200));
      }
      // Steady load: one lookup every 1/rate s, each independent of the others.
      const done: Lookup[] = [];
      const inFlight = new Set<Promise<void>>();
      let stop = false;
      const fire = () => {
        const l: Lookup = { sentAt: Date.now(), doneAt: 0, reply: null };
        const p = pipeline
          .chat(body)
          .then((reply) => void (l.reply = reply))
          .catch(() => undefined)
          .finally(() => {
            l.doneAt = Date.now();
            done.push(l);
            inFlight.delete(p);
          });
        inFlight.add(p);
      };
      const loop = (async () => {
        while (!stop) {
          fire();
          await new Promise((res) => setTimeout(res, 1000 / o.rate));
        }
      })();
      await new Promise((res) => setTimeout(res, 1000));
      const publishedAt = Date.now();
      const eventId = await pipeline.docChange(doc);
      const isStale = (l: Lookup) => l.reply?.cache === 'hit' && l.reply.entry === stale;
      const fresh = (l: Lookup) => l.sentAt >= publishedAt && l.reply !== null && l.reply.status === 200 && !isStale(l);
      // Run until the stale answer has stopped and the audit record has arrived, then a second more.
      const deadline = publishedAt + timeoutMs;
      while (Date.now() < deadline && !(done.some(fresh) && audits.seen.has(eventId)))
        await new Promise((res) => setTimeout(res, 50));
      await new Promise((res) => setTimeout(res, 1000));
      stop = true;
      await loop;
      await Promise.all([...inFlight]);
      const firstFresh = done.filter(fresh).sort((a, b) => a.doneAt - b.doneAt)[0];
      const ackAt = audits.seen.get(eventId);
      if (firstFresh) latencies.push(firstFresh.doneAt - publishedAt);
      else timedOut++;
      if (ackAt !== undefined) acks.push(ackAt - publishedAt);
      const staleNow = done.filter(isStale);
      if (ackAt !== undefined) staleAfterAck += staleNow.filter((l) => l.sentAt > ackAt).length;
      lookups += done.length;
      staleServed += staleNow.length;
      lookupErrors += done.filter((l) => l.reply === null || l.reply.status !== 200).length;
      note(
        `invalidation: event ${i + 1}/${o.events}: stale answer gone after ${firstFresh ? `${firstFresh.doneAt - publishedAt} ms` : 'timeout'}, audit after ${ackAt !== undefined ? `${ackAt - publishedAt} ms` : 'never'}`,
      );
    }
  } finally {
    await audits.stop().catch(() => undefined);
    await pipeline.stop();
  }
  return {
    p50_ms: round(quantile(latencies, 0.5), 1),
    p99_ms: round(quantile(latencies, 0.99), 1),
    stale_after_ack: staleAfterAck,
    meta: {
      events: o.events,
      rate: o.rate,
      ack_p50_ms: round(quantile(acks, 0.5), 1),
      ack_p99_ms: round(quantile(acks, 0.99), 1),
      timed_out: timedOut,
      lookups,
      stale_served: staleServed,
      lookup_errors: lookupErrors,
    },
  };
}

export function renderInvalidation(r: InvalidationResult): string {
  return [
    `invalidation: ${r.meta.events} document changes under ${r.meta.rate} lookups/s`,
    table(
      ['what', 'p50 ms', 'p99 ms'],
      [
        ['publish → first lookup not served the stale answer', ms(r.p50_ms), ms(r.p99_ms)],
        ['publish → audit record (deja.invalidated.v1) seen', ms(r.meta.ack_p50_ms), ms(r.meta.ack_p99_ms)],
      ],
    ),
    `stale answers served after the audit record: ${r.stale_after_ack}; timed out: ${r.meta.timed_out}; lookups ${r.meta.lookups} (stale ${r.meta.stale_served}, errors ${r.meta.lookup_errors})`,
  ].join('\n');
}
