/** Title bar with the backend in use and a switch for it. */
import { memo } from 'react';
import type { BackendChoice, BackendInfo } from '../engine/protocol';

const CHOICES: { value: BackendChoice; label: string }[] = [
  { value: 'auto', label: 'auto (best available)' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'wasm', label: 'WebAssembly' },
  { value: 'webgl', label: 'WebGL' },
  { value: 'cpu', label: 'CPU (plain JS)' },
];

function describe(info: BackendInfo | null): string {
  if (!info) return 'starting…';
  if (info.backend === 'webgpu' && info.webgpu === 'fallback') return 'webgpu (software adapter, slow)';
  return info.backend;
}

export const Header = memo(function Header({
  backend,
  choice,
  onChoose,
}: {
  backend: BackendInfo | null;
  choice: BackendChoice;
  onChoose: (c: BackendChoice) => void;
}) {
  return (
    <header className="app-header">
      <h1>CTR Studio</h1>
      <span className="subtitle">
        Low-rank compression of click-through-rate models, in your browser — nothing leaves this page
      </span>
      <label className="backend">
        <span data-testid="backend" title={backend?.adapterName ?? ''}>
          backend: {describe(backend)}
        </span>
        <select
          aria-label="Compute backend"
          value={choice}
          onChange={(e) => onChoose(e.target.value as BackendChoice)}
          data-testid="backend-select"
        >
          {CHOICES.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
    </header>
  );
});
