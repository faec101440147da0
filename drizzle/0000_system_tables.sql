CREATE TABLE "accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "call_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"call_id" text,
	"rule" text NOT NULL,
	"rule_version" integer,
	"params" jsonb NOT NULL,
	"outcome" text NOT NULL,
	"answer" text,
	"error" jsonb,
	"duration_ms" integer NOT NULL,
	"logs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reads" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"writes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"actor" text
);
--> statement-breakpoint
CREATE TABLE "dict_columns" (
	"table_name" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"label" text NOT NULL,
	"reference" text,
	"choices" jsonb,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dict_columns_table_name_name_pk" PRIMARY KEY("table_name","name")
);
--> statement-breakpoint
CREATE TABLE "dict_tables" (
	"name" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"extends" text,
	"storage" text NOT NULL,
	"number_prefix" text,
	"display_field" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_versions" (
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"script" text NOT NULL,
	"client_callable" boolean NOT NULL,
	"active" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	CONSTRAINT "rule_versions_name_version_pk" PRIMARY KEY("name","version")
);
--> statement-breakpoint
CREATE TABLE "rules" (
	"name" text PRIMARY KEY NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"script" text NOT NULL,
	"client_callable" boolean DEFAULT true NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "write_audit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"call_id" text,
	"chain" jsonb NOT NULL,
	"table_name" text NOT NULL,
	"sys_id" uuid NOT NULL,
	"operation" text NOT NULL,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
ALTER TABLE "dict_columns" ADD CONSTRAINT "dict_columns_table_name_dict_tables_name_fk" FOREIGN KEY ("table_name") REFERENCES "public"."dict_tables"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_hash_idx" ON "api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "call_log_at_idx" ON "call_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "call_log_rule_idx" ON "call_log" USING btree ("rule","at");--> statement-breakpoint
CREATE INDEX "call_log_call_id_idx" ON "call_log" USING btree ("call_id");--> statement-breakpoint
CREATE INDEX "sessions_account_idx" ON "sessions" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "write_audit_at_idx" ON "write_audit" USING btree ("at");--> statement-breakpoint
CREATE INDEX "write_audit_record_idx" ON "write_audit" USING btree ("table_name","sys_id");