/**
 * The width of a container, followed with a ResizeObserver, so an SVG chart fills it: the charts sit in a
 * two-column grid that reflows with the window.
 */
import { useLayoutEffect, useRef, useState } from 'react';

/**
 * A ref for the container and its content width in whole pixels: 0 in the browser until the layout effect
 * measures it (so a chart is drawn once, at its size, before the first paint), `fallback` in a server render.
 */
export function useContainerWidth<T extends HTMLElement>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(() => (typeof window === 'undefined' ? fallback : 0));
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = (w: number) => setWidth((old) => (Math.abs(old - w) >= 1 ? Math.floor(w) : old));
    measure(el.getBoundingClientRect().width);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      for (const e of entries) measure(e.contentRect.width);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}
