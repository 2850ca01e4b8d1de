// One health probe attempt of each kind; each resolves to null when healthy
// or to the reason it is not, and never takes longer than its timeout.
import { request } from 'node:http';
import { request as requestTls } from 'node:https';
import { connect } from 'node:net';
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { PolledCheck } from '../model/pitfile.js';

export interface ProbeContext {
  timeoutMs: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** What a passing `check` showed, for the healthy event's reason. */
export function describePass(check: PolledCheck): string {
  switch (check.kind) {
    case 'http':
      return `GET ${check.url} answered 2xx`;
    case 'tcp':
      return `connected to ${check.host}:${check.port}`;
    case 'exec':
      return `probe command exited with 0`;
    case 'file':
      return `${check.path} is fresh`;
  }
}

/** Run `check` once: null when healthy, else why not. */
export function probe(check: PolledCheck, ctx: ProbeContext): Promise<string | null> {
  switch (check.kind) {
    case 'http':
      return probeHttp(check.url, ctx.timeoutMs);
    case 'tcp':
      return probeTcp(check.host, check.port, ctx.timeoutMs);
    case 'exec':
      return probeExec(check.command, ctx);
    case 'file':
      return probeFile(check.path, check.maxAgeMs);
  }
}

/** Healthy while the process keeps touching its file. */
async function probeFile(path: string, maxAgeMs: number): Promise<string | null> {
  try {
    const ageMs = Date.now() - (await stat(path)).mtimeMs;
    return ageMs <= maxAgeMs ? null : `${path} not touched for ${Math.round(ageMs)}ms (max_age ${maxAgeMs}ms)`;
  } catch {
    return `${path} does not exist`;
  }
}

function probeHttp(url: string, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const req = (url.startsWith('https:') ? requestTls : request)(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 300 ? null : `GET ${url} answered ${code}`);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs}ms`)));
    req.on('error', (e) => resolve(`GET ${url} failed: ${e.message}`));
    req.end();
  });
}

function probeTcp(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (why: string | null) => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(timeoutMs, () => done(`connect to ${host}:${port}: no answer within ${timeoutMs}ms`));
    socket.once('connect', () => done(null));
    socket.once('error', (e) => done(`connect to ${host}:${port} failed: ${e.message}`));
  });
}

function probeExec(command: string | string[], ctx: ProbeContext): Promise<string | null> {
  return new Promise((resolve) => {
    const [file, args] = typeof command === 'string' ? ['/bin/sh', ['-c', command]] : [command[0], command.slice(1)];
    // Its own group, so a timeout ends the probe's children too.
    const child = spawn(file, args, { cwd: ctx.cwd, env: ctx.env, stdio: 'ignore', detached: true });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch { /* already gone */ }
    }, ctx.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve(`probe command failed to start: ${e.message}`);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(null);
      else resolve(signal === 'SIGKILL' ? `probe command took longer than ${ctx.timeoutMs}ms` : `probe command exited with ${code ?? signal}`);
    });
  });
}
