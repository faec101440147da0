/**
 * Waits until `work` settles (either way) or `ms` pass, whichever comes first; never rejects. For
 * waits that must not hang on work that never ends: reads made ahead handed in with a run's start,
 * work on an isolate's thread before it is disposed, notices still being sent when closing.
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
