import { csrfToken } from './csrf.js';
import { t } from './i18n.js';

/**
 * Like and follow buttons without a reload: the same form the page posts without JavaScript,
 * sent with fetch; the answer (the new state and count) turns the button over. On any failure
 * the form is posted the ordinary way, so the server's answer is what the musician sees.
 */
document.addEventListener('submit', (event) => {
  const form = event.target as HTMLFormElement;
  if (!form.matches('form[data-like], form[data-follow]')) return;
  event.preventDefault();
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
  const on = form.querySelector<HTMLInputElement>('input[name="on"]')!;
  button.disabled = true;
  void fetch(form.action, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrfToken() },
    body: new URLSearchParams({ on: on.value }),
  })
    .then(async (res) => {
      if (!res.ok) throw new Error(String(res.status));
      const body = (await res.json()) as { liked?: boolean; likes?: number; following?: boolean };
      const pressed = body.liked ?? body.following ?? false;
      button.setAttribute('aria-pressed', String(pressed));
      on.value = pressed ? '0' : '1';
      if (body.likes !== undefined) button.querySelector('.like-count')!.textContent = String(body.likes);
      if (body.following !== undefined) {
        button.textContent = pressed ? t('follow.following') : t('follow.follow');
        button.classList.toggle('ghost', pressed);
      }
      button.disabled = false;
    })
    .catch(() => form.submit());
});
