import { randomUUID } from 'node:crypto';
import { ServiceProcess, workerOnSimulator } from '../integration/support/service-process';
import { describeContract } from './contract-suite';

const run = randomUUID().slice(0, 8);
const ports = { sim: 18700, embedding: 18701, worker: 18702, invalidation: 18703, gateway: 18704 };
const apiKey = `contract-tenant-key-${run}-0123456789`;
const adminKey = `contract-admin-key-${run}-0123456789`;
const services = [
  new ServiceProcess('provider-simulator', ports.sim, { SIM_LATENCY_SCALE: '0' }),
  new ServiceProcess('embedding-service', ports.embedding),
  workerOnSimulator(ports.worker, ports.sim),
  new ServiceProcess('invalidation-service', ports.invalidation),
  new ServiceProcess('gateway', ports.gateway, {
    DEJA_API_KEY: apiKey,
    DEJA_ADMIN_KEY: adminKey,
    DEJA_KEY_SECRET: 'contract-key-secret-0123456789',
  }),
];

describeContract('distributed (gateway, embedding-service, llm-worker, invalidation-service over Kafka and Postgres)', {
  start: async () => {
    for (const s of services) await s.start();
    return { url: `http://127.0.0.1:${ports.gateway}`, apiKey, adminKey, tenant: 'default' };
  },
  stop: async () => {
    for (const s of [...services].reverse()) await s.stop();
  },
});
