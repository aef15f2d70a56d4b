/** `wb serve`: starts the workbench on 127.0.0.1 and prints its URL with the access token. */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startWorkbench, type Workbench } from './app.js';
import { keepServingOnErrors } from './keep-serving.js';
import { defaultNotebooksDir } from './notebooks-dir.js';
import { openBrowser } from './open-browser.js';

export { defaultNotebooksDir };

export interface ServeOptions {
  port?: number;
  dir?: string;
  browser?: boolean;
  token?: string;
  /** Seconds a kernel may stay idle with no tab connected before it is shut down (0: never). */
  kernelIdleTimeout?: number;
}

async function listen(root: string, port: number, token: string | undefined, kernelIdleTimeout: number | undefined): Promise<Workbench> {
  // As Jupyter: when the port is taken, try the next ones (a given 0 means any free port).
  for (let attempt = 0; ; attempt++) {
    try {
      return await startWorkbench({ root, port: port === 0 ? 0 : port + attempt, token, kernelIdleTimeout });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0 || attempt >= 20) throw e;
    }
  }
}

export async function serve(options: ServeOptions): Promise<Workbench> {
  const root = resolve(options.dir ?? defaultNotebooksDir());
  if (!existsSync(root)) mkdirSync(root, { recursive: true });
  const token = options.token ?? process.env.WB_TOKEN ?? undefined;
  const workbench = await listen(root, options.port ?? 8765, token, options.kernelIdleTimeout);
  process.stdout.write(
    [
      `wb: serving the notebooks in ${workbench.store.root}`,
      `wb: open the workbench at`,
      ``,
      `    ${workbench.url}`,
      ``,
      `wb: press Ctrl-C to stop`,
      ``,
    ].join('\n'),
  );
  keepServingOnErrors();
  if (options.browser !== false) openBrowser(workbench.url);
  const stop = () => {
    process.stdout.write('\nwb: stopping\n');
    void workbench.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return workbench;
}
