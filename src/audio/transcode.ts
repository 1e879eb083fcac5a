import { AudioError, NOT_AUDIO } from './audio-error.js';
import { FFMPEG_QUIET, inputArgs, outputArg } from './ffmpeg-args.js';
import { writeOutputFile } from './output-file.js';
import { probeAudio, type AudioProbe } from './probe.js';
import { runTool, stderrTail } from './run-tool.js';
import type { AudioTools } from './tools.js';

export interface StreamingRendition {
  durationMs: number;
  contentType: 'audio/mp4';
  ext: 'm4a';
}

const STREAM_BIT_RATE = '192k';

/**
 * AAC-LC stereo in MP4, the one format every current browser plays. `+faststart` puts
 * the index before the audio so the player can seek with Range requests at once.
 * Cover art, other streams and tags are dropped.
 */
export async function transcodeForStreaming(
  tools: AudioTools,
  input: string,
  outputPath: string,
  { source: probed }: { source?: AudioProbe } = {},
): Promise<StreamingRendition> {
  const source = probed ?? (await probeAudio(tools, input));
  // Keep the 44.1 kHz family at 44.1 kHz so CD-rate uploads are not resampled twice.
  const sampleRate = source.sampleRate % 11025 === 0 ? 44100 : 48000;
  // A mono recording plays at full level on both speakers, as the browser would play it.
  const upmix = source.channels === 1 ? ['-af', 'pan=stereo|c0=c0|c1=c0'] : [];

  return writeOutputFile(outputPath, async (partPath) => {
    const run = await runTool(tools.ffmpegPath, [
      ...FFMPEG_QUIET,
      '-y',
      ...inputArgs(input),
      '-map', '0:a:0',
      '-vn', '-sn', '-dn',
      '-map_metadata', '-1',
      '-map_chapters', '-1',
      ...upmix,
      '-c:a', 'aac',
      '-b:a', STREAM_BIT_RATE,
      '-ar', String(sampleRate),
      '-ac', '2',
      '-movflags', '+faststart',
      '-f', 'mp4',
      outputArg(partPath),
    ], { signal: tools.signal, niceness: tools.niceness });
    if (run.exitCode !== 0) throw new AudioError(NOT_AUDIO, { detail: stderrTail(run.stderr) });
    const rendition = await probeAudio(tools, partPath);
    return { durationMs: rendition.durationMs, contentType: 'audio/mp4', ext: 'm4a' };
  });
}
