#!/usr/bin/env python3
"""NumPy/LAPACK reference of the compression pipeline that `ctr-studio bench` times.

Usage: afm_numpy.py DIR   (DIR written by `ctr-studio bench`: index.json, the model's weights, the fed inputs)
Prints one JSON object on stdout: median milliseconds per stage and check values (see below).

It computes what CTR Studio computes, with NumPy's kernels:
- statistics: the model's forward pass in float32 from its own weights (the Keras topology is interpreted
  layer by layer, only the layers that feed a compressed layer), and per compressed Dense layer the moments of
  its inputs, as in src/tf/stats.ts: per block of rows, the float32 product (x - s)^T (x - s) and the column
  sums of x - s (s = the first block's column mean), added up in float64; per embedding table its id counts.
- decompositions (AFM, src/core/compress/methods/afm.ts): per Dense layer the output covariance W^T C_x W and
  its eigendecomposition (LAPACK syevd through numpy.linalg.eigh), the products W U, b U, mu U; per table the
  id-weighted mean and covariance of its rows, their eigendecomposition (all tables of one width in one batched
  call), and the projected table (E - mu) U.
- whole compression: statistics + decompositions + the plan's factors sliced out as float32 arrays (CTR
  Studio's whole also rewrites and loads a model, which has no counterpart here).
- eigh of random symmetric 400x400 and 1024x1024 matrices.
Each stage runs once to warm up, then `runs` times; the medians are reported. NumPy's BLAS uses its default
thread count (reported as `threads`), CTR Studio's wasm kernels one thread.
"""
import json
import os
import sys
import time

import numpy as np

ACTIVATIONS = {
    None: lambda x: x,
    'linear': lambda x: x,
    'relu': lambda x: np.maximum(x, np.float32(0)),
    'sigmoid': lambda x: (1 / (1 + np.exp(-x))).astype(np.float32),
    'tanh': np.tanh,
}


class Unsupported(Exception):
    pass


def read_index(folder):
    with open(os.path.join(folder, 'index.json')) as f:
        index = json.load(f)
    blob = np.fromfile(os.path.join(folder, 'weights.bin'), dtype=np.uint8)
    weights = {}
    for w in index['weights']:
        if w['dtype'] != 'float32':
            raise Unsupported(f"weight {w['name']} is {w['dtype']}")
        n = int(np.prod(w['shape'])) if w['shape'] else 1
        weights[w['name']] = blob[w['offset']:w['offset'] + 4 * n].view(np.float32).reshape(w['shape'])
    inputs = {}
    for i in index['inputs']:
        dt = np.int32 if i['dtype'] == 'int32' else np.float32
        inputs[i['name']] = np.fromfile(os.path.join(folder, i['file']), dtype=dt).reshape(i['shape'])
    return index, weights, inputs


class Graph:
    """A Keras functional topology (as tfjs saves it), evaluated lazily on a slice of the fed inputs."""

    def __init__(self, topology, weights):
        config = topology['config'] if 'config' in topology else topology['model_config']['config']
        self.layers = {l['name']: l for l in config['layers']}
        self.weights = weights
        for l in config['layers']:
            if len(l.get('inbound_nodes', [])) > 1:
                raise Unsupported(f"layer {l['name']} is shared")

    def parents(self, name):
        nodes = self.layers[name].get('inbound_nodes', [])
        return [p[0] for p in nodes[0]] if nodes else []

    def weight(self, layer, key):
        for k, v in self.weights.items():
            if k.split('/')[0] == layer and k.endswith('/' + key):
                return v
        return None

    def run(self, wanted, fed):
        memo = dict(fed)

        def value(name):
            if name not in memo:
                memo[name] = self.apply(name, [value(p) for p in self.parents(name)])
            return memo[name]

        return [value(n) for n in wanted]

    def apply(self, name, xs):
        layer = self.layers[name]
        cls, cfg = layer['class_name'], layer['config']
        if cls == 'Embedding':
            return self.weight(name, 'embeddings')[xs[0].astype(np.int64)]
        if cls == 'Dense':
            y = xs[0] @ self.weight(name, 'kernel')
            b = self.weight(name, 'bias')
            return ACTIVATIONS[cfg.get('activation')](y + b if b is not None else y)
        if cls == 'Concatenate':
            return np.concatenate(xs, axis=cfg.get('axis', -1))
        if cls == 'Flatten':
            return xs[0].reshape(xs[0].shape[0], -1)
        if cls == 'Reshape':
            return xs[0].reshape((xs[0].shape[0],) + tuple(cfg['target_shape']))
        if cls == 'Add':
            return sum(xs[1:], xs[0])
        if cls == 'Multiply':
            out = xs[0]
            for x in xs[1:]:
                out = out * x
            return out
        if cls == 'Activation':
            return ACTIVATIONS[cfg['activation']](xs[0])
        if cls == 'Dropout':
            return xs[0]
        if cls == 'FMInteraction':
            x = xs[0]
            return 0.5 * ((x.sum(1) ** 2) - (x ** 2).sum(1)).sum(1, keepdims=True)
        raise Unsupported(f'layer class {cls} ({name})')


def statistics(index, graph, inputs):
    """Moments of every compressed Dense layer's inputs and id counts of every table, one pass in blocks."""
    dense = index['dense']
    tables = index['tables']
    wanted = [graph.parents(d['name'])[0] for d in dense] + [graph.parents(t['name'])[0] for t in tables]
    rows = next(iter(inputs.values())).shape[0]
    size = index['batchSize']
    acc = [None] * len(dense)
    counts = [np.zeros(t['vocab']) for t in tables]
    for start in range(0, rows, size):
        fed = {k: v[start:start + size] for k, v in inputs.items()}
        outs = graph.run(wanted, fed)
        for i, d in enumerate(dense):
            x = outs[i].reshape(-1, outs[i].shape[-1]).astype(np.float32, copy=False)
            if acc[i] is None:
                acc[i] = {'shift': x.mean(0, dtype=np.float32), 'n': 0,
                          's1': np.zeros(x.shape[1]), 's2': np.zeros((x.shape[1], x.shape[1]))}
            a = acc[i]
            c = x - a['shift']
            a['s2'] += c.T @ c
            a['s1'] += c.sum(0)
            a['n'] += x.shape[0]
        for j, t in enumerate(tables):
            ids = outs[len(dense) + j].reshape(-1).astype(np.int64)
            ids = ids[(ids >= 0) & (ids < t['vocab'])]
            counts[j] += np.bincount(ids, minlength=t['vocab'])
    moments = []
    for a in acc:
        d = a['s1'] / a['n']
        s2 = 0.5 * (a['s2'] + a['s2'].T)
        moments.append({'count': a['n'], 'mean': a['shift'] + d, 'm2': s2 - a['n'] * np.outer(d, d)})
    return moments, counts


def dense_afm(d, w, b, mom):
    """Top eigenvectors of the output covariance W^T C_x W and the products the factors are sliced from."""
    w = w.astype(np.float64)
    mean = mom['mean'] @ w + (b if b is not None else 0)
    cov = w.T @ ((mom['m2'] / mom['count']) @ w)
    values, vectors = np.linalg.eigh(cov)
    u = vectors[:, ::-1][:, :d['maxRank']]
    return {'values': values[::-1], 'u': u, 'wu': w @ u, 'bu': (b @ u) if b is not None else None,
            'muu': mean @ u, 'mean': mean}


def tables_afm(tables, graph, counts):
    """All tables of one width in one batched eigendecomposition of their id-weighted covariances."""
    out = [None] * len(tables)
    by_dim = {}
    for j, t in enumerate(tables):
        by_dim.setdefault(t['dim'], []).append(j)
    for dim, js in by_dim.items():
        covs, means, centred = [], [], []
        for j in js:
            e = graph.weight(tables[j]['name'], 'embeddings').astype(np.float64)
            w = counts[j]
            mu = (w @ e) / w.sum()
            ec = e - mu
            covs.append((ec * w[:, None]).T @ ec / w.sum())
            means.append(mu)
            centred.append(ec)
        values, vectors = np.linalg.eigh(np.stack(covs))
        for q, j in enumerate(js):
            u = vectors[q][:, ::-1][:, :tables[j]['maxRank']]
            out[j] = {'values': values[q][::-1], 'u': u, 'mean': means[q], 'projected': centred[q] @ u}
    return out


def decompositions(index, graph, moments, counts):
    dense = [dense_afm(d, graph.weight(d['name'], 'kernel'), graph.weight(d['name'], 'bias'), m)
             for d, m in zip(index['dense'], moments)]
    return dense, tables_afm(index['tables'], graph, counts)


def slices(index, dense, tables):
    """The plan's factors as float32 arrays (what the rewrite writes into the compressed model)."""
    out = []
    for d, f in zip(index['dense'], dense):
        k = d.get('rank')
        if not k:
            continue
        uk = f['u'][:, :k]
        out.append((f['wu'][:, :k].astype(np.float32), uk.T.astype(np.float32),
                    (f['mean'] - uk @ f['muu'][:k]).astype(np.float32)))
    for t, f in zip(index['tables'], tables):
        k = t.get('rank')
        if k:
            out.append((f['projected'][:, :k].astype(np.float32), f['u'][:, :k].T.astype(np.float32)))
    return out


def median_ms(runs, f):
    f()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times))


def pipeline(index, weights, inputs):
    graph = Graph(index['topology'], weights)
    runs = index['runs']
    stages = {'statistics': [], 'decomposition': [], 'slicing': [], 'total': []}
    last = None
    for r in range(runs + 1):
        t0 = time.perf_counter()
        moments, counts = statistics(index, graph, inputs)
        t1 = time.perf_counter()
        dense, tables = decompositions(index, graph, moments, counts)
        t2 = time.perf_counter()
        slices(index, dense, tables)
        t3 = time.perf_counter()
        if r > 0:
            for k, v in (('statistics', t1 - t0), ('decomposition', t2 - t1), ('slicing', t3 - t2),
                         ('total', t3 - t0)):
                stages[k].append(v * 1000)
        last = (moments, dense, tables)
    moments, dense, tables = last
    check = {d['name']: {'trace': float(np.trace(m['m2']) / m['count']), 'top': float(f['values'][0])}
             for d, m, f in zip(index['dense'], moments, dense)}
    check.update({t['name']: {'top': float(f['values'][0])} for t, f in zip(index['tables'], tables)})
    return {k: float(np.median(v)) for k, v in stages.items()}, check


def eigh_ms(n, runs):
    a = np.random.default_rng(n).standard_normal((n, n))
    a = np.triu(a) + np.triu(a, 1).T
    return median_ms(runs, lambda: np.linalg.eigh(a))


def threads():
    for var in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
        if os.environ.get(var):
            return int(os.environ[var])
    return os.cpu_count()


def main(folder):
    index, weights, inputs = read_index(folder)
    report = {'numpy': np.__version__, 'threads': threads(), 'runs': index['runs']}
    try:
        ms, check = pipeline(index, weights, inputs)
        report.update({'ms': ms, 'check': check})
    except Unsupported as e:
        report['skipped'] = f'the reference cannot run this model: {e}'
    report['eig400Ms'] = eigh_ms(400, index['runs'])
    report['eig1024Ms'] = eigh_ms(1024, index['runs'])
    print(json.dumps(report))


if __name__ == '__main__':
    main(sys.argv[1])
