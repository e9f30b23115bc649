import { Client } from 'pg';
import { JOBS_CHANNEL } from './jobs.repository';

export type JobListenerLog = (level: 'warn' | 'debug', message: string) => void;

/**
 * Where a replica hears that a job changed (on any replica). The Postgres implementation is
 * {@link JobListener}; a single-process deployment needs none ({@link InProcessJobNotifications}),
 * because the replica that stores a result also wakes its own waiters.
 */
export interface JobNotifications {
  start(onJob: (id: string) => void): Promise<void>;
  stop(): Promise<void>;
}

/** No cross-replica notifications: for one process, where the local wake-up is enough. */
export class InProcessJobNotifications implements JobNotifications {
  async start(): Promise<void> {
    return undefined;
  }
  async stop(): Promise<void> {
    return undefined;
  }
}

/** `LISTEN deja_jobs` as the notification port. */
export class PgJobNotifications implements JobNotifications {
  private listener: JobListener | undefined;
  constructor(
    private readonly databaseUrl: string,
    private readonly log: JobListenerLog = () => undefined,
  ) {}
  async start(onJob: (id: string) => void): Promise<void> {
    this.listener = new JobListener(this.databaseUrl, onJob, this.log);
    await this.listener.start();
  }
  async stop(): Promise<void> {
    await this.listener?.stop();
  }
}

/**
 * `LISTEN deja_jobs` on a dedicated connection (a pooled one would lose the subscription when
 * released). Calls `onJob(id)` for every notification; reconnects with backoff when the
 * connection drops. While disconnected, notifications are lost: callers re-check the database
 * periodically as well.
 */
export class JobListener {
  private client: Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;

  constructor(
    private readonly databaseUrl: string,
    private readonly onJob: (id: string) => void,
    private readonly log: JobListenerLog = () => undefined,
  ) {}

  /** Connects and subscribes; resolves once LISTEN is in effect (or after the first failure, retrying in the background). */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  get listening(): boolean {
    return this.client !== undefined;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: 'deja-gateway-listen',
      connectionTimeoutMillis: 5000,
    });
    client.on('notification', (n) => {
      if (n.channel === JOBS_CHANNEL && n.payload) this.onJob(n.payload);
    });
    client.on('error', (e) => {
      this.log('warn', `job listener connection failed: ${e.message}`);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${JOBS_CHANNEL}`);
      this.client = client;
      this.attempt = 0;
      this.log('debug', `listening on ${JOBS_CHANNEL}`);
    } catch (e) {
      this.log('warn', `job listener could not connect: ${(e as Error).message}`);
      this.reconnect(client);
    }
  }

  private reconnect(client: Client): void {
    if (this.client === client) this.client = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    if (this.stopped || this.retryTimer) return;
    const delay = Math.min(10000, 200 * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
  }
}
