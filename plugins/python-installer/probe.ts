// What the failing process's own interpreter says about a module: its
// version, its standard library, and whether the module's top level is
// importable there. Asked with -I, so the working directory and PYTHON*
// variables do not answer for the environment.
import { execFile } from 'node:child_process';
import type { EnvironmentFacts } from './decide.js';

const SCRIPT = `
import sys, json, importlib.util
top = sys.argv[1]
names = getattr(sys, "stdlib_module_names", None)
if names is None:
    import pkgutil, sysconfig
    names = set(sys.builtin_module_names) | {m.name for m in pkgutil.iter_modules([sysconfig.get_paths()["stdlib"]])}
out = {"version": "%d.%d" % sys.version_info[:2], "stdlib": sorted(names), "installed": None, "venv": sys.prefix != getattr(sys, "base_prefix", sys.prefix)}
try:
    spec = importlib.util.find_spec(top)
except Exception:
    spec = None
if spec is not None:
    try:
        from importlib.metadata import packages_distributions
        dists = sorted(set(packages_distributions().get(top, [])))
    except Exception:
        dists = []
    out["installed"] = {"distributions": dists, "namespace": spec.origin in (None, "namespace")}
print(json.dumps(out))
`;

export type ProbeResult = Omit<EnvironmentFacts, 'local'>;

/** Ask `python` about module `top`; rejects with the interpreter's own words when it cannot answer. */
export function probe(python: string, top: string, timeoutMs = 30_000): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    execFile(python, ['-I', '-c', SCRIPT, top], { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${python} could not be asked about ${top}: ${(stderr || err.message).trim().split('\n').pop()}`));
      try {
        const r = JSON.parse(stdout) as { version: string; stdlib: string[]; installed: ProbeResult['installed']; venv: boolean };
        resolve({ version: r.version, stdlib: new Set(r.stdlib), installed: r.installed, venv: r.venv });
      } catch {
        reject(new Error(`${python} answered something else than JSON: ${stdout.slice(0, 200)}`));
      }
    });
  });
}
