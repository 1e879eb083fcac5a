import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runTool } from '../src/audio/run-tool.js';
import type { AudioTools } from '../src/audio/tools.js';

const RATE = 44100;

/** A hit: a decaying tone (or noise burst) starting at `at` seconds. */
export interface Hit {
  at: number;
  /** Hz of the tone; 0 for a noise burst (a snare or hi-hat). */
  hz: number;
  seconds?: number;
  amplitude?: number;
}

/**
 * An irregular rhythm (no two bars alike, so only one lag lines it up): onset times in
 * seconds over `bars` bars of 4/4 at `bpm`, drawn from a fixed seeded sequence.
 */
export function irregularOnsets(bpm: number, bars: number, seed = 7): number[] {
  const sixteenth = 60 / bpm / 4;
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const times: number[] = [];
  for (let s = 0; s < bars * 16; s++) {
    // Downbeats always; other sixteenths sometimes, eighths more often than the rest.
    const chance = s % 4 === 0 ? 1 : s % 2 === 0 ? 0.45 : 0.2;
    if (random() < chance) times.push(s * sixteenth);
  }
  return times;
}

/** Renders hits to mono PCM and writes it with ffmpeg (WAV or FLAC by extension). */
export async function writeHits(tools: AudioTools, file: string, hits: readonly Hit[], seconds: number, { delayMs = 0, seed = 3 } = {}): Promise<string> {
  const pcm = new Float32Array(Math.round(seconds * RATE));
  let state = seed;
  const noise = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 30 - 1);
  for (const hit of hits) {
    const start = Math.round((hit.at + delayMs / 1000) * RATE);
    const length = Math.round((hit.seconds ?? 0.12) * RATE);
    for (let i = 0; i < length; i++) {
      const at = start + i;
      if (at < 0 || at >= pcm.length) continue;
      const envelope = Math.exp((-6 * i) / length) * (hit.amplitude ?? 0.4);
      const value = hit.hz ? Math.sin((2 * Math.PI * hit.hz * i) / RATE) : noise();
      pcm[at] = pcm[at]! + envelope * value;
    }
  }
  return writePcm(tools, file, pcm);
}

/** Sustained chords (each a few sine partials per note), one after the other. */
export async function writeChords(tools: AudioTools, file: string, chords: readonly number[][], secondsEach: number): Promise<string> {
  const pcm = new Float32Array(Math.round(chords.length * secondsEach * RATE));
  chords.forEach((notes, c) => {
    const start = Math.round(c * secondsEach * RATE);
    for (const midi of notes) {
      const hz = 440 * 2 ** ((midi - 69) / 12);
      for (let i = 0; i < secondsEach * RATE; i++) {
        const t = i / RATE;
        const value = Math.sin(2 * Math.PI * hz * t) + 0.5 * Math.sin(4 * Math.PI * hz * t) + 0.25 * Math.sin(6 * Math.PI * hz * t);
        pcm[start + i] = pcm[start + i]! + (0.08 * value * Math.min(1, t * 50));
      }
    }
  });
  return writePcm(tools, file, pcm);
}

async function writePcm(tools: AudioTools, file: string, pcm: Float32Array): Promise<string> {
  const raw = path.join(path.dirname(file), `${randomBytes(4).toString('hex')}.f32`);
  await writeFile(raw, Buffer.from(pcm.buffer));
  const run = await runTool(tools.ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-f', 'f32le', '-ar', String(RATE), '-ac', '1', '-i', raw, '-ac', '2', file]);
  await rm(raw, { force: true });
  if (run.exitCode !== 0) throw new Error(`could not write ${file}: ${run.stderr}`);
  return file;
}

export const readAudio = (file: string) => readFile(file);
