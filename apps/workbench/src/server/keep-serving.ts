/**
 * The last line of defence of `wb serve`: an error that escapes every handler (a bug, or a request
 * nobody foresaw) is logged with its stack and the server keeps serving, as Jupyter's server does
 * per request, instead of exiting and taking every open notebook's kernel with it. Each route and
 * the websocket upgrade handle their own errors; this only catches what they missed.
 */

type Log = (text: string) => void;

/** Installs the handlers; returns a function that removes them. */
export function keepServingOnErrors(log: Log = (text) => void process.stderr.write(text)): () => void {
  const report = (what: string, error: unknown) => {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`wb serve: ${what}, still serving (please report this):\n${detail}\n`);
  };
  const onException = (error: Error) => report('an uncaught error', error);
  const onRejection = (reason: unknown) => report('an unhandled promise rejection', reason);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
