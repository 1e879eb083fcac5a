/**
 * The embeddable player (views/posts/embed.ejs): one button, a waveform drawn by the server
 * that fills as the song plays, click or arrow keys to seek. Nothing else of the site loads.
 */
const root = document.querySelector<HTMLElement>('[data-embed]');
if (root) {
  const audio = root.querySelector<HTMLAudioElement>('[data-embed-audio]')!;
  const button = root.querySelector<HTMLButtonElement>('[data-embed-play]')!;
  const wave = root.querySelector<HTMLElement>('[data-embed-wave]')!;
  const played = wave.querySelector<SVGElement>('.played');
  const time = root.querySelector<HTMLElement>('[data-embed-time]')!;
  const knownMs = Number(root.dataset.durationMs) || 0;
  const duration = () => (Number.isFinite(audio.duration) && audio.duration > 0 ? audio.duration : knownMs / 1000);
  const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

  const show = () => {
    const total = duration();
    const share = total ? Math.min(1, audio.currentTime / total) : 0;
    if (played) played.style.clipPath = `inset(0 ${(100 - share * 100).toFixed(2)}% 0 0)`;
    wave.setAttribute('aria-valuenow', String(Math.round(share * 100)));
    time.textContent = `${clock(audio.currentTime)} / ${clock(total)}`;
  };
  const seekTo = (share: number) => {
    const total = duration();
    if (!total) return;
    audio.currentTime = Math.max(0, Math.min(1, share)) * total;
    show();
  };

  button.addEventListener('click', () => void (audio.paused ? audio.play() : audio.pause()));
  audio.addEventListener('play', () => root.classList.add('playing'));
  audio.addEventListener('pause', () => root.classList.remove('playing'));
  audio.addEventListener('ended', () => root.classList.remove('playing'));
  audio.addEventListener('timeupdate', show);
  audio.addEventListener('loadedmetadata', show);
  wave.addEventListener('click', (event) => {
    const box = wave.getBoundingClientRect();
    seekTo((event.clientX - box.left) / box.width);
    if (audio.paused) void audio.play();
  });
  wave.addEventListener('keydown', (event) => {
    const step = event.key === 'ArrowRight' ? 5 : event.key === 'ArrowLeft' ? -5 : 0;
    if (!step || !duration()) return;
    event.preventDefault();
    seekTo((audio.currentTime + step) / duration());
  });
}
