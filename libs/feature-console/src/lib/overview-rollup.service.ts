import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { OverviewRepository } from './overview.repository';

/** How often closed hours are rolled up; an hour is rolled up within this long after its grace. */
const EVERY_MS = 60_000;
/**
 * Hours rolled up per transaction: a long history (the first start after an upgrade) goes in
 * slices, so embedded mode's one PGlite connection is never held long (a slice took ~0.6 s on
 * Postgres at 1M request records a week) and other queries run between them.
 */
const HOURS_PER_STEP = 6;

/**
 * Keeps the Overview's hourly roll-up current (see `OverviewRepository.rollUp`). Every replica
 * runs it; the roll-up locks its state row, so each hour is rolled up once. A failed pass only
 * makes the Overview slower (it reads more raw jobs), never wrong; the next pass retries.
 */
@Injectable()
export class OverviewRollup implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OverviewRollup.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly repo: OverviewRepository) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pass(), EVERY_MS);
    this.timer.unref();
    void this.pass();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Rolls up every closed hour not rolled up yet, a slice at a time. */
  pass(): Promise<void> {
    this.running ??= this.catchUp().finally(() => (this.running = undefined));
    return this.running;
  }

  private async catchUp(): Promise<void> {
    try {
      while ((await this.repo.rollUp(HOURS_PER_STEP)) === HOURS_PER_STEP);
    } catch (e) {
      this.logger.warn(`overview roll-up failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
