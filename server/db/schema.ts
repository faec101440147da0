/**
 * System tables. They live in the `public` schema and are never reachable from a rule:
 * the sandbox only ever sees the business tables of the data dictionary (schema `biz`).
 * Business tables are deliberately absent here: their DDL comes from the dictionary.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** The data dictionary: one row per business table (ServiceNow's sys_db_object). */
export const dictTables = pgTable('dict_tables', {
  name: text('name').primaryKey(),
  label: text('label').notNull(),
  extends: text('extends'),
  /** The physical table holding this table's rows: the root of its hierarchy. */
  storage: text('storage').notNull(),
  numberPrefix: text('number_prefix'),
  displayField: text('display_field'),
  createdAt: createdAt(),
});

/** One row per column of a business table (ServiceNow's sys_dictionary). */
export const dictColumns = pgTable(
  'dict_columns',
  {
    table: text('table_name')
      .notNull()
      .references(() => dictTables.name),
    name: text('name').notNull(),
    type: text('type').notNull(),
    label: text('label').notNull(),
    reference: text('reference'),
    choices: jsonb('choices').$type<{ value: string | number; label: string }[]>(),
    position: integer('position').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.table, t.name] })],
);

export const rules = pgTable('rules', {
  name: text('name').primaryKey(),
  description: text('description').notNull().default(''),
  script: text('script').notNull(),
  clientCallable: boolean('client_callable').notNull().default(true),
  active: boolean('active').notNull().default(true),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by').notNull(),
});

export const ruleVersions = pgTable(
  'rule_versions',
  {
    name: text('name').notNull(),
    version: integer('version').notNull(),
    description: text('description').notNull().default(''),
    script: text('script').notNull(),
    clientCallable: boolean('client_callable').notNull(),
    active: boolean('active').notNull(),
    createdAt: createdAt(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
);

export const callLog = pgTable(
  'call_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    callId: text('call_id'),
    rule: text('rule').notNull(),
    ruleVersion: integer('rule_version'),
    params: jsonb('params').$type<Record<string, string>>().notNull(),
    outcome: text('outcome').notNull(),
    answer: text('answer'),
    error: jsonb('error').$type<{ code: string; message: string }>(),
    durationMs: integer('duration_ms').notNull(),
    logs: jsonb('logs').$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
    reads: jsonb('reads').$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
    writes: jsonb('writes').$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
    actor: text('actor'),
  },
  (t) => [
    index('call_log_at_idx').on(t.at),
    index('call_log_rule_idx').on(t.rule, t.at),
    index('call_log_call_id_idx').on(t.callId),
  ],
);

export const writeAudit = pgTable(
  'write_audit',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    callId: text('call_id'),
    chain: jsonb('chain').$type<string[]>().notNull(),
    table: text('table_name').notNull(),
    sysId: uuid('sys_id').notNull(),
    operation: text('operation').notNull(),
    before: jsonb('before').$type<Record<string, unknown>>(),
    after: jsonb('after').$type<Record<string, unknown>>(),
  },
  (t) => [index('write_audit_at_idx').on(t.at), index('write_audit_record_idx').on(t.table, t.sysId)],
);

export const accounts = pgTable('accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role').$type<'admin' | 'agent'>().notNull(),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: createdAt(),
});

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie value: a leaked table does not log anyone in. */
    tokenHash: text('token_hash').primaryKey(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_account_idx').on(t.accountId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    createdBy: text('created_by').notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('api_tokens_hash_idx').on(t.tokenHash)],
);
