import { missedBeyondReach } from './flux.hub';

const info = (o: Partial<Parameters<typeof missedBeyondReach>[1]> = {}) => ({ length: 3, entriesAdded: 3, firstId: '10-0', lastGeneratedId: '30-0', maxDeletedId: '0-0', ...o });

describe('can a client resume from its Last-Event-ID, or must it resync?', () => {
  it('resumes when every entry after its id is still in the stream', () => {
    expect(missedBeyondReach('20-0', info())).toBe(false);
    expect(missedBeyondReach('30-0', info())).toBe(false);
    // Nothing was ever trimmed: an id before the first entry lost nothing.
    expect(missedBeyondReach('5-0', info())).toBe(false);
    // Trimmed, but the client had seen everything up to the first entry kept.
    expect(missedBeyondReach('10-0', info({ entriesAdded: 9 }))).toBe(false);
  });

  it('resyncs when entries after its id were trimmed or deleted, or when the id is from a Redis that lost its data', () => {
    expect(missedBeyondReach('5-0', info({ entriesAdded: 9 }))).toBe(true);
    expect(missedBeyondReach('20-0', info({ maxDeletedId: '25-0' }))).toBe(true);
    expect(missedBeyondReach('31-0', info())).toBe(true);
    expect(missedBeyondReach('20-0', info({ length: 0, entriesAdded: 3 }))).toBe(true);
    expect(missedBeyondReach('30-0', info({ length: 0, entriesAdded: 3 }))).toBe(false);
    // Redis 6.2 does not count what was added: assume trimmed.
    expect(missedBeyondReach('5-0', info({ entriesAdded: Number.POSITIVE_INFINITY }))).toBe(true);
  });
});
