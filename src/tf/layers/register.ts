/** Registers the project's custom layers with tfjs serialization (once per realm). */
import type * as tfType from '@tensorflow/tfjs';
import { defineFMInteraction } from './fm';

export type CustomLayers = { FMInteraction: ReturnType<typeof defineFMInteraction> };

let registered: CustomLayers | null = null;

/** Defines and registers the custom layer classes; returns them. Idempotent. */
export function registerCustomLayers(tf: typeof tfType): CustomLayers {
  if (registered) return registered;
  const FMInteraction = defineFMInteraction(tf);
  tf.serialization.registerClass(FMInteraction);
  registered = { FMInteraction };
  return registered;
}

/** Serialization names of the custom layer classes (for validating dropped models). */
export function customLayerClassNames(): string[] {
  return registered ? Object.values(registered).map((c) => c.className) : [];
}
