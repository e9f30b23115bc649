import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { closeOnShutdown } from './close-on-shutdown';

const RESOURCE = Symbol('RESOURCE');

describe('closeOnShutdown', () => {
  it('closes the provided value when the app closes, not before', async () => {
    const resource = { closed: 0 };
    @Module({
      providers: [
        { provide: RESOURCE, useValue: resource },
        closeOnShutdown(RESOURCE, (r: typeof resource) => void (r.closed += 1)),
      ],
    })
    class TestModule {}
    const app = await NestFactory.createApplicationContext(TestModule, { logger: false });
    expect(resource.closed).toBe(0);
    await app.close();
    expect(resource.closed).toBe(1);
  });
});
