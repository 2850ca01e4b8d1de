// engine run: load the pitfile, supervise everything in the foreground, and
// stop it all cleanly on Ctrl-C, SIGTERM, engine shutdown or a closed
// terminal (a second Ctrl-C kills at once), at any moment, start-up included.
// This file wires; what it prints of the engine's events is run-reporter.ts,
// the start-up view startup.ts, the control API and dashboard run-control.ts.
import type { Command } from 'commander';
import type { Engine } from '../engine.js';
import { exitCodes, reportError } from './output.js';
import { displayPath, errors } from '../errors.js';
import type { Terminal } from './terminal.js';
import { isInTerminal, ownSignals, type SignalOwner } from './signals.js';
import type { ListenConfig, Pitfile } from '../model/pitfile.js';
import type { RunRequest } from '../supervisor/selection.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .summary('start every process, or the ones named, and keep them running (foreground)')
    .description('Start the processes in dependency order, supervise them, and stream their output. Ctrl-C stops all of them.')
    .argument('[name...]', 'start only these processes and what they depend on')
    .addHelpText('after', `
Exit codes: 0 all stopped cleanly, 1 failed to start or a process had to be killed.

Signals: Ctrl-C (SIGINT) or SIGTERM stops every process; a second one kills them at once.
SIGHUP reloads the pitfile, except in a terminal: there it means the terminal closed,
and everything stops as on Ctrl-C (engine reload reloads in both cases).

Which processes: all but those with autostart: false or with "profiles" none of
which is active. Named ones start with what they depend on (their profiles count
as active); the rest show as "not started" with why, and engine start NAME
starts one later, with what it needs. A reload keeps the same choice.

Examples:
  engine run
  engine run api worker            # these two and what they depend on
  engine run --except web          # all but web (an error if something started needs web)
  engine run --profile dev         # also the processes with profiles: [dev]
  engine run --config config.example.yaml
  engine run --daemon              # in the background; engine shutdown stops it
  engine run --daemon api          # names and flags reach the engine in the background
  engine run --daemon --dashboard  # every flag works in the background too`)
    .option('-d, --daemon', 'run in the background: log to .pit/engine.log, pid in .pit/engine.pid')
    .option('--dashboard [host:port]', 'serve the web dashboard (default 127.0.0.1:7411); the address to open is printed once')
    .option('--except <name>', 'start all but this process (repeat it, or a,b)', collect)
    .option('--profile <name>', 'also start processes with this profile (repeat it, or a,b)', collect)
    .action(async (names: string[], opts: { daemon?: boolean; dashboard?: string | boolean; except?: string[]; profile?: string[] }, cmd: Command) => {
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      // The foreground engine owns its signals before it loads anything (see signals.ts);
      // the command that starts a daemon has nothing to stop and keeps Node's defaults.
      const signals = opts.daemon ? null : ownSignals();
      try {
        const { loadPitfile } = await import('../config/load.js');
        const { pitfile, warnings } = await loadPitfile({ config, plugins: true, machine: true });
        (await import('./validate.js')).printWarnings(warnings);
        // Checked here, so a bad flag is said to this terminal, not into a daemon's log.
        const dashboard = await dashboardOption(opts.dashboard);
        const select: RunRequest = { names, except: opts.except, profiles: opts.profile };
        (await import('../supervisor/selection.js')).selectProcesses(pitfile, select);
        if (opts.daemon) {
          const { startDaemon } = await import('./daemon.js');
          process.exitCode = await startDaemon(pitfile, cmd);
        } else process.exitCode = await run(pitfile, dashboard, signals!, select);
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
}

async function run(pitfile: Pitfile, dashboard: ListenConfig | null, signals: SignalOwner, select: RunRequest): Promise<number> {
  const { Terminal, isAnsiTerminal } = await import('./terminal.js');
  const { watchStartup, showStartup } = await import('./startup.js');
  const { noteEvents } = await import('./run-reporter.js');
  const { announceDaemon, isDaemon } = await import('./daemon.js');
  const { logPath } = await import('../state-dir.js');
  const terminal = new Terminal(Object.keys(pitfile.processes), process.stdout, { logOf: (name) => displayPath(logPath(pitfile.settings.stateDir, name)) });
  const fancy = isAnsiTerminal(process.stdout) && !process.env.CI;
  // Node writes to a terminal synchronously: one that stops reading (Ctrl-S,
  // a paused tmux pane) would stop the engine, and with it every child's log.
  // Non-blocking, the copy waits in the terminal's bounded buffer instead.
  if (process.stdout.isTTY) (process.stdout as { _handle?: { setBlocking?(on: boolean): unknown } })._handle?.setBlocking?.(false);
  // While the start-up view draws, output waits (within a bound), so the two do not garble each other.
  let holding = fancy;
  if (holding) terminal.hold();
  const release = () => {
    holding = false;
    terminal.release();
  };
  // Loaded here, so the other verbs start without the engine's modules.
  const { Engine } = await import('../engine.js');
  const engine = new Engine(pitfile, {
    select,
    log: (text: string) => terminal.note(text),
    // A daemon's processes are in their own logs already; engine.log stays the engine's.
    lines: isDaemon() ? () => {} : (name, stream, split) => terminal.chunk(name, stream, split),
  });
  noteEvents(engine, terminal, () => holding);
  // The engine must outlive its own bugs (say what happened and keep supervising)
  // and a terminal gone (writes fail with EIO while it stops everything).
  process.on('unhandledRejection', (e) => terminal.note(`internal error (please report): ${(e as Error)?.stack ?? e}`));
  // The last resort: a throw nothing caught leaves the engine in a state no one
  // knows. It ends every process group (SIGKILL, synchronously) before it exits,
  // so no child runs on unsupervised; the next engine clears the records.
  process.on('uncaughtException', (e) => {
    terminal.note(`internal error (please report); every process is killed and the engine exits: ${(e as Error)?.stack ?? e}`);
    engine.kill();
    process.exit(exitCodes.failed);
  });
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});

  // Watched from before the first spawn, so no outcome passes unseen.
  const startup = fancy ? watchStartup(engine) : null;
  const started = engine.start();
  // From the moment the engine takes the lock, a signal stops it: no await between the two.
  const { finished, stop, isStopping } = stopOnRequest(engine, terminal, () => startup?.abandon('stopped before it was up'));
  const hangUp = isInTerminal() ? () => stop('the terminal closed (SIGHUP)') : () => void engine.reload({ reason: 'SIGHUP' });
  signals.route((signal) => (signal === 'SIGHUP' ? hangUp() : stop(signal)));
  try {
    await started;
  } catch (e) {
    release();
    throw e;
  }
  // Drawn while the plugins load and the API opens; a stop during start-up ends it.
  const view = startup && !isStopping() ? showStartup(startup).then(release) : Promise.resolve(release());
  if (isStopping()) return finished;
  const stopWatching = engine.watchConfig();
  void finished.then(stopWatching);
  // The API answers once the plugins are up: its first health check sees the heartbeat.
  await engine.ready();
  if (isStopping()) return view.then(() => finished);
  try {
    const { openControl } = await import('./run-control.js');
    const control = await openControl(engine, dashboard, terminal, () => stop('shutdown request'));
    const ready = announceDaemon(pitfile.settings.stateDir);
    // Start-up's garbage goes before the engine sits idle, not in its first idle minute.
    void import('../startup-garbage.js').then((m) => m.collectWhenUp(engine));
    void finished.then(async () => {
      await control.close();
      ready?.remove();
    });
  } catch (e) {
    // An engine nobody can reach must not keep running: stop what started, then say why.
    if (!isStopping()) stop('the control API could not open');
    await Promise.all([view, finished]);
    throw e;
  }
  await view;
  return finished;
}

/**
 * Stop on `stop(why)` (a signal, engine shutdown); the second time, kill at
 * once. `onStop` runs first, so a start-up view still drawing ends.
 */
function stopOnRequest(engine: Engine, terminal: Terminal, onStop: () => void): { finished: Promise<number>; stop(why: string): void; isStopping(): boolean } {
  let stopping = false;
  let stop: (why: string) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    stop = (why) => {
      if (stopping) {
        terminal.note(`${why} again: killing every process now`);
        engine.kill();
        return;
      }
      stopping = true;
      onStop();
      terminal.note(`${why}: stopping (press Ctrl-C again to kill at once)`);
      void engine.stop(`engine stopping: ${why}`).then((clean) => {
        terminal.note(clean ? 'all processes stopped' : 'stopped; some processes had to be killed');
        resolve(clean ? exitCodes.ok : exitCodes.failed);
      });
    };
  });
  return { finished, stop: (why) => stop(why), isStopping: () => stopping };
}

/** A repeatable option's values so far plus this one's, split at commas. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
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
