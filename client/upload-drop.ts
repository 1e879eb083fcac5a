/**
 * Lets files be dropped anywhere on `target` (a form): it is marked while files hover over
 * it, and `onFiles` receives what was dropped. Drops elsewhere on the page are refused so a
 * missed drop does not navigate away from a half-filled form.
 */
export function acceptDrops(target: HTMLElement, onFiles: (files: File[]) => void): void {
  let depth = 0;
  const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
  target.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    depth += 1;
    target.classList.add('is-dragging');
  });
  target.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) target.classList.remove('is-dragging');
  });
  target.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  });
  target.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    target.classList.remove('is-dragging');
    onFiles([...(e.dataTransfer?.files ?? [])]);
  });
}

let guarded = false;
/** Once per page: a file dropped outside a drop target does nothing (the browser would open it). */
export function guardPageFromDrops(): void {
  if (guarded) return;
  guarded = true;
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
}
