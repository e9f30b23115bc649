/**
 * Where a request's time went, read from its OpenTelemetry trace in Jaeger (HTTP API
 * `/api/traces`). One trace is one request across the services: the gateway's HTTP span, the
 * Kafka send/process spans (context travels in message headers), the cache's `deja.cache.lookup`
 * with its `deja.stage.<stage>` spans, the llm-worker's provider call and the store.
 *
 * Stages are cut at checkpoints that follow each other on the request's path, so a request's
 * stages add up to its time in the gateway; what happens between two checkpoints counts in the
 * later stage. Jaeger stores span starts in whole milliseconds (the SDK takes them from
 * `Date.now()`; durations are in microseconds), so a stage cut between two spans' starts carries
 * up to ±1 ms of rounding; the p50 over many requests is what to read.
 */
import { quantile, round } from './report';

/** The stages of the request path, in order; the bench prints them in this order. */
export const STAGES = [
  'gateway in',
  'publish',
  'consume',
  'claim',
  'policy',
  'exact',
  'embed',
  'nearest',
  'decide',
  'lookup other',
  'miss publish',
  'llm-worker',
  'provider',
  'store',
  'reply publish',
  'gateway wake-up',
  'response',
] as const;
export type Stage = (typeof STAGES)[number];

/** Span name prefix of the cache's timed stages (`CacheMetrics.time`). */
const STAGE_PREFIX = 'deja.stage.';

/** The cache's own stage spans (`deja.stage.<name>`) and the stage each is shown as. */
const CACHE_STAGES: Record<string, Stage> = {
  claim: 'claim',
  // Before the claim and the version reads became one statement, the versions were their own stage.
  versions: 'policy',
  policy: 'policy',
  exact_lookup: 'exact',
  embed: 'embed',
  semantic_lookup: 'nearest',
  decide: 'decide',
};

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: Array<{ refType: string; spanID: string }>;
  /** Microseconds since the epoch (whole milliseconds in practice, see above). */
  startTime: number;
  /** Microseconds. */
  duration: number;
  processID: string;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** One request's stages in milliseconds (absent: the path did not go through it). */
export type RequestStages = Partial<Record<Stage, number>> & { total: number };

export interface StageSummary {
  /** Requests whose trace was complete enough to cut. */
  traces: number;
  /** Traces found but missing a span the path needs (still being exported, or dropped). */
  incomplete: number;
  total_p50_ms: number | null;
  /** Per stage: p50, p99 (ms) over the requests that went through it, and its p50's share of total p50. */
  stages: Array<{ stage: Stage; n: number; p50_ms: number | null; p99_ms: number | null; share: number | null }>;
  /** Time outside the provider call (gateway total − provider), for the miss path: Deja's overhead. */
  overhead_p50_ms: number | null;
}

/**
 * Fetches the `POST /v1/chat/completions` traces of the gateway at `gatewayHost` (host:port) that
 * started in [startMs, endMs].
 */
export async function fetchTraces(
  jaegerUrl: string,
  gatewayHost: string,
  startMs: number,
  endMs: number,
  limit = 2000,
): Promise<JaegerTrace[]> {
  const q = new URLSearchParams({
    service: 'deja-gateway',
    operation: 'POST /v1/chat/completions',
    tags: JSON.stringify({ 'http.host': gatewayHost }),
    start: String(Math.floor(startMs * 1000)),
    end: String(Math.ceil(endMs * 1000)),
    limit: String(limit),
  });
  const res = await fetch(`${jaegerUrl.replace(/\/$/, '')}/api/traces?${q}`);
  if (!res.ok) throw new Error(`Jaeger ${jaegerUrl}/api/traces answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { data: JaegerTrace[] | null };
  return body.data ?? [];
}

/**
 * Cuts one trace into stages; null when a span the path needs is missing. `topicPrefix` is the
 * pipeline's (`DEJA_TOPIC_PREFIX`): only its Kafka spans count, never another run's.
 */
export function stagesOf(trace: JaegerTrace, topicPrefix: string): RequestStages | null {
  const service = (s: JaegerSpan) => trace.processes[s.processID]?.serviceName ?? '';
  const start = (s: JaegerSpan) => s.startTime / 1000;
  const end = (s: JaegerSpan) => (s.startTime + s.duration) / 1000;
  const first = (pred: (s: JaegerSpan) => boolean) =>
    trace.spans.filter(pred).sort((a, b) => a.startTime - b.startTime)[0];
  const send = (topic: string, svc: string) => (s: JaegerSpan) =>
    service(s) === svc && s.operationName === `send ${topicPrefix}${topic}`;

  const root = first((s) => service(s) === 'deja-gateway' && s.operationName === 'POST /v1/chat/completions');
  const sendRequest = first(send('deja.requests.v1', 'deja-gateway'));
  // The gateway's own exact tier, before it publishes (an exact hit ends there).
  const gatewayExact = trace.spans.filter(
    (s) => service(s) === 'deja-gateway' && s.operationName === `${STAGE_PREFIX}exact_lookup`,
  );
  if (root && !sendRequest && gatewayExact.length > 0) return answeredInGateway(root, gatewayExact);
  const lookup = first((s) => s.operationName === 'deja.cache.lookup');
  const sendResult = first(send('deja.results.v1', 'deja-embedding-service'));
  const processResult = first(
    (s) => service(s) === 'deja-gateway' && s.operationName === `process ${topicPrefix}deja.results.v1`,
  );
  if (!root || !sendRequest || !lookup || !sendResult || !processResult) return null;

  const out: RequestStages = { total: root.duration / 1000 };
  const exactInGateway = sum(gatewayExact.map((s) => s.duration / 1000));
  out['gateway in'] = start(sendRequest) - start(root) - exactInGateway;
  if (gatewayExact.length > 0) out.exact = exactInGateway;
  out.publish = sendRequest.duration / 1000;
  out.consume = start(lookup) - end(sendRequest);
  let cacheTime = 0;
  for (const s of childrenOf(trace, lookup)) {
    const stage = s.operationName.startsWith(STAGE_PREFIX)
      ? CACHE_STAGES[s.operationName.slice(STAGE_PREFIX.length)]
      : undefined;
    if (!stage) continue;
    out[stage] = (out[stage] ?? 0) + s.duration / 1000;
    cacheTime += s.duration / 1000;
  }
  out['lookup other'] = lookup.duration / 1000 - cacheTime;

  let beforeReply = end(lookup);
  const sendMiss = first(send('deja.misses.v1', 'deja-embedding-service'));
  if (sendMiss) {
    const sendCompletion = first(send('deja.completions.v1', 'deja-llm-worker'));
    const provider = first((s) => service(s) === 'deja-llm-worker' && s.operationName.startsWith('chat '));
    const store = first((s) => s.operationName === 'deja.cache.store');
    if (!sendCompletion || !provider || !store) return null;
    out['miss publish'] = end(sendMiss) - end(lookup);
    out.provider = provider.duration / 1000;
    // The llm-worker's own time: from the miss on the wire to its completion on the wire, less the provider.
    out['llm-worker'] = end(sendCompletion) - end(sendMiss) - out.provider;
    out.store = end(store) - end(sendCompletion);
    beforeReply = end(store);
  }
  out['reply publish'] = end(sendResult) - beforeReply;
  // The result consumed and the job completed (its UPDATE and NOTIFY) in the gateway.
  const persisted = Math.max(end(processResult), ...descendantsOf(trace, processResult).map(end));
  out['gateway wake-up'] = persisted - end(sendResult);
  out.response = end(root) - persisted;
  return out;
}

/**
 * An exact hit the gateway answered itself: its exact tier (one or two statements), then the
 * job row written already answered and the response (`response`); nothing crossed Kafka.
 */
function answeredInGateway(root: JaegerSpan, exact: readonly JaegerSpan[]): RequestStages {
  const ms = (us: number) => us / 1000;
  const firstStart = Math.min(...exact.map((s) => s.startTime));
  const lastEnd = Math.max(...exact.map((s) => s.startTime + s.duration));
  return {
    total: ms(root.duration),
    'gateway in': ms(firstStart - root.startTime),
    exact: sum(exact.map((s) => ms(s.duration))),
    response: ms(root.startTime + root.duration - lastEnd),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** p50/p99 of every stage over the traces, and each stage's share of the total p50. */
export function summarise(traces: readonly JaegerTrace[], topicPrefix: string): StageSummary {
  const cut = traces.map((t) => stagesOf(t, topicPrefix));
  const ok = cut.filter((c): c is RequestStages => c !== null);
  const totalP50 = quantile(
    ok.map((c) => c.total),
    0.5,
  );
  const stages = STAGES.map((stage) => {
    const values = ok.map((c) => c[stage]).filter((v): v is number => v !== undefined);
    const p50 = quantile(values, 0.5);
    return {
      stage,
      n: values.length,
      p50_ms: round(p50, 2),
      p99_ms: round(quantile(values, 0.99), 2),
      share: p50 !== null && totalP50 ? round(p50 / totalP50, 3) : null,
    };
  }).filter((s) => s.n > 0);
  const overhead = ok.filter((c) => c.provider !== undefined).map((c) => c.total - (c.provider ?? 0));
  return {
    traces: ok.length,
    incomplete: cut.length - ok.length,
    total_p50_ms: round(totalP50, 2),
    stages,
    overhead_p50_ms: round(quantile(overhead, 0.5), 2),
  };
}

function childrenOf(trace: JaegerTrace, parent: JaegerSpan): JaegerSpan[] {
  return trace.spans.filter((s) => s.references.some((r) => r.refType === 'CHILD_OF' && r.spanID === parent.spanID));
}

function descendantsOf(trace: JaegerTrace, parent: JaegerSpan): JaegerSpan[] {
  const found: JaegerSpan[] = [];
  for (let level = childrenOf(trace, parent); level.length > 0;) {
    found.push(...level);
    level = level.flatMap((s) => childrenOf(trace, s));
  }
  return found;
}
