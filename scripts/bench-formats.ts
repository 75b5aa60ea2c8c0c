// Measures how data files of each format stream (not a test): writes ROWS Criteo-like rows (the demo rows
// repeated, with shifted integers and altered categories) as a Parquet file in several row groups and as a
// gzip-compressed TSV into a temporary folder (KEEP=DIR keeps them there), then reads each file in a fresh Node
// process the way every command does (format from the first bytes, schema from the first rows, rows parsed into
// batches), and prints rows per second and the peak resident memory (sampled during the read) with file sizes.
// The plain TSV is read too, as a baseline. Parquet pages are PAGE bytes (hyparquet-writer's default 1 MiB has no
// row limit, so a page may span a whole row group; Arrow and Spark also cap a page at 20,000 rows).
// Usage: npx tsx scripts/bench-formats.ts [ROWS=1000000] [GROUP=100000] [PAGE=1048576]
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { ParquetWriter, fileWriter, schemaFromColumnData, type ColumnSource } from 'hyparquet-writer';
import { openDataset } from '../src/core/data/dataset';
import { gunzipChunks } from '../src/core/data/gzip';
import { openDataFile } from '../src/node/files';

const DEMO = fileURLToPath(new URL('../public/demo/criteo/train.tsv', import.meta.url));
const NAMES = [
  'label',
  ...Array.from({ length: 13 }, (_, i) => `I${i + 1}`),
  ...Array.from({ length: 26 }, (_, i) => `C${i + 1}`),
];
/** Categorical columns given more distinct values per repetition, so dictionaries grow as in real data. */
const WIDE_CATEGORIES = new Set([14 + 2, 14 + 3, 14 + 11, 14 + 15, 14 + 20, 14 + 23]);

type Mode = 'parquet' | 'gzip' | 'gunzip-only' | 'tsv';

interface Result {
  mode: Mode;
  rows: number;
  cells: number;
  seconds: number;
  peakRssMb: number;
  startRssMb: number;
  peakHeapMb: number;
}

const mb = (bytes: number) => bytes / 2 ** 20;

/** Row `i` of the synthetic data as cells: demo row i mod 8000, integers shifted and categories altered by rep. */
function makeRow(demo: string[][], i: number): string[] {
  const base = demo[i % demo.length];
  const rep = Math.floor(i / demo.length);
  return base.map((cell, j) => {
    if (cell === '' || j === 0) return cell;
    if (j <= 13) return String(Number(cell) + (rep % 5));
    if (!WIDE_CATEGORIES.has(j)) return cell;
    return (Number.parseInt(cell, 16) ^ (rep % 64)).toString(16).padStart(8, '0');
  });
}

/** Rows as Parquet columns: label INT32, I1..I13 INT64 (null when empty), C1..C26 strings (null when empty). */
function columnsOf(rows: string[][]): ColumnSource[] {
  return NAMES.map((name, j) => {
    const cells = rows.map((r) => r[j]);
    if (j === 0) return { name, data: Int32Array.from(cells, Number), type: 'INT32', nullable: false };
    if (j <= 13) return { name, data: cells.map((c) => (c === '' ? null : BigInt(c))), type: 'INT64' };
    return { name, data: cells.map((c) => (c === '' ? null : c)), type: 'STRING' };
  });
}

async function writeFiles(dir: string, total: number, group: number, page: number): Promise<Record<Mode, string>> {
  const demo = readFileSync(DEMO, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
  const paths = {
    parquet: join(dir, 'criteo.parquet'),
    gzip: join(dir, 'criteo.tsv.gz'),
    'gunzip-only': join(dir, 'criteo.tsv.gz'),
    tsv: join(dir, 'criteo.tsv'),
  };
  const writer = new ParquetWriter({
    writer: fileWriter(paths.parquet),
    schema: schemaFromColumnData({ columnData: columnsOf(demo.slice(0, 10)) }),
  });
  const gz = createGzip({ level: 6 });
  const gzDone = new Promise<void>((resolve) => gz.pipe(createWriteStream(paths.gzip)).on('finish', resolve));
  const tsv = createWriteStream(paths.tsv);
  for (let start = 0; start < total; start += group) {
    const rows = Array.from({ length: Math.min(group, total - start) }, (_, k) => makeRow(demo, start + k));
    await writer.write({ columnData: columnsOf(rows), rowGroupSize: group, pageSize: page });
    const text = `${rows.map((r) => r.join('\t')).join('\n')}\n`;
    if (!gz.write(text)) await new Promise<void>((r) => gz.once('drain', () => r()));
    if (!tsv.write(text)) await new Promise<void>((r) => tsv.once('drain', () => r()));
  }
  await writer.finish();
  gz.end();
  await gzDone;
  await new Promise<void>((resolve) => tsv.end(resolve));
  return paths;
}

/** Reads one file the way the studio would, sampling memory; runs in its own process for a clean peak. */
async function measure(mode: Mode, path: string): Promise<Result> {
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const t0 = performance.now();
  let rows = 0;
  let cells = 0;
  if (mode === 'gunzip-only') {
    for await (const chunk of gunzipChunks(createReadStream(path, { highWaterMark: 1 << 20 }))) {
      cells += chunk.length; // bytes, for this mode
      sample();
    }
  } else {
    // The product's path: format sniffed from the first bytes, schema detected, rows parsed into batches.
    const { schema, batches } = await openDataset(await openDataFile(path));
    for await (const b of batches) {
      rows += b.rows;
      cells += b.rows * schema.columns.length;
      sample();
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  sample();
  return {
    mode,
    rows,
    cells,
    seconds,
    peakRssMb: mb(peakRss),
    startRssMb: mb(startRss),
    peakHeapMb: mb(peakHeap),
  };
}

function report(results: Result[], paths: Record<Mode, string>, total: number): void {
  const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(`\n${fmt(total)} rows; Node ${process.version}\n`);
  console.log(
    'mode         file size   rows        cells        seconds  rows/s     MB/s (file)  RSS start→peak  heap peak',
  );
  for (const r of results) {
    const size = statSync(paths[r.mode]).size;
    const rate = r.mode === 'gunzip-only' ? '—' : fmt(r.rows / r.seconds);
    console.log(
      [
        r.mode.padEnd(12),
        `${fmt(mb(size), 1)} MB`.padStart(10),
        fmt(r.rows).padStart(11),
        (r.mode === 'gunzip-only' ? `${fmt(mb(r.cells), 1)} MB out` : fmt(r.cells)).padStart(12),
        fmt(r.seconds, 2).padStart(8),
        rate.padStart(10),
        fmt(mb(size) / r.seconds, 1).padStart(12),
        `${fmt(r.startRssMb)}→${fmt(r.peakRssMb)} MB`.padStart(16),
        `${fmt(r.peakHeapMb)} MB`.padStart(10),
      ].join(' '),
    );
  }
}

async function main(): Promise<void> {
  const [, self, first, second, third] = process.argv;
  if (first === '--read') {
    process.stdout.write(JSON.stringify(await measure(second as Mode, third)));
    return;
  }
  const total = Number(first ?? 1_000_000);
  const group = Number(second ?? 100_000);
  const page = Number(third ?? 2 ** 20);
  const keep = process.env.KEEP || undefined;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'ctr-bench-formats-'));
  try {
    const t0 = performance.now();
    const paths = await writeFiles(dir, total, group, page);
    const took = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`wrote the files in ${took} s (row groups of ${group} rows, pages of ${page} bytes)`);
    const results: Result[] = [];
    for (const mode of ['parquet', 'gzip', 'gunzip-only', 'tsv'] as Mode[]) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--read', mode, paths[mode]], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      if (child.status !== 0) throw new Error(`reading ${mode} failed: ${child.stderr}`);
      results.push(JSON.parse(child.stdout) as Result);
    }
    report(results, paths, total);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
