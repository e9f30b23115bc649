/** How long to wait before probing again an endpoint that could not be reached. */
const RETRY_PROBE_MS = 30_000;
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Tells whether a base URL is the Deja provider simulator, so its answers are marked
 * `simulated` even where the response itself does not say so (Anthropic-format responses carry
 * no marker). Declared by configuration, or found by one probe of the simulator's
 * `GET /_sim/stats`; a real provider answers that with 404 and is never probed again. An
 * unreachable endpoint is probed again later.
 */
export class SimulatorDetector {
  private known: boolean | undefined;
  private lastProbe = Number.NEGATIVE_INFINITY;
  private probing: Promise<boolean> | undefined;

  constructor(
    private readonly baseURL: string | undefined,
    private readonly declared: boolean,
    private readonly fetchFn: typeof fetch = fetch,
    private readonly now: () => number = Date.now,
  ) {}

  async isSimulator(): Promise<boolean> {
    if (this.declared) return true;
    if (!this.baseURL) return false;
    if (this.known !== undefined) return this.known;
    if (this.probing) return this.probing;
    if (this.now() - this.lastProbe < RETRY_PROBE_MS) return false;
    this.lastProbe = this.now();
    this.probing = this.probe().finally(() => (this.probing = undefined));
    return this.probing;
  }

  private async probe(): Promise<boolean> {
    try {
      const res = await this.fetchFn(`${new URL(this.baseURL ?? '').origin}/_sim/stats`, {
        signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      if (!res.ok) {
        this.known = false;
        return false;
      }
      const body: unknown = await res.json().catch(() => null);
      this.known = typeof body === 'object' && body !== null && 'by_path' in body && 'cache_hits' in body;
      return this.known;
    } catch {
      return false; // unreachable for now: ask again after RETRY_PROBE_MS
    }
  }
}
