/** Terminal output of the benchmark: a progress line on stderr and plain-text tables on stdout. */

/** A progress line on stderr, rewritten in place at most a few times a second. */
export class Progress {
  private readonly started = Date.now();
  private last = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
  ) {}

  tick(done: number): void {
    const now = Date.now();
    if (done < this.total && now - this.last < 250) return;
    this.last = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? (this.total - done) / rate : 0;
    process.stderr.write(
      `\r${this.label}: ${done}/${this.total} ${this.unit} (${rate.toFixed(0)}/s, ${seconds.toFixed(0)} s, eta ${eta.toFixed(0)} s)   `,
    );
    if (done >= this.total) process.stderr.write('\n');
  }
}

/** A status message on stderr (not part of the results on stdout). */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** A left-aligned first column and right-aligned others, separated by two spaces. */
export function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  const cells = [header.map(String), ...rows.map((r) => r.map((c) => (c === null ? 'n/a' : String(c))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export const pct = (v: number | null): string => (v === null ? 'n/a' : `${(100 * v).toFixed(1)}%`);
export const ms = (v: number | null): string => (v === null ? 'n/a' : v < 10 ? v.toFixed(2) : v.toFixed(1));

/** The q-quantile (0..1) of `values` by nearest rank; null for no values. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Rounds for JSON output so files stay readable (null stays null). */
export function round(v: number | null, digits = 4): number | null {
  return v === null ? null : Number(v.toFixed(digits));
}
