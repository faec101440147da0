/** The page of one record: its fields as the view lays them out, and the view's related list. */
import type { TableInfo } from '../dictionary/model.ts';
import type { RecordRow } from '../records/types.ts';
import type { ScreenContext } from './context.ts';
import { type FieldView, fieldView } from './record-format.ts';
import { loadJournals } from './record-loader.ts';
import { displayOf, loadReferenceNames } from './references.ts';
import { loadRelatedList, type RelatedList } from './related-list.ts';
import { resolveLayout } from './view-layout.ts';

export type RecordPage = {
  table: { name: string; label: string };
  heading: string;
  view: string;
  fields: FieldView[];
  related: RelatedList | null;
};

export async function buildRecordPage(
  ctx: ScreenContext,
  table: TableInfo,
  row: RecordRow,
  view: string,
): Promise<RecordPage> {
  const dictionary = ctx.dictionary();
  const sysId = String(row.sys_id);
  const layout = await resolveLayout(ctx.reader, dictionary, table, view);
  const [names, journals, related] = await Promise.all([
    loadReferenceNames(ctx.reader, dictionary, layout.fields, [row]),
    loadJournals(ctx.database, table, sysId, layout.fields),
    layout.relatedList ? loadRelatedList(ctx.reader, dictionary, layout.relatedList, sysId) : null,
  ]);
  return {
    table: { name: table.name, label: table.label },
    heading: displayOf(table, row),
    view,
    fields: layout.fields.map((c) => fieldView(c, row[c.name] ?? null, names, journals)),
    related,
  };
}
