/**
 * Structural checks of a layers-model topology that tfjs does not make before it builds the model: that its
 * layer graph can be ordered (tfjs would spin forever otherwise), and the layer class names it uses. Pure:
 * plain objects, no tfjs.
 */
import { StudioError } from '../errors';
import { LIMITS } from '../limits';
import { shown } from './artifacts';
import { tfjsModelConfig } from './sizeCheck';

/** Refuses a chain of layers deeper than tfjs can build (it recurses once per layer). */
function checkDepth(depth: number, fileName: string): void {
  if (depth <= LIMITS.layerDepth) return;
  throw new StudioError(
    'MODEL_TOO_LARGE',
    `The layers of ${fileName} form a chain more than ${LIMITS.layerDepth.toLocaleString('en-US')} layers deep ` +
      `(LIMITS.layerDepth), deeper than tfjs can build (it orders layers by recursion); this is not a model CTR ` +
      'Studio is meant for (or the file was edited), so export a shallower model.',
    { depth },
  );
}

/**
 * Checks the layer graph of a functional topology (and of functional models nested in it) the way tfjs
 * rebuilds it: every inbound node names an earlier-built layer and one of its nodes. tfjs re-queues a call
 * whose input does not exist yet and loops forever when it never will (a renamed layer, a cycle, a node
 * index past the end), so a topology it cannot order is a MODEL_NOT_LAYERS error here instead of a hang.
 * Keys are read as tfjs reads them (camel-cased: `inbound_nodes` and `inboundNodes` alike).
 */
export function checkTopologyGraph(topology: Record<string, unknown>, fileName = 'model.json'): void {
  const fail = (what: string): never => {
    throw new StudioError(
      'MODEL_NOT_LAYERS',
      `The modelTopology of ${fileName} ${what}, so tfjs cannot build it; export the ` +
        `model again with tfjs model.save or tensorflowjs_converter.`,
    );
  };
  const label = (x: unknown) => shown(x);
  const checkModel = (config: Record<string, unknown>, depth: number): void => {
    if (depth > LIMITS.modelNesting) fail(`nests models more than ${LIMITS.modelNesting} deep (LIMITS.modelNesting)`);
    const layers = config.layers;
    if (!Array.isArray(layers)) return;
    const graph = layers.some((l) => l && typeof l === 'object' && 'inboundNodes' in (l as object));
    type Call = { layer: string; inputs: [string, number][] };
    const nodes = new Map<string, number>(); // nodes each built layer has so far
    const pending: Call[] = [];
    for (const raw of layers) {
      const layer = raw as Record<string, unknown> | null;
      if (!layer || typeof layer !== 'object' || Array.isArray(layer)) fail('has a layer entry that is not an object');
      const cfg = layer!.config as Record<string, unknown> | undefined;
      const nested = !!cfg && typeof cfg === 'object' && (Array.isArray(cfg) || Array.isArray(cfg.layers));
      if (nested && !Array.isArray(cfg)) checkModel(cfg!, depth + 1);
      if (!graph) continue;
      const name = layer!.name;
      if (typeof name !== 'string') fail(`has a layer without a name (${label(layer!.className)})`);
      if (nodes.has(name as string)) fail(`names two layers ${label(name)}`);
      // An input layer, and a model used as a layer, have a node of their own before anything calls them.
      nodes.set(name as string, layer!.className === 'InputLayer' || nested ? 1 : 0);
      const inbound = layer!.inboundNodes ?? [];
      if (!Array.isArray(inbound)) fail(`gives layer ${label(name)} inbound nodes that are not a list`);
      for (const node of inbound as unknown[]) {
        if (!Array.isArray(node)) fail(`gives layer ${label(name)} an inbound node that is not a list`);
        const inputs = (node as unknown[]).map((x) => {
          const d = x as unknown[];
          const ok =
            Array.isArray(d) &&
            typeof d[0] === 'string' &&
            Number.isSafeInteger(d[1]) &&
            (d[1] as number) >= 0 &&
            Number.isSafeInteger(d[2]) &&
            (d[2] as number) >= 0;
          if (!ok) fail(`gives layer ${label(name)} the input ${label(d)}, not [layer name, node index, tensor index]`);
          return [d[0], d[1]] as [string, number];
        });
        if (inputs.length > 0) pending.push({ layer: name as string, inputs });
      }
    }
    if (!graph) checkDepth(layers.length, fileName);
    // Build the calls in as many passes as tfjs would; a pass that builds nothing means tfjs would spin forever.
    // Each call's depth is one more than its deepest input's (inputs and nested models start at 0).
    const depthOf = new Map<string, number>();
    let left = pending;
    while (left.length > 0) {
      const next = left.filter((c) => {
        if (!c.inputs.every(([from, index]) => (nodes.get(from) ?? -1) > index)) return true;
        nodes.set(c.layer, nodes.get(c.layer)! + 1);
        const d = 1 + c.inputs.reduce((m, [from]) => Math.max(m, depthOf.get(from) ?? 0), 0);
        depthOf.set(c.layer, Math.max(depthOf.get(c.layer) ?? 0, d));
        checkDepth(d, fileName);
        return false;
      });
      if (next.length === left.length) {
        const c = next[0];
        const [from, index] = c.inputs.find(([f, i]) => !((nodes.get(f) ?? -1) > i))!;
        fail(
          nodes.has(from)
            ? `feeds layer ${label(c.layer)} from node ${index} of layer ${label(from)}, which ` +
                `never exists (a cycle or an index past the end)`
            : `feeds layer ${label(c.layer)} from ${label(from)}, which is not a layer of the model`,
        );
      }
      left = next;
    }
  };
  const config = tfjsModelConfig(topology).config as Record<string, unknown> | undefined;
  if (config && typeof config === 'object' && !Array.isArray(config)) checkModel(config, 0);
}

/** Layer class names used anywhere in a topology (nested models included), as tfjs reads them; no recursion. */
export function layerClassNames(topology: Record<string, unknown>): string[] {
  const names = new Set<string>();
  const stack: unknown[] = [tfjsModelConfig(topology)];
  while (stack.length > 0) {
    const obj = stack.pop() as Record<string, unknown> | null;
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) continue;
    const cfg = obj.config as Record<string, unknown> | undefined;
    if (typeof obj.className !== 'string' || !cfg || typeof cfg !== 'object' || !Array.isArray(cfg.layers)) continue;
    for (const l of cfg.layers as unknown[]) {
      const layer = l as Record<string, unknown> | null;
      if (!layer || typeof layer !== 'object') continue;
      if (typeof layer.className === 'string') names.add(layer.className);
      stack.push(layer);
    }
  }
  return [...names];
}
