// Pit's own version and the Node.js it needs, from its package.json (one
// source for the CLI, the API and engine doctor).
import { readFileSync } from 'node:fs';

export const { version, engines } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
  /** The Node.js versions Pit supports, as a semver range. */
  engines: { node: string };
};
