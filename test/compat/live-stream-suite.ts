import { randomUUID } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

/** A running Deja whose providers are a provider simulator this test can reach (to pause streams). */
export interface LiveTarget {
  url: string;
  apiKey: string;
  simulatorUrl: string;
}

interface PauseView {
  contains: string;
  state: 'armed' | 'streaming' | 'holding' | 'released';
  sent_tokens: number | null;
  total_tokens: number | null;
}

/**
 * A streamed miss streams live (#17 item 3), shown with the official SDKs against a running Deja.
 * "Live" is an ordering fact, never a timing: the simulator is armed to stop halfway through its
 * answer and hold until the test releases it; the client has text — and Deja has sent the
 * response headers — while the simulator still holds the rest. Deja must run its llm-worker with
 * one provider attempt per miss, so a stream the simulator cuts is a failure, not a retry.
 */
export function describeLiveStreaming(
  name: string,
  lifecycle: { start: () => Promise<LiveTarget>; stop: () => Promise<void> },
): void {
  describe(`live streaming of a miss: ${name}`, () => {
    const run = randomUUID().slice(0, 8);
    let t: LiveTarget;
    let openai: OpenAI;
    let anthropic: Anthropic;

    beforeAll(async () => {
      t = await lifecycle.start();
      openai = new OpenAI({ apiKey: t.apiKey, baseURL: `${t.url}/v1`, maxRetries: 0 });
      anthropic = new Anthropic({ apiKey: t.apiKey, baseURL: t.url, maxRetries: 0 });
    });
    afterAll(async () => {
      await lifecycle.stop();
    });

    const marker = () => `[hold-${run}-${randomUUID().slice(0, 8)}]`;

    async function sim(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
      const res = await fetch(`${t.simulatorUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`simulator ${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    }

    const arm = (contains: string, then: 'finish' | 'cut' = 'finish') =>
      sim('POST', '/_sim/pauses', { contains, then });
    const release = (contains: string) => sim('POST', '/_sim/pauses/release', { contains });

    /** Waits (no deadline but the test's) until the simulator holds the stream armed for `contains`. */
    async function holding(contains: string): Promise<PauseView> {
      for (;;) {
        const { pauses } = (await sim('GET', '/_sim/pauses')) as { pauses: PauseView[] };
        const pause = pauses.find((p) => p.contains === contains);
        if (pause?.state === 'holding') return pause;
        await new Promise((r) => setTimeout(r, 25));
      }
    }

    /** Reads an OpenAI stream until it has some text. */
    async function firstText(it: AsyncIterator<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<string> {
      for (;;) {
        const { value, done } = await it.next();
        if (done) throw new Error('the stream ended before any text');
        const text = value.choices[0]?.delta.content ?? '';
        if (text) return text;
      }
    }

    async function rest(it: AsyncIterator<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<string> {
      let text = '';
      for (;;) {
        const { value, done } = await it.next();
        if (done) return text;
        text += value.choices[0]?.delta.content ?? '';
      }
    }

    const chat = (content: string) =>
      openai.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], stream: true })
        .withResponse();

    it('OpenAI SDK: the first delta arrives while the provider still holds the rest; the deltas join to the stored answer, replayed on a hit', async () => {
      const hold = marker();
      const question = `What does live streaming change? ${hold}`;
      await arm(hold);
      const { data, response } = await chat(question);
      expect([response.headers.get('x-deja-stream'), response.headers.get('x-deja-cache')]).toEqual(['live', 'miss']);
      const it = data[Symbol.asyncIterator]();
      let received = await firstText(it);
      const paused = await holding(hold);
      expect(paused.sent_tokens).toBeLessThan(paused.total_tokens!);
      await release(hold);
      received += await rest(it);
      expect(received).toContain('Simulated answer to: What does live streaming change?');

      const again = await chat(question);
      expect([again.response.headers.get('x-deja-cache'), again.response.headers.get('x-deja-stream')]).toEqual([
        'hit',
        'replay',
      ]);
      expect(await rest(again.data[Symbol.asyncIterator]())).toBe(received);
    });

    it('Anthropic SDK: text_delta events arrive while the provider still holds the rest; the text is the stored answer, replayed on a hit', async () => {
      const hold = marker();
      const question = `How does Deja stream a miss? ${hold}`;
      await arm(hold);
      const ask = () =>
        anthropic.messages
          .create({
            model: 'claude-sonnet-4-6',
            max_tokens: 300,
            messages: [{ role: 'user', content: question }],
            stream: true,
          })
          .withResponse();
      const { data, response } = await ask();
      expect([response.headers.get('x-deja-stream'), response.headers.get('x-deja-cache')]).toEqual(['live', 'miss']);
      const it = data[Symbol.asyncIterator]();
      const textOf = (e: Anthropic.MessageStreamEvent) =>
        e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? e.delta.text : '';
      let received = '';
      while (received === '') {
        const { value, done } = await it.next();
        if (done) throw new Error('the stream ended before any text');
        received += textOf(value);
      }
      await holding(hold);
      await release(hold);
      let stop: string | null = null;
      for (;;) {
        const { value, done } = await it.next();
        if (done) break;
        received += textOf(value);
        if (value.type === 'message_delta') stop = value.delta.stop_reason;
      }
      expect([received, stop]).toEqual([
        expect.stringContaining('Simulated answer to: How does Deja stream'),
        'end_turn',
      ]);

      const again = await ask();
      expect(again.response.headers.get('x-deja-cache')).toBe('hit');
      let replayed = '';
      for await (const e of again.data) replayed += textOf(e);
      expect(replayed).toBe(received);
    });

    it('OpenAI SDK: a provider failing mid-answer ends the live stream with an error the SDK raises, and nothing is stored', async () => {
      const hold = marker();
      const question = `Will this answer break? ${hold}`;
      await arm(hold, 'cut');
      const { data } = await chat(question);
      const it = data[Symbol.asyncIterator]();
      const received = await firstText(it);
      await holding(hold);
      await release(hold);
      const error = await rest(it).then(
        () => new Error('expected the stream to fail'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(received.length).toBeGreaterThan(0);
      const again = await chat(question);
      expect(again.response.headers.get('x-deja-cache')).toBe('miss');
      await rest(again.data[Symbol.asyncIterator]());
    });

    it('Anthropic SDK: a provider failing mid-answer is an `event: error` the SDK raises', async () => {
      const hold = marker();
      await arm(hold, 'cut');
      const stream = anthropic.messages.stream({
        model: 'claude-sonnet-4-6',
        max_tokens: 300,
        messages: [{ role: 'user', content: `Break this one too ${hold}` }],
      });
      let received = '';
      const firstText = new Promise<void>((resolve) =>
        stream.on('text', (delta) => {
          received += delta;
          resolve();
        }),
      );
      const final = stream.finalMessage().then(
        () => new Error('expected the stream to fail'),
        (e: unknown) => e,
      );
      await firstText;
      await holding(hold);
      await release(hold);
      expect(await final).toBeInstanceOf(Anthropic.APIError);
      expect(received.length).toBeGreaterThan(0);
    });

    it('a client that goes away mid-stream does not lose the answer: it is stored and the next request is a hit', async () => {
      const hold = marker();
      const question = `Leave before the end ${hold}`;
      await arm(hold);
      const { data, response } = await chat(question);
      const jobId = response.headers.get('x-deja-job-id')!;
      await firstText(data[Symbol.asyncIterator]());
      data.controller.abort();
      await holding(hold);
      await release(hold);
      let status = 'queued';
      while (status === 'queued') {
        const res = await fetch(`${t.url}/v1/jobs/${jobId}?wait=20`, {
          headers: { authorization: `Bearer ${t.apiKey}` },
        });
        status = ((await res.json()) as { status: string }).status;
      }
      expect(status).toBe('completed');
      const again = await chat(question);
      expect(again.response.headers.get('x-deja-cache')).toBe('hit');
      expect(await rest(again.data[Symbol.asyncIterator]())).toContain('Simulated answer to: Leave before the end');
    });
  });
}
