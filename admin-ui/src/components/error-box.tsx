/** An API error shown in full: its code, its message and, when given, the details it carries. */
import { describeError } from '../api.ts';

export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (error === null || error === undefined) return null;
  const { code, message, details } = describeError(error);
  return (
    <div class="notice error" role="alert">
      <strong>{title ?? 'Something went wrong'}</strong> <code class="code">{code}</code>
      <p>{message}</p>
      {details !== undefined && details !== null && (
        <details>
          <summary>Details</summary>
          <pre>{JSON.stringify(details, null, 2)}</pre>
        </details>
      )}
    </div>
  );
}
