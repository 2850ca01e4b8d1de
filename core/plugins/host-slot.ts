// The engine's plugin host for the pitfile in force, loaded or loading. A
// reload that changes no plugin keeps it (a new worker costs ~80 ms), unless
// one was disabled; otherwise the old host stops before the new one starts.
import type { Recording } from '../events/bus.js';
import type { Pitfile } from '../model/pitfile.js';
import type { ActionHandler } from '../reactions/actions/types.js';
import { builtinPlugins, qualifiedAction } from './builtins.js';
import { PluginHost, type PluginHostDeps } from './host.js';

export class PluginHostSlot {
  #current: { host: Promise<PluginHost>; key: string } | null = null;

  constructor(private readonly deps: Omit<PluginHostDeps, 'pitfile'>) {}

  /** The host for `pitfile`; at start-up `early` holds what happened while its workers boot. */
  async load(pitfile: Pitfile, early?: Recording): Promise<PluginHost> {
    const p = pitfile;
    const key = JSON.stringify([builtinPlugins(p), p.plugins, p.root, p.settings.stateDir]);
    const kept = this.#current?.key === key ? await this.#current.host : null;
    if (kept && !kept.hasDisabled()) return kept;
    const begin = async () => {
      const next = new PluginHost({ ...this.deps, pitfile: p });
      await next.start(early);
      return next;
    };
    // At start-up there is no host yet, so nothing to stop: the first one is created once the launches are made.
    const previous = this.#current?.host;
    const host = previous ? previous.then((h) => h.stop(), () => {}).then(begin) : begin();
    this.#current = { host, key };
    return host;
  }

  /** A loaded plugin's action (waiting for the plugins to load); a built-in plugin's also by its short name. */
  async action(name: string): Promise<ActionHandler | undefined> {
    const actions = (await this.#current?.host)?.actions() ?? {};
    // { install: {} } is python-installer.install.
    return actions[qualifiedAction(name)];
  }

  /** Stop the host, when one loaded; the slot is empty after. */
  async stop(): Promise<void> {
    await (await this.#current?.host.catch(() => null))?.stop();
    this.#current = null;
  }
}
