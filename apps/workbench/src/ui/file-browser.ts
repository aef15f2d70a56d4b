/** The start page: the notebooks folder (and its subfolders), and a button for a new notebook. */
import { api, type Entry } from './api.js';
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
  main.append(list);
  page.append(header, main);
  return page;
}
