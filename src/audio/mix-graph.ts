/** One unmuted track as the filter graph needs it. */
export interface MixTrack {
  /** Channels of the source file; 1 is treated as mono, anything else is taken as stereo. */
  channels: number;
  gainDb: number;
  /** -1 hard left … 0 centre … +1 hard right. */
  pan: number;
  /** Milliseconds the track starts after (+) or before (−) the song's 0:00; 0 when absent. */
  offsetMs?: number;
}

/** The master's sample rate: every input is resampled to it before summing. */
export const MIX_SAMPLE_RATE = 48000;

/** amerge takes at most 64 input channels and pan reads at most 64; stay well under. */
const TRACKS_PER_SUM = 16;

/**
 * Constant-power pan, normalised so the centre is unity on both sides:
 * θ = (pan + 1)·π/4, left = √2·cos θ, right = √2·sin θ. Centre → (1, 1), hard left →
 * (√2, 0): left² + right² stays 2 at every position, so a part keeps its loudness as
 * it moves. A mono track is placed with these gains; a stereo track is balanced with
 * them (its left channel scaled by `left`, its right by `right`), so hard left drops
 * its right channel, as a mixer's balance knob does.
 */
export function panGains(pan: number): { left: number; right: number } {
  const theta = ((Math.min(1, Math.max(-1, pan)) + 1) * Math.PI) / 4;
  return { left: Math.SQRT2 * Math.cos(theta), right: Math.SQRT2 * Math.sin(theta) };
}

/**
 * A -filter_complex graph that takes input i as track i and ends in the label `[mix]`:
 * stereo float at 48 kHz, exactly `frames` long, the plain sum of all tracks.
 *
 * Each track is resampled, given its gain and pan with `pan` (coefficients, no
 * normalisation) and padded with `apad` to the common length. The tracks are then
 * stacked side by side with `amerge` (2·n channels) and added with one `pan`
 * expression (c0+c2+…, c1+c3+…). Unlike `amix`, this never divides by the number of
 * inputs, and it needs nothing newer than ffmpeg 4.0 (amix's `normalize=0` is 4.4+).
 * Everything stays float, so a sum above full scale is kept for the loudness stage.
 */
/** Offsets are whole milliseconds: at 48 kHz each is a whole number of samples (48 per ms). */
export function offsetFrames(offsetMs: number): number {
  return Math.round(offsetMs) * (MIX_SAMPLE_RATE / 1000);
}

export function buildMixGraph(tracks: readonly MixTrack[], frames: number): string {
  if (tracks.length === 0) throw new RangeError('a mix needs at least one track');
  const steps = tracks.map((track, i) => `[${i}:a:0]${trackChain(track, frames)}[t${i}]`);
  let labels = tracks.map((_, i) => `t${i}`);
  let round = 0;
  while (labels.length > 1) {
    const groups: string[] = [];
    for (let g = 0; g * TRACKS_PER_SUM < labels.length; g++) {
      const group = labels.slice(g * TRACKS_PER_SUM, (g + 1) * TRACKS_PER_SUM);
      const label = `s${round}_${g}`;
      steps.push(group.length === 1 ? `[${group[0]}]anull[${label}]` : `${group.map((l) => `[${l}]`).join('')}${sumChain(group.length)}[${label}]`);
      groups.push(label);
    }
    labels = groups;
    round++;
  }
  steps.push(`[${labels[0]}]atrim=end_sample=${frames},asetpts=PTS-STARTPTS[mix]`);
  return steps.join(';');
}

function trackChain(track: MixTrack, frames: number): string {
  const gain = 10 ** (track.gainDb / 20);
  const { left, right } = panGains(track.pan);
  const mono = track.channels === 1;
  return [
    `aresample=${MIX_SAMPLE_RATE}`,
    `aformat=sample_fmts=flt:channel_layouts=${mono ? 'mono' : 'stereo'}`,
    `pan=stereo|c0=${coefficient(gain * left)}*c0|c1=${coefficient(gain * right)}*c${mono ? 0 : 1}`,
    ...offsetSteps(track.offsetMs ?? 0),
    `apad=whole_len=${frames}`,
  ].join(',');
}

/**
 * A late part is delayed with silence (adelay, in ms: at 48 kHz that is a whole number of
 * samples, and ffmpeg 4.0 has no sample unit); an early one loses its first samples (atrim
 * counts samples). Both act after the resample, so the shift is exact at the master's rate.
 * adelay drops the channel layout on some builds (Debian's ffmpeg 5.1), which amerge then
 * refuses ("No channel layout for input"): the layout is stated again after it.
 */
export function offsetSteps(offsetMs: number): string[] {
  const ms = Math.round(offsetMs);
  if (ms > 0) return [`adelay=delays=${ms}|${ms}`, 'aformat=channel_layouts=stereo'];
  if (ms < 0) return [`atrim=start_sample=${offsetFrames(-ms)}`, 'asetpts=PTS-STARTPTS'];
  return [];
}

function sumChain(count: number): string {
  const side = (offset: number): string => Array.from({ length: count }, (_, i) => `c${2 * i + offset}`).join('+');
  return `amerge=inputs=${count},aformat=sample_fmts=flt,pan=stereo|c0=${side(0)}|c1=${side(1)}`;
}

/** Fixed-point text: the filter parser reads no exponents, and cos(π/2) is 6e-17, not 0. */
function coefficient(value: number): string {
  return (Math.abs(value) < 1e-9 ? 0 : value).toFixed(8);
}
