import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioToolSets, makeAudioTempDir, writeTone } from '../../test/fixtures-audio.js';
import { AudioError } from './audio-error.js';
import { probeAudio } from './probe.js';
import { transcodeForStreaming } from './transcode.js';

describe.each(audioToolSets())('transcodeForStreaming with $name ffmpeg', ({ tools }) => {
  let temp: Awaited<ReturnType<typeof makeAudioTempDir>>;

  beforeAll(async () => {
    temp = await makeAudioTempDir();
  });
  afterAll(() => temp.remove());

  it.each([
    { source: 'mono.mp3', sampleRate: 44100, channels: 1 as const },
    { source: 'stereo.wav', sampleRate: 48000, channels: 2 as const },
    { source: 'hi-res.flac', sampleRate: 96000, channels: 2 as const },
  ])('turns $source into seekable AAC in MP4 of the same length', async ({ source, sampleRate, channels }) => {
    const input = await writeTone(tools, join(temp.dir, source), { seconds: 3, sampleRate, channels });
    const output = join(temp.dir, `${source}.m4a`);

    const rendition = await transcodeForStreaming(tools, input, output);

    expect(rendition).toMatchObject({ contentType: 'audio/mp4', ext: 'm4a' });
    const sourceProbe = await probeAudio(tools, input);
    const probe = await probeAudio(tools, output);
    expect(probe.codec).toBe('aac');
    expect(probe.formatName).toContain('mp4');
    expect(probe.channels).toBe(2);
    expect(probe.sampleRate).toBe(sampleRate === 96000 ? 48000 : sampleRate);
    expect(Math.abs(probe.durationMs - sourceProbe.durationMs)).toBeLessThanOrEqual(50);
    expect(Math.abs(rendition.durationMs - probe.durationMs)).toBeLessThanOrEqual(1);
    // +faststart: the index (moov) comes before the audio (mdat).
    const bytes = await readFile(output);
    expect(bytes.indexOf('moov')).toBeGreaterThan(0);
    expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
  });

  it('refuses something that is not audio and leaves no file behind', async () => {
    const fake = join(temp.dir, 'fake.wav');
    await writeFile(fake, 'RIFF but not really');
    await expect(transcodeForStreaming(tools, fake, join(temp.dir, 'fake.m4a'))).rejects.toBeInstanceOf(AudioError);
    expect((await readdir(temp.dir)).filter((name) => name.startsWith('fake.m4a'))).toEqual([]);
  });
});
