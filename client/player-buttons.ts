/**
 * The play buttons of the pages (views/partials/play-button.ejs) and their waveforms and
 * queue buttons. Without JavaScript a play button is a link to the stream; here it becomes a
 * toggle (role button, aria-pressed, "Play X" / "Pause X") for the one player. Playing one
 * queues the buttons it sits among (its list, else its section: the cards of a feed, the
 * parts of a song) so the player goes on through them.
 */
import { formatClock, itemOf, type PlayItem, type Player } from './player.js';
import { drawWave, fractionAt, peaksFor } from './player-waveform.js';
import { t } from './i18n.js';

const BUTTON = '[data-play]';

/** The buttons played after this one: its list's, else its section's, else the page's, one per recording. */
function listOf(button: Element): PlayItem[] {
  const scope = button.closest('[data-play-list], ul, ol, section') ?? document.querySelector('main') ?? document.body;
  const seen = new Set<string>();
  const items: PlayItem[] = [];
  for (const el of scope.querySelectorAll<HTMLElement>(BUTTON)) {
    const item = itemOf(el);
    if (!item || seen.has(item.src)) continue;
    seen.add(item.src);
    items.push(item);
  }
  return items;
}

function buttonFor(src: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`${BUTTON}[data-play="${CSS.escape(src)}"]`);
}

/** Buttons and waves that came with a page (or a refreshed section) are made live here. */
function upgrade(): void {
  for (const el of document.querySelectorAll<HTMLElement>(`a${BUTTON}:not([role])`)) el.setAttribute('role', 'button');
  for (const el of document.querySelectorAll<HTMLElement>('.play-wave[hidden], .queue-buttons[hidden]')) el.hidden = false;
}

/** Every button, wave and time on the page shows the player's state. */
function sync(player: Player): void {
  const current = player.current;
  const playing = player.playing;
  for (const el of document.querySelectorAll<HTMLElement>(BUTTON)) {
    const isOn = Boolean(current && el.dataset.play === current.src && playing);
    const label = t(isOn ? 'player.pause_title' : 'player.play_title', { title: el.dataset.title ?? '' }).trim();
    if (el.getAttribute('aria-label') !== label) el.setAttribute('aria-label', label);
    el.setAttribute('aria-pressed', String(isOn));
    el.classList.toggle('is-playing', isOn);
    el.classList.toggle('is-current', Boolean(current && el.dataset.play === current.src));
  }
  drawWaves(player);
}

function drawWaves(player: Player): void {
  for (const wave of document.querySelectorAll<HTMLElement>('.play-wave[data-wave-of]')) drawOne(player, wave);
}

function drawOne(player: Player, wave: HTMLElement): void {
  const src = wave.dataset.waveOf!;
  const canvas = wave.querySelector('canvas');
  if (!canvas) return;
  const isCurrent = player.isCurrent(src);
  const d = isCurrent ? player.duration : 0;
  const t = isCurrent ? player.audio.currentTime : 0;
  const time = wave.querySelector('[data-wave-now]');
  if (time) time.textContent = formatClock(t);
  wave.setAttribute('aria-valuenow', String(Math.round(t)));
  wave.setAttribute('aria-valuetext', formatClock(t));
  wave.classList.toggle('is-current', isCurrent);
  const peaksUrl = buttonFor(src)?.dataset.peaks;
  void peaksFor(peaksUrl).then((peaks) => drawWave(canvas, peaks, d ? t / d : 0));
}

export function startButtons(player: Player): void {
  document.addEventListener('click', (event) => {
    const target = event.target as Element;
    const button = target.closest<HTMLElement>(BUTTON);
    if (button) {
      const item = itemOf(button);
      if (!item) return;
      event.preventDefault();
      if (player.isCurrent(item.src)) player.toggle();
      else player.play(item, listOf(button));
      return;
    }
    const queue = target.closest<HTMLElement>('[data-queue][data-queue-of]');
    if (queue) {
      const source = buttonFor(queue.dataset.queueOf!);
      const item = source && itemOf(source);
      if (!item) return;
      if (queue.dataset.queue === 'next') player.playNext(item);
      else player.enqueue(item);
      queue.classList.add('is-done');
      setTimeout(() => queue.classList.remove('is-done'), 900);
      return;
    }
    const wave = target.closest<HTMLElement>('.play-wave[data-wave-of]');
    if (wave && event instanceof MouseEvent) {
      const source = buttonFor(wave.dataset.waveOf!);
      const item = source && itemOf(source);
      if (!item || !source) return;
      const at = fractionAt(wave.querySelector('canvas') ?? wave, event.clientX);
      if (player.isCurrent(item.src)) {
        player.seek(at * player.duration);
        if (!player.playing) player.toggle();
      } else {
        player.play(item, listOf(source), at * ((item.durationMs ?? 0) / 1000));
      }
    }
  });

  // A link styled as a button answers Space like one.
  document.addEventListener('keydown', (event) => {
    const el = event.target as HTMLElement;
    if (event.key !== ' ' || !el.matches?.(`a${BUTTON}`)) return;
    event.preventDefault();
    el.click();
  });

  let frame = 0;
  const tick = () => {
    frame = 0;
    const current = player.current && buttonFor(player.current.src) ? document.querySelectorAll<HTMLElement>(`.play-wave[data-wave-of="${CSS.escape(player.current.src)}"]`) : [];
    for (const wave of current) drawOne(player, wave);
    if (player.playing) frame = requestAnimationFrame(tick);
  };
  player.addEventListener('change', () => {
    sync(player);
    if (player.playing && !frame) frame = requestAnimationFrame(tick);
  });

  const onPage = () => {
    upgrade();
    sync(player);
  };
  document.addEventListener('turbo:load', onPage);
  // Sections the mixer refreshes in place (the hero, the master) bring new buttons.
  let pending = 0;
  new MutationObserver(() => {
    pending ||= requestAnimationFrame(() => {
      pending = 0;
      if (document.querySelector(`a${BUTTON}:not([role]), .play-wave[hidden], .queue-buttons[hidden]`)) onPage();
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  const resize = new ResizeObserver(() => drawWaves(player));
  document.addEventListener('turbo:load', () => {
    resize.disconnect();
    for (const wave of document.querySelectorAll('.play-wave')) resize.observe(wave);
  });
  onPage();
  for (const wave of document.querySelectorAll('.play-wave')) resize.observe(wave);
}
