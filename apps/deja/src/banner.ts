import type { EmbeddedKeys } from './keys';

export interface BannerInput {
  url: string;
  dataDir: string;
  keys: EmbeddedKeys;
  keysFromEnv: { api: boolean; admin: boolean };
  simulated: ReadonlyArray<'openai' | 'anthropic'>;
}

/** What `npm start` prints once Deja answers: where it is, the keys, and a first try. */
export function banner(b: BannerInput): string {
  const ask = (question: string) =>
    `curl -si ${b.url}/v1/chat/completions -H "Authorization: Bearer ${b.keys.apiKey}" -H 'content-type: application/json' \\\n` +
    `    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"${question}"}]}'`;
  const providers =
    b.simulated.length === 0
      ? 'OpenAI and Anthropic (your API keys)'
      : `${b.simulated.join(' and ')} simulated in-process (set ${b.simulated.map((p) => (p === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY')).join(' / ')} for real answers); simulated answers say "simulated": true`;
  const keySource = (fromEnv: boolean) => (fromEnv ? 'from the environment' : `generated, kept in ${b.keys.file}`);
  return [
    '',
    'Deja is running — embedded mode: one process, no Kafka, no Postgres server.',
    '',
    `  API        ${b.url}/v1   (OpenAI-compatible /v1/chat/completions, Anthropic /v1/messages, jobs /v1/jobs)`,
    `  Console    ${b.url}/console   (sign in with the API key or the admin key)`,
    `  Docs       ${b.url}/docs`,
    `  Health     ${b.url}/health   Metrics ${b.url}/metrics`,
    `  API key    ${b.keys.apiKey}   (tenant "default"; ${keySource(b.keysFromEnv.api)})`,
    `  Admin key  ${b.keys.adminKey}   (${keySource(b.keysFromEnv.admin)})`,
    `  Providers  ${providers}`,
    `  Data       ${b.dataDir}   (delete it to start over)`,
    '',
    'Ask a question, then the same question in other words — the second answer comes from the cache:',
    '',
    `  ${ask('How do I reset my password?')}`,
    '',
    `  ${ask('What is the way to reset my password?')}`,
    '',
    'The first says x-deja-cache: miss, the second x-deja-cache: hit with x-deja-tier: semantic.',
    `Replay a support bot's day against it: DEJA_URL=${b.url} DEJA_API_KEY=${b.keys.apiKey} npm run demo`,
    '',
  ].join('\n');
}
