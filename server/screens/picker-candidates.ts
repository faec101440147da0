/** The callers a picker offers: the valid sys_ids of the rule's list that are active users, in its order. */
import { normaliseSysId } from '../dictionary/values.ts';
import type { RecordReader } from '../records/types.ts';

export const MAX_CANDIDATES = 20;

export type Candidate = {
  id: string;
  name: string;
  userName: string;
  department: string;
  email: string;
  phone: string;
};

/** The distinct valid sys_ids of a comma-separated list, in its order. */
export function candidateIds(list: string): string[] {
  const ids = list.split(',').flatMap((item) => normaliseSysId(item.trim()) ?? []);
  return [...new Set(ids)];
}

const cell = (value: unknown) => (value === null || value === undefined ? '' : String(value));

export async function loadCandidates(reader: RecordReader, list: string): Promise<Candidate[]> {
  // The list's length is bounded by the parameter's (4000 characters: about 110 sys_ids).
  const ids = candidateIds(list);
  if (ids.length === 0) return [];
  const rows = await reader.select({
    table: 'sys_user',
    query: `sys_idIN${ids.join(',')}^active=true`,
    limit: ids.length,
  });
  const byId = new Map(rows.map((row) => [String(row.sys_id), row]));
  return ids
    .flatMap((id) => {
      const row = byId.get(id);
      if (!row) return [];
      return [
        {
          id,
          name: cell(row.name),
          userName: cell(row.user_name),
          department: cell(row.department),
          email: cell(row.email),
          phone: cell(row.phone ?? row.mobile_phone),
        },
      ];
    })
    .slice(0, MAX_CANDIDATES);
}
