/**
 * ONNX graphs shaped like torch.onnx.export's output for PyTorch CTR models (DeepCTR-Torch / FuxiCTR), built
 * with the project's own writer, with seeded random weights. Node names follow torch's scheme
 * ("/module.sub/OpType"), constants are Constant nodes, axes are inputs from opset 13 and attributes before.
 */
import { aFloat, aInt, aInts, aTensor, GraphBuilder } from '../../../src/core/onnx/builder';
import { DT, encodeModel, floatTensor, int64Tensor } from '../../../src/core/onnx/onnx';
import { createRng } from '../../../src/core/random';

export interface TorchCtrOptions {
  fields?: number;
  vocab?: number;
  dim?: number;
  numeric?: number;
  tower?: number[];
  opset?: number;
  /**
   * 'gemm': nn.Linear as Gemm(transB=1) (torch's default); 'matmul': MatMul + Add (what torch writes for rank-3
   * inputs or with some exporters).
   */
  linear?: 'gemm' | 'matmul';
  /** 'deepctr': keepdim sums, Pow, 0.5 * last; 'fuxictr': plain sums, Pow on x, * 0.5 then sum(-1, keepdim). */
  fm?: 'deepctr' | 'fuxictr' | 'none';
  /**
   * How the deep input is flattened: 'view' (x.view(x.size(0), -1): Shape/Gather/Unsqueeze/Concat/Reshape) or
   * 'flatten'.
   */
  flatten?: 'view' | 'flatten';
  /**
   * DeepCTR-Torch's forward(X): one float input X of the ids (first `fields` columns) and then the numeric
   * values, sliced per feature (`X[:, a:b].long()` → Slice + Cast); otherwise one int64 input per field and
   * one float input `numeric`.
   */
  singleInput?: boolean;
  seed?: number;
}

/** A builder with torch-like helpers: Constant nodes, axes per opset, seeded weights. */
export class TorchGraph extends GraphBuilder {
  private readonly rng: () => number;
  constructor(
    readonly opset: number,
    seed: number,
  ) {
    super();
    this.rng = createRng(seed);
  }
  random(n: number, scale: number): number[] {
    return Array.from({ length: n }, () => (this.rng() * 2 - 1) * scale);
  }
  weight(name: string, dims: number[], scale = 0.3): string {
    return this.floats(
      name,
      dims,
      this.random(
        dims.reduce((a, b) => a * b, 1),
        scale,
      ),
    );
  }
  constant(scope: string, value: number | number[], int = false): string {
    const values = Array.isArray(value) ? value : [value];
    const dims = Array.isArray(value) ? [values.length] : [];
    const t = int ? int64Tensor('', dims, values) : floatTensor('', dims, values);
    return this.node('Constant', [], [aTensor('value', t)], {
      name: scope.endsWith('/') ? `${scope}Constant` : `${scope}/Constant`,
    })[0];
  }
  one(op: string, inputs: string[], name: string, attrs = [] as ReturnType<typeof aInt>[]): string {
    return this.node(op, inputs, attrs, { name })[0];
  }
  reduceSum(x: string, axes: number[], keepdims: boolean, name: string): string {
    const keep = aInt('keepdims', keepdims ? 1 : 0);
    if (this.opset >= 13) return this.one('ReduceSum', [x, this.constant(name, axes, true)], name, [keep]);
    return this.one('ReduceSum', [x], name, [aInts('axes', axes), keep]);
  }
  unsqueeze(x: string, axes: number[], name: string): string {
    if (this.opset >= 13) return this.one('Unsqueeze', [x, this.constant(name, axes, true)], name);
    return this.one('Unsqueeze', [x], name, [aInts('axes', axes)]);
  }
  squeeze(x: string, axes: number[], name: string): string {
    if (this.opset >= 13) return this.one('Squeeze', [x, this.constant(name, axes, true)], name);
    return this.one('Squeeze', [x], name, [aInts('axes', axes)]);
  }
  /** nn.Linear: Gemm(x, W[out, in], b, transB=1), or MatMul(x, W^T) + Add(b). */
  linear(x: string, dIn: number, dOut: number, scope: string, form: 'gemm' | 'matmul', bias = true): string {
    if (form === 'gemm') {
      const w = this.weight(`${scope}.weight`, [dOut, dIn]);
      const inputs = bias ? [x, w, this.weight(`${scope}.bias`, [dOut], 0.1)] : [x, w];
      return this.one('Gemm', inputs, `/${scope}/Gemm`, [aFloat('alpha', 1), aFloat('beta', 1), aInt('transB', 1)]);
    }
    const y = this.one('MatMul', [x, this.weight(`onnx::MatMul_${scope}`, [dIn, dOut])], `/${scope}/MatMul`);
    return bias ? this.one('Add', [this.weight(`${scope}.bias`, [dOut], 0.1), y], `/${scope}/Add`) : y;
  }
  /** The FM second-order term of x [batch, fields, dim] → [batch, 1], as each library writes it. */
  fm(x: string, style: 'deepctr' | 'fuxictr'): string {
    if (style === 'deepctr') {
      const squareOfSum = this.one(
        'Pow',
        [this.reduceSum(x, [1], true, '/fm/ReduceSum'), this.constant('/fm', 2)],
        '/fm/Pow',
      );
      const sumOfSquare = this.reduceSum(this.one('Mul', [x, x], '/fm/Mul'), [1], true, '/fm/ReduceSum_1');
      const cross = this.one('Sub', [squareOfSum, sumOfSquare], '/fm/Sub');
      return this.one(
        'Mul',
        [this.constant('/fm', 0.5), this.reduceSum(cross, [2], false, '/fm/ReduceSum_2')],
        '/fm/Mul_1',
      );
    }
    const sumOfSquare = this.one(
      'Pow',
      [this.reduceSum(x, [1], false, '/fm_layer/ReduceSum'), this.constant('/fm_layer', 2)],
      '/fm_layer/Pow',
    );
    const squareOfSum = this.reduceSum(
      this.one('Pow', [x, this.constant('/fm_layer', 2)], '/fm_layer/Pow_1'),
      [1],
      false,
      '/fm_layer/ReduceSum_1',
    );
    const bi = this.one(
      'Mul',
      [this.one('Sub', [sumOfSquare, squareOfSum], '/fm_layer/Sub'), this.constant('/fm_layer', 0.5)],
      '/fm_layer/Mul',
    );
    return this.reduceSum(bi, [-1], true, '/fm_layer/ReduceSum_2');
  }
}

/**
 * A PyTorch-style DeepFM (or, with fm 'none', a Wide&Deep) as ONNX bytes: ids C1..Cn int64 [batch, 1], numeric float
 * [batch, m].
 */
export function torchDeepFm(opts: TorchCtrOptions = {}): Uint8Array {
  const {
    fields = 4,
    vocab = 21,
    dim = 4,
    numeric = 6,
    tower = [16, 8],
    opset = 17,
    linear = 'gemm',
    fm = 'deepctr',
    flatten = 'view',
    singleInput = false,
    seed = 1,
  } = opts;
  const g = new TorchGraph(opset, seed);
  let ids: string[];
  let num: string;
  if (singleInput) {
    const x = g.input('X', DT.FLOAT, ['batch', fields + numeric]);
    const slice = (a: number, b: number, name: string) =>
      g.one('Slice', [x, g.constant(name, [a], true), g.constant(name, [b], true), g.constant(name, [1], true)], name);
    ids = Array.from({ length: fields }, (_, f) =>
      g.one('Cast', [slice(f, f + 1, `/Slice_${f}`)], `/Cast_${f}`, [aInt('to', DT.INT64)]),
    );
    num = slice(fields, fields + numeric, `/Slice_${fields}`);
  } else {
    ids = Array.from({ length: fields }, (_, f) => g.input(`C${f + 1}`, DT.INT64, ['batch', 1]));
    num = g.input('numeric', DT.FLOAT, ['batch', numeric]);
  }
  const table = (f: number) => `C${f + 1}`;
  const emb = ids.map((id, f) =>
    g.one(
      'Gather',
      [g.weight(`embedding_dict.${table(f)}.weight`, [vocab, dim]), id],
      `/embedding_dict.${table(f)}/Gather`,
    ),
  );
  const lin = ids.map((id, f) =>
    g.one(
      'Gather',
      [g.weight(`linear_model.embedding_dict.${table(f)}.weight`, [vocab, 1], 0.1), id],
      `/linear_model/embedding_dict.${table(f)}/Gather`,
    ),
  );
  const fieldsTensor = g.one('Concat', emb, '/Concat', [aInt('axis', 1)]);
  // Linear part: Σ of 1-dim embeddings + numeric · w.
  const linCat = g.one('Concat', lin, '/linear_model/Concat', [aInt('axis', -1)]);
  const linSparse = g.reduceSum(linCat, [-1], false, '/linear_model/ReduceSum');
  const linDense = g.one('MatMul', [num, g.weight('linear_model.weight', [numeric, 1], 0.1)], '/linear_model/MatMul');
  let logit = g.one('Add', [linSparse, linDense], '/linear_model/Add');
  if (fm !== 'none') logit = g.one('Add', [logit, g.fm(fieldsTensor, fm)], '/Add');
  // Deep part over the flattened field vectors and the numeric features.
  let flat: string;
  if (flatten === 'view') {
    const shape = g.one('Shape', [fieldsTensor], '/Shape');
    const batch = g.one('Gather', [shape, g.constant('/', 0, true)], '/Gather', [aInt('axis', 0)]);
    const target = g.one('Concat', [g.unsqueeze(batch, [0], '/Unsqueeze'), g.constant('/', [-1], true)], '/Concat_1', [
      aInt('axis', 0),
    ]);
    flat = g.one('Reshape', [fieldsTensor, target], '/Reshape');
  } else {
    flat = g.one('Flatten', [fieldsTensor], '/Flatten', [aInt('axis', 1)]);
  }
  let h = g.one('Concat', [flat, num], '/Concat_2', [aInt('axis', 1)]);
  let width = fields * dim + numeric;
  tower.forEach((units, i) => {
    h = g.one('Relu', [g.linear(h, width, units, `dnn.linears.${i}`, linear)], `/dnn/activation_layers.${i}/Relu`);
    width = units;
  });
  logit = g.one('Add', [logit, g.linear(h, width, 1, 'dnn_linear', linear, false)], '/Add_1');
  // PredictionLayer: x + bias, then sigmoid.
  logit = g.one('Add', [logit, g.weight('out.bias', [1], 0.1)], '/out/Add');
  g.node('Sigmoid', [logit], [], { name: '/out/Sigmoid', outputs: ['prediction'] });
  g.output('prediction', DT.FLOAT, ['batch', 1]);
  return encodeModel(
    g.model({
      opset,
      irVersion: opset >= 13 ? 7 : 6,
      producerName: 'pytorch',
      producerVersion: '2.5.0',
      graphName: 'main_graph',
    }),
  );
}

/**
 * DeepCTR-Torch's DCN with the matrix CrossNet (DCN-M, the paper's DCNv2) as ONNX bytes, inputs as torchDeepFm's:
 * the flattened embeddings and numeric values x0 go through `layers` cross layers
 * (x_{l+1} = x0 ⊙ (W_l x_l + b_l) + x_l on [batch, d, 1] columns: Unsqueeze, MatMul(W, x), Add, Mul, Add,
 * Squeeze) and a deep tower side by side; both are concatenated into the output Linear.
 */
export function torchDcnMatrix(
  opts: {
    fields?: number;
    vocab?: number;
    dim?: number;
    numeric?: number;
    tower?: number[];
    layers?: number;
    opset?: number;
    seed?: number;
  } = {},
): Uint8Array {
  const { fields = 4, vocab = 21, dim = 4, numeric = 6, tower = [16, 8], layers = 2, opset = 17, seed = 1 } = opts;
  const g = new TorchGraph(opset, seed);
  const ids = Array.from({ length: fields }, (_, f) => g.input(`C${f + 1}`, DT.INT64, ['batch', 1]));
  const num = g.input('numeric', DT.FLOAT, ['batch', numeric]);
  const emb = ids.map((id) =>
    g.one('Gather', [g.weight(`embedding_dict.${id}.weight`, [vocab, dim]), id], `/embedding_dict.${id}/Gather`),
  );
  const flat = g.one('Flatten', [g.one('Concat', emb, '/Concat', [aInt('axis', -1)])], '/Flatten', [aInt('axis', 1)]);
  const x0 = g.one('Concat', [flat, num], '/Concat_1', [aInt('axis', -1)]);
  const d = fields * dim + numeric;
  // CrossNet (parameterization='matrix').
  const col0 = g.unsqueeze(x0, [2], '/crossnet/Unsqueeze');
  let xl = col0;
  for (let i = 0; i < layers; i++) {
    const xlw = g.one('MatMul', [g.weight(`crossnet.kernels.${i}`, [d, d], 0.2), xl], `/crossnet/MatMul_${i}`);
    const dot = g.one('Add', [xlw, g.weight(`crossnet.bias.${i}`, [d, 1], 0.1)], `/crossnet/Add_${i}`);
    xl = g.one('Add', [g.one('Mul', [col0, dot], `/crossnet/Mul_${i}`), xl], `/crossnet/Add_${i}_1`);
  }
  const cross = g.squeeze(xl, [2], '/crossnet/Squeeze');
  let h = x0;
  let width = d;
  tower.forEach((units, i) => {
    h = g.one('Relu', [g.linear(h, width, units, `dnn.linears.${i}`, 'gemm')], `/dnn/activation_layers.${i}/Relu`);
    width = units;
  });
  const stack = g.one('Concat', [cross, h], '/Concat_2', [aInt('axis', -1)]);
  const logit = g.one(
    'Add',
    [g.linear(stack, d + width, 1, 'dnn_linear', 'gemm', false), g.weight('out.bias', [1], 0.1)],
    '/out/Add',
  );
  g.node('Sigmoid', [logit], [], { name: '/out/Sigmoid', outputs: ['prediction'] });
  g.output('prediction', DT.FLOAT, ['batch', 1]);
  return encodeModel(
    g.model({ opset, irVersion: 8, producerName: 'pytorch', producerVersion: '2.5.0', graphName: 'main_graph' }),
  );
}

/**
 * pytorch-fm's DeepFM (rixwew/pytorch-fm) as ONNX bytes: one int64 input x [batch, fields] of per-field ids,
 * offset into one shared table (FeaturesEmbedding: x + offsets, Gather) and one shared linear table
 * (FeaturesLinear), the FM term (reduce_sum form), and an MLP over `embed_x.view(-1, fields * dim)` with
 * BatchNorm1d, ReLU and Dropout; output sigmoid(x.squeeze(1)) of shape [batch].
 */
export function pytorchFmDeepFm(
  opts: { fieldDims?: number[]; dim?: number; mlp?: number[]; opset?: number; seed?: number } = {},
): Uint8Array {
  const { fieldDims = [5, 7, 3, 6], dim = 4, mlp = [16, 8], opset = 17, seed = 1 } = opts;
  const g = new TorchGraph(opset, seed);
  const fields = fieldDims.length;
  const total = fieldDims.reduce((a, b) => a + b, 0);
  const offsets = fieldDims.map((_, i) => fieldDims.slice(0, i).reduce((a, b) => a + b, 0));
  const x = g.input('x', DT.INT64, ['batch', fields]);
  const lookup = (scope: string, width: number) => {
    const ids = g.one('Add', [x, g.constant(`/${scope}`, offsets, true)], `/${scope}/Add`);
    return g.one(
      'Gather',
      [g.weight(`${scope}.${scope === 'linear' ? 'fc' : 'embedding'}.weight`, [total, width]), ids],
      `/${scope}/Gather`,
    );
  };
  const linear = g.one(
    'Add',
    [g.reduceSum(lookup('linear', 1), [1], false, '/linear/ReduceSum'), g.weight('linear.bias', [1], 0.1)],
    '/linear/Add_1',
  );
  const e = lookup('embedding', dim); // [batch, fields, dim]
  const squareOfSum = g.one('Pow', [g.reduceSum(e, [1], false, '/fm/ReduceSum'), g.constant('/fm', 2)], '/fm/Pow');
  const sumOfSquare = g.reduceSum(g.one('Pow', [e, g.constant('/fm', 2)], '/fm/Pow_1'), [1], false, '/fm/ReduceSum_1');
  const fm = g.one(
    'Mul',
    [
      g.constant('/fm', 0.5),
      g.reduceSum(g.one('Sub', [squareOfSum, sumOfSquare], '/fm/Sub'), [1], true, '/fm/ReduceSum_2'),
    ],
    '/fm/Mul',
  );
  let h = g.one('Reshape', [e, g.constant('/', [-1, fields * dim], true)], '/Reshape');
  let width = fields * dim;
  mlp.forEach((units, i) => {
    const lin = g.linear(h, width, units, `mlp.mlp.${i * 4}`, 'gemm');
    const bn = g.one(
      'BatchNormalization',
      [
        lin,
        g.weight(`mlp.mlp.${i * 4 + 1}.weight`, [units], 1),
        g.weight(`mlp.mlp.${i * 4 + 1}.bias`, [units], 0.1),
        g.weight(`mlp.mlp.${i * 4 + 1}.running_mean`, [units], 0.1),
        g.floats(
          `mlp.mlp.${i * 4 + 1}.running_var`,
          [units],
          g.random(units, 0.5).map((v) => 1 + v),
        ),
      ],
      `/mlp/mlp.${i * 4 + 1}/BatchNormalization`,
      [aFloat('epsilon', 1e-5)],
    );
    h = g.one('Relu', [bn], `/mlp/mlp.${i * 4 + 2}/Relu`);
    width = units;
  });
  const deep = g.linear(h, width, 1, `mlp.mlp.${mlp.length * 4}`, 'gemm');
  const logit = g.one('Add', [g.one('Add', [linear, fm], '/Add'), deep], '/Add_1');
  g.node('Sigmoid', [g.squeeze(logit, [1], '/Squeeze')], [], { name: '/Sigmoid', outputs: ['y'] });
  g.output('y', DT.FLOAT, ['batch']);
  return encodeModel(
    g.model({ opset, irVersion: 8, producerName: 'pytorch', producerVersion: '2.5.0', graphName: 'main_graph' }),
  );
}
