import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runTool } from '../audio/run-tool.js';
import type { AudioTools } from '../audio/tools.js';
import { SAMPLE_RATE } from './synth.js';

/**
 * Mono samples encoded by ffmpeg as a stereo FLAC, as a musician's export would be. FLAC, not
 * MP3: lossless and with no encoder delay, so parts drawn on one grid stay on it.
 */
export async function encodeFlac(tools: AudioTools, samples: Float32Array, dir: string, name: string): Promise<string> {
  const raw = path.join(dir, `${name}.f32`);
  const flac = path.join(dir, `${name}.flac`);
  await writeFile(raw, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
  await runTool(tools.ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'f32le', '-ar', String(SAMPLE_RATE), '-ac', '1', '-i', raw, '-ac', '2', '-sample_fmt', 's16', '-c:a', 'flac', flac]);
  return flac;
}
