import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAudioTempDir, writeLavfiAudio } from '../../test/fixtures-audio.js';
import { irregularOnsets, writeChords, writeHits } from '../../test/fixtures-rhythm.js';
import { estimateAlignment } from './alignment.js';
import { analyseSong } from './analyse-file.js';
import { estimateKey } from './key.js';
import { decodeForAnalysis, onsetEnvelope } from './onsets.js';
import { estimateTempo } from './tempo.js';
import { resolveAudioTools } from './tools.js';

const tools = resolveAudioTools(process.env);
let temp: Awaited<ReturnType<typeof makeAudioTempDir>>;
const onsets = irregularOnsets(120, 8);
const envelopeOf = async (file: string) => onsetEnvelope(await decodeForAnalysis(tools, file));

beforeAll(async () => {
  temp = await makeAudioTempDir();
});
afterAll(() => temp.remove());

describe('alignment', () => {
  let song: Float64Array;
  beforeAll(async () => {
    song = await envelopeOf(await writeHits(tools, join(temp.dir, 'song.wav'), onsets.map((at) => ({ at, hz: 220 })), 17));
  });

  it.each([40, 250, -120])('finds a part played on another pitch %i ms late within ±10 ms', async (delayMs) => {
    const part = await writeHits(tools, join(temp.dir, `part${delayMs}.wav`), onsets.map((at) => ({ at, hz: 1760, amplitude: 0.3 })), 17, { delayMs });
    const estimate = estimateAlignment(song, await envelopeOf(part));
    console.log(`alignment ${delayMs} ms: found ${estimate.lagMs} ms, peak ${estimate.peak.toFixed(3)}, confidence ${estimate.confidence.toFixed(3)}`);
    expect(estimate.confident).toBe(true);
    expect(Math.abs(estimate.lagMs - delayMs)).toBeLessThanOrEqual(10);
  });

  it('cannot tell where unrelated noise belongs', async () => {
    const noise = await writeLavfiAudio(tools, join(temp.dir, 'noise.wav'), 'anoisesrc=d=17:c=pink:a=0.3:r=44100:s=5');
    const estimate = estimateAlignment(song, await envelopeOf(noise));
    console.log(`alignment noise: peak ${estimate.peak.toFixed(3)}, confidence ${estimate.confidence.toFixed(3)}`);
    expect(estimate.confident).toBe(false);
  });

  it('cannot tell where a different rhythm belongs', async () => {
    const other = await writeHits(tools, join(temp.dir, 'other.wav'), irregularOnsets(120, 8, 99).map((at) => ({ at, hz: 880 })), 17);
    const estimate = estimateAlignment(song, await envelopeOf(other));
    console.log(`alignment other rhythm: peak ${estimate.peak.toFixed(3)}, confidence ${estimate.confidence.toFixed(3)}`);
    expect(estimate.confident).toBe(false);
  });
});

describe('tempo', () => {
  // Kick on every downbeat and sometimes between, snare bursts on irregular sixteenths.
  const drums = (bpm: number) =>
    irregularOnsets(bpm, 12, 11).map((at, i) => (Math.round(at / (60 / bpm)) === at / (60 / bpm) || i % 3 ? { at, hz: 60, seconds: 0.15, amplitude: 0.6 } : { at, hz: 0, seconds: 0.08, amplitude: 0.3 }));

  it.each([120, 96])('hears an irregular drum pattern at %i BPM within ±1 BPM', async (bpm) => {
    const file = await writeHits(tools, join(temp.dir, `drums${bpm}.flac`), drums(bpm), (12 * 4 * 60) / bpm + 1);
    const tempo = estimateTempo(await envelopeOf(file));
    console.log(`tempo ${bpm} BPM: heard ${tempo}`);
    expect(tempo).not.toBeNull();
    expect(Math.abs(tempo! - bpm)).toBeLessThanOrEqual(1);
  });

  it('finds no tempo in a steady tone', async () => {
    const file = await writeLavfiAudio(tools, join(temp.dir, 'tone.wav'), 'sine=frequency=440:duration=12');
    expect(estimateTempo(await envelopeOf(file))).toBeNull();
  });
});

describe('key', () => {
  it('hears I–IV–V–I in C major as C major', async () => {
    const file = await writeChords(tools, join(temp.dir, 'c-major.wav'), [[48, 60, 64, 67], [53, 65, 69, 72], [55, 67, 71, 74], [48, 60, 64, 67]], 1.5);
    const key = estimateKey(await decodeForAnalysis(tools, file));
    console.log(`key C major chords: ${key?.key}, strength ${key?.strength.toFixed(3)}`);
    expect(key?.key).toBe('C major');
    expect(await analyseSong(tools, file)).toMatchObject({ key: 'C major' });
  });

  it('names no key for drums alone', async () => {
    const file = await writeHits(tools, join(temp.dir, 'kit.wav'), irregularOnsets(120, 8, 5).map((at, i) => ({ at, hz: i % 2 ? 0 : 60 })), 17);
    const key = estimateKey(await decodeForAnalysis(tools, file));
    console.log(`key drums: ${key?.key}, strength ${key?.strength.toFixed(3)}`);
    expect((await analyseSong(tools, file)).key).toBeNull();
  });

  it('hears i–iv–V–i in A minor as A minor', async () => {
    const file = await writeChords(tools, join(temp.dir, 'a-minor.wav'), [[45, 57, 60, 64], [50, 62, 65, 69], [52, 64, 68, 71], [45, 57, 60, 64]], 1.5);
    const key = estimateKey(await decodeForAnalysis(tools, file));
    console.log(`key A minor chords: ${key?.key}, strength ${key?.strength.toFixed(3)}`);
    expect(key?.key).toBe('A minor');
  });
});
