// The context a plugin's hooks get, built one way for the worker thread
// (worker.ts) and for pitengine/testing (testing.ts): each gives a sink that
// keeps what the hook asked for its own way (the worker caps it for the host).
import type { PluginContext } from './contract.js';
import type { PitError } from '../errors.js';

/** Where a context's calls go, as plain data. */
export interface ContextSink {
  log(text: string): void;
  emit(name: string, data: Record<string, unknown>): void;
  request(action: 'start' | 'stop' | 'restart', process: string, reason: unknown): void;
  /** A PitError keeps its code and fix (reaction:failed carries them); a string is a plain reason. */
  fail(reason: string | PitError): void;
}

/** The context of plugin `name`, its calls handed to `sink`. */
export function pluginContext<O>(where: { name: string; options: O; root: string; stateDir: string }, sink: ContextSink): PluginContext<O> {
  return {
    name: where.name,
    options: where.options,
    root: where.root,
    stateDir: where.stateDir,
    log: (text) => sink.log(String(text)),
    // Checked against the catalogue at compile time (contract.ts); any JSON object crosses here.
    emit: ((name: string, data: Record<string, unknown> = {}) => sink.emit(name, data)) as PluginContext<O>['emit'],
    request: (action, process, reason) => sink.request(action, process, reason),
    fail: (reason) => sink.fail(reason),
  };
}
