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
import { bindSave, bindTrackControls, bindTransport } from './mixer-controls.js';
import { readMixerData } from './mixer-data.js';
import { MixerUi } from './mixer-ui.js';

async function start(root: HTMLElement): Promise<void> {
  const data = readMixerData(root);
  if (!data) {
    root.dataset.state = 'error';
    return;
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

  await ui.load();
  if (ui.state === 'ready') await save?.followPending();
}

const root = document.getElementById('mixer');
if (root) void start(root);
