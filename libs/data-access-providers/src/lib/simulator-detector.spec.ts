import { SimulatorDetector } from './simulator-detector';

function fetchReturning(...replies: Array<Response | Error>): { fn: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const fn = async (url: unknown) => {
    urls.push(String(url));
    const reply = replies[Math.min(urls.length - 1, replies.length - 1)]!;
    if (reply instanceof Error) throw reply;
    return reply;
  };
  return { fn: fn as typeof fetch, urls };
}

const stats = () => new Response(JSON.stringify({ requests: 3, by_path: {}, cache_hits: 0 }), { status: 200 });

describe('SimulatorDetector', () => {
  it('trusts the configuration without probing', async () => {
    const f = fetchReturning(new Error('not called'));
    expect(await new SimulatorDetector('http://sim:8090/v1', true, f.fn).isSimulator()).toBe(true);
    expect(f.urls).toEqual([]);
  });

  it('never probes the SDK default endpoint (no base URL)', async () => {
    const f = fetchReturning(new Error('not called'));
    expect(await new SimulatorDetector(undefined, false, f.fn).isSimulator()).toBe(false);
    expect(f.urls).toEqual([]);
  });

  it('recognises the simulator by its stats endpoint at the origin of the base URL, once', async () => {
    const f = fetchReturning(stats());
    const d = new SimulatorDetector('http://127.0.0.1:8090/v1', false, f.fn);
    expect(await d.isSimulator()).toBe(true);
    expect(await d.isSimulator()).toBe(true);
    expect(f.urls).toEqual(['http://127.0.0.1:8090/_sim/stats']);
  });

  it('settles on "not a simulator" when the endpoint answers 404', async () => {
    const f = fetchReturning(new Response('{}', { status: 404 }));
    const d = new SimulatorDetector('https://api.example.com/v1', false, f.fn);
    expect(await d.isSimulator()).toBe(false);
    expect(await d.isSimulator()).toBe(false);
    expect(f.urls).toHaveLength(1);
  });

  it('probes an unreachable endpoint again after a pause', async () => {
    let t = 0;
    const f = fetchReturning(new Error('ECONNREFUSED'), stats());
    const d = new SimulatorDetector('http://sim:8090', false, f.fn, () => t);
    expect(await d.isSimulator()).toBe(false);
    t = 10_000;
    expect(await d.isSimulator()).toBe(false);
    expect(f.urls).toHaveLength(1);
    t = 30_000;
    expect(await d.isSimulator()).toBe(true);
  });
});
