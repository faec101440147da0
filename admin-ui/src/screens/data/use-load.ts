/**
 * Loads data for a screen: keeps the last result on screen while the next one loads (no flicker
 * while filtering), drops answers that arrive after a newer request was made, and can wait a moment
 * before asking (typing in a filter sends one request, not one per key).
 */
import { useCallback, useEffect, useState } from 'preact/hooks';

export type Loaded<T> = {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
};

/** `delayMs` may be a function, read when the key changes: a list waits while typing, not after a click. */
export function useLoad<T>(
  load: () => Promise<T>,
  key: string,
  delayMs: number | (() => number) = 0,
): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [tick, setTick] = useState(0);

  // `key` names what is loaded (the path and its query): a new key or a reload asks again.
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(
      () => {
        load().then(
          (data) => current && setState({ data, error: undefined, loading: false }),
          (error: unknown) => current && setState((s) => ({ ...s, error, loading: false })),
        );
      },
      typeof delayMs === 'function' ? delayMs() : delayMs,
    );
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [key, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
