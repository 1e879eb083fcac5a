import { createReadStream, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioToolSets, makeAudioTempDir, writeLavfiAudio, writeTone } from '../../test/fixtures-audio.js';
import { AudioError } from './audio-error.js';
import { probeAudio } from './probe.js';

describe.each(audioToolSets())('probeAudio with $name ffmpeg', ({ tools }) => {
  let temp: Awaited<ReturnType<typeof makeAudioTempDir>>;
  let mp3: string;
  let wav: string;

  beforeAll(async () => {
    temp = await makeAudioTempDir();
    mp3 = await writeTone(tools, join(temp.dir, 'tone.mp3'), { seconds: 3, sampleRate: 44100, channels: 2 }, ['-b:a', '128k']);
    wav = await writeTone(tools, join(temp.dir, 'tone.wav'), { seconds: 3, sampleRate: 48000, channels: 1 });
  });
  afterAll(() => temp.remove());

  it('reads duration, channels and rate of an MP3', async () => {
    const probe = await probeAudio(tools, mp3);
    expect(probe.durationMs).toBeGreaterThanOrEqual(2950);
    expect(probe.durationMs).toBeLessThanOrEqual(3100);
    expect(probe).toMatchObject({ channels: 2, sampleRate: 44100, codec: 'mp3', formatName: 'mp3' });
    expect(probe.bitRate).toBeGreaterThan(100_000);
  });

  it('reads a WAV exactly', async () => {
    const probe = await probeAudio(tools, wav);
    expect(probe).toMatchObject({ durationMs: 3000, channels: 1, sampleRate: 48000, codec: 'pcm_s16le', formatName: 'wav' });
    // 48000 × 16 bit; ffprobe counts the header in too.
    expect(probe.bitRate).toBeGreaterThanOrEqual(768_000);
    expect(probe.bitRate).toBeLessThan(770_000);
  });

  it('refuses a text file named .mp3 with a reason the uploader can read', async () => {
    const fake = join(temp.dir, 'notes.mp3');
    await writeFile(fake, 'these are my lyrics, not audio\n'.repeat(50));
    const error = await probeAudio(tools, fake).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AudioError);
    expect((error as AudioError).reason).toBe('This file is not audio we can read');
  });

  it('refuses a missing file the same way', async () => {
    await expect(probeAudio(tools, join(temp.dir, 'nothing-here.wav'))).rejects.toBeInstanceOf(AudioError);
  });

  it('refuses a playlist that would make ffprobe open other files', async () => {
    const playlist = join(temp.dir, 'song.m3u8');
    await writeFile(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3,\nfile://${mp3}\n#EXT-X-ENDLIST\n`);
    await expect(probeAudio(tools, playlist)).rejects.toBeInstanceOf(AudioError);
  });

  it('accepts cover art in an MP3 but refuses a video', async () => {
    const cover = await writeLavfiAudio(tools, join(temp.dir, 'cover.png'), 'color=c=red:s=64x64', ['-frames:v', '1']);
    const withCover = join(temp.dir, 'with-cover.mp3');
    await writeLavfiAudio(tools, withCover, toneLavfi(), [
      '-i', cover, '-map', '0:a', '-map', '1:v', '-c:a', 'libmp3lame', '-c:v', 'png',
      '-id3v2_version', '3', '-disposition:v:0', 'attached_pic',
    ]);
    expect((await probeAudio(tools, withCover)).codec).toBe('mp3');

    const video = join(temp.dir, 'clip.mkv');
    await writeLavfiAudio(tools, video, toneLavfi(), ['-f', 'lavfi', '-i', 'testsrc=s=64x64:d=1', '-map', '0:a', '-map', '1:v', '-c:v', 'ffv1']);
    const error = await probeAudio(tools, video).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AudioError);
    expect((error as AudioError).reason).toMatch(/video/);
  });

  describe('over http', () => {
    let server: Server;
    let baseUrl: string;
    const requests: string[] = [];

    beforeAll(async () => {
      // A stand-in for a presigned S3 URL: the query string carries the "signature", and
      // like S3 it states the length and answers Range requests.
      server = createServer((req, res) => {
        requests.push(req.url ?? '');
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const file = path === '/tone.mp3' ? mp3 : path === '/tone.wav' ? wav : null;
        if (!file) {
          res.writeHead(404).end();
          return;
        }
        const size = statSync(file).size;
        const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
        const start = range ? Number(range[1]) : 0;
        const end = range?.[2] ? Number(range[2]) : size - 1;
        res.writeHead(range ? 206 : 200, {
          'content-type': 'application/octet-stream',
          'content-length': end - start + 1,
          'accept-ranges': 'bytes',
          ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
        });
        createReadStream(file, { start, end }).pipe(res);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('probes a URL as it probes a file', async () => {
      const probe = await probeAudio(tools, `${baseUrl}/tone.wav?X-Amz-Signature=abc`);
      expect(probe).toMatchObject({ durationMs: 3000, channels: 1, sampleRate: 48000 });
      expect((await probeAudio(tools, `${baseUrl}/tone.mp3`)).channels).toBe(2);
      expect(requests).toContain('/tone.wav?X-Amz-Signature=abc');
    });

    it('turns a 404 into AudioError without the signature in the message', async () => {
      const error = await probeAudio(tools, `${baseUrl}/gone.mp3?X-Amz-Signature=secret`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AudioError);
      expect((error as Error).message).not.toContain('secret');
    });
  });
});

function toneLavfi(): string {
  return "aevalsrc='0.5*sin(2*PI*440*t)':s=44100:d=2";
}
