// engine export supervisord: a complete supervisord.conf, one [program:] per
// process, priorities from dependency order, process groups stopped and
// killed whole, logs rotated as the pitfile says. supervisord splits a
// command like a POSIX shell and expands %(name)s in values: every value is
// single-quoted and its % doubled; a line break (or another control
// character) cannot be written at all. supervisord reads no env file, and
// copying one would put its secrets in the config: env_file is left out
// and said. A ${VAR} from the shell becomes %(ENV_VAR)s in a command
// (supervisord's own environment, read when it starts); an env value made
// from one is left out. supervisord finds a program in its own PATH, not
// the program's: an interpreter gets its absolute path (host-command.ts),
// the shell's PATH is set for every program in [supervisord], and minfds
// gives the children the open-files limit engine run's have.
import { basename, dirname } from 'node:path';
import type { Pitfile, ProcessConfig } from '../model/pitfile.js';
import { dependencyOrder, exportOptions, header, nameMap, safeName, unsupported, type ExportOptions, type Exported } from './common.js';
import { hostArgv, pathFor } from './host-command.js';
import { limitWarnings } from './limits.js';
import { argvOf } from './systemd.js';
import { commandReferenceWarning, envReferenceWarning, renderReferences } from './shell-reference.js';

const percent = (v: string) => v.replace(/%/g, '%%');
const quoteInner = (v: string) => percent(v).replace(/'/g, `'"'"'`);
/** One argument as supervisord's shlex reads it back. */
export const shellQuote = (v: string) => `'${quoteInner(v)}'`;
/** A command word; a shell reference becomes supervisord's %(ENV_X)s. */
const commandWord = (v: string) => `'${renderReferences(v, quoteInner, (r) => `%(ENV_${r.name})s`)}'`;
const breaks = (v: string) => /[\x00-\x08\x0a-\x1f\x7f]/.test(v);

export function exportSupervisord(pitfile: Pitfile, options: Partial<ExportOptions> = {}): Exported {
  const opts = exportOptions(options);
  const warnings: string[] = [];
  const names = nameMap(pitfile, 'program', 'supervisord', warnings);
  const ordered = dependencyOrder(pitfile);
  const sections: string[] = [];
  const exported: string[] = [];
  ordered.forEach((p, i) => {
    const argv = hostArgv(p.name, p.command, argvOf(p.command), p.cwd, pathFor(p, opts.path), warnings);
    if (argv.some(breaks) || breaks(p.cwd)) {
      warnings.push(`${p.name}: left out: its command or cwd holds a line break or another control character, which a supervisord value cannot hold`);
      return;
    }
    for (const [dep, cond] of Object.entries(p.dependsOn)) {
      if (cond !== 'started') warnings.push(`${p.name}: depends_on ${dep}: ${cond} becomes start order only (supervisord has priorities, not conditions)`);
    }
    if (p.health) warnings.push(`${p.name}: its health probe is not exported (supervisord has none)`);
    warnings.push(...limitWarnings(p, 'supervisord'));
    const refWarning = commandReferenceWarning(p.name, argv, 'supervisord', 'its own environment when it starts, as %(ENV_X)s (it refuses to start when one is unset)');
    if (refWarning) warnings.push(refWarning);
    sections.push(program(p, argv, names.get(p.name)!, 100 + i * 10, warnings));
    exported.push(names.get(p.name)!);
  });
  warnings.push(...unsupported(pitfile, 'supervisord', { timers: false }));
  // supervisord adds this to every program's environment (a program's own PATH= wins).
  const path = supervisordEnvValue(opts.path);
  if (!path) warnings.push('your PATH is not exported: supervisord cannot hold its value (a control character or quotes); set PATH in its environment');
  const project = safeName(basename(dirname(pitfile.file)), 'program');
  const conf = [
    header(pitfile, 'supervisord', warnings, ';').trimEnd(),
    `; Run: supervisord -c supervisord.conf   (paths below are relative to this file's folder)`,
    '',
    '[supervisord]',
    'nodaemon=true',
    'logfile=%(here)s/supervisord.log',
    'pidfile=%(here)s/supervisord.pid',
    'childlogdir=%(here)s',
    ...(path ? [`environment=PATH=${path}`] : []),
    // supervisord raises its open-files limit to this, and its programs inherit it, as under engine run.
    ...(opts.openFiles ? [`minfds=${opts.openFiles}`] : []),
    '',
    '[unix_http_server]',
    'file=%(here)s/supervisor.sock',
    'chmod=0700',
    '',
    '[rpcinterface:supervisor]',
    'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
    '',
    '[supervisorctl]',
    'serverurl=unix://%(here)s/supervisor.sock',
    '',
    ...sections,
    `[group:${project}]`,
    `programs=${exported.join(',')}`,
    '',
  ].join('\n');
  return { files: { 'supervisord.conf': conf }, warnings };
}

function program(p: ProcessConfig, argv: string[], name: string, priority: number, warnings: string[]): string {
  const env = Object.keys(p.env)
    .sort()
    .flatMap((k) => {
      const fromShell = envReferenceWarning(p.name, k, p.env[k], 'supervisord would read a comma or quote of the filled-in value as part of environment=: set it in its own environment');
      if (fromShell) {
        warnings.push(fromShell);
        return [];
      }
      const v = supervisordEnvValue(p.env[k]);
      if (v !== null) return [`${k}=${v}`];
      warnings.push(`${p.name}: env ${k} left out: supervisord cannot hold its value (a line break or another control character, both kinds of quote, or a quote at either end)`);
      return [];
    });
  if (p.envFiles.length) warnings.push(`${p.name}: env_file is not exported (supervisord reads no env files, and copying it would put its secrets in the config): set its variables in supervisord's own environment`);
  const r = p.restart;
  const lines = [
    `[program:${name}]`,
    `command=${argv.map(commandWord).join(' ')}`,
    `directory=${percent(p.cwd)}`,
    ...(env.length ? [`environment=${env.join(',')}`] : []),
    `priority=${priority}`,
    `autostart=${p.autostart}`,
    `autorestart=${{ always: 'true', 'on-failure': 'unexpected', never: 'false' }[r.policy]}`,
    'exitcodes=0',
    `startsecs=${r.policy === 'never' ? 0 : Math.min(Math.round(r.minUptimeMs / 1000), 1)}`,
    `startretries=${r.maxRestarts}`,
    `stopsignal=${p.stop.signal.replace(/^SIG/, '')}`,
    `stopwaitsecs=${Math.max(1, Math.ceil(p.stop.timeoutMs / 1000))}`,
    'stopasgroup=true',
    'killasgroup=true',
    `stdout_logfile=%(here)s/${name}.out.log`,
    `stdout_logfile_maxbytes=${p.logs.maxBytes}`,
    `stdout_logfile_backups=${p.logs.keep}`,
    `stderr_logfile=%(here)s/${name}.err.log`,
    `stderr_logfile_maxbytes=${p.logs.maxBytes}`,
    `stderr_logfile_backups=${p.logs.keep}`,
  ];
  return lines.join('\n') + '\n';
}

/**
 * A value for environment=: supervisord reads it with a non-POSIX shlex
 * (no escapes: a backslash is itself) and strips quote characters from both
 * ends, so a value is quoted with the kind of quote it does not hold.
 */
export function supervisordEnvValue(v: string): string | null {
  if (breaks(v) || /^['"]|['"]$/.test(v)) return null;
  const q = !v.includes('"') ? '"' : !v.includes("'") ? "'" : null;
  return q && `${q}${percent(v)}${q}`;
}
