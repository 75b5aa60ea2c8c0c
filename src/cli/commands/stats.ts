/**
 * `ctr-studio stats`: AFM's statistics of one data shard, written as a mergeable `.stats` file (format in
 * src/core/compress/statistics.ts). Shards can be processed in parallel processes or on other machines;
 * `ctr-studio compress --stats S1,S2,...` merges them.
 */
import { MODEL_OPTION } from '../shared/options';
import { writeFileAtomic } from '../../node/atomic';
import type { CommandDef, ParsedArgs, Command } from '../shared/args';
import { serializeStatistics } from '../../core/compress/statistics';
import { ModelCompressor } from '../../app/modelCompressor';
import { loadStudioModel, printJson, round, streamEncoded } from '../shared/io';
import { fileListArg } from '../shared/compression';

const def: CommandDef = {
  name: 'stats',
  summary: 'compute AFM statistics of a data shard as a mergeable .stats file',
  usage: 'ctr-studio stats --model M --data SHARD --out S.stats',
  options: [
    MODEL_OPTION,
    {
      name: 'data',
      value: 'FILE[,FILE...]',
      help: 'rows of this shard (several files are folded in order)',
      required: true,
    },
    { name: 'out', value: 'S.stats', help: 'where to write the statistics', required: true },
  ],
  notes:
    'The file is streamed: memory holds one chunk of rows and the statistics ' +
    '(O(width²) per Dense layer).\nExample, four shards in parallel, then one ' +
    'compression:\n  ls shards/*.tsv | xargs -P 4 -I{} npx ctr-studio stats --model M ' +
    '--data {} --out {}.stats\n  npx ctr-studio compress --model M --stats $(ls ' +
    'shards/*.stats | paste -sd,) --test T --dense-rank 64 --out C',
};

async function run(args: ParsedArgs): Promise<void> {
  const t0 = performance.now();
  const loaded = await loadStudioModel(String(args.model), fileListArg(args, 'data')[0]);
  const c = new ModelCompressor(loaded.model);
  const enc = loaded.meta.encoding;
  const stats = await c.collect(
    enc,
    fileListArg(args, 'data').map((f) => () => streamEncoded(f, enc)),
  );
  const bytes = serializeStatistics(stats, c.fingerprint);
  await writeFileAtomic(String(args.out), new Uint8Array(bytes));
  const seconds = (performance.now() - t0) / 1000;
  printJson({
    out: String(args.out),
    model: c.fingerprint,
    rows: stats.rows,
    layers: stats.denseInputs.size + stats.idCounts.size,
    bytes: bytes.byteLength,
    seconds: round(seconds, 2),
    rowsPerSec: round(stats.rows / (stats.ms / 1000), 0),
  });
}

export const statsCommand: Command = { def, run };
