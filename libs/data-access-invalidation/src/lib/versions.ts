/** A document's state in the `documents` table; a document never seen is at version 0, live. */
export interface DocumentState {
  version: number;
  deleted: boolean;
}

export interface DocumentChange {
  change: 'updated' | 'deleted';
  /** The document's version after the change; absent means "one more than now". */
  version?: number;
}

export const UNSEEN_DOCUMENT: DocumentState = Object.freeze({ version: 0, deleted: false });

/**
 * The state after a change event, so that versions never go backwards whatever order events
 * arrive in:
 * - a change that names a version older than the current one is stale (it happened before the
 *   change that set the current version): the state is kept;
 * - at the same version, `deleted` wins over `updated` (a replayed or reordered update at the
 *   version a deletion was recorded at does not bring the document back);
 * - a newer version, or no version at all (current + 1), sets the state the change describes —
 *   an update after a deletion brings the document back at its new version.
 */
export function nextDocumentState(
  current: DocumentState | null,
  change: DocumentChange,
): { state: DocumentState; changed: boolean } {
  const cur = current ?? UNSEEN_DOCUMENT;
  assertVersion(cur.version);
  if (change.version !== undefined) assertVersion(change.version);
  const target = change.version ?? cur.version + 1;
  let state: DocumentState;
  if (target > cur.version) state = { version: target, deleted: change.change === 'deleted' };
  else if (target === cur.version)
    state = { version: cur.version, deleted: cur.deleted || change.change === 'deleted' };
  else state = cur;
  return { state, changed: state.version !== cur.version || state.deleted !== cur.deleted };
}

/** A namespace's version after a bump; a namespace never bumped is at version 1. */
export function nextNamespaceVersion(current: number | null): number {
  const cur = current ?? 1;
  assertVersion(cur);
  return cur + 1;
}

function assertVersion(v: number): void {
  if (!Number.isSafeInteger(v) || v < 0)
    throw new RangeError(`invalid version ${v}: versions are non-negative safe integers`);
}
