// A plugin's failure, as it crosses the worker boundary and as a person reads
// it. A structured clone keeps an Error's message but drops a PitError's code
// and fix, so the worker hands them over as data; the host then rewraps the
// failure with the plugin's name and hook and keeps the plugin's own code
// (rollup's logPluginError), or gives it the PIT_E_PLUGIN_* of the hook.
import { errors, PitError, type PitErrorCode } from '../errors.js';

/** What a plugin threw or failed with, as plain data. */
export interface Thrown {
  message: string;
  /** The plugin's own code, when it threw (or failed with) a PitError of the catalogue. */
  code: PitErrorCode | null;
  fix: string | null;
}

/**
 * A thrown value as data. A PitError is recognised by its shape, not its
 * class: a third-party plugin's copy of pitengine has a class of its own.
 */
export function thrownOf(e: unknown): Thrown {
  if (!(e instanceof Error)) return { message: String(e), code: null, fix: null };
  const { code, fix } = e as { code?: unknown; fix?: unknown };
  const known = typeof code === 'string' && Object.hasOwn(errors, code);
  return { message: e.message, code: known ? (code as PitErrorCode) : null, fix: known && typeof fix === 'string' ? fix : null };
}

/** A hook's failure: "plugin <name>: <hook> failed: ..." with the plugin's code, else PIT_E_PLUGIN_HOOK. */
export function hookFailure(plugin: string, hook: string, thrown: Thrown): PitError {
  const coded = errors.PIT_E_PLUGIN_HOOK(plugin, hook, thrown.message);
  return thrown.code ? new PitError(thrown.code, coded.message, thrown.fix ?? coded.fix) : coded;
}

/** A setup's failure (the plugin is disabled): the plugin's code, else PIT_E_PLUGIN_SETUP. */
export function setupFailure(plugin: string, thrown: Thrown): PitError {
  const coded = errors.PIT_E_PLUGIN_SETUP(plugin, thrown.message);
  return thrown.code ? new PitError(thrown.code, coded.message, thrown.fix ?? coded.fix) : coded;
}

/**
 * An action that ended with ctx.fail: an outcome the plugin chose, so its
 * own coded error is shown as it wrote it; a bare reason is PIT_E_PLUGIN_ACTION.
 */
export function actionFailure(plugin: string, action: string, failed: Thrown): PitError {
  return failed.code ? new PitError(failed.code, failed.message, failed.fix ?? undefined) : errors.PIT_E_PLUGIN_ACTION(plugin, action, failed.message);
}
