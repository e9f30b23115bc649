import { connect } from 'node:net';
import { testEnv } from './env';

function reachable(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hostPort(url: string, fallbackPort: number): [string, number] {
  const u = new URL(url);
  return [u.hostname, Number(u.port || fallbackPort)];
}

/**
 * Integration tests need the real services. A missing one is a failure that says how to start
 * it — never a silent skip.
 */
export default async function globalSetup(): Promise<void> {
  const [kHost, kPort] = testEnv.kafkaBrokers[0].split(':');
  const checks: Array<[string, string, number]> = [
    ['Postgres (with pgvector)', ...hostPort(testEnv.databaseUrl, 5432)],
    ['Kafka', kHost, Number(kPort)],
    ['Jaeger OTLP', ...hostPort(testEnv.otlpEndpoint, 4318)],
    ['Jaeger query', ...hostPort(testEnv.jaegerQueryUrl, 16686)],
  ];
  const missing: string[] = [];
  for (const [name, host, port] of checks) {
    if (!(await reachable(host, port))) missing.push(`${name} at ${host}:${port}`);
  }
  if (missing.length > 0) {
    throw new Error(
      `Integration tests need the local infrastructure, but these are not reachable:\n  ${missing.join('\n  ')}\n` +
        `Start it with: deploy/local/up   (or run the whole suite with: npm test, which starts it)`,
    );
  }
}
