/** The business tables every ctihost starts with: the names and columns rule authors know. */
import type { TableDefinitionInput } from './definition.ts';

const level = (labels: string[]) => labels.map((label, index) => ({ value: index + 1, label }));

export const SHIPPED_TABLES: TableDefinitionInput[] = [
  {
    name: 'sys_user',
    label: 'User',
    displayField: 'name',
    columns: [
      { name: 'user_name', type: 'string', label: 'User ID' },
      { name: 'name', type: 'string' },
      { name: 'first_name', type: 'string' },
      { name: 'last_name', type: 'string' },
      { name: 'employee_number', type: 'string' },
      { name: 'email', type: 'email' },
      { name: 'phone', type: 'phone', label: 'Business phone' },
      { name: 'mobile_phone', type: 'phone' },
      { name: 'company', type: 'string' },
      { name: 'department', type: 'string' },
      { name: 'location', type: 'string' },
      { name: 'title', type: 'string' },
      { name: 'vip', type: 'boolean', label: 'VIP' },
      { name: 'active', type: 'boolean' },
    ],
  },
  {
    name: 'task',
    label: 'Task',
    numberPrefix: 'TASK',
    displayField: 'number',
    columns: [
      { name: 'number', type: 'string' },
      { name: 'short_description', type: 'string' },
      { name: 'description', type: 'string' },
      {
        name: 'state',
        type: 'integer',
        // ServiceNow's task states keep their numbers: code compares `state == 6` for resolved.
        choices: [
          { value: 1, label: 'New' },
          { value: 2, label: 'In Progress' },
          { value: 3, label: 'On Hold' },
          { value: 6, label: 'Resolved' },
          { value: 7, label: 'Closed' },
          { value: 8, label: 'Canceled' },
        ],
      },
      { name: 'active', type: 'boolean' },
      {
        name: 'priority',
        type: 'integer',
        choices: level(['1 - Critical', '2 - High', '3 - Moderate', '4 - Low', '5 - Planning']),
      },
      { name: 'impact', type: 'integer', choices: level(['1 - High', '2 - Medium', '3 - Low']) },
      { name: 'urgency', type: 'integer', choices: level(['1 - High', '2 - Medium', '3 - Low']) },
      { name: 'caller_id', type: 'reference', reference: 'sys_user', label: 'Caller' },
      { name: 'opened_by', type: 'reference', reference: 'sys_user' },
      { name: 'assigned_to', type: 'reference', reference: 'sys_user' },
      { name: 'assignment_group', type: 'string' },
      {
        name: 'category',
        type: 'choice',
        choices: ['inquiry', 'software', 'hardware', 'network', 'database'].map((value) => ({
          value,
          label: value[0]!.toUpperCase() + value.slice(1),
        })),
      },
      {
        name: 'contact_type',
        type: 'choice',
        choices: ['phone', 'email', 'self-service', 'walk-in', 'chat'].map((value) => ({
          value,
          label: value,
        })),
      },
      { name: 'opened_at', type: 'datetime' },
      { name: 'work_notes', type: 'journal' },
      { name: 'comments', type: 'journal', label: 'Additional comments' },
    ],
  },
  { name: 'incident', label: 'Incident', extends: 'task', numberPrefix: 'INC', columns: [] },
  {
    name: 'cmn_notif_device',
    label: 'Notification Device',
    displayField: 'name',
    columns: [
      { name: 'user', type: 'reference', reference: 'sys_user' },
      { name: 'name', type: 'string' },
      {
        name: 'type',
        type: 'choice',
        choices: ['Email', 'SMS', 'Voice'].map((value) => ({ value, label: value })),
      },
      { name: 'phone_number', type: 'phone' },
      { name: 'email_address', type: 'email' },
      { name: 'active', type: 'boolean' },
    ],
  },
  {
    name: 'sys_ui_view',
    label: 'View',
    displayField: 'name',
    columns: [
      { name: 'name', type: 'string' },
      { name: 'title', type: 'string' },
      { name: 'view_table', type: 'string', label: 'Table' },
      /** Comma-separated fields, in order. */
      { name: 'fields', type: 'string' },
      /** A related list shown under the record: `<table>.<reference field>[^<encoded query>]`. */
      { name: 'related_list', type: 'string' },
    ],
  },
  {
    name: 'cti_caller_pick',
    label: 'CTI caller pick',
    displayField: 'phone',
    // The agent's pick among several callers sharing a number (SPEC §6.3): a business table, so the
    // default rule reads it with GlideRecord like any other, and admins can see and clear picks.
    columns: [
      { name: 'phone', type: 'phone' },
      { name: 'user', type: 'reference', reference: 'sys_user' },
      { name: 'picked_by', type: 'string' },
    ],
  },
];
