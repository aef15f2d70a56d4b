/**
 * The start page: the notebooks folder (and its subfolders), a button for a new notebook, a
 * delete button per notebook (its kernel is shut down with it), and the running Node kernels, each
 * of which can be shut down (as JupyterLab's "Running Terminals and Kernels").
 */
import { api, type Entry, type SessionInfo } from './api.js';
import { icon } from './icons.js';

function ago(ms: number): string {
  const s = (Date.now() - ms) / 1000;
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(ms).toLocaleDateString();
}

const href = (entry: Entry) =>
  `/${entry.type === 'directory' ? 'tree' : 'notebooks'}/${entry.path.split('/').map(encodeURIComponent).join('/')}`;

export async function fileBrowser(dir: string): Promise<HTMLElement> {
  const { root, entries } = await api.list(dir);
  const page = document.createElement('div');
  page.className = 'wb-page wb-browser';
  const header = document.createElement('header');
  header.className = 'wb-header';
  header.innerHTML = `<a class="wb-logo" href="/">wb</a><div class="wb-title"><span class="wb-heading">Notebooks</span><span class="wb-root"></span></div>`;
  header.querySelector('.wb-root')!.textContent = dir ? `${root}/${dir}` : root;
  const create = document.createElement('button');
  create.className = 'wb-primary';
  create.append(icon('plus'), 'New notebook');
  create.addEventListener('click', async () => {
    const { path } = await api.create(dir);
    location.href = `/notebooks/${path.split('/').map(encodeURIComponent).join('/')}`;
  });
  const runs = document.createElement('a');
  runs.className = 'wb-link';
  runs.href = '/runs';
  runs.textContent = 'Runs';
  runs.title = 'The run history of `wb run`, to compare runs';
  header.append(runs, create);
  const list = document.createElement('ul');
  list.className = 'wb-files';
  if (dir) {
    const up = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.className = 'wb-file wb-dir';
    a.href = up ? `/tree/${up.split('/').map(encodeURIComponent).join('/')}` : '/';
    const name = document.createElement('span');
    name.className = 'wb-file-name';
    name.textContent = '..';
    a.append(icon('back'), name);
    li.append(a);
    list.append(li);
  }
  for (const entry of entries) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.className = `wb-file ${entry.type === 'directory' ? 'wb-dir' : 'wb-nb'}`;
    a.href = href(entry);
    const name = document.createElement('span');
    name.className = 'wb-file-name';
    name.textContent = entry.name;
    const when = document.createElement('span');
    when.className = 'wb-file-time';
    when.textContent = ago(entry.mtime);
    a.append(icon(entry.type === 'directory' ? 'folder' : 'file'), name, when);
    li.append(a);
    if (entry.type === 'notebook') li.append(deleteButton(entry, li));
    list.append(li);
  }
  if (entries.length === 0) {
    const li = document.createElement('li');
    li.className = 'wb-empty';
    li.textContent = 'No notebooks here yet.';
    list.append(li);
  }
  const main = document.createElement('main');
  main.className = 'wb-browser-main';
  main.append(list, await kernelsList());
  page.append(header, main);
  return page;
}

function deleteButton(entry: Entry, row: HTMLElement): HTMLButtonElement {
  const button = document.createElement('button');
  button.className = 'wb-file-delete';
  button.title = `Delete ${entry.name} (and shut down its kernel)`;
  button.setAttribute('aria-label', button.title);
  button.append(icon('trash'));
  button.addEventListener('click', async () => {
    if (!confirm(`Delete ${entry.path}? Its checkpoint goes too, and its kernel is shut down.`)) return;
    await api.deleteNotebook(entry.path);
    row.remove();
  });
  return button;
}

/** The Node kernels the server runs (browser kernels live in their tabs), each with a shutdown button. */
async function kernelsList(): Promise<HTMLElement> {
  const section = document.createElement('section');
  section.className = 'wb-kernels';
  const title = document.createElement('h2');
  title.textContent = 'Running kernels';
  const list = document.createElement('ul');
  list.className = 'wb-files wb-kernel-list';
  section.append(title, list);
  const render = (sessions: SessionInfo[], idleTimeout: number) => {
    title.title = idleTimeout > 0 ? `Kernels idle for ${idleTimeout} s with no tab open are shut down` : 'Kernels run until shut down here or until the server stops';
    list.replaceChildren();
    for (const session of sessions) {
      const li = document.createElement('li');
      li.className = 'wb-kernel-row';
      li.dataset.path = session.path;
      const name = document.createElement('span');
      name.className = 'wb-file-name';
      name.textContent = session.path;
      const state = document.createElement('span');
      state.className = 'wb-file-time';
      const tabs = session.connections ?? 0;
      state.textContent = [session.state, `${tabs} tab${tabs === 1 ? '' : 's'}`, session.lastActivity ? `last active ${ago(Date.parse(session.lastActivity))}` : ''].filter(Boolean).join(' · ');
      const stop = document.createElement('button');
      stop.className = 'wb-kernel-shutdown';
      stop.dataset.action = 'shutdown-kernel';
      stop.title = `Shut down the kernel of ${session.path} (its state is lost)`;
      stop.setAttribute('aria-label', stop.title);
      stop.append(icon('stop'), 'Shut down');
      stop.addEventListener('click', async () => {
        await api.shutdownSession(session.id);
        await refresh();
      });
      li.append(name, state, stop);
      list.append(li);
    }
    if (sessions.length === 0) {
      const li = document.createElement('li');
      li.className = 'wb-empty';
      li.textContent = 'No Node kernels are running.';
      list.append(li);
    }
  };
  const refresh = async () => {
    const { sessions, kernelIdleTimeout } = await api.sessions();
    render(sessions, kernelIdleTimeout);
  };
  await refresh();
  return section;
}
