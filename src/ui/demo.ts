/** The built-in demo: its manifest (public/demo/demo.json) and absolute URLs of its files. */
export interface DemoManifest {
  data: { title: string; train: string; test: string };
  models: { id: string; title: string; path: string }[];
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
