import { csrfToken } from './csrf.js';

/**
 * Site-wide behaviour: a persistent mini player for every "play" button, and upload
 * progress for audio forms (a plain form post still works without JavaScript).
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

// Upload with progress; on a validation error the server's page replaces this one.
for (const form of document.querySelectorAll<HTMLFormElement>('form[data-upload]')) {
  form.addEventListener('submit', (event) => {
    const progress = form.querySelector<HTMLProgressElement>('.upload-progress');
    if (!progress || !('FormData' in window)) return;
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (button) button.disabled = true;
    progress.hidden = false;
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.addEventListener('load', () => {
      if (xhr.responseURL && xhr.status < 400 && xhr.responseURL !== form.action) {
        window.location.assign(xhr.responseURL);
        return;
      }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener('error', () => {
      if (button) button.disabled = false;
      progress.hidden = true;
      alert('The upload was interrupted. Check your connection and try again.');
    });
    xhr.send(new FormData(form));
  });
}

// Destructive forms ask first (deleting a part re-renders the master without it).
document.addEventListener('submit', (event) => {
  const form = event.target as HTMLFormElement;
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
