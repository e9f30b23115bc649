import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { SimClock } from './core/clock';
import type { PauseView } from './core/stream-pauses';
import type { SimRequestRecord, SimStats } from './core/request-log';
import { SimulatorService } from './simulator.service';

/** Test hooks: what the simulator received, running counts, the cache and the clock. */
@Controller('_sim')
export class SimAdminController {
  constructor(private readonly sim: SimulatorService) {}

  /** Requests with `seq > since`, oldest first; `last_seq` is the cursor for the next poll. */
  @Get('requests')
  requests(@Query('since') since?: string): { requests: SimRequestRecord[]; last_seq: number } {
    const from = since === undefined || since === '' ? 0 : Number(since);
    if (!Number.isInteger(from) || from < 0) throw new BadRequestException('since must be a non-negative integer');
    return { requests: this.sim.log.since(from), last_seq: this.sim.log.lastSeq };
  }

  @Delete('requests')
  @HttpCode(204)
  clearRequests(): void {
    this.sim.log.clear();
  }

  @Get('stats')
  stats(): SimStats & { cache_entries: { anthropic: number; openai: number }; clock_offset_ms: number } {
    return {
      ...this.sim.log.snapshot(),
      cache_entries: { anthropic: this.sim.engine.anthropicCache.size(), openai: this.sim.engine.openaiCache.size() },
      clock_offset_ms: this.sim.clock instanceof SimClock ? this.sim.clock.offset : 0,
    };
  }

  /** Forgets every prompt-cache entry of both providers. */
  @Delete('cache')
  @HttpCode(204)
  clearCache(): void {
    this.sim.engine.anthropicCache.clear();
    this.sim.engine.openaiCache.clear();
  }

  /**
   * Arms a pause: the next streamed answer whose last user message contains `contains` sends half
   * its tokens and holds until `POST /_sim/pauses/release` with the same text; with
   * `"then": "cut"` it then drops the connection instead of finishing.
   */
  @Post('pauses')
  @HttpCode(200)
  armPause(@Body() body: { contains?: unknown; then?: unknown }): PauseView {
    if (body?.then !== undefined && body.then !== 'finish' && body.then !== 'cut')
      throw new BadRequestException('then must be "finish" or "cut"');
    return this.sim.pauses.arm(pauseText(body), body?.then ?? 'finish');
  }

  @Get('pauses')
  pauses(): { pauses: PauseView[] } {
    return { pauses: this.sim.pauses.list() };
  }

  @Post('pauses/release')
  @HttpCode(200)
  releasePause(@Body() body: { contains?: unknown }): { released: boolean } {
    return { released: this.sim.pauses.release(pauseText(body)) };
  }

  /** Moves the simulator's clock forward, e.g. `{"advance_ms": 300000}` to expire 5-minute entries. */
  @Post('clock')
  @HttpCode(200)
  advanceClock(@Body() body: { advance_ms?: unknown }): { now: string; offset_ms: number } {
    const ms = Number(body?.advance_ms);
    if (!(this.sim.clock instanceof SimClock))
      throw new BadRequestException('this simulator runs on an injected clock');
    if (!Number.isFinite(ms) || ms < 0) throw new BadRequestException('advance_ms must be a non-negative number');
    this.sim.clock.advance(ms);
    return { now: new Date(this.sim.clock.now()).toISOString(), offset_ms: this.sim.clock.offset };
  }
}

function pauseText(body: { contains?: unknown } | undefined): string {
  const text = body?.contains;
  if (typeof text !== 'string' || text.length === 0 || text.length > 500)
    throw new BadRequestException('contains must be a non-empty string of at most 500 characters');
  return text;
}

/** Liveness: 200 while the process serves HTTP. */
@Controller('health')
export class HealthController {
  @Get()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
