// engine service install|uninstall|status: the engine of this project as a
// systemd (or supervisord) service, so it survives reboots and crashes.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { errors } from '../errors.js';
import { exitCodes, reportError } from './output.js';
import type { Pitfile } from '../model/pitfile.js';
import type { RunAs } from '../export/service.js';

interface ServiceOpts {
  user?: boolean;
  system?: boolean;
  name?: string;
  dryRun?: boolean;
  supervisord?: boolean;
  userName?: string;
  allowRoot?: boolean;
}

const systemdRunning = () => existsSync('/run/systemd/system');

export function registerService(program: Command): void {
  const service = program
    .command('service')
    .summary("run this project's engine as a systemd or supervisord service")
    .addHelpText('after', `
Examples:
  engine service install --dry-run  # print the unit and the commands; change nothing
  engine service status`);
  const common = (c: Command) =>
    c
      .option('--user', 'a user service (the default when not root)')
      .option('--system', 'a system service (the default as root)')
      .option('--name <name>', 'the service name (default: pit-<project folder>)');
  common(service.command('install'))
    .summary('write the unit (and a health timer); enable and start it when systemd runs')
    .option('--dry-run', 'print what would be written and run')
    .option('--supervisord', 'write a supervisord [program:] section instead')
    .option('--user-name <name>', "a system service's user (default: the pitfile's owner)")
    .option('--allow-root', 'run as root even though others can change what it runs')
    .addHelpText('after', `
A system service (and a supervisord program) runs as the pitfile's owner,
with the PATH of the shell that installs it. It runs as root only when the
pitfile is root's, and is refused when others could change what root runs.

Examples:
  engine service install --dry-run        # the unit and the commands, nothing written
  engine service install                  # ~/.config/systemd/user/pit-<project>.service
  sudo engine service install --system    # /etc/systemd/system/, as the pitfile's owner
  sudo engine service install --system --user-name www-data
  engine service install --supervisord --dry-run`)
    .action(action(install));
  common(service.command('uninstall'))
    .summary('disable and remove the unit')
    .option('--dry-run', 'print what would be removed and run')
    .addHelpText('after', `
Examples:
  engine service uninstall --dry-run  # what would be removed, nothing changed
  sudo engine service uninstall --system`)
    .action(action(uninstall));
  common(service.command('status'))
    .summary("the service's state, from systemd")
    .addHelpText('after', `
Example:
  engine service status --user`)
    .action(action(status));
}

function action(run: (o: ServiceOpts, cmd: Command) => Promise<number>) {
  return async (o: ServiceOpts, cmd: Command) => {
    try {
      process.exitCode = await run(o, cmd);
    } catch (e) {
      process.exitCode = reportError(e);
    }
  };
}

async function context(o: ServiceOpts, cmd: Command) {
  if (o.user && o.system) throw errors.PIT_E_CLI_USAGE('--user and --system: pick one');
  const { loadPitfile } = await import('../config/load.js');
  const { defaultServiceName } = await import('../export/service.js');
  const { pitfile } = await loadPitfile({ config: cmd.optsWithGlobals<{ config?: string }>().config, plugins: false });
  const scope: 'user' | 'system' = o.system || (!o.user && process.getuid?.() === 0) ? 'system' : 'user';
  const name = o.name ?? defaultServiceName(pitfile);
  if (!/^[A-Za-z0-9_.@-]+$/.test(name)) throw errors.PIT_E_CLI_USAGE(`"${name}" is not a unit name: letters, digits, _ . @ - only`);
  const dir = o.supervisord ? '/etc/supervisor/conf.d' : scope === 'system' ? '/etc/systemd/system' : join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'systemd', 'user');
  const ctl = (...args: string[]) => ['systemctl', ...(scope === 'user' ? ['--user'] : []), ...args];
  return { pitfile, scope, name, dir, ctl };
}

async function install(o: ServiceOpts, cmd: Command): Promise<number> {
  const { pitfile, name, dir, ctl, scope } = await context(o, cmd);
  const { supervisordProgram, systemdService } = await import('../export/service.js');
  const runAs = await runAsFor(pitfile, o, scope);
  const { files } = o.supervisord ? supervisordProgram(pitfile, name, runAs) : systemdService(pitfile, name, scope, runAs);
  const commands = o.supervisord ? [['supervisorctl', 'reread'], ['supervisorctl', 'update', name]] : [ctl('daemon-reload'), ctl('enable', '--now', `${name}.service`, `${name}-health.timer`)];
  const show = (c: string[]) => c.join(' ');
  if (o.dryRun) {
    for (const [file, text] of Object.entries(files)) process.stdout.write(`### ${join(dir, file)}\n${text}\n`);
    process.stdout.write(`### then run\n${commands.map(show).join('\n')}\n`);
    return exitCodes.ok;
  }
  try {
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    process.stderr.write(`cannot write to ${dir} (${code}).\n${scope === 'system' || o.supervisord ? 'Run it as root: sudo engine service install' + (o.supervisord ? ' --supervisord' : ' --system') : 'Or install it for your user: engine service install --user'}\nor write the files yourself: engine service install --dry-run\n`);
    return exitCodes.failed;
  }
  process.stdout.write(`wrote ${Object.keys(files).map((f) => join(dir, f)).join(', ')}\n`);
  const manager = o.supervisord ? existsSync('/var/run/supervisor.sock') || existsSync('/run/supervisor.sock') : systemdRunning();
  if (!manager) {
    process.stdout.write(`${o.supervisord ? 'supervisord' : 'systemd'} is not running here; when it is, run:\n${commands.map(show).join('\n')}\n`);
    return exitCodes.ok;
  }
  for (const c of commands) {
    const r = spawnSync(c[0], c.slice(1), { stdio: 'inherit' });
    if (r.status !== 0) {
      process.stderr.write(`"${show(c)}" failed; run it yourself to see why\n`);
      return exitCodes.failed;
    }
  }
  process.stdout.write(`${name} is enabled and started; engine status works from the project as usual\n`);
  return exitCodes.ok;
}

/**
 * A system service's account (a user unit always runs as its user), refused
 * as root when others can change what root would run; PATH is this shell's.
 */
async function runAsFor(pitfile: Pitfile, o: ServiceOpts, scope: 'user' | 'system'): Promise<RunAs> {
  const path = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  if (scope === 'user' && !o.supervisord) {
    if (o.userName !== undefined) throw errors.PIT_E_CLI_USAGE('--user-name is for a system service: a user service runs as its user; add --system');
    return { account: null, path };
  }
  if (o.userName !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/.test(o.userName)) throw errors.PIT_E_CLI_USAGE(`"${o.userName}" is not a user name: letters, digits, _ . - only`);
  const { serviceAccount, writableByOthers } = await import('../export/service-account.js');
  const account = serviceAccount(pitfile, o.userName);
  if (account.root && !o.allowRoot) {
    const reasons = writableByOthers(pitfile);
    if (reasons.length) throw errors.PIT_E_SERVICE_ROOT_WRITABLE(account.user, reasons);
  }
  return { account, path };
}

async function uninstall(o: ServiceOpts, cmd: Command): Promise<number> {
  const { name, dir, ctl } = await context(o, cmd);
  const files = o.supervisord ? [`${name}.conf`] : [`${name}.service`, `${name}-health.service`, `${name}-health.timer`];
  const commands = o.supervisord ? [['supervisorctl', 'stop', name], ['supervisorctl', 'remove', name]] : [ctl('disable', '--now', `${name}.service`, `${name}-health.timer`)];
  if (o.dryRun) {
    process.stdout.write(`${commands.map((c) => c.join(' ')).join('\n')}\n${files.map((f) => `rm ${join(dir, f)}`).join('\n')}\n`);
    return exitCodes.ok;
  }
  if (o.supervisord || systemdRunning()) for (const c of commands) spawnSync(c[0], c.slice(1), { stdio: 'inherit' });
  for (const f of files) rmSync(join(dir, f), { force: true });
  if (!o.supervisord && systemdRunning()) spawnSync(ctl('daemon-reload')[0], ctl('daemon-reload').slice(1), { stdio: 'inherit' });
  process.stdout.write(`removed ${name}\n`);
  return exitCodes.ok;
}

async function status(o: ServiceOpts, cmd: Command): Promise<number> {
  const { name, dir, ctl } = await context(o, cmd);
  const installed = existsSync(join(dir, o.supervisord ? `${name}.conf` : `${name}.service`));
  if (!installed) {
    process.stdout.write(`${name} is not installed (no ${join(dir, `${name}.service`)}); engine service install\n`);
    return exitCodes.failed;
  }
  if (!systemdRunning() || o.supervisord) {
    process.stdout.write(`${name} is installed in ${dir}; its manager is not running here: engine status shows the engine itself\n`);
    return exitCodes.ok;
  }
  const c = ctl('status', '--no-pager', `${name}.service`);
  return spawnSync(c[0], c.slice(1), { stdio: 'inherit' }).status === 0 ? exitCodes.ok : exitCodes.failed;
}
