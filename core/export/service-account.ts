// Who a system service runs as, and why root is refused: a unit under
// /etc/systemd/system runs as root unless it says User=, and root running a
// pitfile that someone else can edit gives that someone root. So the unit
// runs as the pitfile's owner, and root only when nothing it runs from can
// be changed by anyone but root.
import { lstatSync, readFileSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Pitfile } from '../model/pitfile.js';

export interface ServiceAccount {
  /** User= (a name when /etc/passwd has one, else the number). */
  user: string;
  /** Group=, or null to let systemd take the user's own group. */
  group: string | null;
  /** True when the service would run as root. */
  root: boolean;
}

interface Entry {
  name: string;
  id: number;
  gid: number;
}

/** name:x:uid:gid:… lines of /etc/passwd (and name:x:gid:… of /etc/group, gid repeated). */
function readDb(file: string): Entry[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.split(':'))
      .filter((f) => f.length >= 3 && /^\d+$/.test(f[2]))
      .map((f) => ({ name: f[0], id: Number(f[2]), gid: Number(/^\d+$/.test(f[3] ?? '') ? f[3] : f[2]) }));
  } catch {
    return [];
  }
}

/** The pitfile owner's account, or the one named with --user-name. */
export function serviceAccount(pitfile: Pitfile, userName?: string): ServiceAccount {
  const users = readDb('/etc/passwd');
  const groups = readDb('/etc/group');
  const groupName = (gid: number) => groups.find((g) => g.id === gid)?.name ?? String(gid);
  if (userName !== undefined) {
    const u = users.find((x) => x.name === userName) ?? (/^\d+$/.test(userName) ? users.find((x) => x.id === Number(userName)) : undefined);
    return { user: userName, group: u ? groupName(u.gid) : null, root: userName === 'root' || u?.id === 0 };
  }
  const st = lstatSync(pitfile.file);
  return { user: users.find((x) => x.id === st.uid)?.name ?? String(st.uid), group: groupName(st.gid), root: st.uid === 0 };
}

/**
 * What root would run from that someone else could change: the pitfile, its
 * local layer, each plugin file and the project folder, each with why.
 */
export function writableByOthers(pitfile: Pitfile): string[] {
  const paths = [pitfile.root, pitfile.file, ...pitfile.layers, ...pitfile.plugins.map((p) => pluginFile(p.use, pitfile.root)).filter((f): f is string => f !== null)];
  const out: string[] = [];
  for (const path of [...new Set(paths)]) {
    const st = statOrNull(path);
    if (!st) continue;
    if (st.uid !== 0) out.push(`${path} belongs to uid ${st.uid}, not root`);
    else if (st.mode & 0o022) out.push(`${path} is writable by its group or by everyone (mode ${(st.mode & 0o777).toString(8)})`);
  }
  return out;
}

/** The file a plugin reference loads: a path as written, a package as node resolves it from the project; null when it cannot be found. */
function pluginFile(use: string, root: string): string | null {
  try {
    return use.startsWith('/') ? use : createRequire(join(root, 'package.json')).resolve(use);
  } catch {
    return null;
  }
}

const statOrNull = (path: string): Stats | null => {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
};
