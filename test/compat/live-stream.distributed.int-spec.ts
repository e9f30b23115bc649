import { randomUUID } from 'node:crypto';
import { ServiceProcess, workerOnSimulator } from '../integration/support/service-process';
import { describeLiveStreaming } from './live-stream-suite';

const run = randomUUID().slice(0, 8);
const ports = { sim: 18740, embedding: 18741, worker: 18742, gateway: 18743 };
const apiKey = `live-tenant-key-${run}-0123456789`;
const services = [
  new ServiceProcess('provider-simulator', ports.sim, { SIM_LATENCY_SCALE: '0.1' }),
  new ServiceProcess('embedding-service', ports.embedding),
  workerOnSimulator(ports.worker, ports.sim, { RETRY_MAX_ATTEMPTS: '1' }),
  new ServiceProcess('gateway', ports.gateway, {
    DEJA_API_KEY: apiKey,
    DEJA_ADMIN_KEY: `live-admin-key-${run}-0123456789`,
    DEJA_KEY_SECRET: 'live-key-secret-0123456789abcdef',
  }),
];

describeLiveStreaming('distributed (llm-worker → deja.chunks.v1 → gateway, over Kafka)', {
  start: async () => {
    for (const s of services) await s.start();
    return { url: `http://127.0.0.1:${ports.gateway}`, apiKey, simulatorUrl: `http://127.0.0.1:${ports.sim}` };
  },
  stop: async () => {
    for (const s of [...services].reverse()) await s.stop();
  },
});
