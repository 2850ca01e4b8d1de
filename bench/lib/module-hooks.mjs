// The ESM load hook of startup-marks.mjs: runs on Node's hooks thread and
// posts each module's URL with the time its load began (µs, CLOCK_MONOTONIC).
let port;
export function initialize(data) {
  port = data.port;
}
export async function load(url, context, next) {
  port.postMessage({ url, t: Number(process.hrtime.bigint() / 1000n) });
  return next(url, context);
}
