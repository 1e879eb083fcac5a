/**
 * The mixer's markup, built from the page's data. Names from users only ever go into
 * textContent and attributes, never into HTML.
 */
import { GAIN_MAX_DB, GAIN_MIN_DB, OFFSET_MAX_MS, describePan, formatGain, formatOffset, formatPan, formatTime, type MixerData, type MixerTrackData } from './mixer-data.js';
import { t as tr } from './i18n.js';

type Attrs = Record<string, string | number | boolean | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  el.append(...children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
function icon(path: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '22');
  svg.setAttribute('height', '22');
  svg.setAttribute('aria-hidden', 'true');
  const p = document.createElementNS(SVG, 'path');
  p.setAttribute('d', path);
  p.setAttribute('fill', 'currentColor');
  svg.append(p);
  return svg;
}
export const PLAY_ICON = 'M8 5v14l11-7z';
export const PAUSE_ICON = 'M7 5h4v14H7zM13 5h4v14h-4z';

export function setIcon(button: HTMLButtonElement, path: string): void {
  button.querySelector('svg')?.replaceWith(icon(path));
}

export interface RangeControl {
  wrap: HTMLElement;
  input: HTMLInputElement;
  output: HTMLOutputElement;
}

let uid = 0;
function range(label: string, accessibleName: string, min: number, max: number, step: number, value: number): RangeControl {
  const id = `mixer-ctl-${++uid}`;
  const input = h('input', { type: 'range', id, min, max, step, value, 'aria-label': accessibleName });
  const output = h('output', { for: id, 'aria-hidden': 'true' });
  const wrap = h('div', { class: 'mixer-control' }, h('label', { for: id }, label), input, output);
  return { wrap, input, output };
}

export function showGain(ctl: RangeControl, db: number): void {
  ctl.input.value = String(db);
  ctl.output.textContent = formatGain(db);
  ctl.input.setAttribute('aria-valuetext', db < 0 ? tr('mixer.minus', { value: formatGain(db).replace('−', '') }) : formatGain(db));
}

export function showPan(ctl: RangeControl, pan: number): void {
  ctl.input.value = String(pan);
  ctl.output.textContent = formatPan(pan);
  ctl.input.setAttribute('aria-valuetext', describePan(pan));
}

export interface TrackView {
  row: HTMLLIElement;
  lane: HTMLElement;
  wave: HTMLCanvasElement;
  waveHot: HTMLCanvasElement;
  message: HTMLElement;
  mute: HTMLButtonElement;
  solo: HTMLButtonElement;
  gain: RangeControl;
  pan: RangeControl;
  offset: HTMLInputElement;
  /** The author's in/out-of-the-mix switch; null for the author track and for visitors. */
  inMix: HTMLButtonElement | null;
  outTag: HTMLElement;
}

export function showOffset(t: TrackView, ms: number): void {
  t.offset.value = String(ms);
  t.lane.setAttribute('aria-valuenow', String(ms));
  t.lane.setAttribute('aria-valuetext', formatOffset(ms));
}

/** "Not in the mix" on the row, and the author's switch saying which way it is. */
export function showInMix(t: TrackView, included: boolean): void {
  t.row.classList.toggle('is-excluded', !included);
  t.outTag.hidden = included;
  if (!t.inMix) return;
  t.inMix.setAttribute('aria-pressed', String(included));
  t.inMix.textContent = included ? tr('mixer.in_mix') : tr('mixer.out_of_mix');
}

function toggle(text: string, name: string, cls: string): HTMLButtonElement {
  return h('button', { type: 'button', class: `mixer-toggle ${cls}`, 'aria-pressed': 'false', 'aria-label': name, title: name }, text);
}

export function trackView(t: MixerTrackData, canSave: boolean): TrackView {
  const gain = range(tr('mixer.gain'), tr('mixer.gain_of', { label: t.label }), GAIN_MIN_DB, GAIN_MAX_DB, 0.5, t.gainDb);
  const pan = range(tr('mixer.pan'), tr('mixer.pan_of', { label: t.label }), -1, 1, 0.05, t.pan);
  showGain(gain, t.gainDb);
  showPan(pan, t.pan);
  const mute = toggle(tr('mixer.mute_short'), tr('mixer.mute_of', { label: t.label }), 'mute');
  const solo = toggle(tr('mixer.solo_short'), tr('mixer.solo_of', { label: t.label }), 'solo');
  const badges = h('span', { class: 'track-badges' });
  if (t.role === 'author') badges.append(h('span', { class: 'tag' }, tr('mixer.author')));
  const outTag = h('span', { class: 'tag muted' }, tr('mixer.not_in_mix'));
  badges.append(outTag);
  if (t.loudnessLufs !== null) badges.append(h('span', { class: 'track-lufs', title: tr('mixer.loudness_title') }, `${t.loudnessLufs.toFixed(1)} LUFS`));

  const wave = h('canvas', { class: 'wave' });
  const waveHot = h('canvas', { class: 'wave' });
  const message = h('p', { class: 'lane-message' }, tr('mixer.loading'));
  // The lane is the track's offset slider for the keyboard (arrows: 10 ms); a click seeks.
  const lane = h(
    'div',
    { class: 'track-lane', role: 'slider', tabindex: 0, 'aria-label': tr('mixer.offset_of', { label: t.label }), 'aria-valuemin': -OFFSET_MAX_MS, 'aria-valuemax': OFFSET_MAX_MS, 'aria-valuenow': t.offsetMs, title: tr('mixer.lane_title') },
    wave,
    h('div', { class: 'wave-played' }, waveHot),
    h('div', { class: 'lane-cursor' }),
    message,
  );
  const offsetId = `mixer-ctl-${++uid}`;
  const offset = h('input', { type: 'number', id: offsetId, class: 'offset-input', min: -OFFSET_MAX_MS, max: OFFSET_MAX_MS, step: 10, value: t.offsetMs, 'aria-label': tr('mixer.offset_ms_of', { label: t.label }) });
  const offsetField = h('div', { class: 'mixer-control mixer-offset' }, h('label', { for: offsetId }, tr('mixer.offset')), offset, h('span', { class: 'small muted', 'aria-hidden': 'true' }, 'ms'));
  const inMix = canSave && t.role !== 'author' ? h('button', { type: 'button', class: 'mixer-inmix', 'aria-pressed': String(t.included), 'aria-label': tr('mixer.in_mix_of', { label: t.label }) }, '') : null;
  const row = h(
    'li',
    { class: `mixer-track${t.included ? '' : ' is-excluded'}`, 'data-track-id': t.trackId },
    h('div', { class: 'track-head' }, h('span', { class: 'track-name', title: t.label }, t.label), h('div', { class: 'track-meta' }, badges, h('div', { class: 'track-buttons' }, mute, solo))),
    lane,
    h('div', { class: 'track-controls' }, gain.wrap, pan.wrap, offsetField, ...(inMix ? [inMix] : [])),
  );
  const view = { row, lane, wave, waveHot, message, mute, solo, gain, pan, offset, inMix, outTag };
  showInMix(view, t.included);
  showOffset(view, t.offsetMs);
  return view;
}

export interface MixerView {
  play: HTMLButtonElement;
  time: HTMLElement;
  ruler: HTMLElement;
  ticks: HTMLElement;
  master: RangeControl;
  save: HTMLButtonElement | null;
  /** Why "Save mix" is off (no changes, a master rendering), next to it. */
  saveReason: HTMLElement;
  /** "Mixer: v2, unsaved changes". */
  holds: HTMLElement;
  reset: HTMLButtonElement;
  status: HTMLElement;
  /** The track rows' list, where a part that becomes ready is added. */
  list: HTMLOListElement;
  tracks: TrackView[];
}

export function buildMixer(root: HTMLElement, data: MixerData): MixerView {
  const play = h('button', { type: 'button', class: 'play mixer-play', 'aria-label': tr('mixer.play'), disabled: true }, icon(PLAY_ICON));
  const time = h('span', { class: 'mixer-time' }, '0:00 / 0:00');
  const master = range(tr('mixer.master'), tr('mixer.master_volume'), -24, 6, 0.5, 0);
  master.wrap.classList.add('mixer-master');
  showGain(master, 0);
  const reset = h('button', { type: 'button', class: 'button ghost small', title: tr('mixer.reset_title') }, tr('mixer.reset'));
  const save = data.canSave ? h('button', { type: 'button', class: 'button small', disabled: true }, tr('mixer.save')) : null;
  const saveReason = h('span', { class: 'mixer-save-reason muted small', id: 'mixer-save-reason' });
  if (save) save.setAttribute('aria-describedby', saveReason.id);
  const holds = h('span', { class: 'mixer-holds small', 'data-mixer-holds': '' });
  const actions = h('div', { class: 'mixer-actions' }, holds, saveReason, reset, ...(save ? [save] : []));
  const transport = h('div', { class: 'mixer-transport' }, play, time, master.wrap, actions);

  const ticks = h('div', { class: 'ruler-ticks', 'aria-hidden': 'true' });
  const ruler = h(
    'div',
    { class: 'mixer-ruler', role: 'slider', tabindex: 0, 'aria-label': tr('mixer.timeline'), 'aria-valuemin': 0, 'aria-valuemax': 0, 'aria-valuenow': 0, 'aria-valuetext': formatTime(0) },
    ticks,
    h('div', { class: 'lane-cursor ruler-cursor' }),
  );
  const timeline = h('div', { class: 'mixer-timeline' }, h('div', { class: 'mixer-timeline-label muted small', 'aria-hidden': 'true' }, tr('mixer.tracks')), ruler);

  const tracks = data.tracks.map((t) => trackView(t, data.canSave));
  const list = h('ol', { class: 'mixer-tracks', 'aria-label': tr('mixer.tracks') }, ...tracks.map((t) => t.row));
  const status = h('p', { class: 'mixer-status', role: 'status', 'aria-live': 'polite' });
  const note = data.canSave
    ? h('p', { class: 'mixer-note muted small' }, 'Set the levels, offsets and which parts are in, then “Save mix” renders a new master of exactly what you hear. Solo and the master fader are for listening only.')
    : h('p', { class: 'mixer-note muted small' }, 'This is your private playground: mute a part and play along — only the author’s mix is saved.');

  root.querySelector('.mixer-fallback')?.remove();
  root.append(transport, note, timeline, list, status);
  return { play, time, ruler, ticks, master, save, saveReason, holds, reset, status, list, tracks };
}

/** Time labels along the ruler, about one per 70 px. */
export function drawTicks(ticks: HTMLElement, duration: number): void {
  ticks.replaceChildren();
  const width = ticks.clientWidth;
  if (!width || !duration) return;
  const steps = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600];
  const step = steps.find((s) => (s / duration) * width >= 70) ?? 600;
  // The last label stops short of the end, where it would be cut off.
  for (let t = 0; ((duration - t) / duration) * width >= 32; t += step) {
    const tick = h('span', { class: 'ruler-tick' }, formatTime(t));
    tick.style.left = `${(t / duration) * 100}%`;
    ticks.append(tick);
  }
}
