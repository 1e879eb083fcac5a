/**
 * What the mixer's controls do: transport (button, Space, timeline keys, click and drag),
 * per-track faders and buttons, and the author's "Save mix".
 */
import { showGain, showPan } from './mixer-view.js';
import { fetchNewestVersion, refreshMasterSections, saveMix, waitForVersion, type MasterVersion } from './mixer-save.js';
import type { MixerUi } from './mixer-ui.js';

const SEEK_STEP_S = 5;
/** Where Space keeps its own meaning: typing, or activating the focused control. */
const SPACE_IS_TAKEN = 'input:not([type="range"]), textarea, select, button, a, audio, video, summary, [contenteditable=""], [contenteditable="true"]';

export function bindTransport(ui: MixerUi): void {
  const { view, engine } = ui;
  view.play.addEventListener('click', () => void ui.togglePlay());

  document.addEventListener('keydown', (event) => {
    if (event.key !== ' ' || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
    if ((event.target as Element).closest(SPACE_IS_TAKEN)) return;
    event.preventDefault();
    void ui.togglePlay();
  });

  view.ruler.addEventListener('keydown', (event) => {
    const now = engine.position();
    const targets: Record<string, number> = {
      ArrowLeft: now - SEEK_STEP_S, ArrowDown: now - SEEK_STEP_S, ArrowRight: now + SEEK_STEP_S, ArrowUp: now + SEEK_STEP_S,
      PageDown: now - 30, PageUp: now + 30, Home: 0, End: engine.duration,
    };
    const to = targets[event.key];
    if (to === undefined) return;
    event.preventDefault();
    ui.seek(to);
  });

  scrubOn(ui, view.ruler);
  for (const t of ui.tracks) scrubOn(ui, t.view.lane);
}

/** Click or drag on the ruler or a waveform: the playhead follows, the audio jumps on release. */
function scrubOn(ui: MixerUi, el: HTMLElement): void {
  const timeAt = (event: PointerEvent) => {
    const box = el.getBoundingClientRect();
    return (Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)) || 0) * ui.engine.duration;
  };
  const move = (event: PointerEvent) => {
    ui.scrubbing = timeAt(event);
    ui.showPosition(ui.scrubbing);
  };
  el.addEventListener('pointerdown', (event) => {
    if (event.button !== 0 || ui.state === 'loading' || ui.state === 'error') return;
    el.setPointerCapture(event.pointerId);
    move(event);
  });
  el.addEventListener('pointermove', (event) => {
    if (ui.scrubbing !== null) move(event);
  });
  const finish = (event: PointerEvent) => {
    if (ui.scrubbing === null) return;
    const to = event.type === 'pointercancel' ? ui.engine.position() : timeAt(event);
    ui.scrubbing = null;
    ui.seek(to);
  };
  el.addEventListener('pointerup', finish);
  el.addEventListener('pointercancel', finish);
}

export function bindTrackControls(ui: MixerUi): void {
  const { engine, view } = ui;
  for (const t of ui.tracks) {
    const { gain, pan, mute, solo } = t.view;
    const setGain = (db: number) => {
      t.gainDb = db;
      showGain(gain, db);
      engine.applyLevels();
    };
    const setPan = (value: number) => {
      t.pan = value;
      showPan(pan, value);
      engine.applyLevels();
    };
    gain.input.addEventListener('input', () => setGain(Number(gain.input.value)));
    gain.input.addEventListener('dblclick', () => setGain(t.data.gainDb)); // back to where it started
    pan.input.addEventListener('input', () => setPan(Number(pan.input.value)));
    pan.input.addEventListener('dblclick', () => setPan(0));
    mute.addEventListener('click', () => {
      t.muted = !t.muted;
      ui.showLevels();
    });
    solo.addEventListener('click', () => {
      t.solo = !t.solo;
      ui.showLevels();
    });
  }
  view.master.input.addEventListener('input', () => {
    const db = Number(view.master.input.value);
    showGain(view.master, db);
    engine.setMasterDb(db);
  });
  view.reset.addEventListener('click', () => ui.reset());
}

/**
 * "Save mix" sends the levels of the tracks in the mix (solo and the master fader are for
 * listening only), then follows the master the worker renders until it is ready or failed.
 */
export function bindSave(ui: MixerUi): { followPending(): Promise<void> } | null {
  const button = ui.view.save;
  if (!button) return null;
  const { root, data } = ui;
  let followed = 0; // only the newest save reports in the status line

  async function follow(version: Pick<MasterVersion, 'id' | 'number'>): Promise<void> {
    const mine = ++followed;
    root.dataset.saveState = 'rendering';
    ui.say(`Rendering master v${version.number}…`);
    const done = await waitForVersion(data.versionsUrl, version.number);
    if (mine !== followed) return;
    if (!done) {
      root.dataset.saveState = 'slow';
      ui.say(`Master v${version.number} is still rendering. Reload the page in a while to hear it.`);
    } else if (done.status === 'failed') {
      root.dataset.saveState = 'failed';
      ui.say(`Master v${done.number} failed: ${done.failureReason ?? 'the server gave no reason.'}`, 'error');
    } else {
      await refreshMasterSections().catch(() => undefined);
      root.dataset.saveState = 'ready';
      ui.say(`Master v${done.number} is ready.`, 'ok');
    }
  }

  const save = async (): Promise<void> => {
    button.disabled = true;
    ui.say('Saving the mix…');
    const tracks = ui.tracks.filter((t) => t.data.included).map((t) => ({ trackId: t.trackId, gainDb: t.gainDb, pan: t.pan, muted: t.muted }));
    const outcome = await saveMix(data.saveUrl, tracks);
    button.disabled = false;
    if (!outcome.ok) {
      root.dataset.saveState = 'error';
      ui.say(outcome.message, 'error');
      return;
    }
    void follow(outcome.version);
  };
  button.addEventListener('click', () => void save());

  return {
    /** A master still rendering from an earlier save (the page was reloaded): follow it too. */
    async followPending() {
      const newest = await fetchNewestVersion(data.versionsUrl);
      if (newest?.status === 'rendering' && followed === 0) void follow(newest);
    },
  };
}
