/** The API's shapes the console reads (SPEC §10). */
export type Rule = {
  name: string;
  description: string;
  script: string;
  clientCallable: boolean;
  active: boolean;
  version: number;
  updatedAt: string;
  updatedBy: string;
};

export type RuleVersion = {
  name: string;
  version: number;
  description: string;
  clientCallable: boolean;
  active: boolean;
  createdAt: string;
  createdBy: string;
  script?: string;
};

export type DryRunLog = { level: string; message: string };
export type DryRunResult = {
  answer: string | null;
  outcome: 'answer' | 'no_answer' | 'error';
  error?: { code: string; message: string; line?: number; column?: number };
  rule: string;
  logs: DryRunLog[];
  reads: DryRunRead[];
  writes: DryRunWrite[];
  durationMs: number;
};
export type DryRunRead = { table: string; query: string; rows: number };
export type DryRunWrite = {
  table: string;
  operation: 'insert' | 'update' | 'delete';
  sysId: string | null;
  fields: Record<string, unknown>;
};

export type CallRecord = { id: string; rule: string; params: Record<string, string> };
