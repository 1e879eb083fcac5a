/**
 * The mixer's state on the page: the tracks and their settings, the engine that plays
 * them, and what the screen shows (playhead, time, waveforms, status line).
 */
import { claimAudio, pauseWhenOtherStarts } from './player-focus.js';
import { OFFSET_MAX_MS, formatTime, type MixerData, type MixerTrackData } from './mixer-data.js';
import { MixerEngine, isAudible, loadAudio, type ChannelSettings } from './mixer-engine.js';
import { PAUSE_ICON, PLAY_ICON, buildMixer, drawTicks, setIcon, showGain, showInMix, showOffset, showPan, trackView, type MixerView, type TrackView } from './mixer-view.js';
import { drawPeaks, loadPeaks, peaksFromBuffer, type Peaks } from './mixer-waveform.js';
import { t as tr } from './i18n.js';

export interface TrackState extends ChannelSettings {
  data: MixerTrackData;
  view: TrackView;
  peaks: Peaks | null;
  /** In the master the author saves (the author track always is). */
  included: boolean;
  /** Its audio on the way (fetch + decode), so it is asked for once. */
  loading: Promise<void> | null;
}

/** What a save stores for one track; the mixer compares these to know if anything changed. */
export interface SavedSetting {
  trackId: string;
  gainDb: number;
  pan: number;
  muted: boolean;
  offsetMs: number;
  included: boolean;
}

/** One track of a saved version's recipe, as GET /posts/:id/versions/:number gives it. */
export interface RecipeEntry {
  trackId: string | null;
  gainDb: number;
  pan: number;
  muted: boolean;
  offsetMs: number;
  withdrawn: boolean;
}

/** At most this many tracks fetch and decode at once: a phone keeps its memory and network. */
const LOADS_AT_ONCE = 3;

export type MixerState = 'loading' | 'ready' | 'playing' | 'paused' | 'error';

const WAVE_COLOR = '#4a5166';
const WAVE_PLAYED_COLOR = '#ff6b3d';

/** A part outside the mix starts silent, so what plays is what the master will hold. */
const startsMuted = (t: MixerTrackData) => t.muted || !t.included;

export class MixerUi {
  readonly view: MixerView;
  readonly tracks: TrackState[];
  readonly engine: MixerEngine;
  state: MixerState = 'loading';
  /** Song time under the pointer while the playhead is dragged; null otherwise. */
  scrubbing: number | null = null;
  /** The version the mixer holds (saved or restored); null before the first save. */
  version: number | null;
  /** A master renders: no save until it is done. */
  rendering = false;
  /** Set once play was pressed: from then on, tracks that become audible load their audio. */
  audioWanted = false;
  private baseline: SavedSetting[] = [];
  private lastSecond = -1;
  private queue: Array<() => void> = [];
  private active = 0;
  /** Aborted when the page goes: every listener outside the mixer's own elements takes its signal. */
  readonly life = new AbortController();
  private readonly resize = new ResizeObserver(() => this.layout());
  private loaded = 0;
  private wanted = 0;

  constructor(
    readonly root: HTMLElement,
    readonly data: MixerData,
  ) {
    this.view = buildMixer(root, data);
    this.tracks = data.tracks.map((t, i) => trackState(t, this.view.tracks[i]!));
    this.version = data.version;
    this.engine = new MixerEngine(this.tracks, 0);
    this.engine.duration = this.timelineLength();
    this.markSaved();
    this.resize.observe(this.view.ruler);
    pauseWhenOtherStarts('mixer', () => this.pause(), this.life.signal);
  }

  /** Ends with the page (a Turbo visit away): listeners off, the AudioContext closed. */
  async dispose(): Promise<void> {
    this.life.abort();
    this.resize.disconnect();
    await this.engine.close();
  }

  pause(): void {
    if (!this.engine.isPlaying) return;
    this.engine.pause();
    this.setState('paused');
    this.frame();
  }

  // ---- what is saved -----------------------------------------------------------------------

  /** Exactly what the author hears, as the save sends it (solo is for listening only). */
  settings(): SavedSetting[] {
    return this.tracks.map((t) => ({ trackId: t.trackId, gainDb: t.gainDb, pan: t.pan, muted: t.muted, offsetMs: t.offsetMs, included: t.included }));
  }

  get dirty(): boolean {
    return JSON.stringify(this.settings()) !== JSON.stringify(this.baseline);
  }

  /** What the mixer holds now is saved (page load, a save, a restored version). */
  markSaved(): void {
    this.baseline = this.settings();
    this.showSaveState();
  }

  /** "Mixer: v2, unsaved changes", and whether "Save mix" can be pressed and why not. */
  showSaveState(): void {
    const dirty = this.dirty;
    const name = this.version === null ? tr('mixer.not_saved_yet') : tr('mixer.holds_version', { number: this.version });
    this.view.holds.textContent = dirty ? tr('mixer.unsaved_changes', { name }) : name;
    this.root.dataset.dirty = String(dirty);
    this.root.dataset.version = this.version === null ? '' : String(this.version);
    const save = this.view.save;
    if (!save) return;
    const reason = this.rendering ? tr('mixer.master_rendering') : this.state === 'error' ? '' : !dirty && this.version !== null ? tr('mixer.no_changes') : '';
    save.disabled = this.state === 'error' || reason !== '';
    this.view.saveReason.textContent = reason;
  }

  /** Puts a saved version's parts and levels into the mixer; parts not in it go out (muted). */
  applyRecipe(version: number, recipe: RecipeEntry[]): void {
    for (const t of this.tracks) {
      const r = recipe.find((e) => e.trackId === t.trackId && !e.withdrawn);
      if (r) Object.assign(t, { included: true, gainDb: r.gainDb, pan: r.pan, muted: r.muted, offsetMs: r.offsetMs });
      else Object.assign(t, { included: t.data.role === 'author', muted: t.data.role === 'author' ? t.muted : true });
      showGain(t.view.gain, t.gainDb);
      showPan(t.view.pan, t.pan);
      showOffset(t.view, t.offsetMs);
      showInMix(t.view, t.included);
    }
    this.version = version;
    this.timelineChanged();
    if (this.engine.isPlaying) this.engine.seek(this.engine.position()); // new offsets: restart in sync
    this.showLevels();
    this.markSaved();
  }

  setIncluded(t: TrackState, included: boolean): void {
    t.included = included;
    t.muted = !included;
    showInMix(t.view, included);
    this.timelineChanged();
    this.showLevels();
  }

  setOffset(t: TrackState, ms: number): void {
    const next = Math.round(Math.min(OFFSET_MAX_MS, Math.max(-OFFSET_MAX_MS, ms)));
    if (next === t.offsetMs && t.view.offset.value === String(next)) return;
    t.offsetMs = next;
    showOffset(t.view, next);
    this.timelineChanged();
    this.engine.restartTrack(t);
    this.showSaveState();
  }

  /** The timeline spans the longest track in the mix (with its offset), not every part. */
  timelineLength(): number {
    const inMix = this.tracks.filter((t) => t.included);
    return Math.max(0, ...(inMix.length ? inMix : this.tracks).map((t) => durationOf(t) + Math.max(0, t.offsetMs / 1000)));
  }

  private timelineChanged(): void {
    const next = this.timelineLength();
    if (Math.abs(next - this.engine.duration) > 0.001) {
      this.engine.duration = next;
      this.root.dataset.durationMs = String(Math.round(next * 1000));
      this.layout();
    } else {
      for (const t of this.tracks) this.layoutTrack(t);
    }
  }

  setState(next: MixerState): void {
    this.state = next;
    this.root.dataset.state = next;
    this.root.dataset.audioState = this.engine.contextState;
    const playing = next === 'playing';
    if (playing) claimAudio('mixer');
    this.view.play.setAttribute('aria-label', playing ? tr('mixer.pause') : tr('mixer.play'));
    setIcon(this.view.play, playing ? PAUSE_ICON : PLAY_ICON);
  }

  say(message: string, kind: 'info' | 'error' | 'ok' = 'info'): void {
    this.view.status.textContent = message;
    this.view.status.dataset.kind = kind;
    delete this.view.status.dataset.loadingAudio; // set again by showProgress when it is its line
  }

  // ---- transport ---------------------------------------------------------------------------

  async togglePlay(): Promise<void> {
    if (this.state === 'loading' || this.state === 'error') return;
    if (this.engine.isPlaying) return this.pause();
    if (!this.audioWanted) {
      this.audioWanted = true;
      const unlocking = this.engine.unlock(); // inside the gesture: the browser lets audio start
      this.setState('loading');
      await Promise.all(this.tracks.filter((t) => isAudible(t, this.tracks)).map((t) => this.wantAudio(t)));
      await unlocking.catch(() => undefined);
      if (!this.tracks.some((t) => t.buffer)) {
        this.setState('error');
        this.say(tr('mixer.tracks_failed'), 'error');
        return;
      }
      this.say('');
    }
    const starting = this.engine.play(); // synchronous up to ctx.resume(): still inside the gesture
    this.setState('playing');
    requestAnimationFrame(this.frame);
    try {
      await starting;
    } catch {
      this.setState('paused');
      this.say(tr('mixer.audio_blocked'), 'error');
    }
    this.root.dataset.audioState = this.engine.contextState;
  }

  seek(seconds: number): void {
    this.engine.seek(seconds);
    this.showPosition(this.engine.position());
  }

  /** One animation frame while playing: playhead, time, and the stop at the end. */
  readonly frame = (): void => {
    if (this.engine.checkEnded()) this.setState('paused');
    if (this.scrubbing === null) this.showPosition(this.engine.position());
    this.root.dataset.audioState = this.engine.contextState;
    if (this.engine.isPlaying) requestAnimationFrame(this.frame);
  };

  // ---- levels ------------------------------------------------------------------------------

  /** Mute/solo buttons and dimmed lanes follow the settings; the engine re-reads them. */
  showLevels(): void {
    for (const t of this.tracks) {
      t.view.mute.setAttribute('aria-pressed', String(t.muted));
      t.view.solo.setAttribute('aria-pressed', String(t.solo));
      const audible = isAudible(t, this.tracks);
      t.view.row.classList.toggle('is-silent', !audible);
      if (audible && this.audioWanted) void this.wantAudio(t);
    }
    this.engine.applyLevels();
    this.showSaveState();
  }

  /** Back to what the mixer holds (the version saved or restored last). */
  reset(): void {
    for (const t of this.tracks) {
      const saved = this.baseline.find((b) => b.trackId === t.trackId)!;
      Object.assign(t, { gainDb: saved.gainDb, pan: saved.pan, muted: saved.muted, included: saved.included, offsetMs: saved.offsetMs, solo: false });
      showGain(t.view.gain, t.gainDb);
      showPan(t.view.pan, t.pan);
      showOffset(t.view, t.offsetMs);
      showInMix(t.view, t.included);
    }
    this.timelineChanged();
    if (this.engine.isPlaying) this.engine.seek(this.engine.position());
    showGain(this.view.master, 0);
    this.engine.setMasterDb(0);
    this.showLevels();
  }

  /**
   * A part that finished processing while the page was open joins the mixer as the page
   * would have shown it (outside the mix, muted, unless a saved mix holds it). What the
   * mixer holds does not change: the new part is part of the saved state, not an edit.
   */
  async addTrack(data: MixerTrackData): Promise<TrackState | null> {
    const known = this.tracks.find((t) => t.trackId === data.trackId);
    if (known) {
      // A track that was still processing (the author's) now has its waveform.
      if (!known.peaks && !known.data.peaksUrl && data.peaksUrl) {
        known.peaks = await loadPeaks(data.peaksUrl).catch(() => null);
        if (known.peaks) known.view.message.textContent = '';
        this.layoutTrack(known);
      }
      return null;
    }
    const view = trackView(data, this.data.canSave);
    const t = trackState(data, view);
    this.view.tracks.push(view);
    this.view.list.append(view.row);
    this.tracks.push(t);
    this.engine.trackAdded(t);
    // Same order as settings(): the new part is saved state, so "unsaved changes" stays as it was.
    this.baseline.push({ trackId: t.trackId, gainDb: t.gainDb, pan: t.pan, muted: t.muted, offsetMs: t.offsetMs, included: t.included });
    t.peaks = data.peaksUrl ? await loadPeaks(data.peaksUrl).catch(() => null) : null;
    view.message.textContent = t.peaks ? '' : tr('mixer.waveform_later');
    this.timelineChanged();
    this.layoutTrack(t);
    this.showLevels();
    return t;
  }

  // ---- drawing -----------------------------------------------------------------------------

  showPosition(seconds: number): void {
    const { duration } = this.engine;
    this.root.style.setProperty('--pos', String(duration ? seconds / duration : 0));
    this.root.dataset.positionMs = String(Math.round(seconds * 1000));
    const whole = Math.floor(seconds);
    if (whole === this.lastSecond) return;
    this.lastSecond = whole;
    this.view.time.textContent = `${formatTime(seconds)} / ${formatTime(duration)}`;
    this.view.ruler.setAttribute('aria-valuenow', String(whole));
    this.view.ruler.setAttribute('aria-valuetext', tr('mixer.position', { time: formatTime(seconds), duration: formatTime(duration) }));
  }

  layout(): void {
    this.view.ruler.setAttribute('aria-valuemax', String(Math.floor(this.engine.duration)));
    // Comment markers (client/comments.ts) sit at their moment by CSS from these two values.
    this.root.style.setProperty('--duration-s', String(this.engine.duration || 1));
    drawTicks(this.view.ticks, this.engine.duration);
    for (const t of this.tracks) this.layoutTrack(t);
    this.lastSecond = -1;
    this.showPosition(this.scrubbing ?? this.engine.position());
  }

  /** A track's waveform spans its own length on the shared timeline, moved by its offset. */
  layoutTrack(t: TrackState): void {
    const { duration } = this.engine;
    const lane = t.view.lane.clientWidth;
    const share = duration ? durationOf(t) / duration : 1;
    const width = `${Math.round(lane * share)}px`;
    const left = `${Math.round(duration ? (lane * t.offsetMs) / 1000 / duration : 0)}px`;
    t.view.lane.style.setProperty('--offset-s', String(t.offsetMs / 1000));
    for (const canvas of [t.view.wave, t.view.waveHot]) {
      canvas.style.width = width;
      canvas.style.left = left;
    }
    if (!t.peaks) return;
    drawPeaks(t.view.wave, t.peaks, WAVE_COLOR);
    drawPeaks(t.view.waveHot, t.peaks, WAVE_PLAYED_COLOR);
  }

  // ---- loading -----------------------------------------------------------------------------

  /**
   * Draws the waveforms from the server's peaks; no audio is fetched until the first play
   * (a phone opening the page downloads a few kilobytes per part, not the parts).
   */
  async load(): Promise<void> {
    this.setState('loading');
    this.root.dataset.durationMs = String(Math.round(this.engine.duration * 1000));
    this.showLevels();
    this.layout();
    await Promise.all(
      this.tracks.map(async (t) => {
        t.peaks = t.data.peaksUrl ? await loadPeaks(t.data.peaksUrl).catch(() => null) : null;
        t.view.message.textContent = t.peaks ? '' : tr('mixer.waveform_later');
        this.layoutTrack(t);
      }),
    );
    this.view.play.disabled = false;
    this.setState('ready');
    this.showSaveState();
  }

  /** Asks for a track's audio: queued, at most LOADS_AT_ONCE fetching and decoding at a time. */
  wantAudio(t: TrackState): Promise<void> {
    if (!this.audioWanted) return Promise.resolve();
    t.loading ??= new Promise<void>((resolve) => {
      this.wanted++;
      this.queue.push(() => {
        void this.loadTrack(t).finally(resolve);
      });
      queueMicrotask(() => this.pump()); // after every track asked at once is counted

    });
    return t.loading;
  }

  private pump(): void {
    while (this.active < LOADS_AT_ONCE && this.queue.length) {
      this.active++;
      this.queue.shift()!();
    }
  }

  private showProgress(): void {
    const wanted = this.wanted;
    this.root.dataset.loadedTracks = String(this.loaded);
    if (this.loaded < wanted) {
      this.say(tr('mixer.loading_audio', { loaded: this.loaded, wanted }));
      this.view.status.dataset.loadingAudio = '';
    } else if (this.state === 'loading' || this.view.status.dataset.loadingAudio !== undefined) this.say('');
  }

  private async loadTrack(t: TrackState): Promise<void> {
    t.view.message.textContent = tr('mixer.loading_percent', { percent: 0 });
    this.showProgress();
    try {
      t.buffer = await loadAudio(t.data.streamUrl, (share) => {
        t.view.message.textContent = share < 1 ? tr('mixer.loading_percent', { percent: Math.round(share * 100) }) : tr('mixer.decoding');
      });
      t.view.message.textContent = '';
      if (!t.peaks) {
        t.peaks = peaksFromBuffer(t.buffer);
        this.layoutTrack(t);
      }
      this.engine.restartTrack(t); // joins a song already playing, in sync
    } catch {
      t.view.message.textContent = tr('mixer.track_failed');
      t.view.row.classList.add('has-error');
    } finally {
      this.active--;
      this.loaded++;
      this.showProgress();
      this.pump();
    }
  }
}

function trackState(t: MixerTrackData, view: TrackView): TrackState {
  return { data: t, view, trackId: t.trackId, gainDb: t.gainDb, pan: t.pan, muted: startsMuted(t), solo: false, offsetMs: t.offsetMs, included: t.included, buffer: null, peaks: null, loading: null };
}

function durationOf(t: Pick<TrackState, 'buffer' | 'data'>): number {
  return t.buffer?.duration ?? (t.data.durationMs ?? 0) / 1000;
}
