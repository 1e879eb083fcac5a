import { describe, expect, it } from 'vitest';
import { checkPartAgainstSong, type PartAnalysis } from './part-check.js';
import type { AudioProbe } from './probe.js';

const song: AudioProbe = {
  durationMs: 210_000,
  channels: 2,
  sampleRate: 48000,
  codec: 'mp3',
  formatName: 'mp3',
  bitRate: 320_000,
};

function part(overrides: Partial<PartAnalysis> = {}): PartAnalysis {
  return { ...song, codec: 'pcm_s24le', formatName: 'wav', bitRate: null, ...overrides };
}

describe('checkPartAgainstSong', () => {
  it('has nothing to say about a part that matches the song', () => {
    expect(checkPartAgainstSong(part(), song)).toEqual([]);
  });

  it('names both sample rates when they differ', () => {
    expect(checkPartAgainstSong(part({ sampleRate: 44100 }), song)).toEqual([
      { code: 'sample_rate_mismatch', message: "sample rate 44100 Hz differs from the song's 48000 Hz" },
    ]);
  });

  it('gives both lengths and the difference for a shorter part', () => {
    expect(checkPartAgainstSong(part({ durationMs: 192_000 }), song)).toEqual([
      { code: 'length_mismatch', message: '3:12 long, the song is 3:30 (18 s shorter)' },
    ]);
  });

  it('says longer, with a decimal under ten seconds', () => {
    expect(checkPartAgainstSong(part({ durationMs: 210_700 }), song)).toEqual([
      { code: 'length_mismatch', message: '3:30 long, the song is 3:30 (0.7 s longer)' },
    ]);
  });

  it('lets encoder padding within half a second pass', () => {
    expect(checkPartAgainstSong(part({ durationMs: 210_450 }), song)).toEqual([]);
    expect(checkPartAgainstSong(part({ durationMs: 209_500 }), song)).toEqual([]);
  });

  it('describes clipping, and stays quiet when the analysis found none', () => {
    const clipped = part({ clipping: { runs: [{ startMs: 62_300, durationMs: 400 }], totalClippedMs: 400 } });
    expect(checkPartAgainstSong(clipped, song)).toEqual([{ code: 'clipping', message: 'clipped for 0.4 s at 1:02' }]);
    expect(checkPartAgainstSong(part({ clipping: { runs: [], totalClippedMs: 0 } }), song)).toEqual([]);
  });

  it('reports every problem at once, in a stable order', () => {
    const codes = checkPartAgainstSong(
      part({
        sampleRate: 44100,
        durationMs: 60_000,
        clipping: { runs: [{ startMs: 1000, durationMs: 20 }], totalClippedMs: 20 },
      }),
      song,
    ).map((w) => w.code);
    expect(codes).toEqual(['sample_rate_mismatch', 'length_mismatch', 'clipping']);
  });
});
