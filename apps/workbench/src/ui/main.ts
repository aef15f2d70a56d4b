/** The workbench in the browser: `/` and `/tree/…` list notebooks, `/notebooks/…` opens one, `/runs` compares runs. */
import './styles.css';
import { ApiError } from './api.js';
import { fileBrowser } from './file-browser.js';
import { NotebookView } from './notebook-view.js';
import { runsPage } from './runs-page.js';

function decodePath(rest: string): string {
  return rest.split('/').map(decodeURIComponent).join('/');
}

function errorPage(title: string, message: string): HTMLElement {
  const page = document.createElement('div');
  page.className = 'wb-page wb-error-page';
  const h = document.createElement('h1');
  h.textContent = title;
  const p = document.createElement('pre');
  p.textContent = message;
  const back = document.createElement('a');
  back.href = '/';
  back.textContent = '← All notebooks';
  page.append(h, p, back);
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
    app.replaceChildren(errorPage(title, (e as Error).message));
  }
}

void route();
