// Whether a pid is a live process (a zombie counts as gone).
import { readProcStat } from '../../core/process/proc-stat.js';

export const isAlive = (pid: number) => {
  const st = readProcStat(pid);
  return st !== null && st.state !== 'Z';
};
