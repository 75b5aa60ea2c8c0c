// The command line as bin/ctr-studio.mjs runs it, then its peak resident memory (getrusage's ru_maxrss, in KiB)
// on the last line of stderr: what the memory test of the corpus's refusals reads.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../../../src/cli/main.ts');
const code = await main(process.argv.slice(2));
process.stderr.write(`\nmaxrss-kib ${process.resourceUsage().maxRSS}\n`);
process.exitCode = code;
