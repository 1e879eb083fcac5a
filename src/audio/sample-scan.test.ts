import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioToolSets, makeAudioTempDir, writeLavfiAudio } from '../../test/fixtures-audio.js';
import { detectClipping } from './clipping.js';
import { computePeaks } from './peaks.js';
import { probeAudio } from './probe.js';
import { scanSamples } from './sample-scan.js';

describe.each(audioToolSets())('scanSamples with $name ffmpeg', ({ tools }) => {
  let temp: Awaited<ReturnType<typeof makeAudioTempDir>>;

  beforeAll(async () => {
    temp = await makeAudioTempDir();
  });
  afterAll(() => temp.remove());

  it('finds in one decode the peaks and the clipping that the separate passes find', async () => {
    // A stereo take driven into full scale from 1.0 to 1.4 s on the left channel only.
    const input = await writeLavfiAudio(
      tools,
      join(temp.dir, 'clipped-left.wav'),
      "aevalsrc='0.5*sin(2*PI*220*t)*if(between(t,1,1.4),4,1)|0.3*sin(2*PI*330*t)':s=44100:d=3",
    );
    const probe = await probeAudio(tools, input);
    const scanned = await scanSamples(tools, input, probe, { points: 300 });
    expect(scanned.peaks).toEqual(await computePeaks(tools, input, { points: 300 }));
    expect(scanned.clipping).toEqual(await detectClipping(tools, input));
    expect(scanned.clipping.runs).toHaveLength(1);
    expect(Math.abs(scanned.clipping.runs[0]!.startMs - 1000)).toBeLessThanOrEqual(3);
    expect(Math.max(...scanned.peaks.data)).toBe(1);
  });
});
