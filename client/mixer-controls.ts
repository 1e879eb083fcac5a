/**
 * What the mixer's controls do: transport (button, Space, timeline keys, click and drag),
 * per-track faders, buttons and offsets, the author's in/out switch and "Save mix", and
 * "Make this the master" on an older version (which loads it into the mixer).
 */
import { showGain, showPan } from './mixer-view.js';
import { audioFocus } from './player-focus.js';
import { fetchNewestVersion, fetchVersion, makeCurrent, refreshMasterSections, saveMix, waitForVersion, type MasterVersion } from './mixer-save.js';
import type { MixerUi, TrackState } from './mixer-ui.js';
import { t } from './i18n.js';

const OFFSET_STEP_MS = 10;

const SEEK_STEP_S = 5;
/** Where Space keeps its own meaning: typing, or activating the focused control. */
const SPACE_IS_TAKEN = 'input:not([type="range"]), textarea, select, button, a, audio, video, summary, [contenteditable=""], [contenteditable="true"]';

export function bindTransport(ui: MixerUi): void {
  const { view, engine } = ui;
  view.play.addEventListener('click', () => void ui.togglePlay());

  document.addEventListener('keydown', (event) => {
    if (event.key !== ' ' || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
    if ((event.target as Element).closest(SPACE_IS_TAKEN)) return;
    if (audioFocus() === 'player') return; // the site's player played last: Space is its (client/player-keys.ts)
    event.preventDefault();
    void ui.togglePlay();
  }, { signal: ui.life.signal });

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
  for (const t of ui.tracks) bindTrackTransport(ui, t);
}

/** A track's lane: seek by click, move in time by Shift-drag or arrow keys. */
export function bindTrackTransport(ui: MixerUi, t: TrackState): void {
  nudgeOn(ui, t);
  scrubOn(ui, t.view.lane);
}

/** Shift-drag on a waveform moves the part in time; arrow keys on the lane move it 10 ms (Shift: 100 ms). */
function nudgeOn(ui: MixerUi, t: TrackState): void {
  const lane = t.view.lane;
  let from: { x: number; offsetMs: number } | null = null;
  lane.addEventListener('pointerdown', (event) => {
    if (!event.shiftKey || event.button !== 0) return;
    event.stopImmediatePropagation(); // not a seek
    lane.setPointerCapture(event.pointerId);
    from = { x: event.clientX, offsetMs: t.offsetMs };
  });
  lane.addEventListener('pointermove', (event) => {
    if (!from) return;
    event.stopImmediatePropagation();
    const msPerPx = (ui.engine.duration * 1000) / Math.max(1, lane.clientWidth);
    ui.setOffset(t, Math.round(((event.clientX - from.x) * msPerPx + from.offsetMs) / OFFSET_STEP_MS) * OFFSET_STEP_MS);
  });
  const end = (event: PointerEvent) => {
    if (!from) return;
    event.stopImmediatePropagation();
    from = null;
  };
  lane.addEventListener('pointerup', end);
  lane.addEventListener('pointercancel', end);
  lane.addEventListener('keydown', (event) => {
    const step = event.shiftKey ? 10 * OFFSET_STEP_MS : OFFSET_STEP_MS;
    const by: Record<string, number> = { ArrowLeft: -step, ArrowDown: -step, ArrowRight: step, ArrowUp: step };
    if (event.key === 'Home') {
      event.preventDefault();
      ui.setOffset(t, 0);
    } else if (by[event.key] !== undefined) {
      event.preventDefault();
      ui.setOffset(t, t.offsetMs + by[event.key]!);
    }
  });
  t.view.offset.addEventListener('change', () => {
    const ms = Number(t.view.offset.value);
    ui.setOffset(t, Number.isFinite(ms) ? ms : t.offsetMs);
  });
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
  for (const t of ui.tracks) bindTrack(ui, t);
  view.master.input.addEventListener('input', () => {
    const db = Number(view.master.input.value);
    showGain(view.master, db);
    engine.setMasterDb(db);
  });
  view.reset.addEventListener('click', () => ui.reset());
}

/** One track's faders and buttons. */
export function bindTrack(ui: MixerUi, t: TrackState): void {
  const { engine } = ui;
  const { gain, pan, mute, solo } = t.view;
  const setGain = (db: number) => {
    t.gainDb = db;
    showGain(gain, db);
    engine.applyLevels();
    ui.showSaveState();
  };
  const setPan = (value: number) => {
    t.pan = value;
    showPan(pan, value);
    engine.applyLevels();
    ui.showSaveState();
  };
  t.view.inMix?.addEventListener('click', () => ui.setIncluded(t, !t.included));
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

/**
 * "Save mix" sends every track's levels, offset and whether it is in the mix (solo and the
 * master fader are for listening only), then follows the master the worker renders until it
 * is ready or failed. Leaving with unsaved changes asks first.
 */
export function bindSave(ui: MixerUi): { followPending(): Promise<void> } | null {
  const button = ui.view.save;
  if (!button) return null;
  const { root, data } = ui;
  let followed = 0; // only the newest save reports in the status line

  window.addEventListener('beforeunload', (event) => {
    if (ui.dirty) event.preventDefault();
  }, { signal: ui.life.signal });
  // A Turbo visit away does not unload the page: ask the same question ourselves.
  document.addEventListener('turbo:before-visit', (event) => {
    if (ui.dirty && !window.confirm(t('mixer.confirm_leave'))) event.preventDefault();
  }, { signal: ui.life.signal });

  async function follow(version: Pick<MasterVersion, 'id' | 'number'>): Promise<void> {
    const mine = ++followed;
    root.dataset.saveState = 'rendering';
    ui.rendering = true;
    ui.showSaveState();
    ui.say(t('mixer.rendering', { number: version.number }));
    const done = await waitForVersion(data.versionsUrl, version.number);
    if (mine !== followed) return;
    ui.rendering = false;
    ui.showSaveState();
    if (!done) {
      root.dataset.saveState = 'slow';
      ui.say(t('mixer.still_rendering', { number: version.number }));
    } else if (done.status === 'failed') {
      root.dataset.saveState = 'failed';
      ui.say(t('mixer.render_failed', { number: done.number, reason: done.failureReason ?? t('mixer.no_reason') }), 'error');
    } else {
      await refreshMasterSections().catch(() => undefined);
      root.dataset.saveState = 'ready';
      ui.say(t('mixer.render_ready', { number: done.number }), 'ok');
    }
  }

  const save = async (): Promise<void> => {
    button.disabled = true;
    ui.say(t('mixer.saving'));
    const sent = ui.settings();
    const outcome = await saveMix(data.saveUrl, sent);
    if (!outcome.ok) {
      root.dataset.saveState = 'error';
      ui.showSaveState();
      ui.say(outcome.message, 'error');
      return;
    }
    ui.version = outcome.version.number;
    ui.markSaved();
    void follow(outcome.version);
  };
  button.addEventListener('click', () => void save());

  // "Make this the master" on an older version: the server switches, the mixer loads its recipe.
  document.addEventListener('submit', (event) => {
    const form = (event.target as Element).closest<HTMLFormElement>('form[data-make-current]');
    if (!form) return;
    event.preventDefault();
    const number = Number(form.dataset.makeCurrent);
    if (ui.dirty && !window.confirm(t('mixer.confirm_load', { number }))) return;
    void (async () => {
      ui.say(t('mixer.making_master', { number }));
      const made = await makeCurrent(form.action);
      const version = made.ok ? await fetchVersion(data.versionsUrl, number) : null;
      if (!made.ok || !version) {
        ui.say(made.ok ? t('mixer.is_master_reload', { number }) : made.message, 'error');
        return;
      }
      ui.applyRecipe(number, version.recipe);
      await refreshMasterSections().catch(() => undefined);
      ui.say(t('mixer.is_master_again', { number }), 'ok');
    })();
  }, { signal: ui.life.signal });

  return {
    /** A master still rendering from an earlier save (the page was reloaded): follow it too. */
    async followPending() {
      const newest = await fetchNewestVersion(data.versionsUrl);
      if (newest?.status === 'rendering' && followed === 0) void follow(newest);
    },
  };
}
