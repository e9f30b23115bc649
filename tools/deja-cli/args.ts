import { parseArgs } from 'node:util';

/** What the operator asked for, before any message is built (the contract validates the values). */
export type CliCommand =
  | { kind: 'invalidate'; body: Record<string, unknown>; eventId?: string; waitSeconds: number }
  | { kind: 'doc-changed'; body: Record<string, unknown>; eventId?: string; waitSeconds: number }
  | { kind: 'stats'; tenant?: string; json: boolean }
  | { kind: 'help' };

export const USAGE = `usage:
  deja purge --tenant T [--namespace N | --doc D | --entry ID | --query TEXT [--namespace N] | --user U]
  deja bump --tenant T --namespace N [--reason TEXT]
  deja doc-changed --tenant T --doc D [--version V] [--deleted]
  deja stats [--tenant T] [--json]

  purge with --tenant alone retires every answer of the tenant.
  Common to purge, bump and doc-changed:
    --event-id ID       your own event id (idempotency key; default: a new UUID)
    --requested-by WHO  recorded with purge and bump commands
    --wait SECONDS      wait for the invalidation-service to apply it and print the effect
                        (default 30; 0 returns as soon as Kafka has the message)
  Environment: KAFKA_BROKERS (default 127.0.0.1:9092), DATABASE_URL (default postgres://deja:deja@127.0.0.1:5432/deja),
               DEJA_TOPIC_PREFIX (the deployment's topic prefix, default none)`;

/** A mistake in the command line: printed with the usage, exit code 64 (EX_USAGE). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const OPTIONS = {
  tenant: { type: 'string' },
  namespace: { type: 'string' },
  doc: { type: 'string' },
  entry: { type: 'string' },
  query: { type: 'string' },
  user: { type: 'string' },
  reason: { type: 'string' },
  version: { type: 'string' },
  deleted: { type: 'boolean' },
  json: { type: 'boolean' },
  'event-id': { type: 'string' },
  'requested-by': { type: 'string' },
  wait: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parse>['values'];

/** Parses `argv` (without node and the script) into a command; throws {@link UsageError}. */
export function parseCommand(argv: readonly string[]): CliCommand {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '-h') return { kind: 'help' };
  let values: Values;
  try {
    values = parse(rest).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };
  switch (verb) {
    case 'purge':
      allowOnly(verb, values, [
        'tenant',
        'namespace',
        'doc',
        'entry',
        'query',
        'user',
        'event-id',
        'requested-by',
        'wait',
      ]);
      return { kind: 'invalidate', body: purgeBody(values), ...common(values) };
    case 'bump':
      allowOnly(verb, values, ['tenant', 'namespace', 'reason', 'event-id', 'requested-by', 'wait']);
      return {
        kind: 'invalidate',
        body: {
          tenant: required(values, 'tenant'),
          action: 'bump_namespace',
          namespace: required(values, 'namespace'),
          ...opt('reason', values.reason),
          ...requestedBy(values),
        },
        ...common(values),
      };
    case 'doc-changed': {
      allowOnly(verb, values, ['tenant', 'doc', 'version', 'deleted', 'event-id', 'wait']);
      const body: Record<string, unknown> = {
        tenant: required(values, 'tenant'),
        doc_id: required(values, 'doc'),
        change: values.deleted ? 'deleted' : 'updated',
      };
      if (values.version !== undefined) body['version'] = integer('--version', values.version);
      return { kind: 'doc-changed', body, ...common(values) };
    }
    case 'stats':
      allowOnly(verb, values, ['tenant', 'json']);
      return {
        kind: 'stats',
        ...(values.tenant !== undefined ? { tenant: values.tenant } : {}),
        json: values.json ?? false,
      };
    default:
      throw new UsageError(`unknown command ${JSON.stringify(verb)}`);
  }
}

function parse(args: string[]) {
  return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
}

function purgeBody(v: Values): Record<string, unknown> {
  const tenant = required(v, 'tenant');
  const selectors = (['doc', 'entry', 'query', 'user'] as const).filter((k) => v[k] !== undefined);
  if (selectors.length > 1)
    throw new UsageError(`purge takes one selector; got ${selectors.map((s) => `--${s}`).join(' and ')}`);
  const by = requestedBy(v);
  const selector = selectors[0];
  if (v.namespace !== undefined && selector !== undefined && selector !== 'query') {
    throw new UsageError(`--namespace narrows only --query; it cannot be combined with --${selector}`);
  }
  switch (selector) {
    case 'doc':
      return { tenant, action: 'purge_document', doc_id: v.doc, ...by };
    case 'entry':
      return { tenant, action: 'purge_entry', entry_id: v.entry, ...by };
    case 'query':
      return { tenant, action: 'purge_query', query: v.query, ...opt('namespace', v.namespace), ...by };
    case 'user':
      return { tenant, action: 'purge_user', user: v.user, ...by };
    case undefined:
      return v.namespace !== undefined
        ? { tenant, action: 'purge_namespace', namespace: v.namespace, ...by }
        : { tenant, action: 'purge_tenant', ...by };
  }
}

function common(v: Values): { eventId?: string; waitSeconds: number } {
  const waitSeconds = v.wait === undefined ? 30 : integer('--wait', v.wait);
  return { ...(v['event-id'] !== undefined ? { eventId: v['event-id'] } : {}), waitSeconds };
}

function requestedBy(v: Values): Record<string, unknown> {
  return opt('requested_by', v['requested-by']);
}

function opt(key: string, value: string | undefined): Record<string, unknown> {
  return value === undefined ? {} : { [key]: value };
}

function required(v: Values, key: 'tenant' | 'namespace' | 'doc'): string {
  const value = v[key];
  if (value === undefined || value === '') throw new UsageError(`--${key} is required`);
  return value;
}

function integer(flag: string, raw: string): number {
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)))
    throw new UsageError(`${flag} must be a non-negative integer (got ${JSON.stringify(raw)})`);
  return Number(raw);
}

function allowOnly(verb: string, v: Values, allowed: ReadonlyArray<keyof Values>): void {
  const extra = (Object.keys(v) as Array<keyof Values>).filter((k) => v[k] !== undefined && !allowed.includes(k));
  if (extra.length > 0) throw new UsageError(`${verb} does not take ${extra.map((k) => `--${String(k)}`).join(', ')}`);
}
