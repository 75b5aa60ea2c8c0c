// Worker-thread entry of the corpus runner: TypeScript through tsx (as bin/ctr-studio.mjs does), then runner.ts.
import { register } from 'tsx/esm/api';

register();
await import('./runner.ts');
