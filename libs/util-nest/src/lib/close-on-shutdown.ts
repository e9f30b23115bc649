import { Inject, Injectable, type InjectionToken, type OnApplicationShutdown, type Type } from '@nestjs/common';

/**
 * A provider that closes what `token` provides when the app shuts down — after consumers have
 * drained, as `onApplicationShutdown` runs after `onModuleDestroy`. One way for every module to
 * release its pool, producer, model session or database.
 */
export function closeOnShutdown<T>(token: InjectionToken, close: (value: T) => Promise<unknown> | unknown): Type {
  @Injectable()
  class CloseOnShutdown implements OnApplicationShutdown {
    constructor(@Inject(token) private readonly value: T) {}
    async onApplicationShutdown(): Promise<void> {
      await close(this.value);
    }
  }
  return CloseOnShutdown;
}
