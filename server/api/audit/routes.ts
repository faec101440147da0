/** The write audit (SPEC §8, §10): `GET /api/audit` with filters and paging; admin sessions only. */
import { and, desc, eq, gte, lte, type SQL, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { writeAudit } from '../../db/schema.ts';
import { requireRole } from '../../http/auth.ts';
import type { Services } from '../../services.ts';

const auditQuery = z
  .object({
    table: z.string().max(80).optional(),
    sysId: z.guid({ message: 'expected a sys_id' }).optional(),
    callId: z.string().max(200).optional(),
    rule: z.string().max(120).optional(),
    operation: z.enum(['insert', 'update', 'delete']).optional(),
    from: z.iso.datetime({ offset: true, message: 'expected an ISO date-time' }).optional(),
    to: z.iso.datetime({ offset: true, message: 'expected an ISO date-time' }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

export function auditRoutes(app: FastifyInstance, services: Pick<Services, 'database'>): void {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get(
      '/api/audit',
      { preValidation: requireRole('admin', { sessionOnly: true }), schema: { querystring: auditQuery } },
      async (request) => {
        const q = request.query;
        const conditions: SQL[] = [];
        if (q.table) conditions.push(eq(writeAudit.table, q.table));
        if (q.sysId) conditions.push(eq(writeAudit.sysId, q.sysId));
        if (q.callId) conditions.push(eq(writeAudit.callId, q.callId));
        if (q.operation) conditions.push(eq(writeAudit.operation, q.operation));
        if (q.rule) conditions.push(sql`${writeAudit.chain} @> ${JSON.stringify([q.rule])}::jsonb`);
        if (q.from) conditions.push(gte(writeAudit.at, new Date(q.from)));
        if (q.to) conditions.push(lte(writeAudit.at, new Date(q.to)));
        const where = conditions.length ? and(...conditions) : undefined;
        const db = services.database.db;
        const [rows, [total]] = await Promise.all([
          db
            .select()
            .from(writeAudit)
            .where(where)
            .orderBy(desc(writeAudit.id))
            .limit(q.limit)
            .offset(q.offset),
          db.select({ n: sql<number>`count(*)::int` }).from(writeAudit).where(where),
        ]);
        return {
          entries: rows.map((r) => ({ ...r, at: r.at.toISOString() })),
          total: total?.n ?? 0,
          limit: q.limit,
          offset: q.offset,
        };
      },
    );
}
