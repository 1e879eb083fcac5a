import { AudioError, NOT_AUDIO } from './audio-error.js';
import { inputArgs } from './ffmpeg-args.js';
import { runTool, stderrTail } from './run-tool.js';
import type { AudioTools } from './tools.js';

/** EBU R128 / ITU-R BS.1770 figures for a whole file. */
export interface Loudness {
  /** Integrated loudness in LUFS; null when the file is silent (below the -70 LUFS gate). */
  integratedLufs: number | null;
  /** Loudness range in LU. */
  loudnessRangeLu: number;
  /** Highest inter-sample peak (4× oversampled) in dBTP; null for digital silence. */
  truePeakDb: number | null;
  /** Highest sample value in dBFS; null for digital silence. */
  samplePeakDb: number | null;
}

/**
 * The ebur128 filter as a filtergraph step. Per-frame lines go to the verbose level so
 * only the summary reaches stderr. Mono counts as one channel (BS.1770), so a mono
 * file reads 3 LU lower than the same signal on both stereo channels.
 */
export const EBUR128_FILTER = 'ebur128=peak=true+sample:framelog=verbose';

export async function measureLoudness(tools: AudioTools, input: string): Promise<Loudness> {
  const run = await runTool(tools.ffmpegPath, [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info',
    ...inputArgs(input),
    '-map', '0:a:0',
    '-af', EBUR128_FILTER,
    '-f', 'null', '-',
  ], { signal: tools.signal, niceness: tools.niceness });
  const loudness = run.exitCode === 0 ? parseEbur128Summary(run.stderr) : null;
  if (!loudness) throw new AudioError(NOT_AUDIO, { detail: stderrTail(run.stderr) });
  return loudness;
}

/**
 * Reads the "Summary:" block ebur128 prints when the stream ends. Builds differ in
 * details (2018 static vs Debian 5.1 vs 6+: pointer widths, whether a sample-peak
 * section exists, "dBFS" vs "dBTP", `-inf` for silence), so each value is found by
 * its section heading and label, not by line position. Null when there is no summary.
 */
export function parseEbur128Summary(stderr: string): Loudness | null {
  const at = stderr.lastIndexOf('Summary:');
  if (at < 0) return null;
  const summary = stderr.slice(at);
  const integrated = sectionValue(summary, 'Integrated loudness', 'I');
  if (integrated === undefined) return null;
  return {
    integratedLufs: integrated === null || integrated <= -70 ? null : integrated,
    loudnessRangeLu: sectionValue(summary, 'Loudness range', 'LRA') ?? 0,
    truePeakDb: sectionValue(summary, 'True peak', 'Peak') ?? null,
    samplePeakDb: sectionValue(summary, 'Sample peak', 'Peak') ?? null,
  };
}

/** A number after `label:` inside the section headed `heading:`; null for -inf; undefined when absent. */
function sectionValue(summary: string, heading: string, label: string): number | null | undefined {
  const pattern = new RegExp(`${heading}:\\s*(?:[^\\n]*\\n\\s*)*?${label}:\\s*(-?inf|[-+]?\\d+(?:\\.\\d+)?)`, 'i');
  const match = pattern.exec(summary);
  if (!match?.[1]) return undefined;
  // `+ 0` turns the -0 that "-0.0" parses to into 0.
  return /inf/i.test(match[1]) ? null : Number.parseFloat(match[1]) + 0;
}
