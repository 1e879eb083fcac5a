/**
 * The bottom bar: what plays (art, title linking to its song, artist), back / play-pause /
 * next, the waveform with the time (click or arrow keys seek), volume, and the queue.
 * The bar element is permanent across Turbo visits, so it is bound once.
 */
import { formatClock, type Player } from './player.js';
import { drawWave, fractionAt, peaksFor } from './player-waveform.js';
import type { Peaks } from './mixer-waveform.js';
import { t as tr } from './i18n.js';

const VOLUME_KEY = 'soundhub:volume';

export function startBar(player: Player): void {
  const bar = document.getElementById('player');
  if (!bar || bar.dataset.bound) return;
  bar.dataset.bound = '';
  const q = <T extends Element>(selector: string) => bar.querySelector<T>(selector)!;
  const art = q<HTMLImageElement>('[data-player-art]');
  const title = q<HTMLAnchorElement>('[data-player-title]');
  const artist = q<HTMLElement>('[data-player-artist]');
  const toggle = q<HTMLButtonElement>('[data-player-toggle]');
  const prev = q<HTMLButtonElement>('[data-player-prev]');
  const next = q<HTMLButtonElement>('[data-player-next]');
  const wave = q<HTMLElement>('[data-player-wave]');
  const canvas = wave.querySelector('canvas')!;
  const now = q<HTMLElement>('[data-player-now]');
  const total = q<HTMLElement>('[data-player-duration]');
  const volume = q<HTMLInputElement>('[data-player-volume]');
  const queueToggle = q<HTMLButtonElement>('[data-player-queue-toggle]');
  const queuePanel = q<HTMLElement>('#player-queue');
  const queueList = q<HTMLOListElement>('[data-player-queue]');
  const queueEmpty = q<HTMLElement>('[data-player-queue-empty]');
  const queueCount = q<HTMLElement>('[data-player-queue-count]');
  const { audio } = player;

  let peaks: Peaks | null = null;
  let peaksOf = '';

  toggle.addEventListener('click', () => player.toggle());
  prev.addEventListener('click', () => player.previous());
  next.addEventListener('click', () => player.next());
  wave.addEventListener('click', (event) => player.seek(fractionAt(wave, event.clientX) * player.duration));
  wave.addEventListener('keydown', (event) => {
    const to: Record<string, number> = { Home: 0, End: player.duration, PageUp: audio.currentTime + 30, PageDown: audio.currentTime - 30 };
    if (!(event.key in to)) return;
    event.preventDefault();
    player.seek(to[event.key]!);
  });

  const saved = Number(localStorage.getItem(VOLUME_KEY));
  if (localStorage.getItem(VOLUME_KEY) !== null && saved >= 0 && saved <= 1) audio.volume = saved;
  volume.value = String(audio.volume);
  volume.addEventListener('input', () => {
    audio.volume = Number(volume.value);
    localStorage.setItem(VOLUME_KEY, volume.value);
  });
  volume.setAttribute('aria-valuetext', `${Math.round(audio.volume * 100)} %`);
  audio.addEventListener('volumechange', () => volume.setAttribute('aria-valuetext', `${Math.round(audio.volume * 100)} %`));

  queueToggle.addEventListener('click', () => {
    const open = queuePanel.hidden;
    queuePanel.hidden = !open;
    queueToggle.setAttribute('aria-expanded', String(open));
  });
  queueList.addEventListener('click', (event) => {
    const target = event.target as Element;
    const row = target.closest<HTMLElement>('[data-queue-position]');
    if (!row) return;
    const position = Number(row.dataset.queuePosition);
    if (target.closest('[data-queue-remove]')) player.remove(position);
    else if (target.closest('[data-queue-jump]')) player.play(player.queue[position]!, player.queue);
  });

  const showTime = () => {
    const d = player.duration;
    const t = audio.currentTime;
    now.textContent = formatClock(t);
    total.textContent = formatClock(d);
    wave.setAttribute('aria-valuemax', String(Math.round(d)));
    wave.setAttribute('aria-valuenow', String(Math.round(t)));
    wave.setAttribute('aria-valuetext', tr('player.position', { time: formatClock(t), duration: formatClock(d) }));
    drawWave(canvas, peaks, d ? t / d : 0);
  };

  const showQueue = () => {
    const upcoming = player.queue.slice(player.index + 1);
    queueCount.textContent = upcoming.length ? String(upcoming.length) : '';
    queueToggle.setAttribute('aria-label', upcoming.length ? tr('player.queue_next', { count: upcoming.length }) : tr('player.queue'));
    queueEmpty.hidden = upcoming.length > 0;
    queueList.replaceChildren(
      ...upcoming.map((item, n) => {
        const li = document.createElement('li');
        li.dataset.queuePosition = String(player.index + 1 + n);
        const jump = document.createElement('button');
        jump.type = 'button';
        jump.className = 'player-queue-item';
        jump.dataset.queueJump = '';
        jump.textContent = item.title;
        const by = document.createElement('span');
        by.className = 'muted small';
        by.textContent = ` ${item.artist}`;
        jump.append(by);
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'player-queue-remove';
        remove.dataset.queueRemove = '';
        remove.setAttribute('aria-label', tr('player.remove_from_queue', { title: item.title }));
        remove.textContent = '×';
        li.append(jump, remove);
        return li;
      }),
    );
  };

  const show = () => {
    const item = player.current;
    bar.hidden = !item;
    document.documentElement.classList.toggle('has-player', Boolean(item));
    if (!item) return;
    const playing = player.playing;
    bar.dataset.state = playing ? 'playing' : 'paused';
    toggle.setAttribute('aria-label', tr(playing ? 'player.pause_title' : 'player.play_title', { title: item.title }));
    toggle.setAttribute('aria-pressed', String(playing));
    title.textContent = item.title;
    title.href = item.href ?? item.src;
    artist.textContent = item.artist;
    if (item.art) art.src = item.art;
    art.hidden = !item.art;
    prev.disabled = false;
    next.disabled = player.index + 1 >= player.queue.length;
    if (peaksOf !== item.src) {
      peaksOf = item.src;
      peaks = null;
      void peaksFor(item.peaksUrl).then((p) => {
        if (peaksOf === item.src) {
          peaks = p;
          showTime();
        }
      });
    }
    showQueue();
    showTime();
  };

  let frame = 0;
  const tick = () => {
    frame = 0;
    showTime();
    if (player.playing) frame = requestAnimationFrame(tick);
  };
  player.addEventListener('change', () => {
    show();
    if (player.playing && !frame) frame = requestAnimationFrame(tick);
  });
  audio.addEventListener('timeupdate', () => {
    if (!frame) showTime();
  });
  new ResizeObserver(() => showTime()).observe(wave);
  show();
}
