import { AudioError, NOT_AUDIO } from './audio-error.js';
import { FFMPEG_QUIET, inputArgs } from './ffmpeg-args.js';
import { runTool, stderrTail } from './run-tool.js';
import type { AudioTools } from './tools.js';

export interface PcmFormat {
  sampleRate: number;
  channels: number;
  /** Decode only the first this many seconds (analysis needs no more). */
  maxSeconds?: number;
}

/** Decoded audio: `samples` holds `channels` interleaved 32-bit float values per frame. */
export interface DecodedAudio extends PcmFormat {
  samples: Float32Array;
}

/**
 * Decodes the first audio stream to interleaved float PCM and hands it over in
 * whole frames as it arrives, so a long file is never held in memory.
 * Resolves with the number of frames decoded.
 */
export async function streamFloat32(
  tools: AudioTools,
  input: string,
  format: PcmFormat,
  onSamples: (samples: Float32Array) => void,
): Promise<number> {
  const frameBytes = 4 * format.channels;
  let pending: Buffer = Buffer.alloc(0);
  let frames = 0;

  const onStdout = (chunk: Buffer) => {
    const bytes = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    const usable = bytes.length - (bytes.length % frameBytes);
    if (usable > 0) {
      // Copy: pipe chunks are not 4-byte aligned, which a Float32Array view needs.
      // f32le matches the byte order of every platform Node ships for.
      const samples = new Float32Array(usable / 4);
      new Uint8Array(samples.buffer).set(bytes.subarray(0, usable));
      frames += usable / frameBytes;
      onSamples(samples);
    }
    pending = Buffer.from(bytes.subarray(usable));
  };
  const run = await runTool(tools.ffmpegPath, [
    ...FFMPEG_QUIET,
    ...inputArgs(input),
    ...(format.maxSeconds ? ['-t', String(format.maxSeconds)] : []),
    '-map', '0:a:0',
    '-vn', '-sn', '-dn',
    '-ac', String(format.channels),
    '-ar', String(format.sampleRate),
    '-c:a', 'pcm_f32le',
    '-f', 'f32le',
    'pipe:1',
  ], { signal: tools.signal, niceness: tools.niceness, onStdout });
  if (run.exitCode !== 0 || frames === 0) throw new AudioError(NOT_AUDIO, { detail: stderrTail(run.stderr) });
  return frames;
}

/** The whole file as float PCM, for tests and short clips (it holds everything in memory). */
export async function decodeToFloat32(
  tools: AudioTools,
  input: string,
  { sampleRate = 48000, channels = 2 }: Partial<PcmFormat> = {},
): Promise<DecodedAudio> {
  const parts: Float32Array[] = [];
  await streamFloat32(tools, input, { sampleRate, channels }, (samples) => parts.push(samples));
  const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    samples.set(part, offset);
    offset += part.length;
  }
  return { sampleRate, channels, samples };
}

/** One channel of interleaved audio, optionally only the frames in [startSeconds, endSeconds). */
export function channelSamples(audio: DecodedAudio, channel: number, startSeconds = 0, endSeconds = Infinity): Float32Array {
  const totalFrames = Math.floor(audio.samples.length / audio.channels);
  const first = Math.max(0, Math.floor(startSeconds * audio.sampleRate));
  const end = Math.min(totalFrames, Math.floor(endSeconds * audio.sampleRate));
  const out = new Float32Array(Math.max(0, end - first));
  for (let i = 0; i < out.length; i++) out[i] = audio.samples[(first + i) * audio.channels + channel] ?? 0;
  return out;
}

/**
 * How long the audio really plays: the file is decoded to ffmpeg's null muxer and the last
 * output time read from `-progress`. A header (an MP3's Xing frame, a FLAC's STREAMINFO)
 * may claim more than a truncated file holds; this is what a listener will hear.
 */
export async function decodedDurationMs(tools: AudioTools, input: string): Promise<number> {
  const run = await runTool(tools.ffmpegPath, [
    ...FFMPEG_QUIET,
    ...inputArgs(input),
    '-map', '0:a:0',
    '-vn', '-sn', '-dn',
    '-progress', 'pipe:1',
    '-f', 'null',
    '-',
  ], { signal: tools.signal, niceness: tools.niceness });
  // `out_time_ms` is in microseconds despite its name (newer builds also print `out_time_us`).
  const times = [...run.stdout.toString('utf8').matchAll(/^out_time_(?:ms|us)=(\d+)$/gm)].map((m) => Number(m[1]));
  if (run.exitCode !== 0 || times.length === 0) throw new AudioError(NOT_AUDIO, { detail: stderrTail(run.stderr) });
  return Math.round(Math.max(...times) / 1000);
}
