import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { TopicNames } from '@deja/contracts';
import { closeScratchRun, createKafka, openScratchRun } from '@deja/data-access-kafka';

/** Where the chaos run finds the shared infrastructure (same defaults as the integration tests). */
export const infra = {
  databaseUrl: process.env.CHAOS_DATABASE_URL ?? 'postgres://deja:deja@127.0.0.1:5432/deja_test',
  brokers: (process.env.CHAOS_KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  otlp: process.env.CHAOS_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318',
};

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * One compiled Deja service run as a child process that the chaos run may SIGKILL and restart.
 * Logs go to `<logDir>/<name>.log`, appended across restarts.
 */
export class ChaosService {
  private child: ChildProcess | undefined;
  private log: WriteStream;
  restarts = 0;

  constructor(
    readonly name: string,
    readonly app: string,
    readonly port: number,
    private env: Record<string, string>,
    private readonly root: string,
    logDir: string,
  ) {
    mkdirSync(logDir, { recursive: true });
    this.log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits for `/health` 200. Extra env replaces the previous extra env. */
  async start(extraEnv: Record<string, string> = {}, timeoutMs = 120_000): Promise<number> {
    const main = join(this.root, 'dist', 'apps', this.app, 'src', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
    // Something else answering on the port (e.g. a service left over from an aborted run) would
    // pass for this process and spoil every measurement.
    if (await this.healthy())
      throw new Error(`${this.name}: port ${this.port} already answers /health; stop whatever is running there first`);
    const started = Date.now();
    this.log.write(`\n===== start ${new Date().toISOString()} ${JSON.stringify(extraEnv)} =====\n`);
    const child = spawn(process.execPath, [main], {
      cwd: this.root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...this.env,
        ...extraEnv,
        PORT: String(this.port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode} (see its log)`);
      if (await this.healthy()) return Date.now() - started;
      if (Date.now() - started > timeoutMs) throw new Error(`${this.name} did not become healthy in ${timeoutMs} ms`);
      await sleep(200);
    }
  }

  async healthy(): Promise<boolean> {
    const res = await fetch(`http://127.0.0.1:${this.port}/health`, { signal: AbortSignal.timeout(2000) }).catch(
      () => undefined,
    );
    return res?.status === 200;
  }

  /** Kills the process (SIGKILL by default: no drain, no commit) and waits for it to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await gone;
  }

  /** Kill -9 then start again (with `extraEnv`); returns how long the restart took to be healthy. */
  async restart(extraEnv: Record<string, string> = {}, downMs = 0): Promise<number> {
    await this.kill('SIGKILL');
    if (downMs > 0) await sleep(downMs);
    this.restarts++;
    return this.start(extraEnv);
  }

  /** Synchronous last resort (process exit): never leave a child running. */
  killNow(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    this.log.end();
  }
}

/** Scratch-topic kind of chaos runs (`deja-chaos-<start>-<random>.`). */
export const CHAOS_RUN_KIND = 'deja-chaos';

/**
 * Creates this run's own topics (`DEJA_TOPIC_PREFIX`), so no other run or test on the broker
 * consumes its requests (or loads it with theirs), after deleting those of chaos runs that
 * started more than a day ago and never cleaned up.
 */
export async function createRunTopics(names: TopicNames): Promise<number> {
  const kafka = createKafka({ brokers: infra.brokers, clientId: 'deja-chaos-admin' });
  return openScratchRun(kafka, names, CHAOS_RUN_KIND, 24 * 3600_000);
}

/** Deletes this run's topics. */
export async function deleteRunTopics(names: TopicNames): Promise<void> {
  const kafka = createKafka({ brokers: infra.brokers, clientId: 'deja-chaos-admin' });
  await closeScratchRun(kafka, names);
}
