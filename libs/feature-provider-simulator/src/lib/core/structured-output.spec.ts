import Ajv from 'ajv';
import { simulatedAnswer } from './answer';
import { anthropicOutputPlan, openAIOutputPlan, valueForSchema } from './structured-output';

// The one format the schemas below use, checked as the JSON Schema spec defines it (full-date).
const ajv = new Ajv({ strict: false, formats: { date: /^\d{4}-\d{2}-\d{2}$/ } });

const schemas: Array<[string, Record<string, unknown>]> = [
  [
    'a strict tool schema with nested objects, enums, bounds and arrays',
    {
      type: 'object',
      additionalProperties: false,
      required: ['city', 'unit', 'days', 'tags', 'when', 'exact'],
      properties: {
        city: { type: 'string', minLength: 2, maxLength: 60 },
        unit: { type: 'string', enum: ['C', 'F'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
        ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 3 },
        when: { type: 'string', format: 'date' },
        exact: { const: 'yes' },
        nested: { type: 'object', properties: { ok: { type: 'boolean' }, n: { type: ['integer', 'null'] } } },
      },
    },
  ],
  [
    'refs to $defs and anyOf with null (what zod and Pydantic emit)',
    {
      type: 'object',
      properties: {
        person: { $ref: '#/$defs/Person' },
        nickname: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      },
      required: ['person', 'nickname'],
      $defs: {
        Person: {
          type: 'object',
          properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0, maximum: 120 } },
          required: ['name', 'age'],
          additionalProperties: false,
        },
      },
    },
  ],
  ['an empty schema', {}],
];

describe('valueForSchema', () => {
  it.each(schemas)('produces a value valid against %s', (_name, schema) => {
    const value = valueForSchema(schema, 'seed', 'abcd1234');
    expect(ajv.validate(schema, value)).toBe(true);
  });

  it('is deterministic: the same seed gives the same value, another seed may differ', () => {
    const schema = schemas[0]![1];
    expect(valueForSchema(schema, 's1', 't')).toEqual(valueForSchema(schema, 's1', 't'));
  });

  it('marks free strings with the [sim:…] tag, so simulated values are recognisable', () => {
    expect(
      JSON.stringify(valueForSchema({ type: 'object', properties: { q: { type: 'string' } } }, 's', 'cafe0001')),
    ).toContain('[sim:cafe0001]');
  });
});

describe('output plans', () => {
  const weather = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

  it('OpenAI: required and named tool_choice call a tool; json_schema and json_object answer JSON; auto stays text', () => {
    const tools = [
      { type: 'function', function: { name: 'first', parameters: {} } },
      { type: 'function', function: { name: 'weather', parameters: weather } },
    ];
    expect(openAIOutputPlan({ tools, tool_choice: 'required' })).toMatchObject({ kind: 'tool', name: 'first' });
    expect(openAIOutputPlan({ tools, tool_choice: { type: 'function', function: { name: 'weather' } } })).toEqual({
      kind: 'tool',
      name: 'weather',
      schema: weather,
    });
    expect(openAIOutputPlan({ tools, tool_choice: 'auto' })).toEqual({ kind: 'text' });
    expect(openAIOutputPlan({ response_format: { type: 'json_object' } })).toEqual({ kind: 'json', schema: null });
    expect(
      openAIOutputPlan({ response_format: { type: 'json_schema', json_schema: { name: 'w', schema: weather } } }),
    ).toEqual({ kind: 'json', schema: weather });
  });

  it('Anthropic: any and named tool_choice call a tool; output_config.format json_schema answers JSON', () => {
    const tools = [{ name: 'weather', input_schema: weather }];
    expect(anthropicOutputPlan({ tools, tool_choice: { type: 'any' } })).toMatchObject({
      kind: 'tool',
      name: 'weather',
    });
    expect(anthropicOutputPlan({ tools, tool_choice: { type: 'tool', name: 'weather' } })).toMatchObject({
      kind: 'tool',
    });
    expect(anthropicOutputPlan({ output_config: { format: { type: 'json_schema', schema: weather } } })).toEqual({
      kind: 'json',
      schema: weather,
    });
  });
});

describe('simulated answers with a plan', () => {
  const base = { model: 'gpt-4o-mini', promptHash: 'p', lastUserText: 'Weather in Oslo?' };
  const weather = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

  it('a tool call has schema-valid JSON arguments as its output tokens, and no text', () => {
    const a = simulatedAnswer({ ...base, plan: { kind: 'tool', name: 'weather', schema: weather } });
    expect(a.text).toBe('');
    expect(a.toolCall?.name).toBe('weather');
    expect(ajv.validate(weather, JSON.parse(a.toolCall!.arguments))).toBe(true);
    expect(a.tokens.join('')).toBe(a.toolCall!.arguments);
  });

  it('json_object answers a JSON object that says it is simulated; json_schema a valid instance', () => {
    const obj = simulatedAnswer({ ...base, plan: { kind: 'json', schema: null } });
    expect(JSON.parse(obj.text)).toEqual({ answer: expect.stringContaining('Simulated answer to: Weather in Oslo?') });
    const typed = simulatedAnswer({ ...base, plan: { kind: 'json', schema: weather } });
    expect(ajv.validate(weather, JSON.parse(typed.text))).toBe(true);
  });
});
