// The programs the suite drives for real, beyond Node: where each comes from,
// and one place that says whether a test can run. The runner (test/run.ts)
// installs what is missing when it can; a test that still lacks its tool
// skips with a reason, and the run ends with the command that installs it.
// Under CI nothing may be missing: the runner fails before any test runs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Tool {
  /** Debian's package that provides it. */
  apt: string;
  /** What the suite uses it for. */
  why: string;
  /** Whether this machine has it. */
  present(): boolean;
}

const runs = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

export const tools = {
  python3: { apt: 'python3', why: 'real Python children', present: () => runs('python3', ['--version']) },
  venv: { apt: 'python3-venv', why: 'virtual environments with pip for real installs', present: () => runs('python3', ['-c', 'import ensurepip, venv']) },
  poetry: { apt: 'python3-poetry', why: "the installer's Poetry backend", present: () => runs('poetry', ['--version']) },
  'systemd-analyze': { apt: 'systemd', why: 'engine export systemd checked by systemd-analyze verify', present: () => runs('systemd-analyze', ['--version']) },
  supervisord: { apt: 'supervisor', why: 'engine export supervisord run by a real supervisord', present: () => runs('supervisord', ['--version']) },
  chromium: { apt: 'chromium', why: 'the dashboard driven in a real browser', present: () => existsSync('/usr/bin/chromium') },
  'docker-compose': { apt: 'docker-compose', why: 'engine export compose checked by docker-compose config (no Docker daemon needed)', present: () => runs('docker-compose', ['version']) },
  promtool: { apt: 'prometheus', why: "/metrics checked by Prometheus' promtool check metrics", present: () => runs('promtool', ['--version']) },
} satisfies Record<string, Tool>;

export type ToolName = keyof typeof tools;

const seen = new Map<ToolName, boolean>();
/** Whether `name` is here; asked once per process (poetry alone takes ~0.5 s to answer). */
export function hasTool(name: ToolName): boolean {
  if (!seen.has(name)) seen.set(name, tools[name].present());
  return seen.get(name)!;
}

/** The tools this machine lacks now (asked afresh: the runner asks again after installing). */
export function missingTools(): ToolName[] {
  return (Object.keys(tools) as ToolName[]).filter((name) => !tools[name].present());
}

/** The one command that installs `names`. */
export function installCommand(names: ToolName[]): string {
  const pkgs = [...new Set(names.map((n) => tools[n].apt))].join(' ');
  return `sudo apt-get update && sudo apt-get install -y ${pkgs}`;
}

/**
 * For `test(name, { skip: needs('chromium') }, …)`: false, or why the test
 * cannot run. Under CI nothing may be missing: the test file fails at once,
 * naming the command that installs it.
 */
export function needs(...names: ToolName[]): string | false {
  const missing = names.filter((n) => !hasTool(n));
  if (!missing.length) return false;
  const why = `needs ${missing.join(', ')}: ${installCommand(missing)}`;
  if (process.env.CI) throw new Error(`CI: this test ${why}`);
  return why;
}
