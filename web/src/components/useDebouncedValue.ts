import { useEffect, useState } from 'react';

/**
 * `value`, once it has stayed the same for `delayMs`: for requests made while someone types
 * (one request when they pause, not one per key). Compare by `key` (e.g. JSON of an object),
 * so a value rebuilt on every render with the same content does not restart the wait.
 */
export function useDebouncedValue<T>(value: T, delayMs: number, key: string): T {
  const [settled, setSettled] = useState({ value, key });
  useEffect(() => {
    if (key === settled.key) return undefined;
    const timer = setTimeout(() => setSettled({ value, key }), delayMs);
    return () => clearTimeout(timer);
    // `value` travels with `key`: a new value with the same key is the same value.
  }, [key, delayMs, settled.key]);
  return settled.value;
}
