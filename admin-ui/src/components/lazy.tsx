/** Renders a component that is loaded on demand (a screen with Monaco, another engineer's screen). */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorBox } from './error-box.tsx';

// biome-ignore lint/suspicious/noExplicitAny: a screen's props are checked where the route is declared
type AnyComponent = ComponentType<any>;
const loaded = new Map<string, AnyComponent>();

export function Lazy({
  id,
  load,
  props,
}: {
  id: string;
  load: () => Promise<AnyComponent | undefined>;
  props: Record<string, unknown>;
}) {
  const [component, setComponent] = useState<AnyComponent | undefined>(() => loaded.get(id));
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (loaded.has(id)) {
      setComponent(() => loaded.get(id));
      return;
    }
    let live = true;
    load().then(
      (found) => {
        if (!found) throw new Error(`this screen (${id}) is not part of this build yet`);
        loaded.set(id, found);
        if (live) setComponent(() => found);
      },
      (reason: unknown) => live && setError(reason),
    );
    return () => {
      live = false;
    };
  }, [id]);
  if (error) return <ErrorBox error={error} title="This screen could not be loaded" />;
  if (!component) return <p class="muted loading">Loading…</p>;
  const Component = component;
  return <Component {...props} />;
}
