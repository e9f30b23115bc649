import { ContractsTesting, type MissV1 } from '@deja/contracts';
import type { LlmProviderClient, ProviderResponse } from '@deja/data-access-providers';
import type { ShapedRequest } from '@deja/util-prompt-cache';
import type { Clock } from './clock';

/** A clock whose sleeps pass instantly and move time forward: retry tests run in microseconds. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(public t = 1_000_000) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A provider that answers from a script of replies (an Error is thrown, a response returned). */
export class FakeProvider implements LlmProviderClient {
  readonly sent: ShapedRequest[] = [];
  private gate: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;

  constructor(
    readonly provider: 'openai' | 'anthropic',
    private readonly script: Array<ProviderResponse | Error | (() => ProviderResponse | Error)>,
  ) {}

  /** Holds every call until `open()`: lets a test pile up concurrent callers. */
  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.release();
  }

  async send(request: ShapedRequest): Promise<ProviderResponse> {
    this.sent.push(request);
    const i = Math.min(this.sent.length - 1, this.script.length - 1);
    await this.gate;
    const step = this.script[i];
    const reply = typeof step === 'function' ? step() : step;
    if (reply === undefined) throw new Error('FakeProvider: empty script');
    if (reply instanceof Error) throw reply;
    return reply;
  }
}

export function response(over: Partial<ProviderResponse> = {}): ProviderResponse {
  return {
    answer: { content: 'Paris.', finish_reason: 'stop', simulated: false },
    usage: { input_tokens: 100, cache_write_tokens: 0, cache_read_tokens: 3000, output_tokens: 20 },
    model: 'gpt-4.1',
    complete: true,
    requestId: 'req_1',
    ...over,
  };
}

export function miss(over: Partial<MissV1> & { requestId?: string } = {}): MissV1 {
  const { requestId, ...rest } = over;
  return {
    request_id: requestId ?? 'r-1',
    tenant: 'acme',
    submitted_at: '2026-11-27T01:00:00.000Z',
    request: {
      provider: 'openai',
      model: 'gpt-4.1',
      system: 'You answer geography questions.',
      messages: [{ role: 'user', content: 'Capital of France?' }],
      params: {},
    },
    cache: { namespace: 'default', lookup: true, store: true, personal: false, context_docs: [] },
    lookup: ContractsTesting.missLookup(),
    ...rest,
  } as MissV1;
}
