// Loopback addresses in a container target. Under engine run every process
// shares one host, so http://127.0.0.1:18081 in worker's env reaches api. In
// Compose and Kubernetes each process has its own container, whose loopback
// is itself: the same value reaches nothing. Each such value is named with
// the process that listens on its port (its health check's, or
// export.ports), whose service name replaces the host under
// --rewrite-loopback. Only the host:port text is quoted in a warning,
// never the whole value, which may hold a password.
import type { Pitfile, ProcessConfig } from '../model/pitfile.js';
import { portsOf } from './common.js';
import { mapLiterals, splitReferences } from './shell-reference.js';

// 127.0.0.0/8, localhost and [::1], not inside a longer name (localhost.example.com, x127.0.0.1).
const LOOPBACK = /(?<![\w.-])(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::(\d{1,5}))?(?![\w-]|\.\w)/gi;
const SCHEME = /([a-z][a-z0-9+.-]*):\/\/(?:[^/@\s]*@)?$/i;
const DEFAULT_PORT: Record<string, number> = { http: 80, ws: 80, https: 443, wss: 443, postgres: 5432, postgresql: 5432, mysql: 3306, redis: 6379, amqp: 5672, mongodb: 27017 };

export interface LoopbackUse {
  /** The host (and port) as written: "127.0.0.1:18081". */
  text: string;
  /** The host alone. */
  host: string;
  port: number | null;
}

/** The loopback address a LOOPBACK match is, with its port or the scheme's. */
function useAt(m: RegExpMatchArray | string[], before: string): LoopbackUse {
  const scheme = SCHEME.exec(before)?.[1]?.toLowerCase();
  return { text: m[0], host: m[1], port: m[2] ? Number(m[2]) : scheme ? (DEFAULT_PORT[scheme] ?? null) : null };
}

/** The loopback addresses in the literal parts of `value` (a ${VAR} kept from the shell is not looked into). */
export function loopbackUses(value: string): LoopbackUse[] {
  return splitReferences(value).flatMap((part) => (typeof part === 'string' ? [...part.matchAll(LOOPBACK)].map((m) => useAt(m, part.slice(0, m.index))) : []));
}

/** Port → the processes the pitfile says listen on it. */
export function listeners(pitfile: Pitfile): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const p of Object.values(pitfile.processes)) for (const port of portsOf(pitfile, p)) out.set(port, [...(out.get(port) ?? []), p.name]);
  return out;
}

export interface LoopbackContext {
  target: 'Compose' | 'Kubernetes';
  /** Pitfile name → the service name in the target. */
  names: Map<string, string>;
  listeners: Map<number, string[]>;
  rewrite: boolean;
  warnings: string[];
}

/** What a loopback address in `who`'s env or command points at: the other process listening there, or why none. */
function owner(who: string, use: LoopbackUse, ctx: LoopbackContext): { service: string } | { self: true } | { why: string } {
  if (use.port === null) return { why: 'no port says which process it means' };
  const owners = ctx.listeners.get(use.port) ?? [];
  if (owners.includes(who)) return { self: true };
  if (owners.length === 1) return { service: ctx.names.get(owners[0])! };
  if (owners.length > 1) return { why: `${owners.join(' and ')} both say they listen on ${use.port}` };
  return { why: `no process says it listens on ${use.port} (a health check or export.ports)` };
}

const inContainer = (target: string) => `in ${target} is the process's own container`;

/**
 * An env value for the target: each loopback address that another process
 * listens on is warned about, and with --rewrite-loopback replaced by that
 * process's service name. Returns the value to write.
 */
export function loopbackEnv(p: ProcessConfig, key: string, value: string, ctx: LoopbackContext): string {
  return mapLiterals(value, (part) =>
    part.replace(LOOPBACK, (...m) => {
      const use = useAt(m as string[], part.slice(0, m[3] as number));
      const o = owner(p.name, use, ctx);
      const where = `${p.name}: env ${key} points at ${use.text}`;
      if ('self' in o) {
        ctx.warnings.push(`${where}, itself: in ${ctx.target} it must listen on 0.0.0.0 to be reached from outside its container`);
        return use.text;
      }
      if ('why' in o) {
        ctx.warnings.push(`${where}, which ${inContainer(ctx.target)}, and ${o.why}: point it at the service or host that serves it`);
        return use.text;
      }
      const to = `${o.service}${use.text.slice(use.host.length)}`;
      ctx.warnings.push(ctx.rewrite ? `${where}: rewritten to ${to} (--rewrite-loopback): ${inContainer(ctx.target)}` : `${where}, which ${inContainer(ctx.target)}: use ${to}, the service listening there (--rewrite-loopback does)`);
      return ctx.rewrite ? to : use.text;
    }),
  );
}

/** One warning per command that names loopback: a server bound there is reached by nothing outside its container. */
export function loopbackCommand(p: ProcessConfig, argv: string[], ctx: LoopbackContext): void {
  const uses = argv.flatMap(loopbackUses);
  if (!uses.length) return;
  const others = uses.map((u) => owner(p.name, u, ctx)).flatMap((o) => ('service' in o ? [o.service] : []));
  const hint = others.length ? `; to reach another process use its service name (${[...new Set(others)].join(', ')})` : '';
  ctx.warnings.push(`${p.name}: its command names ${[...new Set(uses.map((u) => u.text))].join(', ')}, which ${inContainer(ctx.target)}: a server must listen on 0.0.0.0 to be reached${hint}`);
}
