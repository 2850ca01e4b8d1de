// The plugins Pit ships, in the order they load. The core finds this list by
// path (core/plugins/builtins.ts) and imports none of them itself; each says
// through the contract when it turns on and what it adds.
import { fileURLToPath } from 'node:url';
import type { BuiltinPlugin } from '../core/index.js';
import processMonitor from './process-monitor/index.js';
import importErrorMatcher from './import-error-matcher/index.js';
import pythonInstaller from './python-installer/index.js';
import heartbeat from './heartbeat/index.js';

const at = (dir: string) => fileURLToPath(new URL(`./${dir}/index.js`, import.meta.url));

const shipped: BuiltinPlugin[] = [
  { use: at('process-monitor'), definition: processMonitor },
  { use: at('import-error-matcher'), definition: importErrorMatcher },
  { use: at('python-installer'), definition: pythonInstaller },
  { use: at('heartbeat'), definition: heartbeat },
];
export default shipped;
