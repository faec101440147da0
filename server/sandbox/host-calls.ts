/**
 * The host side of `$host(op, payloadJson)`: every call is counted, its op and payload checked
 * with zod, then handled; the answer is always a JSON envelope string, never a thrown error
 * (an error thrown across the boundary cannot be caught as-is inside the isolate, isolated-vm #417,
 * and would carry host frames). `call` and `write` are the extension points of the privileged
 * service: until it exists they refuse.
 */
import { z } from 'zod';
import type { SandboxLimits } from '../config/env.ts';
import { RecordError, type RecordReader } from '../records/types.ts';
import { type SandboxErrorCode, sandboxError } from './errors.ts';
import { type RunTrace, recordBreach } from './run-trace.ts';
import type { SandboxLogger } from './types.ts';

export type HostCallDeps = {
  limits: SandboxLimits;
  reader: RecordReader;
  logger?: SandboxLogger | undefined;
};

/** A refusal whose message is meant for the rule author. */
export class HostCallRefusal extends Error {
  override name = 'HostCallRefusal';
  readonly code: string;
  constructor(message: string, code = 'REFUSED') {
    super(message);
    this.code = code;
  }
}

const MAX_PAYLOAD = 64 * 1024;
const MAX_LOG_MESSAGE = 4000;
const name = z.string().min(1).max(128);
const query = z.string().max(8000);
const page = z.number().int().min(0).max(1_000_000_000);

const schemas = {
  describe: z.object({ table: name }),
  select: z.object({ table: name, query, limit: page.nullish(), offset: page.nullish() }),
  count: z.object({ table: name, query }),
  log: z.object({
    level: z.enum(['debug', 'info', 'warn', 'error']),
    // Long messages are cut rather than refused: a log line must never be what fails a rule.
    message: z
      .string()
      .transform((m) => (m.length > MAX_LOG_MESSAGE ? `${m.slice(0, MAX_LOG_MESSAGE)}…` : m)),
  }),
  call: z.object({ name, args: z.array(z.unknown()).max(64) }),
  write: z.object({
    table: name,
    operation: z.enum(['insert', 'update', 'delete']),
    sysId: z.string().max(64).nullish(),
    fields: z.record(z.string().max(128), z.unknown()),
  }),
} as const;

export type HostOp = keyof typeof schemas;
type Payload<Op extends HostOp> = z.output<(typeof schemas)[Op]>;
export type HostHandler<Op extends HostOp> = (
  payload: Payload<Op>,
  trace: RunTrace,
  deps: HostCallDeps,
) => Promise<unknown> | unknown;
export type HostHandlers = { [Op in HostOp]: HostHandler<Op> };

function breach(
  trace: RunTrace,
  code: SandboxErrorCode,
  message: string,
  details: Record<string, unknown>,
): never {
  const error = recordBreach(trace, sandboxError(code, message, details));
  throw new HostCallRefusal(error.message, error.code);
}

export const defaultHandlers: HostHandlers = {
  describe: ({ table }, trace, { reader }) => {
    // Remembered, so the rule's next runs get this description with their start (host.ts).
    trace.described.add(table);
    return (trace.reader ?? reader).describe(table) ?? null;
  },
  async select({ table, query, limit, offset }, trace, { reader: hostReader, limits }) {
    const reader = trace.reader ?? hostReader;
    const max = limits.maxRows;
    // One row more than allowed tells "too many" apart from "exactly the maximum".
    const asked = limit && limit <= max ? limit : max + 1;
    const request = { table, query, limit: asked, ...(offset ? { offset } : {}) };
    const rows = await (trace.ahead?.take(request) ?? reader.select(request));
    if (rows.length > max)
      breach(
        trace,
        'RULE_ROWS',
        `a query on ${table} would return more than ${max} rows: add conditions or call setLimit()`,
        { limit: max, table },
      );
    trace.reads.push({ table, query, rows: rows.length });
    return rows;
  },
  count: ({ table, query }, trace, { reader }) => (trace.reader ?? reader).count({ table, query }),
  log({ level, message }, trace) {
    trace.logs.push({ level, message });
    return null;
  },
  call() {
    throw new HostCallRefusal('unknown function', 'UNKNOWN_FUNCTION');
  },
  write() {
    throw new HostCallRefusal('writes belong in a non-client-callable function', 'WRITE_REFUSED');
  },
};

/** A run made more host calls than it may (reads handed in with its start count too, run-execution.ts). */
export const hostCallsError = (limit: number) =>
  sandboxError('RULE_HOST_CALLS', `more than ${limit} host calls (queries, logs) in one run`, { limit });

const envelope = (value: unknown) => JSON.stringify({ ok: true, value: value ?? null });
const failure = (message: string, code?: string) =>
  JSON.stringify({ ok: false, error: code ? { message, code } : { message } });

/** Answers one host call of the run `trace` (null when no run owns the context any more). */
export async function handleHostCall(
  op: unknown,
  payloadJson: unknown,
  trace: RunTrace | null,
  deps: HostCallDeps,
  handlers: HostHandlers = defaultHandlers,
): Promise<string> {
  if (!trace || trace.ended) return failure('no rule is running in this context');
  if (trace.breach) return failure(trace.breach.message, trace.breach.code);
  trace.hostCalls += 1;
  if (trace.hostCalls > deps.limits.hostCalls) {
    const error = recordBreach(trace, hostCallsError(deps.limits.hostCalls));
    return failure(error.message, error.code);
  }
  if (typeof op !== 'string' || !Object.hasOwn(schemas, op)) return failure('unknown host call', 'BAD_CALL');
  if (typeof payloadJson !== 'string' || payloadJson.length > MAX_PAYLOAD)
    return failure('host call payload must be a JSON string under 64 KB', 'BAD_CALL');
  let raw: unknown;
  try {
    raw = JSON.parse(payloadJson);
  } catch {
    return failure('host call payload is not JSON', 'BAD_CALL');
  }
  const parsed = schemas[op as HostOp].safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return failure(
      `bad ${op} call: ${issue?.path.join('.') || 'payload'} ${issue?.message ?? ''}`.trim(),
      'BAD_CALL',
    );
  }
  // A privileged function may write: nothing read ahead of it is taken after it (read-ahead.ts).
  if (op === 'call' || op === 'write') trace.ahead?.stop();
  try {
    const handler = handlers[op as HostOp] as HostHandler<HostOp>;
    return envelope(await handler(parsed.data as never, trace, deps));
  } catch (error) {
    if (error instanceof HostCallRefusal) return failure(error.message, error.code);
    if (error instanceof RecordError) return failure(error.message, 'RECORD_ERROR');
    // Database and other host failures: the detail stays in the server log, the rule gets a generic line.
    deps.logger?.error(
      { err: error, rule: trace.ruleName, callId: trace.callId, op },
      'sandbox host call failed',
    );
    return failure(`the ${op} call failed on the server; the detail is in the server log`, 'HOST_ERROR');
  }
}
