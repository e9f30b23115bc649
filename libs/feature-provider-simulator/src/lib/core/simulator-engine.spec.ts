import { SimClock } from './clock';
import { SimulatorEngine } from './simulator-engine';

/** ~400 KB of prose: about 200,000 tokens, more than a call can take as spread arguments. */
const huge = 'word '.repeat(80_000);
const latency = { scale: 0, baseMs: 0, perInputTokenMs: 0, perCachedTokenMs: 0, perOutputTokenMs: 0 };

describe('SimulatorEngine with very large prompts', () => {
  const engine = () => new SimulatorEngine(SimClock.manual(), latency);

  it('answers an OpenAI chat of ~400 KB (it threw RangeError in serialiseOpenAIPrompt)', () => {
    const turn = engine().openaiChat(
      {
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: huge },
          { role: 'user', content: `${huge} what is this?` },
        ],
        tools: [{ type: 'function', function: { name: 't', description: huge } }],
      },
      { apiKey: 'sk-test' },
    );
    expect(turn.promptHash).toMatch(/^[0-9a-f]{64}$/);
    expect(turn.promptTokens).toBeGreaterThan(200_000);
  });

  it('answers an Anthropic message of ~400 KB', () => {
    const turn = engine().anthropicMessages(
      {
        model: 'claude-sonnet-4-5',
        max_tokens: 20,
        system: huge,
        messages: [{ role: 'user', content: `${huge} what is this?` }],
      },
      { apiKey: 'sk-ant-test' },
    );
    expect(turn.promptHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
