import { extname } from 'node:path';
import { AudioError } from './audio-error.js';
import { FFMPEG_QUIET, inputArgs, outputArg } from './ffmpeg-args.js';
import { EBUR128_FILTER, measureLoudness, parseEbur128Summary, type Loudness } from './loudness.js';
import { buildMixGraph, MIX_SAMPLE_RATE, offsetFrames, type MixTrack } from './mix-graph.js';
import { writeOutputFile } from './output-file.js';
import { probeAudio } from './probe.js';
import { runTool, stderrTail } from './run-tool.js';
import type { AudioTools } from './tools.js';

export interface MixdownInput {
  /** Local path of the track's original file. */
  path: string;
  gainDb: number;
  /** -1 hard left … +1 hard right; see panGains for the law. */
  pan: number;
  /** Muted tracks are left out of the render entirely. */
  muted: boolean;
  /** Milliseconds the track starts after (+) or before (−) the song's 0:00. */
  offsetMs?: number;
}

export interface MixdownRequest {
  inputs: readonly MixdownInput[];
  /** Where the master goes: FLAC (24-bit) unless the name ends in `.wav` (24-bit PCM). */
  outputPath: string;
  /** Integrated loudness of the master, LUFS. */
  targetLufs?: number;
  /** The master's true peak never exceeds this, dBTP. */
  truePeakCeilingDb?: number;
}

export interface MixdownResult {
  durationMs: number;
  /** Measured on the written file; null only when every track is silent. */
  integratedLufs: number | null;
  truePeakDb: number | null;
}

/** Oversampling for the limiter: a 4× rate lets it catch inter-sample peaks. */
const LIMITER_RATE = 4 * MIX_SAMPLE_RATE;
const LIMITER_ATTACK_MS = 5;
/** The limiter aims this far under the ceiling; downsampling after it adds a little overshoot. */
const LIMITER_HEADROOM_DB = 0.3;
const CEILING_TOLERANCE_DB = 0.05;
/** Heavy limiting lowers loudness; below target by more than this, push the gain up and render again. */
const LOUDNESS_TOLERANCE_LU = 0.5;
const MAX_RENDERS = 4;

/**
 * Renders the master: every unmuted track with its gain, pan and offset, and
 * summed (see buildMixGraph), then brought to `targetLufs` with a true-peak ceiling.
 *
 * 1. Measure the plain sum (ebur128).
 * 2. Render with gain = target − measured. When that would push the true peak past
 *    the ceiling, a 4×-oversampled `alimiter` holds the peaks (its lookahead delay is
 *    cut off again, so the master stays aligned with the tracks).
 * 3. Measure the written file. If the true peak is over the ceiling, render again
 *    with the excess taken off (a plain gain, so it cannot miss); if limiting left it
 *    short of the target, render again with more gain.
 */
export async function renderMixdown(tools: AudioTools, request: MixdownRequest): Promise<MixdownResult> {
  const { outputPath, targetLufs = -14, truePeakCeilingDb = -1 } = request;
  const inputs = request.inputs.filter((input) => !input.muted);
  if (inputs.length === 0) throw new AudioError('Unmute at least one track to render the mix');
  for (const input of inputs) {
    if (!Number.isFinite(input.gainDb) || !Number.isFinite(input.pan)) throw new RangeError('gainDb and pan must be finite numbers');
  }

  const probes = await Promise.all(inputs.map((input) => probeAudio(tools, input.path)));
  // As long as the track that ends last, its offset included.
  const frames = Math.max(...probes.map((p, i) => Math.round((p.durationMs / 1000) * MIX_SAMPLE_RATE) + offsetFrames(inputs[i]!.offsetMs ?? 0)));
  const tracks: MixTrack[] = inputs.map((input, i) => ({ channels: probes[i]?.channels ?? 2, gainDb: input.gainDb, pan: input.pan, offsetMs: input.offsetMs ?? 0 }));
  const mix = { paths: inputs.map((input) => input.path), graph: buildMixGraph(tracks, frames) };

  const { integratedLufs: sumLufs, truePeakDb: sumPeakDb } = await measureMix(tools, mix);
  if (sumLufs === null || sumPeakDb === null) {
    // Silence cannot be normalised; write it as it is.
    return writeOutputFile(outputPath, async (partPath) => {
      await renderMaster(tools, mix, 'anull', partPath, outputPath);
      return { durationMs: (await probeAudio(tools, partPath)).durationMs, integratedLufs: null, truePeakDb: null };
    });
  }

  return writeOutputFile(outputPath, async (partPath) => {
    let gainDb = targetLufs - sumLufs;
    let trimDb = 0;
    let master: Loudness | null = null;
    for (let render = 0; render < MAX_RENDERS; render++) {
      const limit = sumPeakDb + gainDb > truePeakCeilingDb - CEILING_TOLERANCE_DB;
      await renderMaster(tools, mix, masterChain({ gainDb, trimDb, limit, truePeakCeilingDb, frames }), partPath, outputPath);
      master = await measureLoudness(tools, partPath);
      const overshoot = (master.truePeakDb ?? -Infinity) - truePeakCeilingDb;
      if (overshoot > CEILING_TOLERANCE_DB) {
        trimDb -= overshoot + CEILING_TOLERANCE_DB;
        continue;
      }
      const shortfall = targetLufs - (master.integratedLufs ?? targetLufs);
      if (!limit || shortfall <= LOUDNESS_TOLERANCE_LU || render >= MAX_RENDERS - 2) break;
      gainDb += shortfall;
    }
    // The trim is a plain gain, so this cannot happen short of a measuring fault; never ship a master over the ceiling.
    if (!master || (master.truePeakDb ?? -Infinity) > truePeakCeilingDb + 2 * CEILING_TOLERANCE_DB) {
      throw new AudioError('The mix could not be rendered', { detail: `true peak ${master?.truePeakDb} dBTP over the ceiling` });
    }
    const durationMs = (await probeAudio(tools, partPath)).durationMs;
    return { durationMs, integratedLufs: master.integratedLufs, truePeakDb: master.truePeakDb };
  });
}

interface MixSources {
  paths: readonly string[];
  graph: string;
}

/** Loudness and true peak of the plain sum, before any gain. */
async function measureMix(tools: AudioTools, mix: MixSources): Promise<Loudness> {
  const run = await runTool(tools.ffmpegPath, [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info',
    ...mix.paths.flatMap((path) => inputArgs(path)),
    '-filter_complex', `${mix.graph};[mix]${EBUR128_FILTER}[out]`,
    '-map', '[out]',
    '-f', 'null', '-',
  ], { signal: tools.signal, niceness: tools.niceness });
  const loudness = run.exitCode === 0 ? parseEbur128Summary(run.stderr) : null;
  if (!loudness) throw new AudioError('The mix could not be rendered', { detail: stderrTail(run.stderr) });
  return loudness;
}

function masterChain(options: { gainDb: number; trimDb: number; limit: boolean; truePeakCeilingDb: number; frames: number }): string {
  const steps = [`volume=${options.gainDb.toFixed(4)}dB`];
  if (options.limit) {
    const limit = 10 ** ((options.truePeakCeilingDb - LIMITER_HEADROOM_DB) / 20);
    // alimiter delays its output by the attack time; pad the end and trim the start
    // by that much (the 2018 build has no `latency` option). `level=0` stops the
    // auto-gain that would lift the output to full scale.
    const delay = Math.round((LIMITER_ATTACK_MS / 1000) * LIMITER_RATE);
    steps.push(
      `aresample=${LIMITER_RATE}`,
      `apad=pad_len=${delay}`,
      `alimiter=level=0:limit=${limit.toFixed(6)}:attack=${LIMITER_ATTACK_MS}:release=50`,
      `atrim=start_sample=${delay}`,
      'asetpts=PTS-STARTPTS',
      `aresample=${MIX_SAMPLE_RATE}`,
    );
  }
  if (options.trimDb !== 0) steps.push(`volume=${options.trimDb.toFixed(4)}dB`);
  steps.push(`atrim=end_sample=${options.frames}`);
  return steps.join(',');
}

async function renderMaster(tools: AudioTools, mix: MixSources, chain: string, partPath: string, outputPath: string): Promise<void> {
  const wav = extname(outputPath).toLowerCase() === '.wav';
  const run = await runTool(tools.ffmpegPath, [
    ...FFMPEG_QUIET,
    '-y',
    ...mix.paths.flatMap((path) => inputArgs(path)),
    '-filter_complex', `${mix.graph};[mix]${chain}[out]`,
    '-map', '[out]',
    '-ar', String(MIX_SAMPLE_RATE),
    '-ac', '2',
    ...(wav ? ['-c:a', 'pcm_s24le', '-f', 'wav'] : ['-c:a', 'flac', '-sample_fmt', 's32', '-f', 'flac']),
    outputArg(partPath),
  ], { signal: tools.signal, niceness: tools.niceness });
  if (run.exitCode !== 0) throw new AudioError('The mix could not be rendered', { detail: stderrTail(run.stderr) });
}
