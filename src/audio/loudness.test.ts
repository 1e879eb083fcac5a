import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioToolSets, makeAudioTempDir, writeLavfiAudio, writeTone } from '../../test/fixtures-audio.js';
import { AudioError } from './audio-error.js';
import { measureLoudness, parseEbur128Summary } from './loudness.js';

// A sine of peak A has RMS A/√2; at 1 kHz K-weighting adds +0.69 dB and BS.1770
// subtracts 0.691, so one channel at -20 dBFS RMS reads -20 LUFS and two read -17.
// Both builds print I: -20.0 / -17.0 and true peak -17.0 for these files.
const RMS_MINUS_20_PEAK = 0.1 * Math.SQRT2;

describe.each(audioToolSets())('measureLoudness with $name ffmpeg', ({ tools }) => {
  let temp: Awaited<ReturnType<typeof makeAudioTempDir>>;

  beforeAll(async () => {
    temp = await makeAudioTempDir();
  });
  afterAll(() => temp.remove());

  it('reads a mono 1 kHz sine at -20 dBFS RMS as -20 LUFS with peaks at -17 dB', async () => {
    const input = await writeTone(tools, join(temp.dir, 'mono.wav'), { frequencyHz: 1000, amplitude: RMS_MINUS_20_PEAK, seconds: 4 }, ['-c:a', 'pcm_f32le']);
    const loudness = await measureLoudness(tools, input);
    expect(loudness.integratedLufs).toBeCloseTo(-20, 0);
    expect(Math.abs(loudness.integratedLufs! + 20)).toBeLessThanOrEqual(0.3);
    expect(Math.abs(loudness.truePeakDb! + 17)).toBeLessThanOrEqual(0.2);
    expect(Math.abs(loudness.samplePeakDb! + 17)).toBeLessThanOrEqual(0.2);
    expect(loudness.loudnessRangeLu).toBeGreaterThanOrEqual(0);
  });

  it('adds 3 LU for the same sine on both stereo channels', async () => {
    const input = await writeTone(tools, join(temp.dir, 'stereo.flac'), { frequencyHz: 1000, amplitude: RMS_MINUS_20_PEAK, seconds: 4, channels: 2 });
    const loudness = await measureLoudness(tools, input);
    expect(Math.abs(loudness.integratedLufs! + 17)).toBeLessThanOrEqual(0.3);
    expect(Math.abs(loudness.truePeakDb! + 17)).toBeLessThanOrEqual(0.2);
  });

  it('reports silence as no loudness and no peak', async () => {
    const silence = await writeLavfiAudio(tools, join(temp.dir, 'silence.wav'), 'anullsrc=r=48000:cl=stereo', ['-t', '2']);
    expect(await measureLoudness(tools, silence)).toEqual({
      integratedLufs: null,
      loudnessRangeLu: 0,
      truePeakDb: null,
      samplePeakDb: null,
    });
  });

  it('refuses a file that is not audio', async () => {
    await expect(measureLoudness(tools, join(temp.dir, 'missing.mp3'))).rejects.toBeInstanceOf(AudioError);
  });
});

describe('parseEbur128Summary', () => {
  // As printed by the 2018 static build and by Debian's 5.1 (identical apart from the pointer).
  const summary = `
[Parsed_ebur128_0 @ 0x1f8d0f40] t: 2.99998    TARGET:-23 LUFS    M: -38.1 S: -38.1     I: -38.1 LUFS       LRA:  20.0 LU  SPK: -35.1 dBFS  FTPK: -35.1 dBFS  TPK: -35.1 dBFS
size=N/A time=00:00:03.00 bitrate=N/A speed= 176x
[Parsed_ebur128_0 @ 0x55934fca4c40] Summary:

  Integrated loudness:
    I:         -38.1 LUFS
    Threshold: -48.1 LUFS

  Loudness range:
    LRA:        20.0 LU
    Threshold: -58.1 LUFS
    LRA low:   -58.1 LUFS
    LRA high:  -38.1 LUFS

  Sample peak:
    Peak:      -35.1 dBFS

  True peak:
    Peak:      -34.9 dBFS
`;

  it('reads every figure from its own section', () => {
    expect(parseEbur128Summary(summary)).toEqual({
      integratedLufs: -38.1,
      loudnessRangeLu: 20,
      truePeakDb: -34.9,
      samplePeakDb: -35.1,
    });
  });

  it('copes with a build that prints only true peak, in dBTP', () => {
    const trueOnly = summary.replace(/ {2}Sample peak:\n {4}Peak: +-35.1 dBFS\n\n/, '').replace('-34.9 dBFS', '+0.4 dBTP');
    expect(parseEbur128Summary(trueOnly)).toMatchObject({ truePeakDb: 0.4, samplePeakDb: null });
  });

  it('maps the -70 LUFS gate and -inf peaks to null', () => {
    const silent = summary.replace('-38.1 LUFS\n    Threshold: -48.1', '-70.0 LUFS\n    Threshold:   0.0').replace(/-3[45].\d dBFS/g, '-inf dBFS');
    expect(parseEbur128Summary(silent)).toMatchObject({ integratedLufs: null, truePeakDb: null, samplePeakDb: null });
  });

  it('returns null without a summary', () => {
    expect(parseEbur128Summary('Invalid data found when processing input')).toBeNull();
  });
});
