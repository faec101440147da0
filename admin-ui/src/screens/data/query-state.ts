/**
 * Filters that live in the URL query, so a filtered list can be bookmarked, shared and reloaded, and
 * the back button leaves the screen as it was. Typing replaces the history entry (one entry per
 * screen, not per keystroke); popstate brings the values back.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';

/** What the shell's router dispatches after navigate() (admin-ui/src/router.tsx). */
const NAVIGATE_EVENT = 'ctihost:navigate';

export type QueryValues<K extends string> = Record<K, string>;

function read<K extends string>(keys: readonly K[]): QueryValues<K> {
  const params = new URLSearchParams(window.location.search);
  return Object.fromEntries(keys.map((key) => [key, params.get(key) ?? ''])) as QueryValues<K>;
}

export function useQueryState<K extends string>(
  keys: readonly K[],
): [QueryValues<K>, (patch: Partial<Record<K, string | null>>) => void] {
  const [values, setValues] = useState(() => read(keys));

  useEffect(() => {
    const sync = () => setValues(read(keys));
    // Back/forward, and the shell's navigate() to the same screen with another query.
    window.addEventListener('popstate', sync);
    window.addEventListener(NAVIGATE_EVENT, sync);
    return () => {
      window.removeEventListener('popstate', sync);
      window.removeEventListener(NAVIGATE_EVENT, sync);
    };
  }, [keys]);

  const update = useCallback(
    (patch: Partial<Record<K, string | null>>) => {
      const params = new URLSearchParams(window.location.search);
      for (const [key, value] of Object.entries(patch) as [K, string | null | undefined][]) {
        if (value === null || value === undefined || value === '') params.delete(key);
        else params.set(key, value);
      }
      const search = params.toString();
      window.history.replaceState(
        window.history.state,
        '',
        `${window.location.pathname}${search ? `?${search}` : ''}`,
      );
      setValues(read(keys));
    },
    [keys],
  );

  return [values, update];
}
