import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the proxy saw: which API, the parsed body, and the fault it carried (if any). */
export interface SeenRequest {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly marker: string | null;
}

/**
 * Stands between Deja's llm-worker and the provider simulator, as a real provider's edge would:
 * a request whose last user message contains `[fault:<status>]` fails with that status in the
 * provider's own error format (429/500/529 are the simulator's own faults, passed on through its
 * `x-sim-fault` header, as is `[fault:cut]`, a stream dropped halfway; 400/401/403 are written here), `[slow]` waits before forwarding. It
 * records every request, so a test can count provider calls — and so SDK retries — exactly.
 */
export class FaultProxy {
  readonly seen: SeenRequest[] = [];
  private server: Server | undefined;
  url = '';

  constructor(
    private readonly upstream: string,
    private readonly slowMs = 600,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Provider calls whose last user message contained `text`. */
  calls(text: string): SeenRequest[] {
    return this.seen.filter((r) => lastUserText(r.body).includes(text));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    const text = lastUserText(body);
    const marker = /\[fault:(\d{3}|cut)\]/.exec(text)?.[1] ?? null;
    const path = req.url ?? '';
    if (req.method === 'POST') this.seen.push({ path, body, marker });
    const anthropic = path.startsWith('/v1/messages');
    if (marker === '400' || marker === '401' || marker === '403') {
      writeError(res, Number(marker), anthropic);
      return;
    }
    if (text.includes('[slow]')) await new Promise((r) => setTimeout(r, this.slowMs));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    if (marker) headers['x-sim-fault'] = marker;
    const upstream = await fetch(`${this.upstream}${path}`, {
      method: req.method ?? 'GET',
      headers,
      ...(raw.length > 0 ? { body: raw } : {}),
    });
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (k !== 'content-length' && k !== 'content-encoding' && k !== 'transfer-encoding') out[k] = v;
    });
    res.writeHead(upstream.status, out);
    // Piped, not buffered: a streamed answer must reach the worker as the simulator paces it, and
    // a stream the simulator cuts must arrive cut.
    try {
      if (upstream.body) for await (const piece of upstream.body) res.write(piece);
      res.end();
    } catch {
      res.destroy();
    }
  }
}

/** The providers' documented error bodies for the statuses the simulator does not fault with. */
function writeError(res: ServerResponse, status: number, anthropic: boolean): void {
  const openai: Record<number, object> = {
    400: {
      message: "Invalid value for 'temperature': must be at most 2.",
      type: 'invalid_request_error',
      param: 'temperature',
      code: 'invalid_value',
    },
    401: {
      message: 'Incorrect API key provided.',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    },
    403: {
      message: 'Project does not have access to model.',
      type: 'invalid_request_error',
      param: null,
      code: 'model_not_allowed',
    },
  };
  const claude: Record<number, object> = {
    400: { type: 'invalid_request_error', message: 'messages: text content blocks must be non-empty' },
    401: { type: 'authentication_error', message: 'invalid x-api-key' },
    403: { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' },
  };
  const body = anthropic
    ? { type: 'error', error: claude[status], request_id: 'req_proxy' }
    : { error: openai[status] };
  res.writeHead(status, { 'content-type': 'application/json', ...(anthropic ? { 'request-id': 'req_proxy' } : {}) });
  res.end(JSON.stringify(body));
}

/** The text of the last user message of an OpenAI or Anthropic request body. */
export function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body['messages']) ? (body['messages'] as Array<Record<string, unknown>>) : [];
  const last = [...messages].reverse().find((m) => m['role'] === 'user');
  const content = last?.['content'];
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((p) => (typeof p?.text === 'string' ? (p.text as string) : '')).join('\n');
  return '';
}
