import { sleep } from './stack';

/** One job the load generator tried to submit. */
export interface Submission {
  phase: string;
  submittedAt: number;
  /** HTTP status of the submit, or 0 when the gateway could not be reached. */
  status: number;
  id?: string;
  refusal?: string;
  question: string;
}

/** A job's final view, read through `GET /v1/jobs/{id}`. */
export interface JobView {
  id: string;
  status: 'queued' | 'completed' | 'failed';
  error: { code: string; message: string; retriable: boolean } | null;
  cache: { outcome: string; tier: string | null } | null;
  answer: { content: string } | null;
  completed_at: string | null;
}

/**
 * Steady load through the gateway: `rate` jobs a second, each a fresh question except a share
 * that repeats one of a few "burst" questions of the current phase (identical misses the worker
 * coalesces, then exact hits).
 */
export class LoadGenerator {
  readonly submissions: Submission[] = [];
  private running = false;
  private done: Promise<void> = Promise.resolve();
  private inflight = new Set<Promise<void>>();
  phase = 'baseline';
  private seq = 0;

  constructor(
    private readonly gatewayUrl: string,
    private readonly apiKey: string,
    private readonly rate: number,
    private readonly run: string,
  ) {}

  start(): void {
    this.running = true;
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    await Promise.all(this.inflight);
  }

  private async loop(): Promise<void> {
    const interval = 1000 / this.rate;
    let next = Date.now();
    while (this.running) {
      const n = this.seq++;
      const burst = n % 4 === 0;
      const question = burst
        ? `In phase ${this.phase} (${this.run}), what does burst question ${n % 3} ask?`
        : `Chaos question ${n} of run ${this.run}: what is ${n} times 7?`;
      const p = this.submit(question).finally(() => this.inflight.delete(p));
      this.inflight.add(p);
      next += interval;
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
      else next = Date.now(); // behind (gateway down, CPU busy): do not burst to catch up
    }
  }

  private async submit(question: string): Promise<void> {
    const s: Submission = { phase: this.phase, submittedAt: Date.now(), status: 0, question };
    this.submissions.push(s);
    try {
      const res = await fetch(`${this.gatewayUrl}/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          provider: 'openai',
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: question }],
          deja: { namespace: `chaos-${this.run}` },
        }),
        signal: AbortSignal.timeout(15_000),
      });
      s.status = res.status;
      const body = (await res.json().catch(() => ({}))) as { id?: string; error?: { code?: string } };
      if (res.status === 202) s.id = body.id;
      else s.refusal = body.error?.code ?? `http_${res.status}`;
    } catch (error) {
      s.refusal = `unreachable: ${(error as Error).name}`;
    }
  }
}

/** Reads every accepted job until it leaves `queued` or the deadline passes. */
export async function collectJobs(
  gatewayUrl: string,
  apiKey: string,
  ids: string[],
  deadline: number,
  concurrency = 16,
): Promise<Map<string, JobView | undefined>> {
  const out = new Map<string, JobView | undefined>();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= ids.length) return;
      const id = ids[i];
      let view: JobView | undefined;
      for (;;) {
        const wait = Math.max(1, Math.min(20, Math.floor((deadline - Date.now()) / 1000)));
        const res = await fetch(`${gatewayUrl}/v1/jobs/${id}?wait=${wait}`, {
          headers: { authorization: `Bearer ${apiKey}` },
        }).catch(() => undefined);
        if (res?.status === 200) view = (await res.json()) as JobView;
        else if (res?.status === 404) break;
        if ((view && view.status !== 'queued') || Date.now() > deadline) break;
        if (!res) await sleep(500);
      }
      out.set(id, view);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}
