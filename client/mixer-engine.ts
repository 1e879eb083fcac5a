/**
 * Plays every track of a post in sync through the Web Audio API.
 *
 * Graph: one AudioBufferSourceNode per track → its GainNode (fader, mute, solo) →
 * StereoPannerNode (pan) → the master GainNode → the speakers. All sources of one playback
 * are started with the same `when` on the AudioContext clock, so they stay sample-aligned
 * however long the song is (HTML <audio> elements drift apart by tens of milliseconds).
 *
 * Each track's offset (ms, + later) moves its start on that clock: a late track's source
 * starts `offset` after the others, an early one starts playing `offset` into its buffer, so
 * offsets are exact to the sample. A track whose audio arrives while the song plays joins
 * at the current position.
 *
 * Audio is held compactly (16-bit, mono when mono: mixer-audio.ts) and played in segments:
 * a few seconds ahead of the playhead, each track's next segment becomes an AudioBuffer and
 * a source started exactly where the previous one ends (frame-exact times on the context
 * clock, so they join without a gap). Pausing or seeking stops what is scheduled and starts
 * again at the new position. The position is read from `ctx.currentTime`, the clock the
 * audio is scheduled on.
 */
import { CompactAudio } from './mixer-audio.js';
import { dbToGain } from './mixer-data.js';

/** What the engine needs to know about one track; the UI owns and mutates these. */
export interface ChannelSettings {
  trackId: string;
  gainDb: number;
  pan: number;
  muted: boolean;
  solo: boolean;
  offsetMs: number;
  buffer: CompactAudio | null;
}

/** Solo wins over everything: if any track is soloed, only soloed tracks sound. */
export function isAudible(track: ChannelSettings, all: readonly ChannelSettings[]): boolean {
  if (track.muted) return false;
  return !all.some((t) => t.solo) || track.solo;
}

/**
 * Tracks are decoded at this rate, and the AudioContext runs at it too, so no source is
 * resampled at play time (the browser converts once, at the output, if the device differs).
 */
const SAMPLE_RATE = 44_100;
/** Scheduling a little ahead lets every source start on the same render quantum. */
const START_AHEAD_S = 0.06;
/** Smooths fader moves so they do not click. */
const RAMP_S = 0.015;
/** Segments of this length are made from the compact audio just before they play. */
const SEGMENT_S = 2;
/** How far ahead of the playhead segments are scheduled; a background tab's timers run once a second. */
const LOOKAHEAD_S = 3;
const PUMP_EVERY_MS = 250;

let decoder: OfflineAudioContext | undefined;

/**
 * Fetches and decodes one track, reporting the share downloaded. Decoding runs in an
 * OfflineAudioContext at the playback rate, so the decoded samples are held once, at the
 * rate they play at, then kept as 16-bit samples; the compressed bytes and the decoded floats
 * are let go as soon as they are converted.
 */
export async function loadAudio(url: string, onProgress?: (share: number) => void): Promise<CompactAudio> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok || !res.body) throw new Error(`the server answered ${res.status}`); // never shown: the track's row says it failed
  const total = Number(res.headers.get('Content-Length')) || 0;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    if (total) onProgress?.(Math.min(1, received / total));
  }
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  chunks.length = 0;
  onProgress?.(1);
  decoder ??= new OfflineAudioContext({ numberOfChannels: 2, length: 1, sampleRate: SAMPLE_RATE });
  return CompactAudio.fromBuffer(await decoder.decodeAudioData(bytes.buffer));
}


interface Channel {
  settings: ChannelSettings;
  gain: GainNode;
  panner: StereoPannerNode;
  /** Sources scheduled and not yet ended, oldest first. */
  sources: AudioBufferSourceNode[];
  /** While playing: where the track's 0:00 sits on the context clock, and its next frame to schedule. */
  zero: number;
  nextFrame: number;
}

export class MixerEngine {
  private ctx: AudioContext | null = null;
  private master: GainNode | null = null;
  private channels: Channel[] = [];
  private masterDb = 0;
  /** Where playback (re)started from, in seconds of the song. */
  private offset = 0;
  /** ctx.currentTime at which song time 0 would have played. */
  private startedAt = 0;
  private playing = false;
  /** Tops up every track's scheduled segments while playing. */
  private pump: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly tracks: readonly ChannelSettings[],
    /** Length of the timeline: the longest track. */
    public duration: number,
  ) {}

  get isPlaying(): boolean {
    return this.playing;
  }

  get contextState(): AudioContextState | 'none' {
    return this.ctx?.state ?? 'none';
  }

  /** The song position in seconds. */
  position(): number {
    if (!this.playing || !this.ctx) return this.offset;
    const t = this.ctx.currentTime - this.startedAt;
    return Math.min(this.duration, Math.max(this.offset, t));
  }

  /** Creates and resumes the AudioContext; call it inside the first play's gesture. */
  async unlock(): Promise<void> {
    const ctx = this.context();
    if (ctx.state !== 'running') await ctx.resume();
  }

  /** Must be called from a user gesture the first time (autoplay policy). */
  async play(): Promise<void> {
    if (this.playing) return;
    const ctx = this.context();
    if (this.offset >= this.duration - 0.01) this.offset = 0;
    // Mark as playing before awaiting, so a second click while resuming pauses instead.
    this.playing = true;
    if (ctx.state !== 'running') await ctx.resume();
    if (!this.playing) return; // paused while the context was resuming
    this.startSources(this.offset);
  }

  pause(): void {
    if (!this.playing) return;
    this.offset = this.position();
    this.stopSources();
    this.playing = false;
  }

  /** Jump to `seconds`; keeps playing if playing. */
  seek(seconds: number): void {
    const to = Math.min(this.duration, Math.max(0, seconds));
    if (this.playing && this.ctx?.state === 'running') {
      this.stopSources();
      this.offset = to;
      this.startSources(to);
    } else {
      this.offset = to;
    }
  }

  /** Called every frame: stops at the end of the song. Returns true when it just ended. */
  checkEnded(): boolean {
    if (!this.playing || this.position() < this.duration) return false;
    this.stopSources();
    this.playing = false;
    this.offset = this.duration;
    return true;
  }

  /** Re-reads every track's fader, pan, mute and solo. */
  applyLevels(): void {
    if (!this.ctx) return;
    const now = this.ctx.currentTime;
    for (const ch of this.channels) {
      const target = isAudible(ch.settings, this.tracks) ? dbToGain(ch.settings.gainDb) : 0;
      ch.gain.gain.setTargetAtTime(target, now, RAMP_S);
      ch.panner.pan.setTargetAtTime(ch.settings.pan, now, RAMP_S);
    }
  }

  setMasterDb(db: number): void {
    this.masterDb = db;
    if (this.ctx && this.master) this.master.gain.setTargetAtTime(dbToGain(db), this.ctx.currentTime, RAMP_S);
  }

  async close(): Promise<void> {
    this.pause();
    await this.ctx?.close();
    this.ctx = null;
  }

  private context(): AudioContext {
    if (this.ctx) return this.ctx;
    const ctx = new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: 'playback' });
    const master = ctx.createGain();
    master.gain.value = dbToGain(this.masterDb);
    master.connect(ctx.destination);
    this.ctx = ctx;
    this.master = master;
    this.channels = this.tracks.map((settings) => this.channel(ctx, master, settings));
    return ctx;
  }

  private channel(ctx: AudioContext, master: GainNode, settings: ChannelSettings): Channel {
    const gain = ctx.createGain();
    const panner = ctx.createStereoPanner();
    gain.gain.value = isAudible(settings, this.tracks) ? dbToGain(settings.gainDb) : 0;
    panner.pan.value = settings.pan;
    gain.connect(panner).connect(master);
    return { settings, gain, panner, sources: [], zero: 0, nextFrame: 0 };
  }

  /** A track added to the list after audio started (a part that became ready): give it a channel. */
  trackAdded(settings: ChannelSettings): void {
    if (this.ctx && this.master && !this.channels.some((c) => c.settings === settings)) this.channels.push(this.channel(this.ctx, this.master, settings));
  }

  /** A track's audio (or offset) changed while playing: (re)start it at the song's position. */
  restartTrack(settings: ChannelSettings): void {
    const ch = this.channels.find((c) => c.settings === settings);
    if (!ch || !this.playing || !this.ctx || this.ctx.state !== 'running') return;
    stopSource(ch);
    this.startSource(ch, this.startedAt);
  }

  private startSources(offset: number): void {
    const ctx = this.ctx!;
    const when = ctx.currentTime + START_AHEAD_S;
    this.offset = offset;
    this.startedAt = when - offset;
    for (const ch of this.channels) this.startSource(ch, this.startedAt);
    this.pump ??= setInterval(() => {
      for (const c of this.channels) this.schedule(c);
    }, PUMP_EVERY_MS);
  }

  /** Starts one track so its 0:00 plays at `zeroAt + offset` on the context clock. */
  private startSource(ch: Channel, zeroAt: number): void {
    const ctx = this.ctx!;
    const audio = ch.settings.buffer;
    if (!audio) return;
    const earliest = ctx.currentTime + 0.005;
    ch.zero = zeroAt + ch.settings.offsetMs / 1000;
    // Starting in the past means starting now, that far into the track.
    ch.nextFrame = Math.max(0, Math.ceil((earliest - ch.zero) * audio.sampleRate));
    this.schedule(ch);
  }

  /** Schedules the track's segments up to LOOKAHEAD_S ahead, each where the last one ends. */
  private schedule(ch: Channel): void {
    const ctx = this.ctx;
    const audio = ch.settings.buffer;
    if (!ctx || !audio || !this.playing) return;
    const horizon = ctx.currentTime + LOOKAHEAD_S;
    const segment = Math.round(SEGMENT_S * audio.sampleRate);
    while (ch.nextFrame < audio.length) {
      // Times come from the track's 0:00 and a whole frame count: no rounding builds up.
      const when = ch.zero + ch.nextFrame / audio.sampleRate;
      if (when > horizon) break;
      const frames = Math.min(segment, audio.length - ch.nextFrame);
      const source = ctx.createBufferSource();
      source.buffer = audio.segment(ch.nextFrame, frames);
      source.connect(ch.gain);
      source.onended = () => {
        const i = ch.sources.indexOf(source);
        if (i >= 0) ch.sources.splice(i, 1);
        source.disconnect();
      };
      // A timer that ran late (a busy or hidden tab): join in step, that far into the segment.
      const late = ctx.currentTime - when;
      if (late > 0) source.start(ctx.currentTime, late);
      else source.start(when);
      ch.sources.push(source);
      ch.nextFrame += frames;
    }
  }

  private stopSources(): void {
    for (const ch of this.channels) stopSource(ch);
    if (this.pump !== undefined) clearInterval(this.pump);
    this.pump = undefined;
  }
}

function stopSource(ch: Channel): void {
  for (const source of ch.sources) {
    source.onended = null;
    try {
      source.stop();
    } catch {
      // not started yet or already stopped
    }
    source.disconnect();
  }
  ch.sources = [];
}
