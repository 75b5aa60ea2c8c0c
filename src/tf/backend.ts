/** Backend choice for Node (the CLI and tests): the wasm backend, ~35x faster than cpu here. */
import { tf } from './tfjs';

export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';

/** Switches tfjs to the named backend and waits until it is ready; returns the backend in use. */
export async function useBackend(name: BackendName): Promise<BackendName> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`The ${name} backend could not start.`);
  await tf.ready();
  return tf.getBackend() as BackendName;
}
