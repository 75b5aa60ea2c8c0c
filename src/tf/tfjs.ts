/**
 * The project's one entry to tfjs: everything under src/tf imports tfjs from here, nothing outside src/tf
 * imports tfjs at all. Importing this module also registers the project's custom layers, so that every realm
 * (main thread, worker, Node) that can load a model knows them: tfjs' loadLayersModel ignores customObjects, so
 * registration is the only way it finds a custom layer.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerCustomLayers } from './layers/register';
import { registerWasmUnsortedSegmentSum } from './kernels/unsortedSegmentSum';
import { registerWasmMatMulTranspose } from './kernels/matMulTranspose';
import { registerWasmGatherRows } from './kernels/gatherRows';

/** The project's custom layer classes, registered with tfjs serialization. */
export const customLayers = registerCustomLayers(tf);
registerWasmUnsortedSegmentSum(tf);
registerWasmGatherRows(tf);
registerWasmMatMulTranspose(tf);

export { tf };
export type { LayersModel, Tensor, SymbolicTensor } from '@tensorflow/tfjs';
