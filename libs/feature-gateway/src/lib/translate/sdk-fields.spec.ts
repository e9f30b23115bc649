import { join } from 'node:path';
import ts from 'typescript';
import { ANTHROPIC_FIELDS, ANTHROPIC_TOOL_FIELDS } from './anthropic-fields';
import {
  ANTHROPIC_TEXT_BLOCK_FIELDS,
  ANTHROPIC_TOOL_RESULT_BLOCK_FIELDS,
  ANTHROPIC_TOOL_USE_BLOCK_FIELDS,
  OPENAI_MESSAGE_FIELDS,
} from './message-fields';
import { OPENAI_FIELDS, OPENAI_FUNCTION_FIELDS } from './openai-fields';

const ROOT = join(__dirname, '..', '..', '..', '..', '..');
const PROBE = join(ROOT, 'libs', 'feature-gateway', 'src', '__sdk_fields_probe__.ts');

/**
 * The property names of types exported by the installed SDKs, read with the TypeScript compiler
 * from their declarations — the same source a developer's editor uses — so the check follows the
 * SDK version in node_modules, not a list someone typed.
 */
function sdkProperties(types: Record<string, { from: string; name: string }>): Record<string, string[]> {
  const lines = Object.entries(types).flatMap(([alias, t]) => [
    `import type { ${t.name} as ${alias}Type } from '${t.from}';`,
    `export type ${alias} = ${alias}Type;`,
  ]);
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    name === PROBE ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest);
  host.fileExists = (name) => name === PROBE || fileExists(name);
  const program = ts.createProgram([PROBE], options, host);
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(PROBE);
  if (!file) throw new Error('probe source missing');
  const out: Record<string, string[]> = {};
  for (const statement of file.statements) {
    if (!ts.isTypeAliasDeclaration(statement)) continue;
    const type = checker.getTypeAtLocation(statement.name);
    out[statement.name.text] = checker
      .getPropertiesOfType(type)
      .map((p) => p.getName())
      .sort();
  }
  return out;
}

const sorted = (keys: string[]) => [...keys].sort();

describe('every field of the SDKs’ request types has a rule (a new SDK field cannot slip through)', () => {
  jest.setTimeout(60000);
  let props: Record<string, string[]>;

  beforeAll(() => {
    props = sdkProperties({
      OpenAiRequest: { from: 'openai/resources/chat/completions/completions', name: 'ChatCompletionCreateParamsBase' },
      OpenAiFunction: { from: 'openai/resources/shared', name: 'FunctionDefinition' },
      AnthropicRequest: { from: '@anthropic-ai/sdk/resources/messages', name: 'MessageCreateParamsBase' },
      AnthropicTool: { from: '@anthropic-ai/sdk/resources/messages', name: 'Tool' },
      OpenAiSystem: { from: 'openai/resources/chat/completions', name: 'ChatCompletionSystemMessageParam' },
      OpenAiDeveloper: { from: 'openai/resources/chat/completions', name: 'ChatCompletionDeveloperMessageParam' },
      OpenAiUser: { from: 'openai/resources/chat/completions', name: 'ChatCompletionUserMessageParam' },
      OpenAiAssistant: { from: 'openai/resources/chat/completions', name: 'ChatCompletionAssistantMessageParam' },
      OpenAiTool: { from: 'openai/resources/chat/completions', name: 'ChatCompletionToolMessageParam' },
      OpenAiFunctionMessage: { from: 'openai/resources/chat/completions', name: 'ChatCompletionFunctionMessageParam' },
      AnthropicText: { from: '@anthropic-ai/sdk/resources/messages', name: 'TextBlockParam' },
      AnthropicToolUse: { from: '@anthropic-ai/sdk/resources/messages', name: 'ToolUseBlockParam' },
      AnthropicToolResult: { from: '@anthropic-ai/sdk/resources/messages', name: 'ToolResultBlockParam' },
    });
  });

  it('reads a realistic number of fields from the installed SDKs (the probe works)', () => {
    expect(props['OpenAiRequest']).toEqual(expect.arrayContaining(['model', 'messages', 'reasoning_effort']));
    expect(props['AnthropicRequest']).toEqual(expect.arrayContaining(['model', 'max_tokens', 'thinking']));
    expect(props['OpenAiRequest']!.length).toBeGreaterThan(30);
  });

  it('OpenAI Chat Completions: the table covers exactly the SDK’s fields (plus deja)', () => {
    expect(sorted(Object.keys(OPENAI_FIELDS))).toEqual(sorted([...props['OpenAiRequest']!, 'deja']));
  });

  it('OpenAI function definitions: the table covers exactly the SDK’s fields', () => {
    expect(sorted(Object.keys(OPENAI_FUNCTION_FIELDS))).toEqual(props['OpenAiFunction']);
  });

  it('Anthropic Messages: the table covers the SDK’s fields plus the legacy sampling fields and deja', () => {
    expect(sorted(Object.keys(ANTHROPIC_FIELDS))).toEqual(
      sorted([...new Set([...props['AnthropicRequest']!, 'temperature', 'top_p', 'top_k', 'deja'])]),
    );
  });

  it('OpenAI messages: the table covers every field of every role’s message type', () => {
    const roles = [
      'OpenAiSystem',
      'OpenAiDeveloper',
      'OpenAiUser',
      'OpenAiAssistant',
      'OpenAiTool',
      'OpenAiFunctionMessage',
    ];
    expect(sorted(Object.keys(OPENAI_MESSAGE_FIELDS))).toEqual(sorted([...new Set(roles.flatMap((r) => props[r]!))]));
  });

  it('Anthropic text, tool_use and tool_result blocks: the tables cover exactly the SDK’s fields', () => {
    expect(sorted(Object.keys(ANTHROPIC_TEXT_BLOCK_FIELDS))).toEqual(props['AnthropicText']);
    expect(sorted(Object.keys(ANTHROPIC_TOOL_USE_BLOCK_FIELDS))).toEqual(props['AnthropicToolUse']);
    expect(sorted(Object.keys(ANTHROPIC_TOOL_RESULT_BLOCK_FIELDS))).toEqual(props['AnthropicToolResult']);
  });

  it('Anthropic custom tools: the table covers exactly the SDK’s fields', () => {
    expect(sorted(Object.keys(ANTHROPIC_TOOL_FIELDS))).toEqual(props['AnthropicTool']);
  });
});
