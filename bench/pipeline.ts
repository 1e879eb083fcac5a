/**
 * Times SoundHub's audio pipeline against bare ffmpeg doing the same decoding and encoding,
 * in the same run on the same machine, and prints the figures and the ratio.
 *
 *   npm run bench            (FFMPEG_PATH / FFPROBE_PATH pick the build; default: system)
 *
 * 1. A 5-minute track: our streaming rendition + waveform peaks, against ffmpeg's
 *    transcode to the same AAC plus one plain decode (what peaks must read at least).
 * 2. Eight 3-minute stems: our mixdown (gain/pan, sum, loudness-normalised master) against
 *    ffmpeg's own `amix` of the same stems to the same FLAC (one pass, no normalisation).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { renderMixdown } from '../src/audio/mixdown.js';
import { computePeaks } from '../src/audio/peaks.js';
import { resolveAudioTools } from '../src/audio/tools.js';
import { transcodeForStreaming } from '../src/audio/transcode.js';

const run = promisify(execFile);
const tools = resolveAudioTools(process.env);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function ffmpeg(args: string[]) {
  await run(tools.ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { maxBuffer: 1 << 20 });
}

/** Median wall time of `rounds` runs, in ms. */
async function time(fn: () => Promise<unknown>, rounds = ROUNDS): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const dir = await mkdtemp(path.join(tmpdir(), 'soundhub-bench-'));
try {
  // Music-like material: a chord plus a little noise, stereo, 48 kHz, 16-bit WAV.
  const song = path.join(dir, 'song.wav');
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=f=220:d=300:r=48000', '-f', 'lavfi', '-i', 'sine=f=330:d=300:r=48000', '-f', 'lavfi', '-i', 'anoisesrc=d=300:r=48000:a=0.02', '-filter_complex', 'amix=inputs=3,aformat=channel_layouts=stereo', '-c:a', 'pcm_s16le', song]);
  const stems: string[] = [];
  for (let i = 0; i < 8; i++) {
    const stem = path.join(dir, `stem${i}.wav`);
    await ffmpeg(['-f', 'lavfi', '-i', `sine=f=${110 * (i + 2)}:d=180:r=48000`, '-ac', '2', '-c:a', 'pcm_s16le', stem]);
    stems.push(stem);
  }

  const ours1 = await time(async () => {
    await transcodeForStreaming(tools, song, path.join(dir, 'ours.m4a'));
    await computePeaks(tools, song, { points: 2000 });
  });
  const bare1 = await time(async () => {
    await ffmpeg(['-i', song, '-vn', '-c:a', 'aac', '-b:a', '192k', '-ac', '2', '-movflags', '+faststart', path.join(dir, 'bare.m4a')]);
    await ffmpeg(['-i', song, '-ac', '1', '-f', 'f32le', '/dev/null']);
  });

  const ours2 = await time(() =>
    renderMixdown(tools, { inputs: stems.map((p, i) => ({ path: p, gainDb: -i, pan: (i % 3) - 1, muted: false })), outputPath: path.join(dir, 'master.flac') }),
  );
  const bare2 = await time(() =>
    ffmpeg([...stems.flatMap((p) => ['-i', p]), '-filter_complex', `amix=inputs=${stems.length}`, '-ar', '48000', '-c:a', 'flac', path.join(dir, 'bare.flac')]),
  );

  const row = (name: string, ours: number, bare: number) => `${name.padEnd(44)} ${(ours / 1000).toFixed(2).padStart(7)} s ${(bare / 1000).toFixed(2).padStart(7)} s ${(ours / bare).toFixed(2).padStart(7)}×`;
  console.log(`ffmpeg: ${tools.ffmpegPath}; median of ${ROUNDS} rounds`);
  console.log(`${'task'.padEnd(44)} ${'soundhub'.padStart(9)} ${'ffmpeg'.padStart(9)} ${'ratio'.padStart(8)}`);
  console.log(row('5-min track: stream rendition + peaks', ours1, bare1));
  console.log(row('8 × 3-min stems: master mixdown', ours2, bare2));
} finally {
  await rm(dir, { recursive: true, force: true });
}
