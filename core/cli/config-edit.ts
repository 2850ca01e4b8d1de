// engine config get|set: read one setting as the engine sees it, or change
// it in the file where it is written, checked before anything is saved.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { errors, displayPath } from '../errors.js';
import { LOCAL_LAYER } from '../config/layer.js';
import type { PathKey } from '../config/parse.js';
import { exitCodes, reportError } from './output.js';

export function registerConfigEdit(config: Command): void {
  config
    .command('get')
    .summary('print one setting as the engine uses it: after pitfile.local.yaml and ${VAR}, defaults filled in and marked')
    .argument('<path>', 'the setting, keys joined by dots, e.g. processes.api.restart.policy')
    .option('--json', 'print the value as JSON')
    .addHelpText('after', `
A default (not written in the pitfile) is marked "# default" in YAML output;
for one value or --json, a line on stderr says so, and stdout stays the value.

Examples:
  engine config get processes.api.command
  engine config get processes.api.stop.timeout      # 10s, its default
  engine config get processes.api.restart           # every restart setting, defaults marked
  engine config get processes.api.restart --json
  engine config get reactions[0].on`)
    .action(async (pathText: string, opts: { json?: boolean }, cmd: Command) => {
      try {
        const { formatPath } = await import('../config/load.js');
        const { value, defaults } = await readSetting(globalConfig(cmd), pathText);
        const scalar = value === null || typeof value !== 'object';
        // stdout stays the bare value, for scripts; which parts are defaults goes to stderr (or YAML comments).
        if (opts.json || scalar) {
          process.stdout.write(opts.json ? JSON.stringify(value) + '\n' : `${String(value)}\n`);
          if (defaults.some((d) => d.length === 0)) process.stderr.write(`${pathText} is not set; this is its default\n`);
          else if (defaults.length) process.stderr.write(`not set, so their defaults: ${defaults.map((d) => formatPath(d)).join(', ')}\n`);
        } else process.stdout.write(await yamlWithDefaultsMarked(value, defaults));
        process.exitCode = exitCodes.ok;
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });

  config
    .command('set')
    .summary('change one setting in the pitfile, keeping its comments and layout; refused if the result is invalid')
    .argument('<path>', 'the setting, keys joined by dots, e.g. processes.api.restart.policy')
    .argument('<value>', 'a YAML value: on-failure, 5s, 3, true, [a, b], {tcp: 8080}')
    .option('--local', `write to ${LOCAL_LAYER} beside the pitfile (created if missing) instead`)
    .addHelpText('after', `
A running engine applies the change by hot reload.

Examples:
  engine config set processes.api.restart.policy on-failure
  engine config set processes.api.stop.timeout 30s
  engine config set processes.worker.command '[python3, worker.py]'
  engine config set --local processes.api.env.DEBUG 1`)
    .action(async (pathText: string, valueText: string, opts: { local?: boolean }, cmd: Command) => {
      try {
        const { value, target } = await writeSetting(globalConfig(cmd), pathText, valueText, Boolean(opts.local));
        process.stdout.write(`${pathText} = ${JSON.stringify(value)} in ${displayPath(target)}\n`);
        process.exitCode = exitCodes.ok;
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
}

/** One setting as the engine uses it (engine config get, the MCP server's config_get): its value, and which parts are defaults. */
export async function readSetting(config: string | undefined, pathText: string): Promise<{ value: unknown; defaults: PathKey[][] }> {
  const { effectiveSetting, parseSettingPath, settingSchema } = await import('../config/edit.js');
  const { formatPath, loadPitfile } = await import('../config/load.js');
  const keys = parseSettingPath(pathText);
  settingSchema(keys);
  const { data } = await loadPitfile({ config, plugins: false });
  const { value, defaults, unsetAt } = effectiveSetting(data, keys);
  // processes.api.health.timeout has a default, but only once there is a health check.
  if (value === undefined) throw errors.PIT_E_CONFIG_NOT_SET(formatPath(unsetAt ?? keys));
  return { value, defaults };
}

/**
 * Change one setting in the file where it is written (engine config set, the
 * MCP server's config_set); nothing is written when the result is invalid.
 */
export async function writeSetting(config: string | undefined, pathText: string, valueText: string, local: boolean, cwd = process.cwd()): Promise<{ value: unknown; target: string }> {
  const { parseSettingPath, setInText, settingSchema } = await import('../config/edit.js');
  const { discoverPitfile } = await import('../config/discover.js');
  const { loadPitfile } = await import('../config/load.js');
  const keys = parseSettingPath(pathText);
  settingSchema(keys);
  const value = await parseValue(valueText);
  const found = await discoverPitfile(cwd, config);
  const target = local ? join(dirname(found.file), LOCAL_LAYER) : found.file;
  const before = existsSync(target) ? readFileSync(target, 'utf8') : '';
  const inFile = !local && found.prop ? [found.prop, ...keys] : keys;
  const after = setInText(before, inFile, value, target.endsWith('.json') ? 'json' : 'yaml');
  // Throws with file:line:column when the edit breaks the pitfile; nothing is written then.
  await loadPitfile({ config: found.file, texts: new Map([[target, after]]) });
  if (after !== before) {
    const { default: writeFileAtomic } = await import('write-file-atomic');
    await writeFileAtomic(target, after);
  }
  return { value, target };
}

/** `value` as YAML, each default (not written in the pitfile) marked "# default". */
async function yamlWithDefaultsMarked(value: unknown, defaults: PathKey[][]): Promise<string> {
  const { Document, isCollection, isScalar } = await import('yaml');
  const doc = new Document(value);
  for (const path of defaults) {
    const node = doc.getIn(path, true);
    if (isScalar(node)) node.comment = ' default';
    else if (isCollection(node) && node.items.length === 0) {
      node.flow = true;
      node.comment = ' default';
    }
  }
  const text = doc.toString({ lineWidth: 0 });
  return text.endsWith('\n') ? text : `${text}\n`;
}

function globalConfig(cmd: Command): string | undefined {
  return cmd.optsWithGlobals<{ config?: string }>().config;
}

async function parseValue(text: string): Promise<unknown> {
  const { parse } = await import('yaml');
  try {
    return parse(text);
  } catch (e) {
    throw errors.PIT_E_CLI_USAGE(`"${text}" is not a YAML value (${(e as Error).message.split('\n')[0]}); quote strings that contain ": " or start with [ {`);
  }
}
