/**
 * @rule CTIProcessing
 * @description The default rule: identifies the caller and pops their screen, a picker, a task or a new incident.
 * @clientCallable true
 * @active true
 */
// Runs for every /cti.do call without sysparm_cti_rule. Written the way a ServiceNow admin writes
// CTI rules, so it reads as an example: GlideRecord queries, string-built URLs, `answer` at the end.
//
// By the time this runs, the processor has merged the valid sysparm_<field> values of the call into
// sysparm_query (priority=1^category=network), so one encoded query carries the whole pre-fill.

var view = sysparm_view || 'cti';

// URL-encode a value, keeping the characters of encoded queries readable (= ^ , @ :).
function urlValue(value) {
  return encodeURIComponent(value)
    .replace(/%3D/g, '=')
    .replace(/%5E/g, '^')
    .replace(/%2C/g, ',')
    .replace(/%40/g, '@')
    .replace(/%3A/g, ':');
}

function newIncident(callerId) {
  var parts = [];
  if (callerId) parts.push('caller_id=' + callerId);
  parts.push('contact_type=phone');
  if (sysparm_query) parts.push(sysparm_query);
  return (
    'incident.do?sys_id=-1&sysparm_query=' + urlValue(parts.join('^')) + '&sysparm_view=' + urlValue(view)
  );
}

// The active users matching `field = value` for any of the fields, at most a handful: more is a
// picker anyway. addQuery/addOrCondition escape the value, so a caller id holding ^ stays a value.
function findUsers(fields, value) {
  var ids = [];
  var user = new GlideRecord('sys_user');
  user.addActiveQuery();
  var condition = user.addQuery(fields[0], value);
  for (var i = 1; i < fields.length; i++) condition.addOrCondition(fields[i], value);
  user.setLimit(10);
  user.query();
  while (user.next()) ids.push(user.getUniqueValue());
  return ids;
}

// Every phone column of sys_user, so numbers in columns a shop added (u_home_phone) count too.
function phoneColumns() {
  var columns = [];
  var user = new GlideRecord('sys_user');
  var elements = user.getElements();
  for (var i = 0; i < elements.length; i++) {
    if (elements[i].getED().getInternalType() == 'phone') columns.push(elements[i].getName());
  }
  return columns;
}

function findUsersByPhone(phone) {
  var columns = phoneColumns();
  var ids = columns.length ? findUsers(columns, phone) : [];
  // Numbers registered as notification devices (a mobile, a desk phone) find their user too.
  var device = new GlideRecord('cmn_notif_device');
  device.addQuery('phone_number', phone);
  device.addQuery('active', true);
  device.query();
  while (device.next()) {
    var owner = device.user.getRefRecord();
    if (owner.isValidRecord() && owner.active == true && ids.indexOf(owner.getUniqueValue()) < 0) {
      ids.push(owner.getUniqueValue());
    }
  }
  return ids;
}

// The agent's earlier pick among the callers sharing this number, if it is still one of them.
function rememberedPick(phone, candidates) {
  if (!phone) return null;
  var pick = new GlideRecord('cti_caller_pick');
  pick.addQuery('phone', phone);
  pick.orderByDesc('sys_updated_on');
  pick.setLimit(1);
  pick.query();
  if (pick.next() && candidates.indexOf(pick.getValue('user')) >= 0) return pick.getValue('user');
  return null;
}

function callerScreen(userId) {
  var open = new GlideRecord('incident');
  open.addQuery('caller_id', userId);
  open.addActiveQuery();
  open.setLimit(1);
  open.query();
  if (open.hasNext()) return 'sys_user.do?sys_id=' + userId + '&sysparm_view=' + urlValue(view);
  return newIncident(userId);
}

function picker(candidates) {
  var url = 'cti_pick.do?sysparm_candidates=' + candidates.join(',') + '&sysparm_view=' + urlValue(view);
  if (sysparm_caller_phone) url += '&sysparm_caller_phone=' + urlValue(sysparm_caller_phone);
  if (sysparm_query) url += '&sysparm_query=' + urlValue(sysparm_query);
  return url;
}

var callers = [];
if (sysparm_caller_id) {
  callers = findUsers(['employee_number', 'user_name', 'sys_id'], sysparm_caller_id);
}
if (callers.length == 0 && sysparm_caller_name) {
  callers = findUsers(['name'], sysparm_caller_name);
}
var byPhone = false;
if (callers.length == 0 && sysparm_caller_phone) {
  callers = findUsersByPhone(sysparm_caller_phone);
  byPhone = true;
}
if (callers.length == 0 && sysparm_caller_email) {
  callers = findUsers(['email'], sysparm_caller_email);
}

if (callers.length == 1) {
  answer = callerScreen(callers[0]);
} else if (callers.length > 1) {
  var picked = byPhone ? rememberedPick(sysparm_caller_phone, callers) : null;
  // The screen offers "not this caller?", which forgets the pick and shows the picker again.
  answer = picked ? callerScreen(picked) + '&sysparm_cti_picked=' + urlValue(sysparm_caller_phone) : picker(callers);
} else if (sysparm_task_id) {
  var task = new GlideRecord('task');
  if (task.get('number', sysparm_task_id)) {
    if (typeof ctiRecordTaskCall == 'function') {
      ctiRecordTaskCall({
        task: task.getUniqueValue(),
        caller: sysparm_caller_name || sysparm_caller_phone || 'unknown caller',
      });
    }
    answer =
      task.getRecordClassName() + '.do?sys_id=' + task.getUniqueValue() + '&sysparm_view=' + urlValue(view);
  }
}
if (!answer) answer = newIncident(null);
