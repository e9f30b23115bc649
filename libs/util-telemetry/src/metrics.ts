import { Counter, type Registry } from 'prom-client';

/**
 * `counter(name, help, labelNames?)` declaring counters on `registry`: one line per metric, the
 * way every service declares its counters (the dashboard test finds their names as `counter('deja_…'`).
 */
export function counterOn(registry: Registry) {
  return <L extends string = never>(name: string, help: string, labelNames: L[] = []): Counter<L> =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
}
