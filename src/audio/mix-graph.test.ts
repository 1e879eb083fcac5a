import { describe, expect, it } from 'vitest';
import { buildMixGraph, panGains } from './mix-graph.js';

describe('panGains', () => {
  it('is unity on both sides at the centre', () => {
    const { left, right } = panGains(0);
    expect(left).toBeCloseTo(1, 9);
    expect(right).toBeCloseTo(1, 9);
  });

  it('keeps constant power from hard left to hard right', () => {
    for (const pan of [-1, -0.5, 0, 0.3, 1]) {
      const { left, right } = panGains(pan);
      expect(left ** 2 + right ** 2).toBeCloseTo(2, 9);
    }
    expect(panGains(-1).right).toBeCloseTo(0, 9);
    expect(panGains(1).left).toBeCloseTo(0, 9);
  });

  it('clamps values outside -1..1', () => {
    expect(panGains(-3)).toEqual(panGains(-1));
  });
});

describe('buildMixGraph', () => {
  it('sums two tracks with amerge and one pan expression, padded and trimmed to the longest', () => {
    const graph = buildMixGraph(
      [
        { channels: 2, gainDb: 0, pan: 0 },
        { channels: 1, gainDb: -6, pan: -1 },
      ],
      144000,
    );
    expect(graph).toContain('[0:a:0]aresample=48000,aformat=sample_fmts=flt:channel_layouts=stereo,pan=stereo|c0=1.00000000*c0|c1=1.00000000*c1,apad=whole_len=144000[t0]');
    // -6 dB · √2 on the left, nothing on the right, both taken from the mono channel.
    expect(graph).toContain(`pan=stereo|c0=${(10 ** (-6 / 20) * Math.SQRT2).toFixed(8)}*c0|c1=0.00000000*c0`);
    expect(graph).toContain('[t0][t1]amerge=inputs=2,aformat=sample_fmts=flt,pan=stereo|c0=c0+c2|c1=c1+c3[s0_0]');
    expect(graph).toMatch(/\[s0_0\]atrim=end_sample=144000,asetpts=PTS-STARTPTS\[mix\]$/);
    expect(graph).not.toContain('amix');
  });

  it('needs no sum for a single track', () => {
    const graph = buildMixGraph([{ channels: 2, gainDb: 0, pan: 0 }], 1000);
    expect(graph).not.toContain('amerge');
    expect(graph).toMatch(/\[t0\]atrim=end_sample=1000,asetpts=PTS-STARTPTS\[mix\]$/);
  });

  it('sums in groups of 16 so no filter sees more than 64 channels', () => {
    const tracks = Array.from({ length: 40 }, () => ({ channels: 2, gainDb: 0, pan: 0 }));
    const graph = buildMixGraph(tracks, 1000);
    expect(graph.match(/amerge=inputs=(\d+)/g)).toEqual(['amerge=inputs=16', 'amerge=inputs=16', 'amerge=inputs=8', 'amerge=inputs=3']);
    expect(graph).toContain('[s0_0][s0_1][s0_2]amerge=inputs=3');
  });
});
