/**
 * The hostile tenant of the flood scenario, run as its own process so that building and sending
 * its big bodies does not slow down the process that times the other tenant's requests (on a
 * small machine the measurement would otherwise show the benchmark's own event loop).
 *
 *   node flood-client.js '{"url":"http://127.0.0.1:18604","key":"…","loops":50,"bytes":1600000,"seconds":30}'
 *
 * Prints `{"statuses":{"429":…}}` on stdout when done.
 */
interface FloodClientArgs {
  url: string;
  key: string;
  loops: number;
  bytes: number;
  seconds: number;
}

async function floodLoop(a: FloodClientArgs, until: number, statuses: Record<string, number>): Promise<void> {
  const filler = 'lorem ipsum '.repeat(Math.ceil(a.bytes / 12));
  for (let n = 0; Date.now() < until; n++) {
    const body = JSON.stringify({
      provider: 'openai',
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: `${n} ${filler}`.slice(0, a.bytes) }],
    });
    // A 429 is followed by the next attempt at once: a hostile client does not back off.
    const status = await fetch(`${a.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.key}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(90_000),
    }).then(
      async (r) => (await r.arrayBuffer(), String(r.status)),
      () => 'error',
    );
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '{}') as FloodClientArgs;
  const until = Date.now() + a.seconds * 1000;
  const statuses: Record<string, number> = {};
  await Promise.all(Array.from({ length: a.loops }, () => floodLoop(a, until, statuses)));
  process.stdout.write(`${JSON.stringify({ statuses })}\n`);
}

void main();
