import { Client } from 'pg';
import { TENANTS_CHANNEL } from './erasure.repository';
import { JOBS_CHANNEL } from './jobs.repository';

export type JobListenerLog = (level: 'warn' | 'debug', message: string) => void;

/** What a replica hears from the others. */
export interface NotificationHandlers {
  /** A job changed (its result was stored, on any replica). */
  job(id: string): void;
  /** A tenant was erased (on any replica): what this replica remembers of it must go. */
  tenantErased(tenant: string): void;
  /**
   * The subscription is (again) in effect after a connection loss: notifications sent in between
   * were lost, so anything remembered on their strength should be dropped.
   */
  resubscribed(): void;
}

/**
 * Where a replica hears that a job changed or a tenant was erased (on any replica). The Postgres
 * implementation is {@link JobListener}; a single-process deployment needs none
 * ({@link InProcessJobNotifications}), because the replica that stores a result or erases a
 * tenant also updates its own state.
 */
export interface JobNotifications {
  start(handlers: NotificationHandlers): Promise<void>;
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

/** `LISTEN deja_jobs` and `LISTEN deja_tenants` as the notification port. */
export class PgJobNotifications implements JobNotifications {
  private listener: JobListener | undefined;
  constructor(
    private readonly databaseUrl: string,
    private readonly log: JobListenerLog = () => undefined,
  ) {}
  async start(handlers: NotificationHandlers): Promise<void> {
    this.listener = new JobListener(this.databaseUrl, handlers, this.log);
    await this.listener.start();
  }
  async stop(): Promise<void> {
    await this.listener?.stop();
  }
}

/**
 * `LISTEN deja_jobs` and `LISTEN deja_tenants` on one dedicated connection (a pooled one would
 * lose the subscription when released). Calls the handler of each notification; reconnects with
 * backoff when the connection drops. While disconnected, notifications are lost: callers re-check
 * the database periodically as well, and are told when the subscription is back (`resubscribed`).
 */
export class JobListener {
  private client: Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;

  constructor(
    private readonly databaseUrl: string,
    private readonly handlers: NotificationHandlers,
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

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: 'deja-gateway-listen',
      connectionTimeoutMillis: 5000,
    });
    client.on('notification', (n) => {
      if (!n.payload) return;
      if (n.channel === JOBS_CHANNEL) this.handlers.job(n.payload);
      else if (n.channel === TENANTS_CHANNEL) this.handlers.tenantErased(n.payload);
    });
    client.on('error', (e) => {
      this.log('warn', `job listener connection failed: ${e.message}`);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${JOBS_CHANNEL}; LISTEN ${TENANTS_CHANNEL}`);
      this.client = client;
      this.attempt = 0;
      this.log('debug', `listening on ${JOBS_CHANNEL} and ${TENANTS_CHANNEL}`);
      this.handlers.resubscribed();
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
