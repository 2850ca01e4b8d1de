// engine export systemd: a .service per process and a .target that groups
// them; cron watchers whose reactions run a command become a .timer with a
// oneshot .service. Values are quoted for systemd: C escapes inside double
// quotes, % doubled (specifiers), $ doubled in command lines (variables).
// env_file stays a file (EnvironmentFile=); ${VAR} from the shell stays a
// reference in commands, and an env value made from one is left out:
// Environment= does not expand variables. Each unit gets the exporting
// shell's PATH and an interpreter's absolute path (host-command.ts), and
// the open-files limit engine run's children have.
import { basename, dirname, resolve } from 'node:path';
import type { Pitfile, ProcessConfig } from '../model/pitfile.js';
import { errors } from '../errors.js';
import { cronJobs, dependencyOrder, exportOptions, header, nameMap, safeName, unsupported, type ExportOptions, type Exported } from './common.js';
import { hostArgv, pathFor } from './host-command.js';
import { enforcedLimits, limitWarnings } from './limits.js';
import { commandReferenceWarning, envReferenceWarning, referencesIn, renderReferences } from './shell-reference.js';

/** Text inside a quoted unit file value: C escapes for \\, ", and every control character; % doubled (specifiers); in a command line $ doubled (variables). */
function escapeQuoted(value: string, opts: { command?: boolean }): string {
  let v = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/%/g, '%%');
  if (opts.command) v = v.replace(/\$/g, '$$$$');
  return v;
}

/** One word of a unit file value, quoted so nothing in it can end the line or start a directive. */
export function systemdQuote(value: string, opts: { command?: boolean } = {}): string {
  return `"${escapeQuoted(value, opts)}"`;
}

/** A word of ExecStart=: quoted, with a ${VAR} the pitfile took from the shell left for systemd to fill from the unit's environment. */
export const systemdCommandWord = (value: string) => `"${renderReferences(value, (s) => escapeQuoted(s, { command: true }), (r) => `\${${r.name}}`)}"`;

/** A path setting (WorkingDirectory=, EnvironmentFile=): unquoted, % doubled; a control character cannot be written at all. */
export function systemdPath(path: string): string {
  if (/[\x00-\x1f\x7f]/.test(path)) throw errors.PIT_E_EXPORT_PATH(path);
  return path.replace(/%/g, '%%');
}

/** Free text (Description=): % doubled, control characters as spaces; nothing there is run. */
export const systemdText = (text: string) => text.replace(/[\x00-\x1f\x7f]/g, ' ').replace(/%/g, '%%');

export const argvOf = (command: string | string[]): string[] => (Array.isArray(command) ? command : ['/bin/sh', '-c', command]);

const seconds = (ms: number) => `${Math.max(0, Math.round(ms / 100) / 10)}s`;

export function exportSystemd(pitfile: Pitfile, options: Partial<ExportOptions> = {}): Exported {
  const opts = exportOptions(options);
  const warnings: string[] = [];
  const names = nameMap(pitfile, 'unit', 'systemd', warnings);
  const project = safeName(basename(dirname(pitfile.file)), 'unit');
  const unit = (p: string) => `${project}-${names.get(p)}.service`;
  const completedDeps = new Set(Object.values(pitfile.processes).flatMap((p) => Object.entries(p.dependsOn).filter(([, c]) => c === 'completed').map(([d]) => d)));
  for (const p of Object.values(pitfile.processes)) {
    for (const k of Object.keys(p.env).sort()) {
      const w = envReferenceWarning(p.name, k, p.env[k], 'systemd\'s Environment= does not expand variables: put it in an env_file (EnvironmentFile=)');
      if (w) warnings.push(w);
    }
    const w = commandReferenceWarning(p.name, argvOf(p.command), 'systemd', 'the unit\'s environment (Environment=, EnvironmentFile=)');
    if (w) warnings.push(w);
    for (const [dep, cond] of Object.entries(p.dependsOn)) if (cond === 'healthy') warnings.push(`${p.name}: depends_on ${dep}: healthy becomes "started" (systemd has no health probes)`);
    if (p.health) warnings.push(`${p.name}: its health probe is not exported (systemd has none; use a watchdog or a timer)`);
    warnings.push(...limitWarnings(p, 'systemd'));
  }
  for (const job of cronJobs(pitfile)) {
    const w = commandReferenceWarning(job.name, argvOf(job.command), 'systemd', 'the unit\'s environment (Environment=, EnvironmentFile=)');
    if (w) warnings.push(w);
  }
  warnings.push(...unsupported(pitfile, 'systemd', { timers: true }));
  const files: Record<string, string> = {};
  const ordered = dependencyOrder(pitfile);
  const execStart = (who: string, command: string | string[], cwd: string, path: string) =>
    `ExecStart=${hostArgv(who, command, argvOf(command), cwd, path, warnings).map(systemdCommandWord).join(' ')}`;
  for (const p of ordered) files[unit(p.name)] = service(p, pitfile, unit, `${project}.target`, completedDeps.has(p.name), execStart(p.name, p.command, p.cwd, pathFor(p, opts.path)), opts);
  const jobs = cronJobs(pitfile);
  for (const job of jobs) {
    const calendar = onCalendar(job.cron);
    if (!calendar) {
      warnings.push(`cron "${job.cron}" of ${job.name} has no OnCalendar= equivalent here; no timer written`);
      continue;
    }
    const name = `${project}-${safeName(job.name, 'unit')}`;
    const cwd = resolve(pitfile.root, job.cwd ?? '.');
    const path = pathFor(job, opts.path);
    const keys = Object.keys(job.env).sort().filter((k) => {
      const w = envReferenceWarning(job.name, k, job.env[k], 'systemd\'s Environment= does not expand variables');
      if (w) warnings.push(w);
      return !w && k !== 'PATH';
    });
    const env = [`PATH=${path}`, ...keys.map((k) => `${k}=${job.env[k]}`)].map((e) => `Environment=${systemdQuote(e)}`);
    files[`${name}.service`] = `[Unit]\nDescription=${project}: ${job.name} (a cron reaction's run)\n\n[Service]\nType=oneshot\nWorkingDirectory=${systemdPath(cwd)}\n${env.join('\n')}\n${execStart(job.name, job.command, cwd, path)}\n`;
    files[`${name}.timer`] = `[Unit]\nDescription=${project}: ${job.name} on "${systemdText(job.cron)}"\nPartOf=${project}.target\n\n[Timer]\nOnCalendar=${calendar}${job.timezone ? ` ${job.timezone}` : ''}\nAccuracySec=1s\n\n[Install]\nWantedBy=${project}.target\n`;
  }
  // The header goes on last: writing the units above added warnings (a program not on PATH).
  const top = header(pitfile, 'systemd', warnings);
  for (const name of Object.keys(files)) files[name] = top + files[name];
  const wants = [...ordered.filter((p) => p.autostart).map((p) => unit(p.name)), ...jobs.filter((j) => onCalendar(j.cron)).map((j) => `${project}-${safeName(j.name, 'unit')}.timer`)];
  files[`${project}.target`] = `${top}[Unit]\nDescription=${project}: every process of ${systemdText(basename(pitfile.file))}\n${wants.length ? `Wants=${wants.join(' ')}\n` : ''}\n[Install]\nWantedBy=multi-user.target\n`;
  return { files, warnings };
}

function service(p: ProcessConfig, pitfile: Pitfile, unit: (n: string) => string, target: string, runsToCompletion: boolean, execStart: string, opts: ExportOptions): string {
  const limits = enforcedLimits(p);
  const deps = Object.keys(p.dependsOn).sort().map(unit);
  const r = p.restart;
  const unitLines = [
    `Description=${systemdText(basename(dirname(pitfile.file)))}: ${p.name}`,
    `PartOf=${target}`,
    ...(deps.length ? [`Requires=${deps.join(' ')}`, `After=${deps.join(' ')}`] : []),
    `StartLimitIntervalSec=${seconds(r.windowMs)}`,
    `StartLimitBurst=${r.maxRestarts}`,
  ];
  const svc = [
    // A process others wait to complete must be oneshot, so After= waits for its exit.
    `Type=${runsToCompletion ? 'oneshot' : 'exec'}`,
    ...(runsToCompletion ? ['RemainAfterExit=yes'] : []),
    `WorkingDirectory=${systemdPath(p.cwd)}`,
    // systemd gives a unit a short PATH of its own; engine run passed on the shell's.
    ...(p.env.PATH === undefined ? [`Environment=${systemdQuote(`PATH=${opts.path}`)}`] : []),
    ...Object.keys(p.env)
      .sort()
      .filter((k) => !referencesIn(p.env[k]).length)
      .map((k) => `Environment=${systemdQuote(`${k}=${p.env[k]}`)}`),
    ...p.envFiles.map((f) => `EnvironmentFile=${systemdPath(f)}`),
    execStart,
    ...(runsToCompletion ? [] : [`Restart=${{ always: 'always', 'on-failure': 'on-failure', never: 'no' }[r.policy]}`]),
    `RestartSec=${seconds(r.delayMs)}`,
    '# RestartSteps= and RestartMaxDelaySec= need systemd 254 or newer; older versions ignore them with a warning.',
    `RestartSteps=${Math.max(1, Math.ceil(Math.log2(Math.max(1, r.maxDelayMs / Math.max(1, r.delayMs)))))}`,
    `RestartMaxDelaySec=${seconds(r.maxDelayMs)}`,
    `KillSignal=${p.stop.signal}`,
    `TimeoutStopSec=${seconds(p.stop.timeoutMs)}`,
    'KillMode=control-group',
    ...(limits.memoryBytes ? [`MemoryMax=${limits.memoryBytes}`] : []),
    ...(limits.cpuPercent ? [`CPUQuota=${Math.round(limits.cpuPercent)}%`] : []),
    // The open files engine run's children may have; systemd's default soft limit is 1024.
    ...(opts.openFiles ? [`LimitNOFILE=${opts.openFiles}`] : []),
  ];
  const install = p.autostart ? `\n[Install]\nWantedBy=${target}\n` : '';
  return `[Unit]\n${unitLines.join('\n')}\n\n[Service]\n${svc.join('\n')}\n${install}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A cron expression (5 or 6 fields) as OnCalendar=, or null when it uses what OnCalendar cannot say. */
export function onCalendar(cron: string): string | null {
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5 && f.length !== 6) return null;
  const [sec, min, hour, dom, mon, dow] = f.length === 6 ? f : ['0', ...f];
  const field = (v: string, pad = 2): string | null => {
    if (v === '*') return '*';
    const parts = v.split(',').map((part) => {
      const m = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
      if (!m) return null;
      const start = m[1] === '*' ? '0' : m[1].padStart(pad, '0');
      if (m[2]) return m[3] ? null : `${start}..${m[2].padStart(pad, '0')}`;
      return m[3] ? `${start}/${m[3]}` : start;
    });
    return parts.includes(null) ? null : parts.join(',');
  };
  const days = (v: string): string | null => {
    if (v === '*') return '';
    const out = v.split(',').map((part) => {
      const m = /^(\d)(?:-(\d))?$/.exec(part);
      return m ? (m[2] ? `${DAYS[+m[1]]}..${DAYS[+m[2]]}` : DAYS[+m[1]]) : null;
    });
    return out.includes(null) ? null : `${out.join(',')} `;
  };
  const parts = [field(sec), field(min), field(hour), field(dom), field(mon), days(dow)];
  if (parts.includes(null) || (dom !== '*' && dow !== '*')) return null;
  const [s, m, h, d, mo, w] = parts as string[];
  return `${w}*-${mo}-${d} ${h}:${m}:${s}`;
}
