import { nextDocumentState, nextNamespaceVersion } from './versions';

describe('nextDocumentState', () => {
  it('increments the current version when the event names none', () => {
    expect(nextDocumentState({ version: 4, deleted: false }, { change: 'updated' })).toEqual({
      state: { version: 5, deleted: false },
      changed: true,
    });
  });

  it('starts an unseen document at version 1 when the event names none', () => {
    expect(nextDocumentState(null, { change: 'updated' }).state).toEqual({ version: 1, deleted: false });
  });

  it('takes a newer named version', () => {
    expect(nextDocumentState({ version: 2, deleted: false }, { change: 'updated', version: 7 }).state).toEqual({
      version: 7,
      deleted: false,
    });
  });

  it('keeps the state when a named version is older (events out of order: 3 then 2)', () => {
    const after3 = nextDocumentState(null, { change: 'updated', version: 3 }).state;
    expect(nextDocumentState(after3, { change: 'updated', version: 2 })).toEqual({
      state: { version: 3, deleted: false },
      changed: false,
    });
  });

  it('ends at the same state whatever order 2 and 3 arrive in', () => {
    const a = nextDocumentState(nextDocumentState(null, { change: 'updated', version: 2 }).state, {
      change: 'updated',
      version: 3,
    }).state;
    const b = nextDocumentState(nextDocumentState(null, { change: 'updated', version: 3 }).state, {
      change: 'updated',
      version: 2,
    }).state;
    expect(a).toEqual(b);
  });

  it('marks a deletion without a version at the next version', () => {
    expect(nextDocumentState({ version: 2, deleted: false }, { change: 'deleted' }).state).toEqual({
      version: 3,
      deleted: true,
    });
  });

  it('lets a deletion win over an update at the same version', () => {
    expect(nextDocumentState({ version: 3, deleted: false }, { change: 'deleted', version: 3 })).toEqual({
      state: { version: 3, deleted: true },
      changed: true,
    });
    expect(nextDocumentState({ version: 3, deleted: true }, { change: 'updated', version: 3 })).toEqual({
      state: { version: 3, deleted: true },
      changed: false,
    });
  });

  it('ignores a stale deletion (the document was updated after it)', () => {
    expect(nextDocumentState({ version: 5, deleted: false }, { change: 'deleted', version: 4 }).state).toEqual({
      version: 5,
      deleted: false,
    });
  });

  it('brings a deleted document back with a newer update', () => {
    expect(nextDocumentState({ version: 3, deleted: true }, { change: 'updated' }).state).toEqual({
      version: 4,
      deleted: false,
    });
  });

  it('reports no change for a replay of the event that set the state', () => {
    expect(nextDocumentState({ version: 6, deleted: false }, { change: 'updated', version: 6 }).changed).toBe(false);
  });

  it('refuses versions that are not non-negative safe integers', () => {
    expect(() => nextDocumentState({ version: -1, deleted: false }, { change: 'updated' })).toThrow(RangeError);
    expect(() => nextDocumentState(null, { change: 'updated', version: 1.5 })).toThrow(RangeError);
  });
});

describe('nextNamespaceVersion', () => {
  it('bumps a never-bumped namespace from 1 to 2', () => {
    expect(nextNamespaceVersion(null)).toBe(2);
  });

  it('adds one to the current version', () => {
    expect(nextNamespaceVersion(9)).toBe(10);
  });
});
