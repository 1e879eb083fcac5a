/**
 * Parts of a song drawn as samples: chords, a bass line, drums and a lead, all on one grid
 * (tempo, bars, a chord per bar) so that mixed together they play as one song. Plain additive
 * synthesis with envelopes, one-pole filters and seeded noise: no samples to ship, and the
 * same plan always gives the same audio. ffmpeg then encodes it (render.ts).
 */
export const SAMPLE_RATE = 44_100;

export type PartSound = 'keys' | 'bass' | 'drums' | 'lead' | 'pad';

export interface SongPlan {
  bpm: number;
  bars: number;
  /** MIDI note of the key's tonic (60 = middle C). */
  tonic: number;
  mode: 'major' | 'minor';
  /** Scale degrees (0-based) of the chord of each bar, repeated over the bars. */
  progression: number[];
  /** Varies the drum fills and the melody between songs. */
  seed: number;
}

const SCALES = { major: [0, 2, 4, 5, 7, 9, 11], minor: [0, 2, 3, 5, 7, 8, 10] } as const;
const TAIL_SECONDS = 1.5;

const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);

/** The MIDI note of scale degree `degree` (may pass the octave) above the tonic. */
function noteOf(plan: SongPlan, degree: number): number {
  const scale = SCALES[plan.mode];
  const octave = Math.floor(degree / 7);
  return plan.tonic + 12 * octave + scale[((degree % 7) + 7) % 7]!;
}

/** The triad of the bar's chord: root, third, fifth. */
const chordOf = (plan: SongPlan, bar: number) => {
  const root = plan.progression[bar % plan.progression.length]!;
  return [root, root + 2, root + 4].map((d) => noteOf(plan, d));
};

export const songSeconds = (plan: SongPlan) => (plan.bars * 4 * 60) / plan.bpm + TAIL_SECONDS;

/** A seeded generator in 0..1 (mulberry32): the same song draws the same noise and melody. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Attack, then exponential decay: the shape of a plucked or struck note. */
const pluck = (t: number, attack: number, decay: number) => (t < attack ? t / attack : Math.exp(-(t - attack) / decay));

/** Adds a note of `voice` at `start` seconds lasting `length`, shaped by `envelope`, into `out`. */
function addNote(out: Float32Array, start: number, length: number, voice: (phase: number) => number, frequency: number, envelope: (t: number) => number, gain: number) {
  const first = Math.floor(start * SAMPLE_RATE);
  const count = Math.min(out.length - first, Math.floor(length * SAMPLE_RATE));
  for (let i = 0; i < count; i++) {
    const t = i / SAMPLE_RATE;
    out[first + i]! += gain * envelope(t) * voice(2 * Math.PI * frequency * t);
  }
}

const triangle = (p: number) => (2 / Math.PI) * Math.asin(Math.sin(p));
/** A few odd and even harmonics: a soft sawtooth, bright enough for a lead. */
const softSaw = (p: number) => Math.sin(p) + Math.sin(2 * p) / 2.5 + Math.sin(3 * p) / 4 + Math.sin(4 * p) / 7;

function keys(plan: SongPlan, out: Float32Array, beat: number) {
  // Electric-piano-like: triangle plus a sine an octave up, hit on beats 1 and 3 (2 and 4 lighter).
  for (let bar = 0; bar < plan.bars; bar++) {
    for (let b = 0; b < 4; b++) {
      const start = (bar * 4 + b) * beat;
      for (const note of chordOf(plan, bar)) {
        const f = hz(note);
        const env = (t: number) => pluck(t, 0.005, 0.6) * (t > beat * 0.95 ? Math.max(0, 1 - (t - beat * 0.95) / 0.05) : 1);
        addNote(out, start, beat, (p) => triangle(p) + 0.3 * Math.sin(2 * p), f, env, b % 2 === 0 ? 0.22 : 0.12);
      }
    }
  }
}

function pad(plan: SongPlan, out: Float32Array, beat: number) {
  // Slow swell over each bar, the chord an octave up, slightly detuned pairs.
  for (let bar = 0; bar < plan.bars; bar++) {
    const length = 4 * beat;
    for (const note of chordOf(plan, bar)) {
      const env = (t: number) => Math.min(1, t / (length * 0.4)) * Math.min(1, (length - t) / (length * 0.2));
      addNote(out, bar * length, length, (p) => Math.sin(p) + Math.sin(p * 1.004) + 0.2 * Math.sin(2 * p), hz(note + 12), env, 0.1);
    }
  }
}

function bass(plan: SongPlan, out: Float32Array, beat: number) {
  // Eighths: root, root, fifth, root … two octaves down, a warm saturated sine.
  const pattern = [0, 0, 4, 0, 0, 4, 7, 4];
  for (let bar = 0; bar < plan.bars; bar++) {
    const root = plan.progression[bar % plan.progression.length]!;
    pattern.forEach((step, i) => {
      const note = noteOf(plan, root + step) - 24;
      addNote(out, (bar * 4 + i / 2) * beat, beat / 2, (p) => Math.tanh(2.2 * Math.sin(p)), hz(note), (t) => pluck(t, 0.004, 0.18), 0.5);
    });
  }
}

function drums(plan: SongPlan, out: Float32Array, beat: number) {
  const rand = random(plan.seed * 7919 + 1);
  const noise = new Float32Array(Math.floor(0.3 * SAMPLE_RATE)).map(() => rand() * 2 - 1);
  // Kick: a sine falling from 150 to 45 Hz. The phase integrates the falling frequency.
  const kick = (start: number, gain: number) => {
    const first = Math.floor(start * SAMPLE_RATE);
    let phase = 0;
    for (let i = 0; i < 0.35 * SAMPLE_RATE && first + i < out.length; i++) {
      const t = i / SAMPLE_RATE;
      phase += (2 * Math.PI * (45 + 105 * Math.exp(-t / 0.03))) / SAMPLE_RATE;
      out[first + i]! += gain * Math.exp(-t / 0.12) * Math.sin(phase);
    }
  };
  // Noise through a one-pole high-pass (`bright` near 1: only the hiss), plus a body tone for the snare.
  const hit = (start: number, decay: number, bright: number, gain: number, body = 0) => {
    const first = Math.floor(start * SAMPLE_RATE);
    let previous = 0;
    let filtered = 0;
    for (let i = 0; i < noise.length && first + i < out.length; i++) {
      const t = i / SAMPLE_RATE;
      filtered = bright * (filtered + noise[i]! - previous);
      previous = noise[i]!;
      out[first + i]! += gain * Math.exp(-t / decay) * (filtered + body * Math.sin(2 * Math.PI * 185 * t));
    }
  };
  for (let bar = 0; bar < plan.bars; bar++) {
    const at = (b: number) => (bar * 4 + b) * beat;
    kick(at(0), 0.9);
    kick(at(2), 0.85);
    if (rand() < 0.4) kick(at(2.5), 0.6);
    hit(at(1), 0.09, 0.6, 0.45, 0.6);
    hit(at(3), 0.09, 0.6, 0.45, 0.6);
    for (let e = 0; e < 8; e++) hit(at(e / 2), e % 2 ? 0.02 : 0.035, 0.95, e % 2 ? 0.12 : 0.18);
    // A fill of sixteenth snares at the end of every fourth bar.
    if (bar % 4 === 3) for (let s = 0; s < 4; s++) hit(at(3 + s / 4), 0.05, 0.6, 0.2 + s * 0.06, 0.5);
  }
}

function lead(plan: SongPlan, out: Float32Array, beat: number) {
  // A melody walking over chord tones in eighths and quarters, lowpassed so it sings, not buzzes.
  const rand = random(plan.seed * 104_729 + 3);
  const dry = new Float32Array(out.length);
  let degree = plan.progression[0]! + 7;
  for (let bar = 0; bar < plan.bars; bar++) {
    const root = plan.progression[bar % plan.progression.length]! + 7;
    let b = 0;
    while (b < 4) {
      const length = rand() < 0.6 ? 0.5 : 1;
      const tones = [root, root + 2, root + 4, root + 7];
      degree = rand() < 0.7 ? tones.reduce((best, t) => (Math.abs(t - degree) < Math.abs(best - degree) && t !== degree ? t : best), tones[0]!) : tones[Math.floor(rand() * tones.length)]!;
      if (rand() > 0.12) addNote(dry, (bar * 4 + b) * beat, length * beat, softSaw, hz(noteOf(plan, degree)), (t) => pluck(t, 0.01, 0.35 * length), 0.25);
      b += length;
    }
  }
  const a = Math.exp((-2 * Math.PI * 2500) / SAMPLE_RATE);
  let y = 0;
  for (let i = 0; i < dry.length; i++) out[i] = y = (1 - a) * dry[i]! + a * y;
}

const SOUNDS: Record<PartSound, (plan: SongPlan, out: Float32Array, beat: number) => void> = { keys, pad, bass, drums, lead };

/** One part of the song as mono samples at SAMPLE_RATE, its peak at −6 dBFS. */
export function synthesizePart(plan: SongPlan, sound: PartSound): Float32Array {
  const out = new Float32Array(Math.ceil(songSeconds(plan) * SAMPLE_RATE));
  SOUNDS[sound](plan, out, 60 / plan.bpm);
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  if (peak > 0) for (let i = 0; i < out.length; i++) out[i]! *= 0.5 / peak;
  return out;
}
