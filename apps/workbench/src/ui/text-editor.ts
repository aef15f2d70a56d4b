/**
 * "Open as text": a notebook file that does not parse (a merge conflict, a truncated write) opens
 * as its raw text, to be repaired and saved; "Open as notebook" then tries again. The server writes
 * the text as given (`PUT /api/notebook/text`), guarded by the file's mtime like a notebook save.
 */
import { api } from './api.js';

const notebookHref = (path: string) => `/notebooks/${path.split('/').map(encodeURIComponent).join('/')}`;

export async function textEditorPage(path: string, problem: string): Promise<HTMLElement> {
  let { text, mtime } = await api.openText(path);
  const page = document.createElement('div');
  page.className = 'wb-page wb-text-editor';
  const title = document.createElement('h1');
  title.textContent = `${path} (as text)`;
  const why = document.createElement('pre');
  why.className = 'wb-text-problem';
  why.textContent = problem;
  const area = document.createElement('textarea');
  area.value = text;
  area.spellcheck = false;
  area.setAttribute('aria-label', `The text of ${path}`);
  const state = document.createElement('span');
  state.className = 'wb-save-state';
  const save = document.createElement('button');
  save.className = 'wb-primary';
  save.dataset.action = 'save-text';
  save.textContent = 'Save';
  save.title = 'Write this text to the file (Ctrl-S)';
  const reopen = document.createElement('a');
  reopen.href = notebookHref(path);
  reopen.textContent = 'Open as notebook';
  const back = document.createElement('a');
  back.href = '/';
  back.textContent = '← All notebooks';
  const write = async () => {
    try {
      ({ mtime } = await api.saveText(path, area.value, mtime));
      text = area.value;
      state.textContent = 'Saved';
    } catch (e) {
      state.textContent = `Not saved: ${(e as Error).message}`;
    }
  };
  save.addEventListener('click', () => void write());
  area.addEventListener('input', () => (state.textContent = area.value === text ? 'Saved' : 'Unsaved changes'));
  area.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 's') {
      e.preventDefault();
      void write();
    }
  });
  const bar = document.createElement('div');
  bar.className = 'wb-text-bar';
  bar.append(save, state, reopen, back);
  page.append(title, why, bar, area);
  return page;
}
