/** The call log's shapes as GET /api/calls and GET /api/calls/:id answer them (server/processor/call-log.ts). */
import { api } from '../../api.ts';

export type CallLog = { level: string; message: string };
export type CallRead = { table: string; query: string; rows: number };
export type CallWrite = {
  table: string;
  operation: 'insert' | 'update' | 'delete';
  sysId: string | null;
  fields: Record<string, unknown>;
};

export type Call = {
  id: string;
  at: string;
  /** The telephony client's id of the call (sysparm_call_id), if it sent one. */
  callId: string | null;
  rule: string;
  ruleVersion: number | null;
  /** Phones already masked to their last four digits by the server. */
  params: Record<string, string>;
  outcome: string;
  answer: string | null;
  error: { code: string; message: string } | null;
  durationMs: number;
  logs: CallLog[];
  reads: CallRead[];
  writes: CallWrite[];
  actor: string | null;
};

export type CallPage = { calls: Call[]; total: number; limit: number; offset: number };

export const OUTCOMES = ['answer', 'no_answer', 'error', 'repeat'] as const;

export const CALL_FILTERS = ['rule', 'outcome', 'callId', 'from', 'to', 'limit', 'offset'] as const;
/** The screen's URL query: the API's filters and the live switch. */
export const CALL_QUERY = [...CALL_FILTERS, 'live'] as const;
export type CallFilters = Record<(typeof CALL_QUERY)[number], string>;

export function callsQuery(filters: CallFilters): string {
  const params = new URLSearchParams();
  for (const key of CALL_FILTERS) if (filters[key]) params.set(key, filters[key].trim());
  return params.toString();
}

export const listCalls = (query: string) => api<CallPage>('GET', `/api/calls${query ? `?${query}` : ''}`);
export const getCall = (id: string) => api<Call>('GET', `/api/calls/${encodeURIComponent(id)}`);

/** Who called, in one line: the caller parameters the telephony client sent (phones masked). */
export function callerOf(params: Record<string, string>): string {
  const parts = [
    params.sysparm_caller_name,
    params.sysparm_caller_phone,
    params.sysparm_caller_id,
    params.sysparm_caller_email,
    params.sysparm_task_id,
  ].filter((v): v is string => Boolean(v));
  return parts.join(' · ');
}
