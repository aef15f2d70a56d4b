/** The workbench in the browser: `/` and `/tree/…` list notebooks, `/notebooks/…` opens one, `/runs` compares runs. */
// KaTeX's style sheet and fonts (bundled into assets/): formulas in Markdown cells (`markdown-math.ts`).
import 'katex/dist/katex.min.css';
import './styles.css';
import { ApiError } from './api.js';
import { fileBrowser } from './file-browser.js';
import { NotebookView } from './notebook-view.js';
import { runsPage } from './runs-page.js';
import { sweepPage } from './sweep-page.js';
import { textEditorPage } from './text-editor.js';

function decodePath(rest: string): string {
  return rest.split('/').map(decodeURIComponent).join('/');
}

function errorPage(title: string, message: string, actions: HTMLElement[] = []): HTMLElement {
  const page = document.createElement('div');
  page.className = 'wb-page wb-error-page';
  const h = document.createElement('h1');
  h.textContent = title;
  const p = document.createElement('pre');
  p.textContent = message;
  const back = document.createElement('a');
  back.href = '/';
  back.textContent = '← All notebooks';
  page.append(h, p, ...actions, back);
  return page;
}

async function route(): Promise<void> {
  const app = document.getElementById('app')!;
  // The token is now in a cookie: keep it out of the address bar, history and screenshots.
  const url = new URL(location.href);
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const path = location.pathname;
  try {
    if (path.startsWith('/notebooks/')) {
      const file = decodePath(path.slice('/notebooks/'.length));
      document.title = `${file.split('/').pop()} · wb`;
      const view = await NotebookView.open(file);
      app.replaceChildren(view.root);
      (window as unknown as { wb: unknown }).wb = view;
    } else if (path === '/runs' && new URLSearchParams(location.search).has('sweep')) {
      const sweep = new URLSearchParams(location.search).get('sweep')!;
      document.title = `Sweep ${sweep} · wb`;
      app.replaceChildren(await sweepPage(sweep));
    } else if (path === '/runs') {
      document.title = 'Runs · wb';
      app.replaceChildren(await runsPage());
    } else {
      const dir = path.startsWith('/tree/') ? decodePath(path.slice('/tree/'.length)) : '';
      document.title = 'Notebooks · wb';
      app.replaceChildren(await fileBrowser(dir));
    }
  } catch (e) {
    const status = e instanceof ApiError ? e.status : 0;
    const title = status === 422 ? 'This file is not a notebook the workbench can read' : status === 403 ? 'Forbidden' : 'Something went wrong';
    const actions: HTMLElement[] = [];
    if (status === 422 && path.startsWith('/notebooks/')) {
      const file = decodePath(path.slice('/notebooks/'.length));
      const asText = document.createElement('button');
      asText.className = 'wb-primary';
      asText.dataset.action = 'open-as-text';
      asText.textContent = 'Open as text';
      asText.title = 'Edit the file as text, to repair it';
      asText.addEventListener('click', async () => app.replaceChildren(await textEditorPage(file, (e as Error).message)));
      actions.push(asText);
    }
    app.replaceChildren(errorPage(title, (e as Error).message, actions));
  }
}

void route();
