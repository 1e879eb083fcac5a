import { z } from 'zod';
import { AudioError, NOT_AUDIO } from './audio-error.js';
import { inputArgs } from './ffmpeg-args.js';
import { runTool, stderrTail } from './run-tool.js';
import type { AudioTools } from './tools.js';

/** What ffprobe says about the first audio stream of a file. */
export interface AudioProbe {
  durationMs: number;
  channels: number;
  sampleRate: number;
  /** ffprobe's codec name, e.g. `mp3`, `pcm_s16le`, `aac`, `flac`. */
  codec: string;
  /** ffprobe's demuxer name, e.g. `mp3`, `wav`, `mov,mp4,m4a,3gp,3g2,mj2`. */
  formatName: string;
  /** Bits per second of the whole file, when the container states it. */
  bitRate: number | null;
}

const numeric = z.union([z.string(), z.number()]).optional();

const ffprobeOutput = z.object({
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        sample_rate: numeric,
        channels: z.number().optional(),
        duration: numeric,
        disposition: z.object({ attached_pic: z.number().optional() }).optional(),
      }),
    )
    .default([]),
  format: z
    .object({
      format_name: z.string().optional(),
      duration: numeric,
      bit_rate: numeric,
    })
    .default({}),
});

/**
 * Reads only headers (no -count_frames / -show_packets), so for a presigned URL
 * ffprobe fetches the first few hundred KB, not the whole file.
 */
export async function probeAudio(tools: AudioTools, input: string): Promise<AudioProbe> {
  const run = await runTool(tools.ffprobePath, [
    '-v', 'error',
    ...inputArgs(input),
    '-of', 'json',
    '-show_format',
    '-show_streams',
  ], { signal: tools.signal, niceness: tools.niceness });
  if (run.exitCode !== 0) throw new AudioError(NOT_AUDIO, { detail: stderrTail(run.stderr) });

  const parsed = ffprobeOutput.safeParse(safeJson(run.stdout.toString('utf8')));
  if (!parsed.success) throw new AudioError(NOT_AUDIO, { detail: 'unexpected ffprobe output' });
  const { streams, format } = parsed.data;

  // Cover art in MP3/M4A arrives as a one-frame "attached picture" stream: that is fine.
  if (streams.some((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1)) {
    throw new AudioError('This file has a video track; please upload audio only');
  }
  const audio = streams.find((s) => s.codec_type === 'audio');
  const seconds = toNumber(format.duration) ?? toNumber(audio?.duration);
  const sampleRate = toNumber(audio?.sample_rate);
  if (!audio || !seconds || seconds <= 0 || !sampleRate || !audio.channels) {
    throw new AudioError(NOT_AUDIO, { detail: audio ? 'no duration, sample rate or channels' : 'no audio stream' });
  }
  return {
    durationMs: Math.round(seconds * 1000),
    channels: audio.channels,
    sampleRate,
    codec: audio.codec_name ?? 'unknown',
    formatName: format.format_name ?? 'unknown',
    bitRate: toNumber(format.bit_rate) ?? null,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function toNumber(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number.parseFloat(value);
  return Number.isFinite(n) ? n : undefined;
}
