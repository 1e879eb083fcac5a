import './likes.js';
import './messages.js';
import './upload.js';

/**
 * Site-wide behaviour: a persistent mini player for every "play" button; the upload forms
 * are in client/upload.ts (a plain form post still works without JavaScript).
 */

function playerBar(): { audio: HTMLAudioElement; title: HTMLElement } {
  let bar = document.querySelector<HTMLElement>('.player-bar');
  if (!bar) {
    bar = document.createElement('div');
    bar.className = 'player-bar';
    bar.setAttribute('role', 'region');
    bar.setAttribute('aria-label', 'Now playing');
    bar.innerHTML = '<span class="now-playing"></span><audio controls preload="none"></audio>';
    document.body.append(bar);
  }
  return { audio: bar.querySelector('audio')!, title: bar.querySelector('.now-playing')! };
}

document.addEventListener('click', (event) => {
  const button = (event.target as Element).closest<HTMLButtonElement>('[data-play]');
  if (!button) return;
  const { audio, title } = playerBar();
  const src = button.dataset.play!;
  if (audio.getAttribute('src') === src && !audio.paused) {
    audio.pause();
    return;
  }
  if (audio.getAttribute('src') !== src) audio.src = src;
  title.textContent = `${button.dataset.title ?? ''} — ${button.dataset.artist ?? ''}`;
  void audio.play();
});

// After uploading parts: scroll to the last one and say on each that it arrived.
const uploaded = sessionStorage.getItem('soundhub:uploaded-part');
if (uploaded) {
  sessionStorage.removeItem('soundhub:uploaded-part');
  const parts = uploaded.split(',').map((id) => document.getElementById(`contribution-${id}`)).filter((p) => p !== null);
  for (const part of parts) {
    const note = document.createElement('p');
    note.className = 'notice small';
    note.setAttribute('role', 'status');
    note.dataset.uploadedNote = '';
    note.textContent = 'Your part is uploaded. It is being processed and joins the mixer by itself when it is ready.';
    part.prepend(note);
  }
  parts.at(-1)?.scrollIntoView({ block: 'center' });
}

// Destructive forms ask first (deleting a part re-renders the master without it).
document.addEventListener('submit', (event) => {
  const form = event.target as HTMLFormElement;
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
