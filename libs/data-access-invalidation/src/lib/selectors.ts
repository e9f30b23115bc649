import type { InvalidationV1 } from '@deja/contracts';
import { exactQueryForm } from '@deja/util-cache-policy';
import type { DocumentState } from './versions';

/**
 * A condition over `cache_entries` with its parameters (`$1…`). It names entries, live or not:
 * the statement that uses it adds `retired_at IS NULL`. Always starts with the tenant, so no
 * selector can reach another tenant's entries.
 */
export interface EntrySelector {
  where: string;
  params: unknown[];
}

export type PurgeCommand = Exclude<InvalidationV1, { action: 'bump_namespace' }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The entries a purge command names. `null` when the command can name no entry at all (an entry
 * id that is not a UUID): there is nothing to retire, and no invalid cast reaches Postgres.
 */
export function purgeSelector(command: PurgeCommand): EntrySelector | null {
  const t = command.tenant;
  switch (command.action) {
    case 'purge_tenant':
      return { where: 'tenant = $1', params: [t] };
    case 'purge_namespace':
      return { where: 'tenant = $1 AND namespace = $2', params: [t, command.namespace] };
    case 'purge_document':
      return { where: 'tenant = $1 AND doc_ids @> ARRAY[$2::text]', params: [t, command.doc_id] };
    case 'purge_entry':
      return UUID.test(command.entry_id)
        ? { where: 'tenant = $1 AND id = $2::uuid', params: [t, command.entry_id.toLowerCase()] }
        : null;
    case 'purge_query': {
      // Entries store the query in its exact form; the operator types it as users did.
      const normalized = exactQueryForm(command.query);
      return command.namespace === undefined
        ? { where: 'tenant = $1 AND normalized_query = $2', params: [t, normalized] }
        : {
            where: 'tenant = $1 AND normalized_query = $2 AND namespace = $3',
            params: [t, normalized, command.namespace],
          };
    }
    case 'purge_user':
      return { where: 'tenant = $1 AND user_id = $2', params: [t, command.user] };
    default:
      return assertNever(command);
  }
}

/**
 * Entries that used a document at a version older than `state` (or at all, once it is deleted).
 * An entry that never recorded the document's version counts as version 0, as the lookup does.
 */
export function documentSelector(tenant: string, docId: string, state: DocumentState): EntrySelector {
  return {
    where:
      'tenant = $1 AND doc_ids @> ARRAY[$2::text] AND ($3::boolean OR COALESCE((doc_versions ->> $2::text)::bigint, 0) < $4::bigint)',
    params: [tenant, docId, state.deleted, state.version],
  };
}

/** Entries of a namespace built at a version older than `version`. */
export function namespaceSelector(tenant: string, namespace: string, version: number): EntrySelector {
  return {
    where: 'tenant = $1 AND namespace = $2 AND namespace_version < $3::bigint',
    params: [tenant, namespace, version],
  };
}

function assertNever(x: never): never {
  throw new Error(`unhandled command ${JSON.stringify(x)}`);
}
