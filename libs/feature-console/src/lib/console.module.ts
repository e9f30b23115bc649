import { DynamicModule, Module } from '@nestjs/common';
import { ConsoleAssetsController } from './console-assets.controller';
import { ConsoleController } from './console.controller';
import { CONSOLE_OPTIONS, type ConsoleOptions } from './console.options';
import { ConsoleRepository } from './console.repository';
import { OverviewRollup } from './overview-rollup.service';
import { OverviewRepository } from './overview.repository';

/**
 * The Deja Console: its page at `/console` and its JSON API at `/v1/console`. Needs what the
 * gateway's app provides globally: `PG_POOL`, `TopicPublisher` and the gateway's auth (the
 * routes use its guard).
 */
@Module({})
export class ConsoleModule {
  static forRoot(options: ConsoleOptions = {}): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: [ConsoleAssetsController, ConsoleController],
      providers: [
        ConsoleRepository,
        OverviewRepository,
        OverviewRollup,
        { provide: CONSOLE_OPTIONS, useValue: options },
      ],
    };
  }
}
