/**
 * The mixer's state on the page: the tracks and their settings, the engine that plays
 * them, and what the screen shows (playhead, time, waveforms, status line).
 */
import { formatTime, type MixerData, type MixerTrackData } from './mixer-data.js';
import { MixerEngine, isAudible, loadAudio, type ChannelSettings } from './mixer-engine.js';
import { PAUSE_ICON, PLAY_ICON, buildMixer, drawTicks, setIcon, showGain, showPan, type MixerView, type TrackView } from './mixer-view.js';
import { drawPeaks, loadPeaks, peaksFromBuffer, type Peaks } from './mixer-waveform.js';

export interface TrackState extends ChannelSettings {
  data: MixerTrackData;
  view: TrackView;
  peaks: Peaks | null;
}

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
  private lastSecond = -1;

  constructor(
    readonly root: HTMLElement,
    readonly data: MixerData,
  ) {
    this.view = buildMixer(root, data);
    this.tracks = data.tracks.map((t, i) => ({
      data: t,
      view: this.view.tracks[i]!,
      trackId: t.trackId,
      gainDb: t.gainDb,
      pan: t.pan,
      muted: startsMuted(t),
      solo: false,
      buffer: null,
      peaks: null,
    }));
    this.engine = new MixerEngine(this.tracks, Math.max(0, ...this.tracks.map(durationOf)));
    new ResizeObserver(() => this.layout()).observe(this.view.ruler);
  }

  setState(next: MixerState): void {
    this.state = next;
    this.root.dataset.state = next;
    this.root.dataset.audioState = this.engine.contextState;
    const playing = next === 'playing';
    this.view.play.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    setIcon(this.view.play, playing ? PAUSE_ICON : PLAY_ICON);
  }

  say(message: string, kind: 'info' | 'error' | 'ok' = 'info'): void {
    this.view.status.textContent = message;
    this.view.status.dataset.kind = kind;
  }

  // ---- transport ---------------------------------------------------------------------------

  async togglePlay(): Promise<void> {
    if (this.state === 'loading' || this.state === 'error') return;
    if (this.engine.isPlaying) {
      this.engine.pause();
      this.setState('paused');
      this.frame();
      return;
    }
    const starting = this.engine.play(); // synchronous up to ctx.resume(): still inside the gesture
    this.setState('playing');
    requestAnimationFrame(this.frame);
    try {
      await starting;
    } catch {
      this.setState('paused');
      this.say('This browser would not start the audio. Press play again.', 'error');
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
      t.view.row.classList.toggle('is-silent', !isAudible(t, this.tracks));
    }
    this.engine.applyLevels();
  }

  /** Back to the levels the page loaded with. */
  reset(): void {
    for (const t of this.tracks) {
      Object.assign(t, { gainDb: t.data.gainDb, pan: t.data.pan, muted: startsMuted(t.data), solo: false });
      showGain(t.view.gain, t.gainDb);
      showPan(t.view.pan, t.pan);
    }
    showGain(this.view.master, 0);
    this.engine.setMasterDb(0);
    this.showLevels();
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
    this.view.ruler.setAttribute('aria-valuetext', `${formatTime(seconds)} of ${formatTime(duration)}`);
  }

  layout(): void {
    this.view.ruler.setAttribute('aria-valuemax', String(Math.floor(this.engine.duration)));
    drawTicks(this.view.ticks, this.engine.duration);
    for (const t of this.tracks) this.layoutTrack(t);
    this.lastSecond = -1;
    this.showPosition(this.scrubbing ?? this.engine.position());
  }

  /** A track's waveform spans its own length on the shared timeline (all start at 0:00). */
  private layoutTrack(t: TrackState): void {
    const share = this.engine.duration ? Math.min(1, durationOf(t) / this.engine.duration) : 1;
    const width = `${Math.round(t.view.lane.clientWidth * share)}px`;
    t.view.wave.style.width = width;
    t.view.waveHot.style.width = width;
    if (!t.peaks) return;
    drawPeaks(t.view.wave, t.peaks, WAVE_COLOR);
    drawPeaks(t.view.waveHot, t.peaks, WAVE_PLAYED_COLOR);
  }

  // ---- loading -----------------------------------------------------------------------------

  /** Fetches and decodes every track; waveforms show as soon as their peaks arrive. */
  async load(): Promise<void> {
    this.say(`Loading ${this.tracks.length === 1 ? 'the track' : `${this.tracks.length} tracks`}…`);
    this.setState('loading');
    this.showLevels();
    this.layout();
    await Promise.all(this.tracks.map((t) => this.loadTrack(t)));
    if (!this.tracks.some((t) => t.buffer)) {
      this.setState('error');
      this.say('The tracks could not be loaded. Reload the page to try again.', 'error');
      return;
    }
    this.engine.duration = Math.max(...this.tracks.map(durationOf));
    this.root.dataset.durationMs = String(Math.round(this.engine.duration * 1000));
    this.layout();
    this.view.play.disabled = false;
    if (this.view.save) this.view.save.disabled = false;
    this.setState('ready');
    this.say('');
  }

  private async loadTrack(t: TrackState): Promise<void> {
    const peaks = t.data.peaksUrl ? loadPeaks(t.data.peaksUrl).catch(() => null) : Promise.resolve(null);
    void peaks.then((p) => {
      if (p && !t.peaks) {
        t.peaks = p;
        this.layoutTrack(t);
      }
    });
    try {
      t.buffer = await loadAudio(t.data.streamUrl);
    } catch {
      t.view.message.textContent = 'This track could not be loaded.';
      t.view.row.classList.add('has-error');
      return;
    }
    t.peaks ??= (await peaks) ?? peaksFromBuffer(t.buffer);
    t.view.message.textContent = '';
  }
}

function durationOf(t: TrackState): number {
  return t.buffer?.duration ?? (t.data.durationMs ?? 0) / 1000;
}
