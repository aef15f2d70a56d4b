/**
 * A `wb` command started by a sweep worker must not outlive the worker: a worker killed mid-job
 * (SIGKILL gives it no chance to stop its children) has its job retried elsewhere, and the orphaned
 * command would go on using the machine for nothing. The worker names itself in WB_PARENT_PID;
 * the command checks every second that it is still there. Opt-in, so that `nohup wb pretrain &`
 * from a shell that then exits goes on running.
 */
export const PARENT_PID_VARIABLE = 'WB_PARENT_PID';

export function exitWithParent(env: NodeJS.ProcessEnv = process.env): void {
  const value = env[PARENT_PID_VARIABLE];
  if (!value) return;
  const parent = Number(value);
  if (!Number.isInteger(parent) || parent <= 0) throw new Error(`${PARENT_PID_VARIABLE}=${JSON.stringify(value)}: expected a process id`);
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') return;
      process.stderr.write(`wb: the process that started this command (${parent}) is gone; stopping\n`);
      process.exit(1);
    }
  }, 1000);
  timer.unref();
}
