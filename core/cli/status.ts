// engine status: one aligned row per process, from the running engine.
import type { Command } from 'commander';
import type { ProcessView } from '../control/process-view.js';
import { clientAction, painter } from './engine-client.js';
import { exitCodes } from './output.js';
import { builtins } from '../plugins/builtins.js';

const stateColour: Record<string, number> = { running: 32, starting: 36, stopping: 36, waiting: 35, backoff: 33, exited: 90, stopped: 90, fatal: 31 };

export function registerStatus(program: Command): void {
  program
    .command('status')
    .summary('show every process: state, pid, uptime, restarts, CPU, memory, heals')
    .argument('[name...]', 'only these processes')
    .option('--json', 'print {processes: [...]} as the control API gives it')
    .addHelpText('after', `
Exit codes: 0 shown, 1 failed, 3 no engine running.

Examples:
  engine status
  engine status api worker     # api with replicas: a line for the group, one per replica
  engine status --json | jq '.processes[] | select(.state != "running")'`)
    .action(
      clientAction(async ({ client, stateDir }, names: string[], opts: { json?: boolean }) => {
        let { processes } = await client.call<{ processes: ProcessView[] }>('GET', '/v1/processes');
        if (names.length) processes = processes.filter((p) => names.includes(p.name) || (p.replica && names.includes(p.replica.group)));
        if (opts.json) process.stdout.write(JSON.stringify({ processes }, null, 2) + '\n');
        else {
          // Under the table, what the built-in plugins add (python-installer: installs waiting for approval).
          const sections = await Promise.all(builtins().map((b) => b.definition.status?.({ stateDir }) ?? ''));
          process.stdout.write(formatStatus(processes) + sections.join(''));
        }
        return exitCodes.ok;
      }),
    );
}

/** The table `engine status` prints. */
export function formatStatus(processes: ProcessView[], paint = painter()): string {
  const header = ['NAME', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'CPU', 'MEM', 'HEALS', 'HEALTH'];
  const rows = processes.map((p) => [
    p.replica ? `  ${p.name}` : p.name,
    stateCell(p),
    p.pid ? String(p.pid) : '-',
    p.uptime_s === null ? '-' : formatUptime(p.uptime_s),
    String(p.restarts),
    p.cpu === null ? '-' : `${p.cpu.toFixed(1)}%`,
    p.memory_bytes === null ? '-' : formatBytes(p.memory_bytes),
    p.heals ? `${p.heals} (${p.last_heal?.distribution ?? p.last_heal?.module ?? '?'})` : '0',
    p.healthy === null ? '-' : p.healthy ? 'healthy' : 'unhealthy',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[], colour?: (i: number, text: string) => string) =>
    cells.map((c, i) => (colour ? colour(i, c.padEnd(widths[i])) : c.padEnd(widths[i]))).join('  ').trimEnd() + '\n';
  const rowOf = (n: number) => line(rows[n], (i, text) => (i === 1 ? paint(text, stateColour[processes[n].state] ?? 0) : text));
  // A replica group: one line for it, its replicas under it (wherever engine scale put them).
  const shown = new Set<string>();
  let out = line(header);
  processes.forEach((p, n) => {
    const g = p.replica?.group;
    if (g === undefined) return void (out += rowOf(n));
    if (shown.has(g)) return;
    shown.add(g);
    const members = processes.flatMap((q, m) => (q.replica?.group === g ? [m] : []));
    // Only with every replica shown (engine status api.2 shows just that one).
    if (members.length === p.replica!.count) out += line([g, groupSummary(members.map((m) => processes[m]))]);
    members.forEach((m) => (out += rowOf(m)));
  });
  return out;
}

/** "2/3 running", and "(scaled; pitfile: 2)" while engine scale's count differs from the pitfile's. */
function groupSummary(replicas: ProcessView[]): string {
  const r = replicas[0].replica!;
  const running = replicas.filter((p) => p.state === 'running').length;
  return `${running}/${r.count} running${r.count === r.pitfile ? '' : ` (scaled; pitfile: ${r.pitfile})`}`;
}

/** "waiting for api: healthy", "exited (1)", "exited (SIGKILL)", else the state. */
function stateCell(p: ProcessView): string {
  if (p.state === 'waiting' && p.waiting_for) return `waiting for ${p.waiting_for}`;
  if (p.state === 'stopped' && p.not_started) return `not started (${p.not_started})`;
  if (p.state === 'exited' && p.last_exit) return `exited (${p.last_exit.signal ?? p.last_exit.code})`;
  return p.state;
}

function formatUptime(s: number): string {
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n < 10 && i ? n.toFixed(1) : Math.round(n)}${units[i]}`;
}
