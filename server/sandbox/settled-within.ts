/**
 * Waits until `work` settles (either way) or `ms` pass, whichever comes first; never rejects. For
 * closing: work on an isolate's thread should end before the isolate is disposed, but a close must
 * not hang on work that never ends.
 */
export async function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.then(
      () => {},
      () => {},
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/** How long closing waits for an isolate's work in flight: a context takes about 12–25 ms to prepare. */
export const CLOSE_WAIT_MS = 2000;
