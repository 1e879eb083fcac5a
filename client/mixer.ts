/**
 * The mixer on the post page: every track on one timeline, played in sync through the
 * Web Audio API, with gain, pan, mute and solo per track, a master fader and transport.
 * The author saves the settings (a new master version renders on the server); everyone
 * else gets a private playground.
 *
 * Read-only hooks for tests and tools: `#mixer[data-state]` is loading | ready | playing |
 * paused | error; `data-position-ms`, `data-duration-ms`, `data-audio-state` (the
 * AudioContext's state, "none" before the first play) and `data-save-state` (rendering |
 * ready | failed | slow | error); `window.soundhubMixer` has the same values as getters.
 */
import { drawCommentMarkers, startComments } from './comments.js';
import { bindSave, bindTrack, bindTrackControls, bindTrackTransport, bindTransport } from './mixer-controls.js';
import { parseTrack, readMixerData } from './mixer-data.js';
import { MixerUi } from './mixer-ui.js';
import { followParts } from './part-status.js';
import { t as tr } from './i18n.js';

function start(root: HTMLElement): MixerUi | null {
  const data = readMixerData(root);
  if (!data) {
    root.dataset.state = 'error';
    return null;
  }
  const ui = new MixerUi(root, data);
  bindTransport(ui);
  bindTrackControls(ui);
  const save = bindSave(ui);

  const hook = {
    get state() { return ui.state; },
    get positionMs() { return Math.round(ui.engine.position() * 1000); },
    get durationMs() { return Math.round(ui.engine.duration * 1000); },
    get audioState() { return ui.engine.contextState; },
  };
  Object.defineProperty(window, 'soundhubMixer', { value: Object.freeze(hook), configurable: true });

  void ui.load().then(() => (ui.state === 'ready' ? save?.followPending() : undefined));
  return ui;
}

/** Parts that became ready since the page was printed join the mixer, controls and all. */
async function joinReadyParts(ui: MixerUi, mixer: unknown): Promise<void> {
  const raw = mixer && typeof mixer === 'object' ? (mixer as { tracks?: unknown }).tracks : undefined;
  if (!Array.isArray(raw)) return;
  for (const data of raw.map(parseTrack)) {
    if (!data) continue;
    const t = await ui.addTrack(data);
    if (!t) continue;
    bindTrack(ui, t);
    bindTrackTransport(ui, t);
    ui.say(tr(data.included ? 'mixer.part_joined' : 'mixer.part_joined_outside', { label: data.label }), 'ok');
    drawCommentMarkers(ui);
  }
  const count = ui.root.querySelector('[data-track-count]');
  if (count) count.textContent = tr('mixer.track_count', { count: ui.tracks.length });
}

/**
 * The post page's live parts, started on each visit to a post page (the first load or a Turbo
 * visit: this module runs once, its listener on every "turbo:load") and ended before Turbo
 * puts the next page in, so no AudioContext, poll or listener outlives its page.
 */
let current: { page: HTMLElement; ui: MixerUi | null; life: AbortController } | null = null;

function mount(): void {
  const page = document.querySelector<HTMLElement>('.post-page');
  if (!page || current?.page === page) return;
  unmount();
  const life = new AbortController();
  const root = document.getElementById('mixer');
  const ui = root ? start(root) : null;
  startComments(ui, life.signal);
  const parts = document.querySelector<HTMLElement>('[data-parts-url]');
  if (parts) followParts(parts, (mixer) => (ui ? joinReadyParts(ui, mixer) : undefined));
  current = { page, ui, life };
}

function unmount(): void {
  if (!current) return;
  current.life.abort();
  void current.ui?.dispose();
  if (current.ui) Reflect.deleteProperty(window, 'soundhubMixer');
  current = null;
}

document.addEventListener('turbo:load', mount);
document.addEventListener('turbo:before-render', unmount);
mount();
