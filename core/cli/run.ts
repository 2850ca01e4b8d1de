// engine run: load the pitfile, supervise everything in the foreground, and
// stop it all cleanly on Ctrl-C or SIGTERM (a second Ctrl-C kills at once).
import type { Command } from 'commander';
import type { Engine } from '../engine.js';
import { exitCodes, reportError } from './output.js';
import { displayPath, errors } from '../errors.js';
import type { Terminal } from './terminal.js';
import type { ListenConfig, Pitfile } from '../model/pitfile.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .summary('start every process and keep it running (foreground)')
    .description('Start the processes in dependency order, supervise them, and stream their output. Ctrl-C stops all of them.')
    .addHelpText('after', `
Exit codes: 0 all stopped cleanly, 1 failed to start or a process had to be killed.

Examples:
  engine run
  engine run --config config.example.yaml
  engine run --daemon              # in the background; engine shutdown stops it
  engine run --daemon --dashboard  # every flag works in the background too`)
    .option('-d, --daemon', 'run in the background: log to .pit/engine.log, pid in .pit/engine.pid')
    .option('--dashboard [host:port]', 'serve the web dashboard (default 127.0.0.1:7411); the address to open is printed once')
    .action(async (opts: { daemon?: boolean; dashboard?: string | boolean }, cmd: Command) => {
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      try {
        const { loadPitfile } = await import('../config/load.js');
        const { pitfile } = await loadPitfile({ config });
        // Checked here, so a bad flag is said to this terminal, not into a daemon's log.
        const dashboard = await dashboardOption(opts.dashboard);
        if (opts.daemon) {
          const { startDaemon } = await import('./daemon.js');
          process.exitCode = await startDaemon(pitfile, cmd);
        } else process.exitCode = await run(pitfile, dashboard);
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
}

async function run(pitfile: Pitfile, dashboard: ListenConfig | null): Promise<number> {
  const { Terminal } = await import('./terminal.js');
  const { startupOutcomes } = await import('./startup.js');
  const { announceDaemon, isDaemon } = await import('./daemon.js');
  const { isLoopback } = await import('../config/semantics.js');
  const names = Object.keys(pitfile.processes);
  const terminal = new Terminal(names);
  const fancy = Boolean(process.stdout.isTTY) && !process.env.CI;
  // While the task list draws, output waits, so the two do not garble each other.
  const held: (() => void)[] = [];
  let holding = fancy;
  // Loaded here, so the other verbs start without the engine's modules.
  const { Engine } = await import('../engine.js');
  const engine = new Engine(pitfile, {
    log: (text: string) => terminal.note(text),
    // A daemon's processes are in their own logs already; engine.log stays the engine's.
    lines: isDaemon()
      ? () => {}
      : (name: string, stream: 'out' | 'err', lines: Buffer[]) => (holding ? held.push(() => terminal.lines(name, stream, lines)) : terminal.lines(name, stream, lines)),
  });
  engine.bus.on('process:*:state', (e) => {
    if (e.type !== 'process:state' || holding) return;
    const detail = e.to === 'running' ? `running (pid ${e.pid})` : e.reason ? `${e.to}: ${e.reason}` : e.to;
    terminal.note(`${e.process} ${detail}`);
  });
  engine.bus.on('process:*:unhealthy', (e) => e.type === 'process:unhealthy' && terminal.note(`${e.process} unhealthy: ${e.reason}`));
  engine.bus.on('process:*:healthy', (e) => !holding && terminal.note(`${e.subject} healthy`));
  engine.bus.on('engine:*:orphan', (e) => e.type === 'engine:orphan' && terminal.note(`pid ${e.pid} of ${e.process} left by a killed engine: ${e.outcome}`));
  engine.bus.on('engine:*:log-error', (e) => e.type === 'engine:log-error' && terminal.note(`${e.process}: ${e.message} [${e.code}]`));

  engine.bus.on('config:reloaded', (e) => {
    if (e.type !== 'config:reloaded') return;
    const parts = [...e.added.map((n) => `+${n}`), ...e.removed.map((n) => `-${n}`), ...e.changed.map((n) => `~${n}`)];
    terminal.note(`pitfile reloaded${parts.length ? `: ${parts.join(' ')}` : ' (no process changed)'}`);
  });
  engine.bus.on('config:invalid', (e) => {
    if (e.type !== 'config:invalid') return;
    const where = (x: (typeof e.errors)[number]) => (x.file ? `${displayPath(x.file)}:${x.line}:${x.column}: ` : '');
    terminal.note(`pitfile not reloaded, keeping the running config:`);
    for (const x of e.errors) terminal.note(`  ${where(x)}${x.path ? `${x.path} ` : ''}${x.message} [${x.code}]`);
  });

  // The engine must outlive its own bugs and a closed terminal: say what
  // happened and keep supervising.
  process.on('unhandledRejection', (e) => terminal.note(`internal error (please report): ${(e as Error)?.stack ?? e}`));
  process.stdout.on('error', () => {});

  const { finished, stop } = waitForSignals(engine, terminal);
  await engine.start();
  const stopWatching = engine.watchConfig();
  process.on('SIGHUP', () => void engine.reload());
  // The API answers once the plugins are up: its first health check sees the heartbeat.
  await engine.ready();
  // Loaded after the first spawns: the API is not needed to start processes.
  const { startControlServer } = await import('../control/server.js');
  const at = dashboard ?? pitfile.settings.dashboard;
  if (at && !isLoopback(at.host)) terminal.note(`dashboard: listening on ${at.host}, not only this machine: anyone who can reach it and has the token can act`);
  const control = await startControlServer(engine, () => stop('shutdown request'), { log: (text) => terminal.note(text), dashboard: at });
  terminal.note(`listening on ${displayPath(control.socketPath)} (engine status, engine logs -f, engine shutdown)`);
  if (control.metricsUrl) terminal.note(`metrics on ${control.metricsUrl}`);
  if (control.dashboardUrl) terminal.note(`dashboard: ${control.dashboardUrl}`);
  const ready = announceDaemon(pitfile.settings.stateDir);
  void finished.then(async () => {
    stopWatching();
    await control.close();
    ready?.remove();
  });
  const outcomes = startupOutcomes(engine);
  if (fancy) {
    const { Listr } = await import('listr2');
    await new Listr(
      [...outcomes].map(([name, outcome]) => ({
        title: name,
        task: async (_: unknown, task: { title: string }) => {
          const o = await outcome;
          task.title = `${name}: ${o.detail}`;
          if (!o.ok) throw new Error(`${name}: ${o.detail}`);
        },
      })),
      { concurrent: true, exitOnError: false, rendererOptions: { collapseErrors: false } },
    )
      .run()
      .catch(() => {});
    holding = false;
    held.splice(0).forEach((print) => print());
  }
  return finished;
}

/** Stop on SIGINT, SIGTERM or `stop(why)`; the second time, kill at once. */
function waitForSignals(engine: Engine, terminal: Terminal): { finished: Promise<number>; stop(why: string): void } {
  let stop: (why: string) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    let stopping = false;
    stop = (why) => {
      if (stopping) {
        terminal.note(`${why} again: killing every process now`);
        engine.kill();
        return;
      }
      stopping = true;
      terminal.note(`${why}: stopping (press Ctrl-C again to kill at once)`);
      void engine.stop().then((clean) => {
        terminal.note(clean ? 'all processes stopped' : 'stopped; some processes had to be killed');
        resolve(clean ? exitCodes.ok : exitCodes.failed);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return { finished, stop: (why) => stop(why) };
}

/** --dashboard's address: none, the default, or host:port as written. */
async function dashboardOption(v: string | boolean | undefined): Promise<ListenConfig | null> {
  if (v === undefined || v === false) return null;
  if (v === true) return { host: '127.0.0.1', port: 7411 };
  const { parseHostPort } = await import('../config/semantics.js');
  const at = parseHostPort(v);
  if (!at) throw errors.PIT_E_CLI_USAGE(`--dashboard takes host:port, e.g. 127.0.0.1:7411; got "${v}"`);
  return at;
}
