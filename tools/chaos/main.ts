/**
 * Chaos suite: the whole pipeline as processes under steady load; each Deja service is killed
 * with SIGKILL and restarted in turn, the provider simulator fails and stalls, and — only with
 * `--infra` — the Kafka broker and Postgres are restarted. Afterwards every accepted job is read
 * back and the store is checked for duplicates and cached errors. See docs/reliability.md.
 *
 *   npx swc tools/chaos -d dist --config-file swc.build.json && node dist/tools/chaos/main.js [options]
 *
 * Options: --out <file.json>  --rate <jobs/s, 12>  --phase-seconds <s, 25>  --drain-seconds <s, 180>
 *          --infra (restarts the SHARED broker and database: never on shared infrastructure)
 *          --root <repo root, cwd>  --port-base <18550>
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectJobs, LoadGenerator } from './load';
import { TopicNames } from '@deja/contracts';
import { scratchPrefix } from '@deja/data-access-kafka';
import { CHAOS_RUN_KIND, ChaosService, createRunTopics, deleteRunTopics, infra, sleep } from './stack';
import { phaseStats, storeChecks, table, type FaultRecord } from './verify';

interface Options {
  out: string;
  rate: number;
  phaseSeconds: number;
  drainSeconds: number;
  infra: boolean;
  root: string;
  portBase: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    out: 'chaos-results.json',
    rate: 12,
    phaseSeconds: 25,
    drainSeconds: 180,
    infra: false,
    root: process.cwd(),
    portBase: 18550,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${a} needs a value`);
      return value;
    };
    if (a === '--out') o.out = v();
    else if (a === '--rate') o.rate = Number(v());
    else if (a === '--phase-seconds') o.phaseSeconds = Number(v());
    else if (a === '--drain-seconds') o.drainSeconds = Number(v());
    else if (a === '--infra') o.infra = true;
    else if (a === '--root') o.root = v();
    else if (a === '--port-base') o.portBase = Number(v());
    else throw new Error(`unknown option ${a}`);
  }
  if (!(o.rate > 0 && o.rate <= 100)) throw new Error('--rate must be in (0, 100]');
  if (!(o.phaseSeconds >= 10 && o.phaseSeconds <= 300)) throw new Error('--phase-seconds must be in [10, 300]');
  return o;
}

const log = (msg: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${msg}`);

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const run = randomUUID().slice(0, 8);
  const prefix = `deja-chaos-${run}`;
  const names = new TopicNames(scratchPrefix(CHAOS_RUN_KIND));
  const tenant = `chaos-${run}`;
  const adminKey = `chaos-admin-key-${run}-0123456789`;
  const logDir = join(tmpdir(), 'deja-chaos', run);
  const p = (n: number) => o.portBase + n;
  const common = {
    DATABASE_URL: infra.databaseUrl,
    KAFKA_BROKERS: infra.brokers.join(','),
    OTEL_EXPORTER_OTLP_ENDPOINT: infra.otlp,
    KAFKA_GROUP_PREFIX: prefix,
    DEJA_TOPIC_PREFIX: names.prefix,
    LOG_LEVEL: 'warn',
  };
  const simEnv = { ...common, SIM_LATENCY_SCALE: '0.05', SIM_SEED: '42' };
  const sim = new ChaosService('provider-simulator', 'provider-simulator', p(0), simEnv, o.root, logDir);
  const embedding = new ChaosService('embedding-service', 'embedding-service', p(1), common, o.root, logDir);
  const worker = new ChaosService(
    'llm-worker',
    'llm-worker',
    p(2),
    {
      ...common,
      OPENAI_BASE_URL: `http://127.0.0.1:${p(0)}/v1`,
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${p(0)}`,
      PROVIDER_TIMEOUT_MS: '8000',
    },
    o.root,
    logDir,
  );
  const gateway = new ChaosService(
    'gateway',
    'gateway',
    p(3),
    {
      ...common,
      DEJA_ADMIN_KEY: adminKey,
      DEJA_KEY_SECRET: `chaos-key-secret-${run}-0123456789`,
      RATE_LIMIT_RPS: '1000',
      RATE_LIMIT_BURST: '2000',
    },
    o.root,
    logDir,
  );
  const invalidation = new ChaosService('invalidation-service', 'invalidation-service', p(4), common, o.root, logDir);
  const services = [sim, embedding, worker, gateway, invalidation];
  const gw = `http://127.0.0.1:${p(3)}`;
  const started = new Date();

  log(
    `run ${run}: logs in ${logDir}; topics and groups ${names.prefix}*; ports ${p(0)}–${p(4)}${o.infra ? '; INFRA faults ON' : ''}`,
  );
  process.once('exit', () => services.forEach((s) => s.killNow()));
  const stale = await createRunTopics(names);
  if (stale > 0) log(`deleted ${stale} topics of chaos runs started more than a day ago`);
  let apiKey: string;
  try {
    for (const s of services) log(`${s.name} healthy in ${await s.start()} ms`);
    const res = await fetch(`${gw}/v1/admin/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: tenant, rate_limit: { rps: 1000, burst: 2000 } }),
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`creating tenant: ${res.status} ${await res.text()}`);
    apiKey = ((await res.json()) as { api_key: string }).api_key;
  } catch (error) {
    // Never leave the services of a run that could not start behind: they would hold the ports.
    for (const s of [...services].reverse()) await s.stop();
    await deleteRunTopics(names).catch((e: Error) => log(`could not delete topics ${names.prefix}*: ${e.message}`));
    throw error;
  }

  const load = new LoadGenerator(gw, apiKey, o.rate, run);
  const faults = new Map<string, FaultRecord>();
  const phaseMs = o.phaseSeconds * 1000;
  /** A phase: steady load for its length; the fault is injected a few seconds in. */
  const phase = async (name: string, inject?: () => Promise<number | undefined>, lift?: () => Promise<void>) => {
    load.phase = name;
    const begin = Date.now();
    log(`phase ${name}`);
    if (inject) {
      await sleep(3000);
      const injectedAt = Date.now();
      const restartMs = await inject();
      faults.set(name, { phase: name, injectedAt, recoveredAt: Date.now(), restartMs });
    }
    const rest = begin + phaseMs - Date.now();
    if (rest > 0) await sleep(rest);
    if (lift) await lift();
  };
  const kill = (s: ChaosService) => async () => {
    const ms = await s.restart({}, 2000);
    log(`${s.name} killed -9 (pid gone) and back in ${ms} ms`);
    return ms;
  };

  try {
    load.start();
    await phase('baseline');
    await phase('kill -9 gateway', kill(gateway));
    await phase('kill -9 embedding-service', kill(embedding));
    await phase('kill -9 llm-worker', kill(worker));
    await phase('kill -9 invalidation-service', kill(invalidation));
    await phase(
      'provider failing (SIM_FAULT_RATE=0.3)',
      () => sim.restart({ SIM_FAULT_RATE: '0.3', SIM_FAULT_KINDS: '429,500,529' }),
      async () => void (await sim.restart()),
    );
    await phase(
      'provider stalling (slow/timeout, rate 0.3)',
      () =>
        sim.restart({
          SIM_FAULT_RATE: '0.3',
          SIM_FAULT_KINDS: 'slow,timeout',
          SIM_SLOW_EXTRA_MS: '4000',
          SIM_TIMEOUT_HOLD_MS: '10000',
        }),
      async () => void (await sim.restart()),
    );
    if (o.infra) {
      // Restarts the broker and the database: only on infrastructure nobody else is using.
      const script = (name: string, ...args: string[]) =>
        execFileSync('bash', [join(o.root, 'deploy', 'local', name), ...args], { stdio: 'inherit' });
      await phase('restart Kafka broker', async () => {
        const t = Date.now();
        script('down', 'kafka');
        script('up', 'kafka');
        return Date.now() - t;
      });
      await phase('restart Postgres', async () => {
        const t = Date.now();
        script('down', 'postgres');
        script('up', 'postgres');
        return Date.now() - t;
      });
    }
    await phase('after (no fault)');
  } finally {
    await load.stop();
  }

  log(`load stopped: ${load.submissions.length} submitted; draining up to ${o.drainSeconds} s`);
  const accepted = load.submissions.flatMap((s) => (s.id ? [s.id] : []));
  const views = await collectJobs(gw, apiKey, accepted, Date.now() + o.drainSeconds * 1000);
  const { checks, duplicatedIds } = await storeChecks(tenant, new Set(accepted));
  const sims = await fetch(`http://127.0.0.1:${p(0)}/_sim/stats`)
    .then((r) => r.json())
    .catch(() => null);
  const alive = await Promise.all(services.map(async (s) => [s.name, await s.healthy()] as const));
  for (const s of [...services].reverse()) await s.stop();
  await deleteRunTopics(names).catch((e: Error) => log(`could not delete topics ${names.prefix}*: ${e.message}`));

  const phases = [...new Set(load.submissions.map((s) => s.phase))];
  const stats = phases.map((ph) => phaseStats(ph, load.submissions, views, faults.get(ph), duplicatedIds));
  const totals = stats.reduce(
    (a, s) => ({
      accepted: a.accepted + s.accepted,
      completed: a.completed + s.completed,
      failed_with_reason: a.failed_with_reason + s.failed_with_reason,
      lost: a.lost + s.lost,
      duplicated: a.duplicated + s.duplicated,
    }),
    { accepted: 0, completed: 0, failed_with_reason: 0, lost: 0, duplicated: 0 },
  );
  const result = {
    run,
    started_at: started.toISOString(),
    finished_at: new Date().toISOString(),
    machine: { hostname: hostname(), cpus: cpus().length, cpu_model: cpus()[0]?.model, node: process.version },
    options: o,
    tenant,
    totals,
    phases: stats,
    store: checks,
    services_healthy_at_end: Object.fromEntries(alive),
    simulator_stats_last_instance: sims,
    verdict:
      totals.lost === 0 &&
      totals.duplicated === 0 &&
      checks.duplicate_request_entries === 0 &&
      checks.errors_cached === 0
        ? 'pass'
        : 'fail',
  };
  writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n${table(stats)}\n`);
  console.log(`store: ${JSON.stringify(checks)}`);
  console.log(`totals: ${JSON.stringify(totals)} → ${result.verdict}; written to ${o.out}`);
  if (result.verdict !== 'pass') process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
