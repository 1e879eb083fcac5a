import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '../src/audio/run-tool.js';
import { npmAudioTools, resolveAudioTools, SYSTEM_AUDIO_TOOLS, type AudioTools } from '../src/audio/tools.js';

export interface NamedAudioTools {
  name: string;
  tools: AudioTools;
}

/**
 * Every distinct ffmpeg on this machine, so audio tests run against each build the
 * app may meet: Debian's 5.x, the 2018 static build from npm, and whatever
 * FFMPEG_PATH / FFPROBE_PATH name when that is a third one.
 */
export function audioToolSets(): NamedAudioTools[] {
  const candidates: NamedAudioTools[] = [
    { name: 'system', tools: SYSTEM_AUDIO_TOOLS },
    { name: 'npm', tools: npmAudioTools() },
    { name: 'configured', tools: resolveAudioTools(process.env) },
  ];
  const seen = new Set<string>();
  const sets = candidates.filter(({ tools }) => {
    const key = `${tools.ffmpegPath}|${tools.ffprobePath}`;
    if (seen.has(key) || !existsSync(tools.ffmpegPath) || !existsSync(tools.ffprobePath)) return false;
    seen.add(key);
    return true;
  });
  // describe.each([]) would run no test at all and pass: fail the file instead.
  if (sets.length === 0) {
    const tried = candidates.map(({ name, tools }) => `${name}: ${tools.ffmpegPath}, ${tools.ffprobePath}`).join('; ');
    throw new Error(`No ffmpeg/ffprobe build found for the audio tests (tried ${tried}). Install Debian's ffmpeg or set FFMPEG_PATH and FFPROBE_PATH.`);
  }
  return sets;
}

/** A fresh temp folder and its removal, for beforeAll/afterAll. */
export async function makeAudioTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'soundhub-audio-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes `seconds` of a lavfi source (e.g. `anullsrc`, `anoisesrc`, `aevalsrc=…`); the extension picks the format. */
export async function writeLavfiAudio(
  tools: AudioTools,
  path: string,
  source: string,
  extraArgs: readonly string[] = [],
): Promise<string> {
  const run = await runTool(tools.ffmpegPath, [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', source,
    ...extraArgs,
    path,
  ]);
  if (run.exitCode !== 0) throw new Error(`could not write ${path}: ${run.stderr}`);
  return path;
}

export interface ToneOptions {
  frequencyHz?: number;
  seconds?: number;
  sampleRate?: number;
  channels?: 1 | 2;
  /** Peak amplitude, 1 = full scale. */
  amplitude?: number;
  /** Seconds of silence before the tone starts (inside `seconds`). */
  startAt?: number;
}

/** A sine written with aevalsrc, whose amplitude is exact (lavfi `sine` is fixed at 1/8). */
export function writeTone(tools: AudioTools, path: string, options: ToneOptions = {}, extraArgs: readonly string[] = []): Promise<string> {
  return writeLavfiAudio(tools, path, toneSource(options), extraArgs);
}

export function toneSource({
  frequencyHz = 440,
  seconds = 3,
  sampleRate = 48000,
  channels = 1,
  amplitude = 0.5,
  startAt = 0,
}: ToneOptions = {}): string {
  const gate = startAt > 0 ? `*gte(t,${startAt})` : '';
  const expression = `${amplitude}*sin(2*PI*${frequencyHz}*t)${gate}`;
  const exprs = Array.from({ length: channels }, () => expression).join('|');
  return `aevalsrc='${exprs}':s=${sampleRate}:d=${seconds}`;
}
