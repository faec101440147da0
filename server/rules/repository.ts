/** Every drizzle call on rules and their versions; accepts the database or a transaction. */
import { and, asc, desc, eq, ilike, or } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { rules, ruleVersions } from '../db/schema.ts';

export type RuleRow = typeof rules.$inferSelect;
export type RuleVersionRow = typeof ruleVersions.$inferSelect;
export type RuleFilter = { search?: string; active?: boolean; clientCallable?: boolean };

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export const rulesRepository = {
  async list(db: Db, filter: RuleFilter = {}): Promise<RuleRow[]> {
    const conditions = [];
    if (filter.search) {
      const pattern = `%${escapeLike(filter.search)}%`;
      conditions.push(or(ilike(rules.name, pattern), ilike(rules.description, pattern)));
    }
    if (filter.active !== undefined) conditions.push(eq(rules.active, filter.active));
    if (filter.clientCallable !== undefined) conditions.push(eq(rules.clientCallable, filter.clientCallable));
    return db
      .select()
      .from(rules)
      .where(and(...conditions))
      .orderBy(asc(rules.name));
  },

  async get(db: Db, name: string): Promise<RuleRow | undefined> {
    const [row] = await db.select().from(rules).where(eq(rules.name, name)).limit(1);
    return row;
  },

  async insert(db: Db, row: Omit<RuleRow, 'updatedAt' | 'version'>): Promise<RuleRow> {
    const [created] = await db
      .insert(rules)
      .values({ ...row, version: 1 })
      .returning();
    await db.insert(ruleVersions).values({
      name: row.name,
      version: 1,
      description: row.description,
      script: row.script,
      clientCallable: row.clientCallable,
      active: row.active,
      createdBy: row.updatedBy,
    });
    return created!;
  },

  /** Optimistic: only when the stored version is still `basedOn`; undefined means someone saved first. */
  async saveVersion(
    db: Db,
    name: string,
    basedOn: number,
    change: Pick<RuleRow, 'description' | 'script' | 'clientCallable' | 'active' | 'updatedBy'>,
  ): Promise<RuleRow | undefined> {
    const [saved] = await db
      .update(rules)
      .set({ ...change, version: basedOn + 1, updatedAt: new Date() })
      .where(and(eq(rules.name, name), eq(rules.version, basedOn)))
      .returning();
    if (!saved) return undefined;
    await db.insert(ruleVersions).values({
      name,
      version: saved.version,
      description: saved.description,
      script: saved.script,
      clientCallable: saved.clientCallable,
      active: saved.active,
      createdBy: change.updatedBy,
    });
    return saved;
  },

  async setFlags(db: Db, name: string, flags: { active?: boolean; clientCallable?: boolean }, by: string) {
    const [row] = await db
      .update(rules)
      .set({ ...flags, updatedAt: new Date(), updatedBy: by })
      .where(eq(rules.name, name))
      .returning();
    return row;
  },

  async delete(db: Db, name: string): Promise<boolean> {
    await db.delete(ruleVersions).where(eq(ruleVersions.name, name));
    const deleted = await db.delete(rules).where(eq(rules.name, name)).returning({ name: rules.name });
    return deleted.length > 0;
  },

  async versions(db: Db, name: string): Promise<RuleVersionRow[]> {
    return db
      .select()
      .from(ruleVersions)
      .where(eq(ruleVersions.name, name))
      .orderBy(desc(ruleVersions.version));
  },

  async version(db: Db, name: string, version: number): Promise<RuleVersionRow | undefined> {
    const [row] = await db
      .select()
      .from(ruleVersions)
      .where(and(eq(ruleVersions.name, name), eq(ruleVersions.version, version)))
      .limit(1);
    return row;
  },
};
