// The pitfile an importer builds, with its notes. An importer adds processes
// under their source names and says, key by key, what did not map; the
// draft gives each a name the pitfile accepts, resolves dependencies once
// every process is known, and keeps every note twice: as a comment at its
// place in the output and as a line of the report on stderr.
import { dirname, isAbsolute, relative, resolve } from 'node:path';

export type Format = 'pm2' | 'procfile' | 'supervisord' | 'compose' | 'process-compose';
export const FORMATS: readonly Format[] = ['pm2', 'procfile', 'supervisord', 'compose', 'process-compose'];

export interface ImportOptions {
  /** The source file, absolute. */
  file: string;
  /** Where the pitfile will live: relative paths are rewritten from the source's folder to this one. */
  outDir: string;
  /** PM2: --env NAME picks env_NAME. */
  env?: string;
  /** PM2: how long a JS ecosystem file may take to load. */
  timeoutMs?: number;
}

/** Untyped on purpose: source files are data, checked key by key. */
export type Spec = Record<string, any>;
type Condition = 'started' | 'healthy' | 'completed';

interface DraftProcess {
  source: string;
  spec: Spec;
  /** Comments by pitfile key; '' is the process itself. */
  comments: Map<string, string[]>;
  /** depends_on by source name, resolved in finish(). */
  needs: Map<string, Condition>;
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** A name the pitfile accepts (schemas/pitfile.schema.json: definitions.name). */
export function pitName(source: string): string {
  if (namePattern.test(source)) return source;
  const n = source.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').replace(/-+$/, '');
  return n || 'process';
}

/** What schemas/pitfile.schema.json allows as an environment variable's name. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class Draft {
  readonly processes = new Map<string, DraftProcess>();
  readonly watchers = new Map<string, { spec: Spec; comments: string[] }>();
  readonly reactions: { spec: Spec; comments: string[] }[] = [];
  /** Comments at the head of the file, after the line that names the source. */
  readonly head: string[] = [];
  readonly report: string[] = [];
  private readonly bySource = new Map<string, string[]>();

  constructor(readonly format: Format, readonly opts: ImportOptions) {}

  /** The source file's folder: where relative paths in it start. */
  get sourceDir(): string {
    return dirname(this.opts.file);
  }

  /** Add a process; returns the name it has in the pitfile (renamed, and said so, when the source's is not allowed or is taken). */
  addProcess(source: string, spec: Spec): string {
    let name = pitName(source);
    for (let i = 2; this.processes.has(name); i++) name = `${pitName(source)}-${i}`;
    this.processes.set(name, { source, spec, comments: new Map(), needs: new Map() });
    this.bySource.set(source, [...(this.bySource.get(source) ?? []), name]);
    if (name !== source) this.changed(name, null, `named "${name}": "${source}" is ${namePattern.test(source) ? 'taken' : 'not a pitfile name (letters, digits, _ . -, starting with a letter or digit)'}`);
    return name;
  }

  /** depends_on by the source's name for the other process; resolved once all are known. */
  need(name: string, sourceDep: string, condition: Condition): void {
    this.processes.get(name)!.needs.set(sourceDep, condition);
  }

  spec(name: string): Spec {
    return this.processes.get(name)!.spec;
  }

  /** Something the pitfile cannot say: a comment at `key` (or the process, or the file's head) and a report line. */
  unmapped(name: string | null, key: string | null, text: string): void {
    this.remark(name, key, `not mapped: ${text}`);
  }

  /** Something that maps with a difference worth knowing. */
  changed(name: string | null, key: string | null, text: string): void {
    this.remark(name, key, `note: ${text}`);
  }

  /** A comment in the output only: explains a value, loses nothing. */
  explain(name: string | null, key: string | null, text: string): void {
    if (name === null) this.head.push(text);
    else this.commentsAt(name, key).push(text);
  }

  private remark(name: string | null, key: string | null, text: string): void {
    this.explain(name, key, text);
    this.report.push(name === null ? text : `${name}: ${key ? `${key}: ` : ''}${text}`);
  }

  private commentsAt(name: string, key: string | null): string[] {
    const comments = this.processes.get(name)!.comments;
    const k = key ?? '';
    if (!comments.has(k)) comments.set(k, []);
    return comments.get(k)!;
  }

  /** `value` as a number, or null with a note when it is not one (a value left to the environment, say). */
  number(name: string, key: string, label: string, value: unknown): number | null {
    const n = typeof value === 'number' ? value : Number(String(value).trim());
    if (String(value).trim() !== '' && Number.isFinite(n) && n >= 0) return n;
    this.unmapped(name, key, `${label}=${value}: not a number here; the default is kept`);
    return null;
  }

  /** A file watcher or cron watcher and the reaction that restarts `name` on it. */
  restartOn(name: string, kind: 'file' | 'cron', watcher: Spec, comment: string): void {
    let w = `${name}-${kind === 'file' ? 'files' : 'cron'}`;
    for (let i = 2; this.watchers.has(w); i++) w = `${name}-${kind === 'file' ? 'files' : 'cron'}-${i}`;
    this.watchers.set(w, { spec: watcher, comments: [comment] });
    this.reactions.push({ spec: { on: `${kind}:${w}`, do: [{ restart: [name] }] }, comments: [`restarts ${name} (${comment})`] });
  }

  /** A path from the source file, as the pitfile (in opts.outDir) must write it; absolute stays absolute. */
  path(p: string, from = this.sourceDir): string {
    const abs = resolve(from, p);
    // An absolute path stays one, unless it is inside the source's folder (PM2's cwd: __dirname).
    if (isAbsolute(p) && abs !== this.sourceDir && !abs.startsWith(`${this.sourceDir}/`)) return p;
    return relative(this.opts.outDir, abs) || '.';
  }

  /**
   * Resolve dependencies by source name; a missing one is dropped, "healthy"
   * of a process without a probe becomes "started": both said. Environment
   * names a pitfile cannot hold (Compose allows `discovery.seed_hosts`) are
   * left out, each said.
   */
  finish(): void {
    for (const [name, p] of this.processes) {
      for (const key of Object.keys(p.spec.env ?? {})) {
        if (ENV_NAME.test(key)) continue;
        delete p.spec.env[key];
        this.unmapped(name, 'env', `${key}: a pitfile's environment names are letters, digits and _ (not starting with a digit); set it in an env_file, which the process reads as it is`);
      }
      if (p.spec.env && !Object.keys(p.spec.env).length) delete p.spec.env;
      const deps: Record<string, Condition> = {};
      for (const [source, cond] of p.needs) {
        const targets = this.bySource.get(source) ?? (this.processes.has(source) ? [source] : []);
        if (!targets.length) {
          this.unmapped(name, null, `depends on "${source}", which is not imported (see its note); the dependency is left out`);
          continue;
        }
        for (const t of targets) {
          if (t === name) continue;
          if (cond === 'healthy' && !this.processes.get(t)!.spec.health) {
            this.changed(name, 'depends_on', `waits for ${t} to be started, not healthy: ${t} has no health check that maps`);
            deps[t] = 'started';
          } else deps[t] = cond;
        }
      }
      if (Object.keys(deps).length) p.spec.depends_on = deps;
    }
  }
}
