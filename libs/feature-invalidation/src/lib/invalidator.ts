import type { DocChangeV1, InvalidatedV1, InvalidationV1 } from '@deja/contracts';
import {
  documentSelector,
  namespaceSelector,
  nextDocumentState,
  purgeSelector,
  type InvalidationRepository,
  type InvalidationTx,
} from '@deja/data-access-invalidation';
import { InvalidationErrorCode, InvalidationException } from './invalidation.exception';
import type { InvalidationMetrics } from './invalidation.metrics';

export type InvalidationCause = InvalidatedV1['cause'];

/** Where audit records go (deja.invalidated.v1 in the service). */
export type AuditPublisher = (record: InvalidatedV1) => Promise<void>;

interface Effect {
  retired: number;
  newVersion: number | null;
}

/**
 * The invalidation use cases: document changes and operator commands. Each event is applied at
 * most once per (tenant, event id): the claim of the id, the version change and the retirement
 * of dependent entries commit in one transaction. The audit record goes out after the commit;
 * a replay changes nothing and is audited with `applied: false`. Framework-free: the
 * invalidation-service wires it to Kafka.
 */
export class Invalidator {
  private readonly now: () => Date;

  constructor(
    private readonly repo: InvalidationRepository,
    private readonly audit: AuditPublisher,
    private readonly metrics: InvalidationMetrics,
    now?: () => Date,
  ) {
    this.now = now ?? (() => new Date());
  }

  /** Moves the document's version forward (never back) and retires entries built from older versions. */
  async applyDocChange(event: DocChangeV1): Promise<InvalidatedV1> {
    return this.apply(event.tenant, event.event_id, 'doc_change', event, async (tx) => {
      const current = await tx.lockDocument(event.tenant, event.doc_id);
      const { state, changed } = nextDocumentState(current, { change: event.change, version: event.version });
      if (changed) await tx.saveDocument(event.tenant, event.doc_id, state);
      // Even when the event is stale, entries still recorded at an older version are retired:
      // an answer stored by a completion that raced an earlier change is caught here too.
      const retired = await tx.retire(documentSelector(event.tenant, event.doc_id, state));
      return { retired, newVersion: state.version };
    });
  }

  /** Purges by a selector, or bumps a namespace's version and retires the namespace's older entries. */
  async applyCommand(command: InvalidationV1): Promise<InvalidatedV1> {
    return this.apply(command.tenant, command.event_id, command.action, command, async (tx) => {
      if (command.action === 'bump_namespace') {
        const version = await tx.bumpNamespace(command.tenant, command.namespace);
        return {
          retired: await tx.retire(namespaceSelector(command.tenant, command.namespace, version)),
          newVersion: version,
        };
      }
      const selector = purgeSelector(command);
      return { retired: selector ? await tx.retire(selector) : 0, newVersion: null };
    });
  }

  private async apply(
    tenant: string,
    eventId: string,
    cause: InvalidationCause,
    payload: unknown,
    effect: (tx: InvalidationTx) => Promise<Effect>,
  ): Promise<InvalidatedV1> {
    const applied = await this.repo.transaction(async (tx) => {
      if (!(await tx.claim(tenant, eventId, cause, payload))) return null;
      const e = await effect(tx);
      await tx.recordEffect(tenant, eventId, e.retired, e.newVersion);
      return e;
    });
    if (applied) {
      this.metrics.events.inc({ cause, applied: 'true' });
      this.metrics.retired.inc({ cause }, applied.retired);
    } else {
      this.metrics.events.inc({ cause, applied: 'false' });
    }
    // The audit goes out with the event's record locked, so exactly one delivery publishes the
    // applied effect: this one after its commit, or — when that publish never happened (crash,
    // Kafka down) — a redelivery. Every other delivery is audited as a replay.
    return this.repo.transaction(async (tx) => {
      const record = await tx.lockEvent(tenant, eventId);
      const at = this.now().toISOString();
      if (record && record.publishedAt === null) {
        const first: InvalidatedV1 = {
          event_id: eventId,
          tenant,
          cause,
          applied: true,
          entries_retired: record.entriesRetired,
          new_version: record.newVersion,
          at,
        };
        await this.publish(first);
        await tx.markPublished(tenant, eventId);
        return first;
      }
      const replay: InvalidatedV1 = {
        event_id: eventId,
        tenant,
        cause,
        applied: false,
        entries_retired: 0,
        new_version: record?.newVersion ?? null,
        at,
      };
      await this.publish(replay);
      return replay;
    });
  }

  private async publish(record: InvalidatedV1): Promise<void> {
    try {
      await this.audit(record);
    } catch (error) {
      throw new InvalidationException(
        InvalidationErrorCode.PublishFailed,
        `audit record for ${record.tenant}/${record.event_id} not published: ${error instanceof Error ? error.message : String(error)}`,
        [],
        { cause: error },
      );
    }
  }
}
