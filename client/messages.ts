import { csrfToken } from './csrf.js';
import { t } from './i18n.js';

/**
 * The send form of a conversation without a reload: the same form sent with fetch; the sent
 * message is added at the bottom and the box emptied. A refusal the server explains (422, 403,
 * 429) is shown under the box with the text kept; anything else posts the form the ordinary
 * way, so the server's page is what the musician sees. Enter sends, Shift+Enter is a new line.
 */
document.addEventListener('submit', (event) => {
  const form = event.target as HTMLFormElement;
  if (!form.matches('form[data-message-form]')) return;
  event.preventDefault();
  const box = form.querySelector<HTMLTextAreaElement>('textarea[name="body"]')!;
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
  button.disabled = true;
  void fetch(form.action, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrfToken() },
    body: new URLSearchParams({ body: box.value }),
  })
    .then(async (res) => {
      const answer = (await res.json()) as { message?: { id: number; body: string; sentAt: string }; error?: { message: string; fields?: { body?: string } } };
      if (res.status === 201 && answer.message) {
        showSent(answer.message);
        box.value = '';
        showError(form, box, null);
      } else if (answer.error && [403, 422, 429].includes(res.status)) {
        showError(form, box, answer.error.fields?.body ?? answer.error.message);
      } else {
        throw new Error(String(res.status));
      }
      button.disabled = false;
      box.focus();
    })
    .catch(() => form.submit());
});

document.addEventListener('keydown', (event) => {
  const box = event.target as HTMLElement;
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing || !box.matches('form[data-message-form] textarea')) return;
  event.preventDefault();
  box.closest('form')!.requestSubmit();
});

function showSent(message: { id: number; body: string; sentAt: string }): void {
  const list = document.querySelector('[data-messages]');
  if (!list) return;
  document.querySelector('.conversation-empty')?.remove();
  list.querySelector('.seen')?.remove();
  const item = document.createElement('li');
  item.className = 'message mine';
  item.id = `message-${message.id}`;
  const body = document.createElement('p');
  body.className = 'message-body';
  body.textContent = message.body;
  const time = document.createElement('time');
  time.className = 'meta';
  time.dateTime = message.sentAt;
  time.textContent = t('time.just_now');
  item.append(body, time);
  list.append(item);
  item.scrollIntoView({ block: 'nearest' });
}

function showError(form: HTMLFormElement, box: HTMLTextAreaElement, text: string | null): void {
  form.querySelector('.field-error')?.remove();
  box.removeAttribute('aria-invalid');
  if (!text) return;
  const p = document.createElement('p');
  p.className = 'field-error';
  p.id = 'body-error';
  p.setAttribute('role', 'alert');
  p.textContent = text;
  box.setAttribute('aria-invalid', 'true');
  box.setAttribute('aria-describedby', p.id);
  form.append(p);
}

// A conversation opens at its newest message, at the bottom, as a chat does.
document.addEventListener('turbo:load', () => {
  if (!location.hash) document.querySelector('[data-messages] > li:last-child')?.scrollIntoView({ block: 'end' });
});
