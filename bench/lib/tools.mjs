// Starting and stopping the same programs under Pit, PM2 and supervisord,
// each in its own temp directory with its own configuration.
import { spawn, execFile } from 'node:child_process';
import { openSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
// node, the engine's V8 flags and its entry point, as the `engine` bin's #! line runs it.
const [node, ...engineArgs] = (await import(join(root, 'dist/core/cli/engine-command.js'))).engineCommand();
const pm2Bin = join(root, 'node_modules/.bin/pm2');

/**
 * A program: { name, argv, env, restart: boolean, stopTimeoutS, count }.
 * `count` copies run as name-0, name-1, …
 */
const expand = (programs) =>
  programs.flatMap((p) => Array.from({ length: p.count ?? 1 }, (_, i) => ({ ...p, name: p.count ? `${p.name}-${i}` : p.name })));

const exitOf = (child) => new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', r)));

export const pit = {
  name: 'pit',
  async start(dir, programs, extraYaml = '') {
    const lines = ['version: 1', extraYaml, 'processes:'];
    for (const p of expand(programs)) {
      lines.push(`  ${p.name}:`, `    command: ${JSON.stringify(p.argv)}`, `    env: ${JSON.stringify(p.env ?? {})}`);
      lines.push(`    restart: { policy: ${p.restart ? 'always' : 'never'}, delay: 0ms, max_restarts: 100000000, window: 1s }`);
      lines.push(`    stop: { timeout: ${p.stopTimeoutS ?? 10}s }`, '    logs: { max_size: 100GB }');
      if (p.pitLimits) lines.push(`    limits: ${p.pitLimits}`);
    }
    writeFileSync(join(dir, 'pitfile.yaml'), lines.join('\n') + '\n');
    const out = openSync('/dev/null', 'w');
    const child = spawn(node, [...engineArgs, 'run'], { cwd: dir, stdio: ['ignore', out, out], env: { ...process.env, CI: '1' } });
    return {
      pids: () => [child.pid],
      log: (name) => join(dir, '.pit/logs', `${name}.log`),
      async stop() {
        child.kill('SIGTERM');
        await exitOf(child);
      },
      cleanup: async () => {
        if (child.exitCode === null) child.kill('SIGKILL');
      },
    };
  },
};

export const pm2 = {
  name: 'pm2',
  async start(dir, programs) {
    const env = { ...process.env, PM2_HOME: join(dir, 'pm2home') };
    const apps = expand(programs).map((p) => ({
      name: p.name,
      script: p.argv[0],
      args: p.argv.slice(1),
      interpreter: 'none',
      autorestart: p.restart,
      restart_delay: 0,
      min_uptime: 0,
      max_restarts: 100000000,
      kill_timeout: (p.stopTimeoutS ?? 10) * 1000,
      out_file: join(dir, `${p.name}.log`),
      error_file: join(dir, `${p.name}.err.log`),
      env: p.env ?? {},
    }));
    writeFileSync(join(dir, 'apps.json'), JSON.stringify({ apps }));
    await run(pm2Bin, ['start', join(dir, 'apps.json')], { env });
    const daemon = () => Number(readFileSync(join(dir, 'pm2home/pm2.pid'), 'utf8'));
    return {
      pids: () => [daemon()],
      log: (name) => join(dir, `${name}.log`),
      async stop() {
        await run(pm2Bin, ['stop', 'all'], { env });
      },
      cleanup: async () => {
        await run(pm2Bin, ['kill'], { env }).catch(() => {});
      },
    };
  },
};

export const supervisord = {
  name: 'supervisord',
  async start(dir, programs) {
    const conf = join(dir, 'supervisord.conf');
    const sock = join(dir, 's.sock');
    const lines = [
      '[unix_http_server]', `file=${sock}`,
      '[supervisord]', `logfile=${join(dir, 'supervisord.log')}`, `pidfile=${join(dir, 'supervisord.pid')}`, `childlogdir=${dir}`, 'nodaemon=true',
      '[rpcinterface:supervisor]', 'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
      '[supervisorctl]', `serverurl=unix://${sock}`,
    ];
    for (const p of expand(programs)) {
      const envs = Object.entries(p.env ?? {}).map(([k, v]) => `${k}="${v}"`).join(',');
      lines.push(`[program:${p.name}]`, `command=${p.argv.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ')}`);
      lines.push(`autorestart=${p.restart}`, 'startsecs=0', 'startretries=100000000', `stopwaitsecs=${p.stopTimeoutS ?? 10}`);
      lines.push('stopasgroup=true', 'killasgroup=true', `stdout_logfile=${join(dir, `${p.name}.log`)}`, 'stdout_logfile_maxbytes=0', 'redirect_stderr=true');
      if (envs) lines.push(`environment=${envs}`);
    }
    writeFileSync(conf, lines.join('\n') + '\n');
    const child = spawn('supervisord', ['-c', conf], { cwd: dir, stdio: 'ignore' });
    return {
      pids: () => [child.pid],
      log: (name) => join(dir, `${name}.log`),
      async stop() {
        // supervisorctl answers once every program has stopped.
        while (!existsSync(sock)) await new Promise((r) => setTimeout(r, 20));
        await run('supervisorctl', ['-c', conf, 'stop', 'all']);
      },
      cleanup: async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        await exitOf(child);
      },
    };
  },
};

export const allTools = [pit, pm2, supervisord];

/** Whether supervisord is installed (apt-get install supervisor). */
export async function hasSupervisord() {
  return run('supervisord', ['--version']).then(() => true, () => false);
}
