import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { npmAudioTools, resolveAudioTools, SYSTEM_AUDIO_TOOLS } from './tools.js';

describe('resolveAudioTools', () => {
  it('takes FFMPEG_PATH and FFPROBE_PATH first', () => {
    expect(resolveAudioTools({ FFMPEG_PATH: '/opt/ff/ffmpeg', FFPROBE_PATH: '/opt/ff/ffprobe' })).toEqual({
      ffmpegPath: '/opt/ff/ffmpeg',
      ffprobePath: '/opt/ff/ffprobe',
    });
  });

  it("then Debian's binaries when installed, else the npm ones", () => {
    const expected = existsSync(SYSTEM_AUDIO_TOOLS.ffmpegPath) ? SYSTEM_AUDIO_TOOLS.ffmpegPath : npmAudioTools().ffmpegPath;
    expect(resolveAudioTools({}).ffmpegPath).toBe(expected);
    expect(resolveAudioTools({ FFMPEG_PATH: '' }).ffmpegPath).toBe(expected);
  });

  it('finds the npm static builds', () => {
    const npm = npmAudioTools();
    expect(npm.ffmpegPath).toMatch(/@ffmpeg-installer\/.+\/ffmpeg$/);
    expect(npm.ffprobePath).toMatch(/@ffprobe-installer\/.+\/ffprobe$/);
  });
});
