// A cron watcher whose reaction runs a command, as a Kubernetes CronJob: the
// same schedule and time zone, the run's cwd and env, and its concurrency
// (drop: Forbid, replace: Replace; queue has no equal: Allow, said). A
// CronJob schedules minutes: a seconds field other than 0 cannot be said.
import { posix } from 'node:path';
import type { CronJob } from './common.js';
import { safeName } from './common.js';
import { APP_DIR } from './compose.js';
import { argvOf } from './systemd.js';
import { envReferenceWarning } from './shell-reference.js';

/** The 5-field schedule a CronJob takes, or null when the cron expression has seconds other than 0. */
export function cronSchedule(cron: string): string | null {
  const f = cron.trim().split(/\s+/);
  if (f.length === 5) return f.join(' ');
  if (f.length === 6 && f[0] === '0') return f.slice(1).join(' ');
  return null;
}

const POLICY = { drop: 'Forbid', replace: 'Replace', queue: 'Allow' } as const;

/** The CronJob for `job`, or null (and a warning) when Kubernetes cannot schedule it. */
export function cronJobManifest(
  job: CronJob,
  image: string,
  labels: Record<string, string>,
  value: (v: string) => string,
  warnings: string[],
): Record<string, unknown> | null {
  const schedule = cronSchedule(job.cron);
  if (!schedule) {
    warnings.push(`cron "${job.cron}" of ${job.name} runs on seconds, which a CronJob cannot (it schedules minutes); no CronJob written`);
    return null;
  }
  // A CronJob's name is at most 52 characters: the Jobs it makes add 11.
  const name = safeName(job.name, 'dns').slice(0, 52).replace(/-+$/, '');
  if (job.concurrency === 'queue') warnings.push(`${job.name}: concurrency queue becomes Allow (a CronJob runs an overlapping one at once; it queues none)`);
  const env = Object.keys(job.env).sort().filter((k) => {
    const w = envReferenceWarning(job.name, k, job.env[k], 'a manifest is not filled from a shell: add it to a Secret');
    if (w) warnings.push(w);
    return !w;
  });
  const container = {
    name,
    image,
    command: argvOf(job.command).map(value),
    workingDir: job.cwd ? posix.join(APP_DIR, job.cwd) : APP_DIR,
    ...(env.length ? { env: env.map((k) => ({ name: k, value: value(job.env[k]) })) } : {}),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, labels: { ...labels, 'app.kubernetes.io/name': name } },
    spec: {
      schedule,
      ...(job.timezone ? { timeZone: job.timezone } : {}),
      concurrencyPolicy: POLICY[job.concurrency],
      jobTemplate: { spec: { backoffLimit: 0, template: { metadata: { labels: { ...labels, 'app.kubernetes.io/name': name } }, spec: { restartPolicy: 'Never', containers: [container] } } } },
    },
  };
}
