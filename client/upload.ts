import { enhanceUploadForm } from './upload-form.js';
import { enhancePartForm } from './upload-parts.js';

/**
 * Wires the upload forms of the page: one-file forms (`data-upload`: a new song, a part's new
 * take) and the part form (`data-upload-parts`), which takes several files at once; its list
 * is handed to the recorder, so a recorded take is uploaded the same way.
 */
for (const form of document.querySelectorAll<HTMLFormElement>('form[data-upload]')) enhanceUploadForm(form);

const partForm = document.querySelector<HTMLFormElement>('form[data-upload-parts]');
if (partForm) {
  const queue = enhancePartForm(partForm);
  const recorder = document.querySelector<HTMLElement>('[data-recorder]');
  if (recorder) void import('./record.js').then(({ setUpRecorder }) => setUpRecorder(recorder, queue));
}
