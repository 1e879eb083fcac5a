/**
 * The mixer on the post page: every track on one timeline, played in sync through the
 * Web Audio API, with gain, pan, mute and solo per track, a master fader and transport.
 * The author saves the settings (a new master version renders on the server); everyone
 * else gets a private playground.
 *
 * Read-only hooks for tests and tools: `#mixer[data-state]` is loading | ready | playing |
 * paused | error, `data-position-ms`, `data-duration-ms`, `data-audio-state` (the
 * AudioContext's state), and `window.soundhubMixer` with the same values as getters.
 */
import { formatTime, readMixerData, type MixerTrackData } from './mixer-data.js';
import { MixerEngine, isAudible, loadAudio, type ChannelSettings } from './mixer-engine.js';
import { fetchVersions, refreshMasterSections, saveMix, waitForVersion, type MasterVersion } from './mixer-save.js';
import { PAUSE_ICON, PLAY_ICON, buildMixer, drawTicks, setIcon, showGain, showPan, type TrackView } from './mixer-view.js';
import { drawPeaks, loadPeaks, peaksFromBuffer, type Peaks } from './mixer-waveform.js';

interface TrackState extends ChannelSettings {
  data: MixerTrackData;
  view: TrackView;
  peaks: Peaks | null;
}

type MixerState = 'loading' | 'ready' | 'playing' | 'paused' | 'error';

const SEEK_STEP_S = 5;
const WAVE_COLOR = '#4a5166';
const WAVE_PLAYED_COLOR = '#ff6b3d';

function start(root: HTMLElement): void {
  const data = readMixerData(root);
  if (!data) {
    root.dataset.state = 'error';
    return;
  }
  const view = buildMixer(root, data);
  const tracks: TrackState[] = data.tracks.map((t, i) => ({
    data: t,
    view: view.tracks[i]!,
    trackId: t.trackId,
    gainDb: t.gainDb,
    pan: t.pan,
    // A part outside the mix starts silent, so what plays is what the master will hold.
    muted: t.muted || !t.included,
    solo: false,
    buffer: null,
    peaks: null,
  }));
  const durationOf = (t: TrackState) => t.buffer?.duration ?? (t.data.durationMs ?? 0) / 1000;
  const engine = new MixerEngine(tracks, Math.max(0, ...tracks.map(durationOf)));
  let state: MixerState = 'loading';
  let scrubbing: number | null = null; // song time under the pointer while dragging

  const setState = (next: MixerState) => {
    state = next;
    root.dataset.state = next;
    root.dataset.audioState = engine.contextState;
    const playing = next === 'playing';
    view.play.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    setIcon(view.play, playing ? PAUSE_ICON : PLAY_ICON);
  };
  const say = (message: string, kind: 'info' | 'error' | 'ok' = 'info') => {
    view.status.textContent = message;
    view.status.dataset.kind = kind;
  };

  // ---- drawing ---------------------------------------------------------------------------
  let lastSecond = -1;
  function showPosition(seconds: number): void {
    const duration = engine.duration;
    root.style.setProperty('--pos', String(duration ? seconds / duration : 0));
    root.dataset.positionMs = String(Math.round(seconds * 1000));
    const whole = Math.floor(seconds);
    if (whole !== lastSecond) {
      lastSecond = whole;
      view.time.textContent = `${formatTime(seconds)} / ${formatTime(duration)}`;
      view.ruler.setAttribute('aria-valuenow', String(whole));
      view.ruler.setAttribute('aria-valuetext', `${formatTime(seconds)} of ${formatTime(duration)}`);
    }
  }

  function layoutTrack(t: TrackState): void {
    const laneWidth = t.view.lane.clientWidth;
    const share = engine.duration ? Math.min(1, durationOf(t) / engine.duration) : 1;
    const width = `${Math.round(laneWidth * share)}px`;
    t.view.wave.style.width = width;
    t.view.waveHot.style.width = width;
    if (!t.peaks) return;
    drawPeaks(t.view.wave, t.peaks, WAVE_COLOR);
    drawPeaks(t.view.waveHot, t.peaks, WAVE_PLAYED_COLOR);
  }

  function layout(): void {
    view.ruler.setAttribute('aria-valuemax', String(Math.floor(engine.duration)));
    drawTicks(view.ticks, engine.duration);
    for (const t of tracks) layoutTrack(t);
    lastSecond = -1;
    showPosition(scrubbing ?? engine.position());
  }
  new ResizeObserver(() => layout()).observe(view.ruler);

  function frame(): void {
    if (engine.checkEnded()) setState('paused');
    if (scrubbing === null) showPosition(engine.position());
    root.dataset.audioState = engine.contextState;
    if (engine.isPlaying) requestAnimationFrame(frame);
  }

  // ---- transport -------------------------------------------------------------------------
  async function togglePlay(): Promise<void> {
    if (state === 'loading' || state === 'error') return;
    if (engine.isPlaying) {
      engine.pause();
      setState('paused');
      frame();
      return;
    }
    const playing = engine.play();
    setState('playing');
    requestAnimationFrame(frame);
    try {
      await playing;
    } catch {
      setState('paused');
      say('This browser would not start the audio. Press play again.', 'error');
    }
    root.dataset.audioState = engine.contextState;
  }

  function seek(seconds: number): void {
    engine.seek(seconds);
    showPosition(engine.position());
  }

  view.play.addEventListener('click', () => void togglePlay());

  document.addEventListener('keydown', (event) => {
    if (event.key !== ' ' || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement;
    // Space keeps its own meaning in text fields and on anything it already activates.
    if (target.closest('input:not([type="range"]), textarea, select, button, a, audio, video, summary, [contenteditable=""], [contenteditable="true"]')) return;
    event.preventDefault();
    void togglePlay();
  });

  view.ruler.addEventListener('keydown', (event) => {
    const now = engine.position();
    const to: Record<string, number> = {
      ArrowLeft: now - SEEK_STEP_S, ArrowDown: now - SEEK_STEP_S, ArrowRight: now + SEEK_STEP_S, ArrowUp: now + SEEK_STEP_S,
      PageDown: now - 30, PageUp: now + 30, Home: 0, End: engine.duration,
    };
    const target = to[event.key];
    if (target === undefined) return;
    event.preventDefault();
    seek(target);
  });

  // Click or drag on the ruler or any waveform: the playhead follows, the audio jumps on release.
  function scrubOn(el: HTMLElement): void {
    const timeAt = (event: PointerEvent) => {
      const box = el.getBoundingClientRect();
      return (Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)) || 0) * engine.duration;
    };
    el.addEventListener('pointerdown', (event) => {
      if (event.button !== 0 || state === 'loading') return;
      el.setPointerCapture(event.pointerId);
      scrubbing = timeAt(event);
      showPosition(scrubbing);
    });
    el.addEventListener('pointermove', (event) => {
      if (scrubbing === null) return;
      scrubbing = timeAt(event);
      showPosition(scrubbing);
    });
    const finish = (event: PointerEvent) => {
      if (scrubbing === null) return;
      const to = event.type === 'pointercancel' ? engine.position() : timeAt(event);
      scrubbing = null;
      seek(to);
    };
    el.addEventListener('pointerup', finish);
    el.addEventListener('pointercancel', finish);
  }
  scrubOn(view.ruler);
  for (const t of tracks) scrubOn(t.view.lane);

  // ---- per-track controls ----------------------------------------------------------------
  function showLevels(): void {
    for (const t of tracks) {
      t.view.mute.setAttribute('aria-pressed', String(t.muted));
      t.view.solo.setAttribute('aria-pressed', String(t.solo));
      t.view.row.classList.toggle('is-silent', !isAudible(t, tracks));
    }
    engine.applyLevels();
  }

  for (const t of tracks) {
    const { gain, pan, mute, solo } = t.view;
    gain.input.addEventListener('input', () => {
      t.gainDb = Number(gain.input.value);
      showGain(gain, t.gainDb);
      engine.applyLevels();
    });
    gain.input.addEventListener('dblclick', () => {
      t.gainDb = t.data.gainDb;
      showGain(gain, t.gainDb);
      engine.applyLevels();
    });
    pan.input.addEventListener('input', () => {
      t.pan = Number(pan.input.value);
      showPan(pan, t.pan);
      engine.applyLevels();
    });
    pan.input.addEventListener('dblclick', () => {
      t.pan = 0;
      showPan(pan, 0);
      engine.applyLevels();
    });
    mute.addEventListener('click', () => {
      t.muted = !t.muted;
      showLevels();
    });
    solo.addEventListener('click', () => {
      t.solo = !t.solo;
      showLevels();
    });
  }

  view.master.input.addEventListener('input', () => {
    const db = Number(view.master.input.value);
    showGain(view.master, db);
    engine.setMasterDb(db);
  });

  view.reset.addEventListener('click', () => {
    for (const t of tracks) {
      Object.assign(t, { gainDb: t.data.gainDb, pan: t.data.pan, muted: t.data.muted || !t.data.included, solo: false });
      showGain(t.view.gain, t.gainDb);
      showPan(t.view.pan, t.pan);
    }
    showGain(view.master, 0);
    engine.setMasterDb(0);
    showLevels();
  });

  // ---- save and the master it renders -----------------------------------------------------
  let followed = 0; // only the newest save reports in the status line
  async function follow(version: Pick<MasterVersion, 'id' | 'number'>): Promise<void> {
    const mine = ++followed;
    root.dataset.saveState = 'rendering';
    say(`Rendering master v${version.number}…`);
    const done = await waitForVersion(data!.versionsUrl, version.id);
    if (mine !== followed) return;
    if (!done) {
      root.dataset.saveState = 'slow';
      say(`Master v${version.number} is still rendering. Reload the page in a while to hear it.`);
    } else if (done.status === 'failed') {
      root.dataset.saveState = 'failed';
      say(`Master v${done.number} failed: ${done.failureReason ?? 'the server gave no reason'}`, 'error');
    } else {
      await refreshMasterSections().catch(() => undefined);
      root.dataset.saveState = 'ready';
      say(`Master v${done.number} is ready.`, 'ok');
    }
  }

  const saveButton = view.save;
  saveButton?.addEventListener('click', async () => {
    saveButton.disabled = true;
    say('Saving the mix…');
    const outcome = await saveMix(
      data.saveUrl,
      tracks.filter((t) => t.data.included).map((t) => ({ trackId: t.trackId, gainDb: t.gainDb, pan: t.pan, muted: t.muted })),
    );
    saveButton.disabled = false;
    if (!outcome.ok) {
      root.dataset.saveState = 'error';
      say(outcome.message, 'error');
      return;
    }
    void follow(outcome.version);
  });

  // ---- loading ------------------------------------------------------------------------------
  async function loadTrack(t: TrackState): Promise<void> {
    const peaks = t.data.peaksUrl ? loadPeaks(t.data.peaksUrl).catch(() => null) : Promise.resolve(null);
    void peaks.then((p) => {
      if (p && !t.peaks) {
        t.peaks = p;
        layoutTrack(t);
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

  say(`Loading ${tracks.length === 1 ? 'the track' : `${tracks.length} tracks`}…`);
  setState('loading');
  showLevels();
  layout();
  void Promise.all(tracks.map(loadTrack)).then(async () => {
    if (!tracks.some((t) => t.buffer)) {
      setState('error');
      say('The tracks could not be loaded. Reload the page to try again.', 'error');
      return;
    }
    engine.duration = Math.max(...tracks.map(durationOf));
    root.dataset.durationMs = String(Math.round(engine.duration * 1000));
    layout();
    view.play.disabled = false;
    if (saveButton) saveButton.disabled = false;
    setState('ready');
    say('');
    // A master still rendering from an earlier visit: keep following it.
    if (data.canSave && data.versionsUrl) {
      const newest = (await fetchVersions(data.versionsUrl))?.versions[0];
      if (newest?.status === 'rendering' && followed === 0) void follow(newest);
    }
  });

  const hook = {
    get state() { return state; },
    get positionMs() { return Math.round(engine.position() * 1000); },
    get durationMs() { return Math.round(engine.duration * 1000); },
    get audioState() { return engine.contextState; },
  };
  Object.defineProperty(window, 'soundhubMixer', { value: Object.freeze(hook), configurable: true });
}

const root = document.getElementById('mixer');
if (root) start(root);
