import { Module } from '@nestjs/common';
import { ConsoleAssetsController } from './console-assets.controller';
import { ConsoleController } from './console.controller';
import { ConsoleRepository } from './console.repository';

/**
 * The Deja Console: its page at `/console` and its JSON API at `/v1/console`. Needs what the
 * gateway's app provides globally: `PG_POOL`, `TopicPublisher` and the gateway's auth (the
 * routes use its guard).
 */
@Module({ controllers: [ConsoleAssetsController, ConsoleController], providers: [ConsoleRepository] })
export class ConsoleModule {}
