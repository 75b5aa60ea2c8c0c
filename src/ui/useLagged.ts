/**
 * A value shown a few frames after it changes. The sweep charts each redraw in their own frames, so three
 * charts never add up to one long task.
 */
import { useEffect, useState } from 'react';

export function useLagged<T>(value: T, delayMs: number): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (delayMs <= 0) return setShown(value);
    const t = setTimeout(() => setShown(value), delayMs);
    return () => clearTimeout(t);
  }, [value, delayMs]);
  return delayMs <= 0 ? value : shown;
}
