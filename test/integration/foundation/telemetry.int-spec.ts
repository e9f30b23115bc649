import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { startTracing, stopTracing } from '@deja/util-telemetry';
import { testEnv } from '../env';

describe('telemetry bootstrap → Jaeger (real collector)', () => {
  it('exports a span over OTLP that Jaeger’s HTTP query API returns', async () => {
    const serviceName = `deja-test-${randomUUID().slice(0, 8)}`;
    startTracing({ serviceName, otlpEndpoint: testEnv.otlpEndpoint, enabled: true });
    const span = trace.getTracer('foundation-test').startSpan('probe-span', { attributes: { 'deja.test': true } });
    const traceId = span.spanContext().traceId;
    span.end();
    await stopTracing(); // flushes the batch processor

    const deadline = Date.now() + 20000;
    let found: { spans: Array<{ operationName: string }> } | undefined;
    while (!found && Date.now() < deadline) {
      const res = await fetch(`${testEnv.jaegerQueryUrl}/api/traces/${traceId}`);
      if (res.ok) {
        const body = (await res.json()) as { data: Array<{ spans: Array<{ operationName: string }> }> };
        found = body.data?.[0];
      }
      if (!found) await new Promise((r) => setTimeout(r, 250));
    }
    expect(found?.spans.map((s) => s.operationName)).toContain('probe-span');
    const services = (await (await fetch(`${testEnv.jaegerQueryUrl}/api/services`)).json()) as { data: string[] };
    expect(services.data).toContain(serviceName);
  });
});
