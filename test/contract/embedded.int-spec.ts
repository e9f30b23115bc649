import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceProcess } from '../integration/support/service-process';
import { describeContract } from './contract-suite';

const run = randomUUID().slice(0, 8);
const port = 18710;
const apiKey = `contract-tenant-key-${run}-0123456789`;
const adminKey = `contract-admin-key-${run}-0123456789`;
const dataDir = mkdtempSync(join(tmpdir(), 'deja-contract-'));
const deja = new ServiceProcess('deja', port, {
  DEJA_DATA_DIR: dataDir,
  DEJA_API_KEY: apiKey,
  DEJA_ADMIN_KEY: adminKey,
});

describeContract('embedded (one process: in-process bus, PGlite)', {
  start: async () => {
    await deja.start();
    return { url: `http://127.0.0.1:${port}`, apiKey, adminKey, tenant: 'default' };
  },
  stop: async () => {
    await deja.stop();
    rmSync(dataDir, { recursive: true, force: true });
  },
});
