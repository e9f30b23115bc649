import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { runHealthChecks, type HealthCheck } from './health';

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
export const SERVICE_NAME = Symbol('SERVICE_NAME');

/** `GET /health`: 200 when every dependency answers, 503 with the failing checks otherwise. */
@Controller()
export class HealthController {
  constructor(
    @Inject(HEALTH_CHECKS) private readonly checks: Record<string, HealthCheck>,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const report = await runHealthChecks(this.service, this.checks);
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  }
}
