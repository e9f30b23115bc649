import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProviderSimulator, type RunningSimulator } from '@deja/feature-provider-simulator';
import { EmbeddedDeja, freePort, providersAt } from '../integration/embedded/embedded-process';
import { describeLiveStreaming } from './live-stream-suite';

const dataDir = mkdtempSync(join(tmpdir(), 'deja-live-'));
let sim: RunningSimulator;
let deja: EmbeddedDeja;

describeLiveStreaming('embedded (one process: the in-process bus carries the chunks)', {
  start: async () => {
    // The simulator's pacing on (scale 0.1: 2 ms per output token), as a provider streams.
    sim = await startProviderSimulator({ config: { SIM_LATENCY_SCALE: 0.1 }, logger: false });
    deja = new EmbeddedDeja(dataDir, await freePort(), providersAt(sim.url));
    await deja.start();
    return { url: deja.url, apiKey: deja.apiKey, simulatorUrl: sim.url };
  },
  stop: async () => {
    await deja?.stop();
    await sim?.close();
    rmSync(dataDir, { recursive: true, force: true });
  },
});
