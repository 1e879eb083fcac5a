import { AudioError } from './audio-error.js';
import { FFMPEG_QUIET, inputArgs, outputArg } from './ffmpeg-args.js';
import { MIX_SAMPLE_RATE, offsetSteps } from './mix-graph.js';
import { runTool, stderrTail } from './run-tool.js';
import type { AudioTools } from './tools.js';

/**
 * One track as a stem for a DAW: at the master's rate, shifted by its offset exactly as
 * the master renders it (offsetSteps), and padded or cut to `frames`, so every stem of a
 * song starts at its 0:00 and has the same length. No gain or pan: those are the DAW's
 * (mix.json lists them). 24-bit FLAC, the source's channels.
 */
export async function renderStem(tools: AudioTools, input: string, outputPath: string, { offsetMs, frames }: { offsetMs: number; frames: number }): Promise<void> {
  const chain = [`aresample=${MIX_SAMPLE_RATE}`, ...offsetSteps(offsetMs), `apad=whole_len=${frames}`, `atrim=end_sample=${frames}`, 'asetpts=PTS-STARTPTS'];
  const run = await runTool(tools.ffmpegPath, [
    ...FFMPEG_QUIET,
    '-y',
    ...inputArgs(input),
    '-map', '0:a:0',
    '-vn', '-sn', '-dn',
    '-af', chain.join(','),
    '-ar', String(MIX_SAMPLE_RATE),
    '-c:a', 'flac', '-sample_fmt', 's32',
    '-f', 'flac',
    outputArg(outputPath),
  ]);
  if (run.exitCode !== 0) throw new AudioError('A stem could not be rendered', { detail: stderrTail(run.stderr) });
}
