import { stagesOf, summarise } from './stage-breakdown';

const PREFIX = 'deja-bench-1-abc.';

/** A trace as Jaeger returns it: spans with ms starts (in µs) and µs durations, parents by reference. */
function trace(
  spans: Array<[id: string, parent: string | null, service: string, op: string, startMs: number, durMs: number]>,
) {
  const services = [...new Set(spans.map((s) => s[2]))];
  return {
    traceID: 't',
    processes: Object.fromEntries(services.map((s, i) => [`p${i}`, { serviceName: s }])),
    spans: spans.map(([id, parent, service, op, start, dur]) => ({
      traceID: 't',
      spanID: id,
      operationName: op,
      references: parent ? [{ refType: 'CHILD_OF', spanID: parent }] : [],
      startTime: start * 1000,
      duration: dur * 1000,
      processID: `p${services.indexOf(service)}`,
    })),
  };
}

const G = 'deja-gateway';
const E = 'deja-embedding-service';
const hitSpans: Array<[string, string | null, string, string, number, number]> = [
  ['root', null, G, 'POST /v1/chat/completions', 0, 40],
  ['send', 'root', G, `send ${PREFIX}deja.requests.v1`, 5, 2],
  ['proc', 'send', E, `process ${PREFIX}deja.requests.v1`, 8, 0.1],
  ['look', 'proc', E, 'deja.cache.lookup', 9, 20],
  ['claim', 'look', E, 'deja.stage.claim', 9, 2],
  ['exact', 'look', E, 'deja.stage.exact_lookup', 11, 1],
  ['embed', 'look', E, 'deja.stage.embed', 12, 9],
  ['near', 'look', E, 'deja.stage.semantic_lookup', 21, 3],
  ['dec', 'look', E, 'deja.stage.decide', 24, 1],
  ['reply', 'proc', E, `send ${PREFIX}deja.results.v1`, 30, 2],
  ['gres', 'reply', G, `process ${PREFIX}deja.results.v1`, 34, 0.1],
  ['gsql', 'gres', G, 'pg.query:WITH', 34, 3],
];
const hit = trace(hitSpans);

describe('stage breakdown from a trace', () => {
  it('cuts a hit into consecutive stages that add up to the gateway span', () => {
    const s = stagesOf(hit, PREFIX);
    expect(s).toMatchObject({
      total: 40,
      'gateway in': 5,
      publish: 2,
      consume: 2,
      claim: 2,
      exact: 1,
      embed: 9,
      nearest: 3,
      decide: 1,
      'lookup other': 4,
      'reply publish': 3,
      'gateway wake-up': 5,
      response: 3,
    });
    const { total, ...stages } = s!;
    expect(Object.values(stages).reduce((a, b) => a + (b ?? 0), 0)).toBeCloseTo(total, 6);
  });

  it('cuts an exact hit the gateway answered itself: gateway in, its exact tier, the job row and response', () => {
    const answered = trace([
      ['root', null, G, 'POST /v1/chat/completions', 0, 10],
      ['ex', 'root', G, 'deja.stage.exact_lookup', 3, 2],
      ['job', 'root', G, 'pg.query:INSERT', 6, 2],
    ]);
    expect(stagesOf(answered, PREFIX)).toEqual({ total: 10, 'gateway in': 3, exact: 2, response: 5 });
  });

  it("counts the gateway's exact miss in the exact stage, not in gateway in", () => {
    const withGatewayMiss = trace([...hitSpans, ['gex', 'root', G, 'deja.stage.exact_lookup', 1, 2]]);
    expect(stagesOf(withGatewayMiss, PREFIX)).toMatchObject({ 'gateway in': 3, exact: 3 });
  });

  it("ignores another run's Kafka spans and counts a trace without this run's spans as incomplete", () => {
    expect(stagesOf(hit, 'deja-bench-2-other.')).toBeNull();
    expect(summarise([hit], 'deja-bench-2-other.')).toMatchObject({ traces: 0, incomplete: 1 });
  });
});
