/** The built-in demo: its manifest (public/demo/demo.json) and absolute URLs of its files. */
export interface DemoManifest {
  data: { title: string; train: string; test: string };
  /** precomputed: the model's statistics and spectra on the demo rows (scripts/precompute-demo.ts). */
  models: { id: string; title: string; path: string; precomputed?: string }[];
}

/** Base URL of the demo folder, next to the page. */
export function demoUrl(path = ''): string {
  return new URL(`demo/${path}`, document.baseURI).href;
}

export async function fetchDemoManifest(): Promise<DemoManifest> {
  const res = await fetch(demoUrl('demo.json'));
  if (!res.ok) throw new Error(`The demo manifest could not be loaded (HTTP ${res.status}).`);
  return (await res.json()) as DemoManifest;
}
