import { Controller, Get, Header } from '@nestjs/common';
import { Registry } from 'prom-client';

/** `GET /metrics` in the Prometheus text format. */
@Controller()
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
