// Running one measurement per tool, each in a fresh temp directory, always
// cleaning up (also on failure), and printing one line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allTools, hasSupervisord } from './tools.mjs';
import { pidsWithMarker } from './procs.mjs';

/** For each tool, `measure(tool, dir, marker)` → text; prints "<bench>  pit … | pm2 … | supervisord …". */
export async function compare(bench, measure) {
  const parts = [];
  const only = process.env.BENCH_TOOLS?.split(',');
  const tools = ((await hasSupervisord()) ? allTools : allTools.filter((t) => t.name !== 'supervisord')).filter((t) => !only || only.includes(t.name));
  for (const tool of tools) {
    const dir = mkdtempSync(join(tmpdir(), `pit-bench-${tool.name}-`));
    const marker = `${bench}-${tool.name}-${process.pid}-${Date.now()}`;
    try {
      parts.push(`${tool.name} ${await measure(tool, dir, marker)}`);
    } catch (e) {
      parts.push(`${tool.name} failed: ${e.message}`);
    } finally {
      for (const pid of pidsWithMarker(marker)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch { /* gone */ }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`${bench.padEnd(15)} ${parts.join(' | ')}`);
}
