/**
 * A change a screen makes (a form's submit, a dialog's confirm): busy while it runs, and the error
 * it ended with kept for the form to show beside its fields. One place for the try/finally every
 * form would otherwise write again.
 */
import { useState } from 'preact/hooks';

export type Action = {
  busy: boolean;
  error: unknown;
  setError: (error: unknown) => void;
  /** Runs `work`, busy meanwhile; its failure becomes `error`. */
  run: (work: () => Promise<void>) => Promise<void>;
};

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function run(work: () => Promise<void>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}
