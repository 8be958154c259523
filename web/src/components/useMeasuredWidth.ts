// The rendered width of an element, so an SVG chart can use one user unit per CSS pixel:
// its text then keeps its size from a 390 px phone to a wide screen instead of scaling.
import { type RefObject, useEffect, useRef, useState } from 'react';

/**
 * A ref to attach and the element's current content width in whole pixels; `fallback` until
 * it has been measured (and always where ResizeObserver does not exist, e.g. in tests).
 */
export function useMeasuredWidth<T extends HTMLElement>(
  fallback: number,
): [RefObject<T | null>, number] {
  const ref = useRef<T | null>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const measured = Math.floor(entries[0]?.contentRect.width ?? 0);
      // A hidden element measures 0; keep the last real width rather than draw nothing.
      if (measured > 0) setWidth(measured);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}
