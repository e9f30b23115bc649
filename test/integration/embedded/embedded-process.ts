import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Embedded mode's environment for real provider calls to `providerUrl` (a simulator or a proxy in
 * front of one) instead of its built-in simulation; one provider attempt per miss, so
 * provider-call counts equal the client's attempts.
 */
export function providersAt(providerUrl: string): Record<string, string> {
  return {
    DEJA_SIMULATE_PROVIDERS: 'false',
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: `${providerUrl}/v1`,
    ANTHROPIC_API_KEY: 'sk-ant-test',
    ANTHROPIC_BASE_URL: providerUrl,
    RETRY_MAX_ATTEMPTS: '1',
  };
}

/** The compiled embedded app (`dist/apps/deja/src/main.js`) as a child process, as `npm start` runs it. */
export class EmbeddedDeja {
  private child: ChildProcess | undefined;
  private out = '';

  constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly env: Record<string, string> = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get output(): string {
    return this.out;
  }

  /** The tenant key the app generated and kept in its data folder. */
  get apiKey(): string {
    return (JSON.parse(readFileSync(join(this.dataDir, 'keys.json'), 'utf8')) as { api_key: string }).api_key;
  }

  /** Starts and waits for the start banner (printed once HTTP and the consumers are up). */
  async start(timeoutMs = 180_000): Promise<void> {
    const main = join(ROOT, 'dist', 'apps', 'deja', 'src', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm test does)`);
    this.out = '';
    const child = spawn(process.execPath, [main], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DEJA_DATA_DIR: this.dataDir,
        PORT: String(this.port),
        LOG_LEVEL: 'warn',
        DEJA_SIMULATE_PROVIDERS: 'true',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (d) => (this.out += d));
    child.stderr!.on('data', (d) => (this.out += d));
    const deadline = Date.now() + timeoutMs;
    while (!this.out.includes('Deja is running')) {
      if (child.exitCode !== null) throw new Error(`deja exited with ${child.exitCode}:\n${this.out}`);
      if (Date.now() > deadline) throw new Error(`deja did not start within ${timeoutMs} ms:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Stops the process: SIGTERM drains, SIGKILL is a crash. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  /** The admin key the app generated and kept in its data folder. */
  get adminKey(): string {
    return (JSON.parse(readFileSync(join(this.dataDir, 'keys.json'), 'utf8')) as { admin_key: string }).admin_key;
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    key = this.apiKey,
  ): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  /** OpenAI-compatible question. */
  ask(question: string): ReturnType<EmbeddedDeja['request']> {
    return this.request('POST', '/v1/chat/completions', {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: question }],
    });
  }
}
