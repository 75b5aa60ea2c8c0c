/** Where files arrive: drag-and-drop of a model (any registered format) and/or data files, or a picker. */
import { DATA_FORMATS } from '../core/data/sources';
import { describeFormats } from '../formats';
import { useRef, useState, type DragEvent } from 'react';

export function DropZone({ onFiles, disabled }: { onFiles: (files: File[]) => void; disabled?: boolean }) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const take = (list: FileList | null) => {
    if (list && list.length > 0) onFiles(Array.from(list));
  };
  return (
    // A drop target: the file input inside it is the keyboard's way in.
    // biome-ignore lint/a11y/noStaticElementInteractions: drag and drop only
    <div
      className={`dropzone${over ? ' over' : ''}`}
      data-testid="dropzone"
      onDragOver={(e: DragEvent) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e: DragEvent) => {
        e.preventDefault();
        setOver(false);
        if (!disabled) take(e.dataTransfer.files);
      }}
    >
      <p>
        <strong>Drop files here</strong>
      </p>
      <p className="muted" data-testid="dropzone-formats">
        a model: {describeFormats()}; and/or data: {DATA_FORMATS}
      </p>
      <button type="button" disabled={disabled} onClick={() => input.current?.click()}>
        Choose files…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(e) => {
          take(e.target.files);
          e.target.value = ''; // the same file chosen again (after a cancel) is a new choice
        }}
      />
    </div>
  );
}
