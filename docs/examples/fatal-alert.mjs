// An example plugin: when a process gives up (state fatal), emit
// alert:<process>:fatal, and, if `autoRetry` is on, ask the engine to start
// it again once. Offers the action `fatal-alert.reset` to forget the retries.
import { definePlugin } from 'pitengine';

const retried = new Set();

export default definePlugin({
  name: 'fatal-alert',
  options: {
    type: 'object',
    properties: { autoRetry: { type: 'boolean', default: false } },
    additionalProperties: false,
  },
  on: ['process:*:state'],
  setup(ctx) {
    ctx.log(`watching for fatal processes (autoRetry: ${ctx.options.autoRetry})`);
  },
  onEvent(events, ctx) {
    for (const e of events) {
      if (e.to !== 'fatal') continue;
      ctx.emit(`alert:${e.process}:fatal`, { reason: e.reason });
      if (ctx.options.autoRetry && !retried.has(e.process)) {
        retried.add(e.process);
        ctx.request('start', e.process);
      }
    }
  },
  actions: {
    reset(_args, ctx) {
      ctx.log(`forgetting ${retried.size} retries`);
      retried.clear();
    },
  },
});
