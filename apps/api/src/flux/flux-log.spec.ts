import { tableStreamInfo } from './flux-log';
import { missedBeyondReach } from './flux.hub';

describe('the live stream on PostgreSQL (flux_entree): replay or resync', () => {
  it('replays an id at or after the trimmed bound and not beyond the last row', () => {
    const info = tableStreamInfo('100', '250');
    expect(missedBeyondReach('100-0', info)).toBe(false);
    expect(missedBeyondReach('180-0', info)).toBe(false);
    expect(missedBeyondReach('250-0', info)).toBe(false);
  });

  it('resyncs an id below the trimmed bound (entries it missed are gone)', () => {
    expect(missedBeyondReach('99-0', tableStreamInfo('100', '250'))).toBe(true);
  });

  it('resyncs an id beyond the last entry (another database, or a Redis id from before the switch)', () => {
    expect(missedBeyondReach('251-0', tableStreamInfo('100', '250'))).toBe(true);
    expect(missedBeyondReach('1796633430539-0', tableStreamInfo('0', '12'))).toBe(true);
  });

  it('with every row trimmed, the bound is the head: an id at it is caught up', () => {
    const info = tableStreamInfo('300', null);
    expect(missedBeyondReach('300-0', info)).toBe(false);
    expect(missedBeyondReach('299-0', info)).toBe(true);
  });

  it('a fresh table replays from 0', () => {
    expect(missedBeyondReach('0-0', tableStreamInfo('0', null))).toBe(false);
  });
});
