/**
 * Lets queued events run. tfjs on wasm resolves `await t.data()` as a microtask, so a loop of awaits never
 * lets a worker see incoming messages (cancel, a newer request) until it ends; long loops call this between
 * steps. Works in Node, windows and workers.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
