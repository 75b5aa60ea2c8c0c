/** Registers the project's custom layers with tfjs serialization (once per realm). */
import type * as tfType from '@tensorflow/tfjs';
import { defineFMInteraction } from './fm';
import { defineFieldEmbedding } from './fieldEmbedding';
import { defineFieldProjection } from './fieldProjection';
import { defineGruResetAfter } from './gru';
import { defineOnnxLayers } from './onnx';

type OnnxLayers = ReturnType<typeof defineOnnxLayers>;

export type CustomLayers = {
  FMInteraction: ReturnType<typeof defineFMInteraction>;
  FieldProjection: ReturnType<typeof defineFieldProjection>;
  FieldEmbedding: ReturnType<typeof defineFieldEmbedding>;
  GRUResetAfter: ReturnType<typeof defineGruResetAfter>;
} & OnnxLayers;

let registered: CustomLayers | null = null;

/** Defines and registers the custom layer classes; returns them. Idempotent. */
export function registerCustomLayers(tf: typeof tfType): CustomLayers {
  if (registered) return registered;
  const FMInteraction = defineFMInteraction(tf);
  tf.serialization.registerClass(FMInteraction);
  // The batched embedding lookups and up-projections of compressed models.
  const FieldProjection = defineFieldProjection(tf);
  const FieldEmbedding = defineFieldEmbedding(tf);
  tf.serialization.registerClass(FieldProjection);
  tf.serialization.registerClass(FieldEmbedding);
  // Helper layers for ONNX operators without a standard tfjs layer (used by models imported from ONNX).
  const onnx = defineOnnxLayers(tf);
  for (const cls of Object.values(onnx)) tf.serialization.registerClass(cls);
  // Keras' GRU with reset_after (Keras files).
  const GRUResetAfter = defineGruResetAfter(tf);
  tf.serialization.registerClass(GRUResetAfter);
  registered = { FMInteraction, FieldProjection, FieldEmbedding, GRUResetAfter, ...onnx };
  return registered;
}

/** Serialization names of the custom layer classes (for validating dropped models). */
export function customLayerClassNames(): string[] {
  return registered ? Object.values(registered).map((c) => c.className) : [];
}
