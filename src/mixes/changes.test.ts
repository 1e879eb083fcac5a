import { describe, expect, it } from 'vitest';
import { credits, describeChanges } from './changes.js';

const part = (track_id: string, instrument: string, musician: string, extra: Partial<{ gain_db: number; pan: number; muted: boolean }> = {}) => ({
  track_id,
  instrument,
  musician,
  gain_db: 0,
  pan: 0,
  muted: false,
  ...extra,
});

describe('mix version changes', () => {
  it('calls the first version the first mix', () => {
    expect(describeChanges(undefined, [part('a', 'Guitar', 'ana')])).toEqual(['First mix']);
  });

  it('names added and removed parts, gain and pan moves', () => {
    const v1 = [part('a', 'Guitar', 'ana'), part('d', 'Drums', 'carol')];
    const v2 = [part('a', 'Guitar', 'ana', { pan: -0.4 }), part('d', 'Drums', 'carol', { gain_db: -2 }), part('b', 'Bass', 'bob')];
    expect(describeChanges(v1, v2)).toEqual(['guitar by ana panned 40% left', 'drums by carol −2 dB', '+ bass by bob']);
    expect(describeChanges(v2, [part('a', 'Guitar', 'ana', { pan: -0.4 })])).toEqual(['− drums by carol', '− bass by bob']);
  });

  it('treats muting as taking a part out, and credits only what is heard', () => {
    const v1 = [part('a', 'Guitar', 'ana'), part('b', 'Bass', 'bob')];
    const v2 = [part('a', 'Guitar', 'ana'), part('b', 'Bass', 'bob', { muted: true })];
    expect(describeChanges(v1, v2)).toEqual(['− bass by bob']);
    expect(credits(v2)).toEqual(['Guitar — ana']);
    expect(describeChanges(v2, v2)).toEqual(['Same mix, rendered again']);
  });

  it('names offset moves and parts that were withdrawn', () => {
    const v1 = [part('a', 'Guitar', 'ana'), part('d', 'Drums', 'carol')];
    const v2 = [part('a', 'Guitar', 'ana'), { ...part('d', 'Drums', 'carol'), offset_ms: 120 }];
    expect(describeChanges(v1, v2)).toEqual(['drums by carol moved 120 ms late']);
    // After the drums were deleted: the older version's row lost its track id and is marked withdrawn.
    const before = [part('a', 'Guitar', 'ana'), { ...part('d', 'Drums', 'carol'), track_id: null, withdrawn: true, position: 1 }];
    expect(describeChanges(before, [part('a', 'Guitar', 'ana')])).toEqual(['− drums by carol (part withdrawn)']);
  });
});
